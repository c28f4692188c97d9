// gradscape player, step report: a view that asks for it (`reportStep` in its data) hears where the
// playhead rests. Once the playhead has stood still for REPORT_DELAY_MS, not playing, its step goes
// back as the trigger value `step`; a step already reported is not sent again, so the rerun that
// answers it (same data, same step) sends nothing and cannot loop. The other way, the data's `step`
// (a link's t) places the playhead when the player opens and whenever a later payload asks for
// another step, unless that step is the one this player reported (the page's echo of its report).

const REPORT_DELAY_MS = 250;

const REPORT = {
  takeAskedStep(step) {
    const k = Math.max(0, Math.min(this.T, Math.round(step || 0)));
    if (k !== this.asked && k !== this.reported) this.t = k;
    this.asked = k;
    if (this.reported === null) this.reported = this.t; // where the player opens is no news
  },

  scheduleReport(t) {
    clearTimeout(this.reportTimer);
    if (!this.reportsStep || this.playing || t === this.reported) return;
    this.reportTimer = setTimeout(() => {
      if (this.playing || this.t === this.reported) return;
      this.reported = this.t;
      this.root.dataset.reported = String(this.t);
      this.setTriggerValue("step", this.t);
    }, REPORT_DELAY_MS);
  },
};
