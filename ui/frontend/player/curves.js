// gradscape player, curves: every run's learning-rate and loss curves drawn by plotly once per data
// update; the playhead's dashed line and markers on a canvas over each. On a log loss axis the
// gap f − f* is drawn down to the payload's floor (`lossFloor`): what lies below it is float32
// rounding, not progress, so a path that reached the minimum runs flat along the floor.

const CURVES = {
  curveY(v) {
    return this.lossLog ? Math.max(v - this.lossFstar, this.lossFloor) : v;
  },

  async drawCurves() {
    const L = this.L;
    this.lossLog = this.logLoss && L.fstar !== null;
    this.lossFstar = this.lossLog ? L.fstar : 0;
    const key = `${this.runsKey}|${this.lossLog}|${L.key}|${this.fontSize}|${this.lossFloor}`;
    if (this.drawn.curves === key) return;
    const T = this.T;
    const fs = this.fontSize;
    const lrTraces = [];
    const lossTraces = [];
    const line = (run, track, y, hover) => ({
      type: "scatter", mode: "lines", name: plotlyText(run.label), line: { color: run.color, width: 2 },
      x: Array.from(track.steps), y: Array.from(track.values, y),
      hovertemplate: `${plotlyText(run.label)}<br>step %{x}: ${hover}<extra></extra>`,
    });
    const lr = { lo: Infinity, hi: 0 };
    const loss = { lo: Infinity, hi: 0 };
    const extend = (range, v) => {
      if (v > 0 && v < range.lo) range.lo = v;
      if (v > range.hi && Number.isFinite(v)) range.hi = v;
    };
    this.curveRuns = { lr: [], loss: [] }; // each plotly trace's run (tune.js fades a scrubbed run's)
    this.committed.forEach((run, r) => {
      for (const rate of run.rates) {
        lrTraces.push(line(run, rate, (v) => v, "η = %{y:.3g}"));
        this.curveRuns.lr.push(r);
        rate.values.forEach((v) => extend(lr, v));
      }
      for (const track of run.losses) {
        const trace = line(run, track, (v) => this.curveY(v), this.lossLog ? "%{text}%{y:.4g}" : "%{y:.4g}");
        if (this.lossLog) trace.text = trace.y.map((y) => (y <= this.lossFloor ? "≤ " : ""));
        trace.y.forEach((v) => extend(loss, v));
        lossTraces.push(trace);
        this.curveRuns.loss.push(r);
      }
    });
    const pixels = this.panels.lr.clientHeight - 5.6 * fs; // the panel less its top and bottom margins
    const axisTitle = (text) => ({ text, standoff: Math.round(0.5 * fs) });
    const xaxis = { range: [0, T], title: axisTitle("step"), zeroline: false, automargin: true };
    const floored = this.lossLog && loss.lo <= this.lossFloor;
    const lossTitle = (this.lossLog ? (L.fstar === 0 ? "loss f (log)" : "f − f* (log)") : "loss f")
      + (floored ? ` · ≤${powerLabel(Math.round(Math.log10(this.lossFloor)))} is float32 rounding` : "");
    const title = (text) => ({ text, font: { size: fs + 1 }, x: 0.02 });
    const plots = [
      [this.gd.lr, lrTraces, this.layout({ uirevision: "lr", title: title("learning rate η (log)"), xaxis,
        yaxis: { ...logAxis(lr.lo, lr.hi, pixels, fs), automargin: true } })],
      [this.gd.loss, lossTraces, this.layout({ uirevision: `loss${this.lossLog}`, title: title(lossTitle), xaxis,
        yaxis: { ...(this.lossLog ? this.flooredAxis(loss, pixels) : { type: "linear" }), automargin: true } })],
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

  // The log loss axis; where a curve lies on the floor, the floor's tick says "≤".
  flooredAxis(loss, pixels) {
    const axis = logAxis(loss.lo, loss.hi, pixels, this.fontSize);
    if (axis.tickvals && loss.lo <= this.lossFloor) {
      axis.ticktext = axis.ticktext.map((text, i) => (Math.abs(Math.log10(axis.tickvals[i] / this.lossFloor)) < 1e-6 ? `≤${text}` : text));
    }
    return axis;
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
    const y = (v) => g.py(which === "lr" ? v : this.curveY(v));
    for (const run of this.runs) {
      if (run.ghost) this.drawScrubbedCurves(ctx, g, run, which === "lr" ? run.rates : run.losses, y);
    }
    for (const run of this.runs) {
      for (const track of which === "lr" ? run.rates : run.losses) {
        const py = y(sample(track, k));
        if (Number.isFinite(py)) dot(ctx, x, py, 5, run.color, "white", 1.5);
      }
    }
    ctx.restore();
    this.panels[which].dataset.step = String(t);
  },

  // A scrubbed run's whole curves, over its faded plotly ones (tune.js), with a white edge.
  drawScrubbedCurves(ctx, g, run, tracks, y) {
    const lines = tracks.map((track) => track.steps.map((step, i) => {
      const py = y(track.values[i]);
      return Number.isFinite(py) ? [g.px(step), py] : null;
    }));
    strokeEdged(ctx, lines, run.color, 4, 2.2);
  },
};
