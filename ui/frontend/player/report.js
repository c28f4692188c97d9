// optiviz player, step report: a view that asks for it (`reportStep` in its data) hears where the
// playhead rests. Once the playhead has stood still for REPORT_DELAY_MS, not playing, its step goes
// back as the trigger value `step`; a step already reported is not sent again, so the rerun that
// answers it (same data, same step) sends nothing and cannot loop.

const REPORT_DELAY_MS = 250;

const REPORT = {
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
