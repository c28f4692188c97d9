// The learning-rate slider (components v2): log-spaced stops on a native range input. A drag commits
// when released; arrow, Page and Home/End keys move the stop at once but commit only after a pause
// (DEBOUNCE_MS), on Enter or when the slider loses focus, so a run of key presses is one rerun. The
// committed stop goes back as the trigger value `rate`; the root's data-value shows the stop under
// the thumb (also drawn above it) and data-commits counts the commits (for tests).

const DEBOUNCE_MS = 450;
const THUMB_PX = 16; // Chromium's range thumb: the value above it follows its centre
const KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End"]);

class RateSlider {
  constructor(parent) {
    this.root = parent.querySelector(".ovz-rate");
    this.name = this.root.querySelector(".ovz-rate-label");
    this.shown = this.root.querySelector(".ovz-rate-value");
    this.input = this.root.querySelector("input");
    this.timer = null;
    this.keyed = false;
    this.root.dataset.commits = "0";
    this.input.addEventListener("keydown", (e) => this.onKey(e));
    this.input.addEventListener("input", () => this.show());
    this.input.addEventListener("change", () => (this.keyed ? this.later() : this.commit()));
    this.input.addEventListener("blur", () => this.timer !== null && this.commit());
  }

  receive(data, setTriggerValue) {
    this.setTriggerValue = setTriggerValue;
    this.options = data.options;
    this.labels = data.labels;
    this.name.textContent = data.label;
    this.root.style.setProperty("--ovz-rate-dot", data.color || "transparent");
    this.input.setAttribute("aria-label", data.label);
    this.input.max = String(this.options.length - 1);
    if (this.timer === null) {
      this.committed = data.index;
      this.input.value = String(data.index);
    }
    this.show();
  }

  show() {
    const index = Number(this.input.value);
    const label = this.labels[index];
    const at = this.options.length > 1 ? index / (this.options.length - 1) : 0;
    this.shown.textContent = label;
    this.shown.style.left = `clamp(1.4em, calc(${at} * (100% - ${THUMB_PX}px) + ${THUMB_PX / 2}px), calc(100% - 1.4em))`;
    this.input.setAttribute("aria-valuetext", label);
    this.root.dataset.value = label;
  }

  onKey(e) {
    if (e.key === "Enter") this.commit();
    this.keyed = KEYS.has(e.key);
  }

  later() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.commit(), DEBOUNCE_MS);
  }

  commit() {
    clearTimeout(this.timer);
    this.timer = null;
    this.keyed = false;
    const index = Number(this.input.value);
    if (index === this.committed) return;
    this.committed = index;
    this.root.dataset.commits = String(Number(this.root.dataset.commits) + 1);
    this.setTriggerValue("rate", this.options[index]);
  }

  destroy() {
    clearTimeout(this.timer);
  }
}

const sliders = new WeakMap();

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let slider = sliders.get(parentElement);
  if (!slider) {
    slider = new RateSlider(parentElement);
    sliders.set(parentElement, slider);
  }
  slider.receive(data, setTriggerValue);
  return () => {
    slider.destroy();
    sliders.delete(parentElement);
  };
}
