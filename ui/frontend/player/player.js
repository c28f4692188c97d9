// gradscape player, the core: one Player per host element holds the runs and the panels (2-D map,
// 3-D surface, learning-rate and loss curves; a network's decision boundary where the data has
// one) that one playhead drives.
//
// Plotly draws what changes rarely (contour, surface, full curves); the playhead and a scrub move only
// cheap things on canvas layers (map2d.js, drag.js, map3d.js, curves.js, boundary.js, tune.js). The host (streamlit.js, standalone.js)
// calls `receive` with new data; the player lives on, so camera, zoom and playhead survive updates.
// The plots' type grows with the player's width (common.js, fontForWidth); a resize that changes it
// redraws them.

class Player {
  constructor(parent, { clickable = true } = {}) {
    this.root = parent.querySelector(".ovz");
    this.hostClickable = clickable;
    this.clickable = clickable;
    const q = (sel) => this.root.querySelector(sel);
    this.panels = { map2d: q(".ovz-map2d"), map3d: q(".ovz-map3d"), lr: q(".ovz-lr"), loss: q(".ovz-loss"), boundary: q(".ovz-boundary") };
    this.gd = Object.fromEntries(Object.entries(this.panels).map(([k, p]) => [k, p.querySelector(".ovz-plot")]));
    this.layers = {
      paths: q(".ovz-map2d .ovz-paths"),
      trail: q(".ovz-map2d .ovz-trail"),
      heads: q(".ovz-map2d .ovz-heads"),
      heads3d: q(".ovz-map3d .ovz-heads"),
      lr: q(".ovz-lr .ovz-heads"),
      loss: q(".ovz-loss .ovz-heads"),
      boundary: q(".ovz-boundary .ovz-image"),
    };
    this.ui = {
      message: q(".ovz-message"), scrub: q(".ovz-scrub"), step: q(".ovz-step"), play: q(".ovz-play"),
      speed: q(".ovz-speed"), loop: q(".ovz-loop"), legend: q(".ovz-legend"),
      boundaryRun: q(".ovz-boundary-run"), boundaryCaption: q(".ovz-boundary-caption"), boundarySwatch: q(".ovz-boundary .ovz-swatch"),
    };
    this.t = 0;
    this.tf = 0;
    this.T = 0;
    this.frames = 0;
    this.playing = false;
    this.runs = [];
    this.drawn = { map2d: null, map3d: null, curves: null, boundary: null }; // what each plot currently shows
    this.boundary = null; // a network's decision boundary (boundary.js), when the data has one
    this.boundaryRun = 0;
    this.trailStep = -1;
    this.pending = null;
    this.busy = false;
    this.clickTimer = null;
    this.reportTimer = null;
    this.reported = null; // the last step sent back (report.js)
    this.asked = null; // the last step the data asked for (report.js)
    this.played = null; // the last playback a page asked for (`play` in its data)
    this.setTriggerValue = () => {};
    this.tick = this.tick.bind(this);
    this.committed = []; // the runs as the data sent them; `runs` is what is drawn (tune.js: a scrub swaps members in)
    this.initTune();
    this.initDrag();
    this.bindControls();
    this.root.ovzPlayer = this; // for the benchmarks (benchmarks/scrub.py times its panels' redraws)
    this.resizer = new ResizeObserver(() => this.resize());
    Object.values(this.panels).forEach((panel) => this.resizer.observe(panel));
  }

  receive(data, setTriggerValue) {
    if (setTriggerValue) this.setTriggerValue = setTriggerValue;
    this.pending = data;
    if (!this.busy) this.pump();
  }

  async pump() {
    this.busy = true;
    while (this.pending) {
      const data = this.pending;
      this.pending = null;
      try {
        await this.apply(data);
        this.ui.message.textContent = "";
        this.ui.message.classList.remove("ovz-error");
      } catch (err) {
        this.ui.message.textContent = `The player could not draw: ${err.message}`;
        this.ui.message.classList.add("ovz-error");
      }
    }
    this.busy = false;
  }

  async apply(data) {
    this.applying = true;
    try {
      await this.update(data);
    } finally {
      this.applying = false;
    }
  }

  async update(data) {
    const L = data.landscape;
    let boundaryFrames;
    [this.Plotly, this.grid, boundaryFrames] = await Promise.all([loadPlotly(data.plotly), loadGrid(L), loadBoundary(data.boundary)]);
    this.L = L;
    this.T = data.steps;
    this.logLoss = data.logLoss;
    this.lossFloor = data.lossFloor;
    this.clickable = this.hostClickable && data.clickable !== false; // a view whose map clicks mean nothing says so
    this.draggable = this.clickable && !!data.draggable; // a page whose start points are free says so
    if (this.drag && this.drag.sent) this.dropDrag(); // the rerun a drop asked for (a drag still held stays)
    this.reportsStep = !!data.reportStep;
    this.takeAskedStep(data.step);
    this.committed = data.runs.map(decodeRun);
    this.receiveTune(data);
    this.runs = this.shownRuns();
    this.root.classList.remove("ovz-view-2d", "ovz-view-3d", "ovz-view-both");
    this.root.classList.add(`ovz-view-${data.view}`);
    this.root.classList.toggle("ovz-present", !!data.presentation);
    this.root.classList.toggle("ovz-has-boundary", !!data.boundary);
    this.view = data.view;
    this.data = data;
    this.presenting = !!data.presentation;
    this.fontSize = this.chartFont();
    this.root.style.setProperty("--ovz-font", `${this.fontSize}px`);
    this.runsKey = this.committed.map((r) => `${r.digest}:${r.color}:${r.label}`).join("|") + `|${this.T}`;
    this.t = Math.min(this.t, this.T);
    this.tf = this.t;
    this.ui.scrub.max = String(this.T);
    this.trailStep = -1;
    await this.drawCurves();
    if (this.visible("map2d")) await this.drawMap2d();
    if (this.visible("map3d")) await this.drawMap3d();
    await this.drawBoundary(data.boundary, boundaryFrames);
    this.drawPaths();
    this.renderStep(this.t);
    this.drawLegend();
    if (data.play && data.play !== this.played) { // a page asks for one playback from the start (an exercise's reveal)
      this.played = data.play;
      this.seek(0);
      this.play();
    }
    this.root.dataset.paths = this.checksum();
    this.markTuned();
    this.root.dataset.start = this.runs.length ? `${this.runs[0].pos[0]},${this.runs[0].pos[1]}` : "";
    this.root.dataset.view = this.view;
    this.root.dataset.ready = "1";
    this.fetchFamilies(); // after the first paths: a family never delays them
  }

  visible(name) {
    return this.view === "both" || (name === "map2d" ? this.view === "2d" : name === "map3d" ? this.view === "3d" : true);
  }

  chartFont() {
    return fontForWidth(this.root.clientWidth, this.presenting);
  }

  layout(extra) {
    const font = getComputedStyle(this.root).fontFamily;
    return {
      margin: marginsFor(this.fontSize),
      font: { family: font, size: this.fontSize },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      showlegend: false,
      hovermode: "closest",
      ...extra,
    };
  }

  drawLegend() {
    const legend = this.ui.legend;
    legend.replaceChildren(
      ...this.runs.map((run) => {
        const item = document.createElement("span");
        const swatch = document.createElement("i");
        swatch.style.background = run.color;
        const note = document.createElement("small");
        note.textContent = [run.note, run.n === 1 ? run.status[0] : `${run.n} starts`].filter(Boolean).join(" · ");
        item.append(swatch, document.createTextNode(run.label), note);
        return item;
      }),
    );
  }

  checksum() {
    let sum = 0;
    for (const run of this.runs) {
      for (let i = 0; i < run.pos.length; i++) sum += run.pos[i] * ((i % 7) + 1);
    }
    return `${this.runs.length}:${sum.toFixed(6)}`;
  }

  resize() {
    if (!this.Plotly || !this.data) return;
    if (this.chartFont() !== this.fontSize) {
      this.receive(this.data); // redrawn in the new type (plotly resizes as it redraws)
      return;
    }
    for (const name of ["map2d", "map3d", "lr", "loss", "boundary"]) {
      const gd = this.gd[name];
      if (gd._fullLayout && gd.offsetParent !== null) this.plotlyOf(name).Plots.resize(gd);
    }
  }

  destroy() {
    this.pause();
    clearTimeout(this.clickTimer);
    clearTimeout(this.reportTimer);
    this.resizer.disconnect();
    Object.entries(this.gd).forEach(([name, gd]) => this.plotlyOf(name) && this.plotlyOf(name).purge(gd));
  }

  // The plotly.js instance that draws panel `name`: the gl3d bundle's for the 3-D surface.
  plotlyOf(name) {
    return name === "map3d" ? this.Plotly3d : this.Plotly;
  }
}

Object.assign(Player.prototype, MAP2D, DRAG, MAP3D, CURVES, BOUNDARY, PLAYHEAD, REPORT, TUNE);
