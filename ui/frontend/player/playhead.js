// gradscape player, the playhead: one step for every panel, moved by play/pause, the step buttons,
// the scrub bar and the keyboard (with the focus anywhere in the player).

const ICON_PLAY = '<svg viewBox="0 0 16 16"><path d="M4 2v12l10-6z"/></svg>';
const ICON_PAUSE = '<svg viewBox="0 0 16 16"><path d="M3 2h4v12H3zM9 2h4v12H9z"/></svg>';

// Keys and what they do; PageUp/PageDown (a presenter's remote) jump a tenth of the run.
const PLAYER_KEYS = {
  " ": "play", ArrowLeft: "back", ArrowRight: "forward", Home: "first", End: "last", PageUp: "jumpBack", PageDown: "jumpForward",
};

const PLAYHEAD = {
  renderStep(t) {
    this.t = t;
    if (this.visible("map2d") && this.geometry && this.drawn.map2d) {
      this.drawTrail(t);
      this.drawHeads(t);
      this.panels.map2d.dataset.step = String(t);
    }
    if (this.visible("map3d") && this.drawn.map3d) this.draw3dHeads(t);
    if (this.drawn.curves) {
      this.drawCurveHeads("lr", t);
      this.drawCurveHeads("loss", t);
    }
    if (this.boundary) this.drawBoundaryFrame(t);
    this.ui.scrub.value = String(t);
    this.ui.step.textContent = `step ${t} / ${this.T}`;
    this.frames += 1;
    this.root.dataset.step = String(t);
    this.root.dataset.frames = String(this.frames);
    this.scheduleReport(t);
  },

  seek(t) {
    const k = Math.max(0, Math.min(this.T, Math.round(t)));
    this.tf = k;
    if (k !== this.t) this.renderStep(k);
  },

  stepsPerSecond() {
    const chosen = Number(this.ui.speed.value);
    return chosen > 0 ? chosen : Math.max(10, this.T / 8);
  },

  play() {
    if (!this.runs.length) return;
    if (this.t >= this.T) this.seek(0);
    this.playing = true;
    this.last = performance.now();
    this.tf = this.t;
    this.showPlaying(true);
    requestAnimationFrame(this.tick);
  },

  pause() {
    this.playing = false;
    this.showPlaying(false);
    this.scheduleReport(this.t);
  },

  showPlaying(on) {
    this.ui.play.innerHTML = on ? ICON_PAUSE : ICON_PLAY;
    this.ui.play.setAttribute("aria-label", on ? "Pause" : "Play");
    this.root.dataset.playing = on ? "1" : "0";
  },

  tick(now) {
    if (!this.playing) return;
    const dt = Math.max(0, Math.min(0.25, (now - this.last) / 1000)); // a frame's time can precede the click's
    this.last = now;
    this.tf += this.stepsPerSecond() * dt;
    if (this.tf >= this.T + 1) {
      if (this.ui.loop.checked) this.tf = 0;
      else {
        this.tf = this.T;
        this.pause();
      }
    }
    const k = Math.min(this.T, Math.floor(this.tf));
    if (k !== this.t && !this.applying) this.renderStep(k);
    if (this.playing) requestAnimationFrame(this.tick);
  },

  bindControls() {
    const jump = () => Math.max(1, Math.round(this.T / 10));
    const actions = {
      first: () => this.seek(0),
      back: () => this.seek(this.t - 1),
      play: () => (this.playing ? this.pause() : this.play()),
      forward: () => this.seek(this.t + 1),
      last: () => this.seek(this.T),
      jumpBack: () => this.seek(this.t - jump()),
      jumpForward: () => this.seek(this.t + jump()),
    };
    const act = (name) => {
      if (name !== "play") this.pause();
      actions[name]();
    };
    this.root.querySelectorAll("button[data-act]").forEach((b) => b.addEventListener("click", () => act(b.dataset.act)));
    this.ui.scrub.addEventListener("input", () => {
      this.pause();
      this.seek(Number(this.ui.scrub.value));
    });
    // The keys work wherever the focus is in the player: on itself, a button or the playhead slider
    // just clicked (whose own keys would do something else: space would press the button again).
    // A select keeps its arrows; a click anywhere else (a plot) gives the player the focus.
    this.root.addEventListener("keydown", (e) => {
      const name = PLAYER_KEYS[e.key];
      if (!name || e.altKey || e.ctrlKey || e.metaKey || e.target.tagName === "SELECT" || e.target.closest(".ovz-tune")) return;
      e.preventDefault();
      if (!e.repeat || name !== "play") act(name);
    });
    this.root.addEventListener("keyup", (e) => {
      if (e.key === " " && e.target.tagName !== "SELECT") e.preventDefault(); // a button clicks on space's keyup
    });
    this.root.addEventListener("pointerdown", (e) => {
      if (!e.target.closest("button, input, select")) this.root.focus({ preventScroll: true });
    });
  },
};
