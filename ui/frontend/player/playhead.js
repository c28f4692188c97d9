// optiviz player, the playhead: one step for every panel, moved by play/pause, the step buttons,
// the scrub bar and the keyboard.

const ICON_PLAY = '<svg viewBox="0 0 16 16"><path d="M4 2v12l10-6z"/></svg>';
const ICON_PAUSE = '<svg viewBox="0 0 16 16"><path d="M3 2h4v12H3zM9 2h4v12H9z"/></svg>';

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
    const actions = {
      first: () => this.seek(0),
      back: () => this.seek(this.t - 1),
      play: () => (this.playing ? this.pause() : this.play()),
      forward: () => this.seek(this.t + 1),
      last: () => this.seek(this.T),
    };
    this.root.querySelectorAll("button[data-act]").forEach((b) => {
      b.addEventListener("click", () => {
        if (b.dataset.act !== "play") this.pause();
        actions[b.dataset.act]();
      });
    });
    this.ui.scrub.addEventListener("input", () => {
      this.pause();
      this.seek(Number(this.ui.scrub.value));
    });
    this.root.addEventListener("keydown", (e) => {
      if (e.target !== this.root) return;
      const key = { " ": "play", ArrowLeft: "back", ArrowRight: "forward", Home: "first", End: "last" }[e.key];
      if (!key) return;
      e.preventDefault();
      if (key !== "play") this.pause();
      actions[key]();
    });
  },
};
