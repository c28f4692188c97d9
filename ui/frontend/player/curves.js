// optiviz player, curves: every run's learning-rate and loss curves drawn by plotly once per data
// update; the playhead's dashed line and markers on a canvas over each.

const CURVES = {
  curveY(v) {
    return this.lossLog ? Math.max(v - this.lossFloor, 1e-16) : v;
  },

  async drawCurves() {
    const L = this.L;
    this.lossLog = this.logLoss && L.fstar !== null;
    this.lossFloor = this.lossLog ? L.fstar : 0;
    const key = `${this.runsKey}|${this.lossLog}|${L.key}|${this.fontSize}`;
    if (this.drawn.curves === key) return;
    const T = this.T;
    const lrTraces = [];
    const lossTraces = [];
    const line = (run, track, y, hover) => ({
      type: "scatter", mode: "lines", name: run.label, line: { color: run.color, width: 2 },
      x: Array.from(track.steps), y: Array.from(track.values, y), hovertemplate: `${run.label}<br>step %{x}: ${hover}<extra></extra>`,
    });
    let lrLo = Infinity;
    let lrHi = 0;
    for (const run of this.runs) {
      for (const rate of run.rates) {
        lrTraces.push(line(run, rate, (v) => v, "η = %{y:.3g}"));
        for (const v of rate.values) {
          if (v > 0 && v < lrLo) lrLo = v;
          if (v > lrHi) lrHi = v;
        }
      }
      for (const loss of run.losses) lossTraces.push(line(run, loss, (v) => this.curveY(v), "%{y:.4g}"));
    }
    const xaxis = { range: [0, T], title: { text: "step" }, zeroline: false };
    const lrDecades = Math.log10(lrHi / lrLo); // under ~1.5 decades plotly would label every digit
    const lossTitle = this.lossLog ? (L.fstar === 0 ? "loss f (log)" : "f − f* (log)") : "loss f";
    const title = (text) => ({ text, font: { size: this.fontSize + 1 }, x: 0.02 });
    const plots = [
      [this.gd.lr, lrTraces, this.layout({ uirevision: "lr", title: title("learning rate η (log)"), xaxis, yaxis: { type: "log", exponentformat: "power", dtick: lrDecades < 1.5 ? "D2" : undefined } })],
      [this.gd.loss, lossTraces, this.layout({ uirevision: `loss${this.lossLog}`, title: title(lossTitle), xaxis, yaxis: { type: this.lossLog ? "log" : "linear", exponentformat: "power" } })],
    ];
    const first = !this.drawn.curves;
    for (const [gd, traces, layout] of plots) {
      if (first) {
        await this.Plotly.newPlot(gd, traces, layout, CONFIG);
        gd.on("plotly_afterplot", () => this.drawCurveHeads(gd === this.gd.lr ? "lr" : "loss", this.t));
      } else {
        await this.Plotly.react(gd, traces, layout, CONFIG);
      }
    }
    this.drawn.curves = key;
  },

  drawCurveHeads(which, t) {
    const gd = this.gd[which];
    const g = plotGeometry(gd);
    if (!g || !this.runs.length) return;
    const ctx = prepareCanvas(this.layers[which], gd);
    ctx.save();
    clipTo(ctx, g);
    const k = which === "lr" ? Math.min(t, this.T - 1) : t;
    const x = g.px(k);
    ctx.strokeStyle = "rgba(80,80,80,0.7)";
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(x, g.y0);
    ctx.lineTo(x, g.y0 + g.h);
    ctx.stroke();
    ctx.setLineDash([]);
    for (const run of this.runs) {
      for (const track of which === "lr" ? run.rates : run.losses) {
        const v = sample(track, k);
        const y = g.py(which === "lr" ? v : this.curveY(v));
        if (Number.isFinite(y)) dot(ctx, x, y, 5, run.color, "white", 1.5);
      }
    }
    ctx.restore();
    this.panels[which].dataset.step = String(t);
  },
};
