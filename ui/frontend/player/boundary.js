// gradscape player, decision boundary: a network's model over its input plane (`data.boundary`, from
// viz/network.py), P(class 1) at the last snapshot frame with step ≤ the playhead, for the run the
// panel's select picks. Plotly draws the axes and the data points over a transparent plot area
// once per data update; the image is painted on a canvas under it, only when the frame or the run
// changes (or the plot's geometry does), so playing and scrubbing never redraw the plot.

const BOUNDARY_STOPS = [[0, [214, 96, 77]], [0.25, [244, 165, 130]], [0.5, [247, 247, 247]], [0.75, [146, 197, 222]], [1, [67, 147, 195]]];
const CLASS_COLORS = ["#b2182b", "#2166ac"];

// RGBA for each P(class 1) × 255: class 0's red through white at 0.5 (the boundary) to class 1's blue.
const BOUNDARY_LUT = (() => {
  const lut = new Uint8ClampedArray(4 * 256);
  for (let v = 0; v < 256; v++) {
    const p = v / 255;
    let k = 0;
    while (p > BOUNDARY_STOPS[k + 1][0]) k++;
    const [p0, c0] = BOUNDARY_STOPS[k];
    const [p1, c1] = BOUNDARY_STOPS[k + 1];
    const u = (p - p0) / (p1 - p0);
    for (let c = 0; c < 3; c++) lut[4 * v + c] = Math.round(c0[c] + u * (c1[c] - c0[c]));
    lut[4 * v + 3] = 255;
  }
  return lut;
})();

// The frames blob: runs × frames × n × n uint8, row i of an image at y ascending; null without a boundary.
function loadBoundary(B) {
  if (!B) return Promise.resolve(null);
  return loadBinary("decision boundary", B.url, B.images, B.digest, B.runs * B.frames * B.n * B.n).then((buf) => new Uint8Array(buf));
}

const BOUNDARY = {
  async drawBoundary(B, images) {
    if (!B) {
      this.boundary = null;
      return;
    }
    this.boundary = {
      ...B, images,
      accuracy: new Float32Array(bytesOf(B.accuracy).buffer),
      loss: new Float32Array(bytesOf(B.loss).buffer),
    };
    this.boundaryShown = null;
    this.fillBoundaryRuns();
    const key = [B.extent, this.fontSize, B.points].join("|");
    if (this.drawn.boundary === key) return;
    const points = new Float32Array(bytesOf(B.points).buffer);
    const xs = [[], []];
    const ys = [[], []];
    for (let i = 0; i < points.length; i += 3) {
      const c = points[i + 2] > 0.5 ? 1 : 0;
      xs[c].push(points[i]);
      ys[c].push(points[i + 1]);
    }
    const traces = [0, 1].map((c) => ({
      type: "scatter", mode: "markers", x: xs[c], y: ys[c], name: `class ${c}`,
      hovertemplate: `class ${c} (%{x:.2f}, %{y:.2f})<extra></extra>`,
      marker: { size: 5, color: CLASS_COLORS[c], line: { width: 0.6, color: "white" } },
    }));
    // Equal aspect shrinks one axis's domain: the axis names follow it (annotations on the domains),
    // where titles would stay at the panel's edges; the square sits at the top, under the caption.
    const axis = { zeroline: false, showgrid: false, constrain: "domain" };
    const name = (text, x, y, shift) => ({ text, xref: "x domain", yref: "y domain", x, y, showarrow: false, ...shift });
    const layout = this.layout({
      uirevision: String(B.extent),
      margin: { l: 45, r: 8, t: 8, b: 40 },
      xaxis: { ...axis, range: B.extent[0] },
      yaxis: { ...axis, range: B.extent[1], scaleanchor: "x", constraintoward: "top" },
      annotations: [
        name("x₁", 0.5, 0, { yshift: -22, yanchor: "top" }),
        name("x₂", 0, 0.5, { xshift: -30, xanchor: "right" }),
      ],
    });
    const gd = this.gd.boundary;
    if (!this.drawn.boundary) {
      await this.Plotly.newPlot(gd, traces, layout, CONFIG);
      gd.on("plotly_afterplot", () => this.drawBoundaryFrame(this.t, true));
      this.ui.boundaryRun.addEventListener("change", () => {
        this.boundaryRun = Number(this.ui.boundaryRun.value);
        this.drawBoundaryFrame(this.t, true);
      });
    } else {
      await this.Plotly.react(gd, traces, layout, CONFIG);
    }
    this.drawn.boundary = key;
  },

  // The select's options are the runs (same order as the frames' runs); the pick survives updates.
  fillBoundaryRuns() {
    const select = this.ui.boundaryRun;
    const labels = this.runs.map((run) => run.label);
    if (select.dataset.labels !== labels.join("\n")) {
      select.replaceChildren(...labels.map((label, j) => new Option(label, String(j))));
      select.dataset.labels = labels.join("\n");
    }
    this.boundaryRun = Math.max(0, Math.min(this.boundaryRun, labels.length - 1));
    select.value = String(this.boundaryRun);
  },

  // Paint the frame for step t unless it is the one shown (`force`: the plot's geometry changed).
  drawBoundaryFrame(t, force = false) {
    const B = this.boundary;
    const gd = this.gd.boundary;
    if (!B || !this.drawn.boundary) return;
    const frame = lastKept(B.steps, t);
    const run = this.boundaryRun;
    const shown = `${run}|${frame}`;
    if (!force && this.boundaryShown === shown) return;
    const g = plotGeometry(gd);
    if (!g) return;
    const n = B.n;
    const source = this.boundarySource || (this.boundarySource = document.createElement("canvas"));
    if (source.width !== n) {
      source.width = n;
      source.height = n;
    }
    const sctx = source.getContext("2d");
    const image = sctx.createImageData(n, n);
    const offset = (run * B.frames + frame) * n * n;
    for (let i = 0; i < n; i++) {
      const row = 4 * n * (n - 1 - i); // canvas rows run down, the image's rows up
      for (let j = 0; j < n; j++) {
        const c = 4 * B.images[offset + i * n + j];
        image.data.set(BOUNDARY_LUT.subarray(c, c + 4), row + 4 * j);
      }
    }
    sctx.putImageData(image, 0, 0);
    const ctx = prepareCanvas(this.layers.boundary, gd);
    ctx.save();
    clipTo(ctx, g);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    const [[x0, x1], [y0, y1]] = B.extent;
    const hx = (x1 - x0) / (2 * (n - 1)); // pixel centres sit on the grid's points: half a pixel beyond each edge
    const hy = (y1 - y0) / (2 * (n - 1));
    const left = g.px(x0 - hx);
    const top = g.py(y1 + hy);
    ctx.drawImage(source, left, top, g.px(x1 + hx) - left, g.py(y0 - hy) - top);
    ctx.restore();
    const k = run * B.frames + frame;
    const label = this.runs[run] ? this.runs[run].label : `run ${run + 1}`;
    this.ui.boundaryCaption.textContent = `${label} · step ${B.steps[frame]} · accuracy ${(100 * B.accuracy[k]).toFixed(1)} % · loss ${B.loss[k].toFixed(4)}`;
    this.ui.boundarySwatch.style.background = this.runs[run] ? this.runs[run].color : "";
    this.boundaryShown = shown;
    const panel = this.panels.boundary;
    panel.dataset.frame = String(frame);
    panel.dataset.run = String(run);
    panel.dataset.paints = String(Number(panel.dataset.paints || 0) + 1);
  },
};
