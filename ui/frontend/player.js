// optiviz player: the landscape (2-D contour and 3-D surface), the learning-rate and loss curves
// of every run, all driven by one playhead.
//
// Plotly draws what changes rarely (contour, surface, full curves); the playhead moves only
// cheap things: canvas layers over the 2-D map, the 3-D surface and the curves (the 3-D markers are
// projected with the scene's own camera, so the WebGL scene is not redrawn during playback). Streamlit calls the default export again with new data on every rerun; the player
// lives on (one per parent element), so the camera, zoom and playhead survive data updates.

const PLAYERS = new WeakMap();
const GRIDS = new Map(); // grid URL -> Promise<{z, shade}>
const DECODED = new Map(); // run digest -> {pos, loss, lift, lr}
const DECODED_MAX = 64;
const CURVE_POINTS = 1500; // most points per drawn curve (longer ones are strided)
const PATH3D_POINTS = 800;
const SURFACE_N = 80;
const CLICK_DELAY_MS = 300; // a second click within this turns the click into a double-click (zoom reset)
const CONFIG = {
  displaylogo: false,
  responsive: true,
  modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines", "hoverCompareCartesian"],
};
const ICON_PLAY = '<svg viewBox="0 0 16 16"><path d="M4 2v12l10-6z"/></svg>';
const ICON_PAUSE = '<svg viewBox="0 0 16 16"><path d="M3 2h4v12H3zM9 2h4v12H9z"/></svg>';
let plotlyLoading = null;

function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoading) {
    plotlyLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        plotlyLoading = null;
        script.remove();
        reject(new Error(`could not load plotly.js from ${url}`));
      };
      document.head.appendChild(script);
    });
  }
  return plotlyLoading;
}

function loadGrid(url, n) {
  if (!GRIDS.has(url)) {
    const loading = fetch(url)
      .then((r) => {
        if (!r.ok) throw new Error(`landscape grid ${url}: HTTP ${r.status}`);
        return r.arrayBuffer();
      })
      .then((buf) => {
        if (buf.byteLength !== 8 * n * n) throw new Error(`landscape grid ${url}: ${buf.byteLength} bytes, expected ${8 * n * n}`);
        return { z: new Float32Array(buf, 0, n * n), shade: new Float32Array(buf, 4 * n * n, n * n) };
      });
    loading.catch(() => GRIDS.delete(url));
    GRIDS.set(url, loading);
  }
  return GRIDS.get(url);
}

function float32(b64) {
  if (Uint8Array.fromBase64) return new Float32Array(Uint8Array.fromBase64(b64).buffer);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

function decodeRun(run) {
  let arrays = DECODED.get(run.digest);
  if (!arrays) {
    arrays = { pos: float32(run.pos), loss: float32(run.loss), lift: float32(run.lift), lr: float32(run.lr) };
    DECODED.set(run.digest, arrays);
    if (DECODED.size > DECODED_MAX) DECODED.delete(DECODED.keys().next().value);
  }
  return { label: run.label, color: run.color, digest: run.digest, n: run.n, lrRows: run.lrRows, status: run.status, ...arrays };
}

function linspace(a, b, n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = a + ((b - a) * i) / (n - 1);
  return out;
}

function rows(flat, n, stride = 1) {
  const out = [];
  for (let i = 0; i < n; i += stride) {
    const row = new Array(Math.ceil(n / stride));
    for (let j = 0, c = 0; j < n; j += stride, c++) row[c] = flat[i * n + j];
    out.push(row);
  }
  return out;
}

function strided(count, most) {
  const step = Math.max(1, Math.ceil(count / most));
  const idx = [];
  for (let k = 0; k < count; k += step) idx.push(k);
  if (idx[idx.length - 1] !== count - 1) idx.push(count - 1);
  return idx;
}

function mat4x(m, v) {
  const out = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) out[j] += m[4 * i + j] * v[i];
  return out;
}

function project(cam, p) {
  return mat4x(cam.projection, mat4x(cam.view, mat4x(cam.model, [p[0], p[1], p[2], 1])));
}

function rgba(hex, alpha) {
  const v = parseInt(hex.slice(1), 16);
  return `rgba(${(v >> 16) & 255},${(v >> 8) & 255},${v & 255},${alpha})`;
}

class Player {
  constructor(parent) {
    this.root = parent.querySelector(".ovz");
    const q = (sel) => this.root.querySelector(sel);
    this.panels = { map2d: q(".ovz-map2d"), map3d: q(".ovz-map3d"), lr: q(".ovz-lr"), loss: q(".ovz-loss") };
    this.gd = Object.fromEntries(Object.entries(this.panels).map(([k, p]) => [k, p.querySelector(".ovz-plot")]));
    this.layers = {
      paths: q(".ovz-map2d .ovz-paths"),
      trail: q(".ovz-map2d .ovz-trail"),
      heads: q(".ovz-map2d .ovz-heads"),
      heads3d: q(".ovz-map3d .ovz-heads"),
      lr: q(".ovz-lr .ovz-heads"),
      loss: q(".ovz-loss .ovz-heads"),
    };
    this.ui = {
      message: q(".ovz-message"), scrub: q(".ovz-scrub"), step: q(".ovz-step"), play: q(".ovz-play"),
      speed: q(".ovz-speed"), loop: q(".ovz-loop"), legend: q(".ovz-legend"),
    };
    this.t = 0;
    this.tf = 0;
    this.T = 0;
    this.frames = 0;
    this.playing = false;
    this.runs = [];
    this.drawn = { map2d: null, map3d: null, curves: null }; // what each plot currently shows
    this.trailStep = -1;
    this.pending = null;
    this.busy = false;
    this.clickTimer = null;
    this.tick = this.tick.bind(this);
    this.bindControls();
    this.resizer = new ResizeObserver(() => this.resize());
    Object.values(this.panels).forEach((panel) => this.resizer.observe(panel));
  }

  receive(data, setTriggerValue) {
    this.setTriggerValue = setTriggerValue;
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
    [this.Plotly, this.grid] = await Promise.all([loadPlotly(data.plotly), loadGrid(L.url, L.n)]);
    this.L = L;
    this.T = data.steps;
    this.logLoss = data.logLoss;
    this.runs = data.runs.map(decodeRun);
    this.root.classList.remove("ovz-view-2d", "ovz-view-3d", "ovz-view-both");
    this.root.classList.add(`ovz-view-${data.view}`);
    this.root.classList.toggle("ovz-present", !!data.presentation);
    this.view = data.view;
    this.fontSize = data.presentation ? 17 : 12;
    this.runsKey = this.runs.map((r) => `${r.digest}:${r.color}:${r.label}`).join("|") + `|${this.T}`;
    this.t = Math.min(this.t, this.T);
    this.tf = this.t;
    this.ui.scrub.max = String(this.T);
    this.trailStep = -1;
    await this.drawCurves();
    if (this.visible("map2d")) await this.drawMap2d();
    if (this.visible("map3d")) await this.drawMap3d();
    this.drawPaths();
    this.renderStep(this.t);
    this.drawLegend();
    this.root.dataset.paths = this.checksum();
    this.root.dataset.start = this.runs.length ? `${this.runs[0].pos[0]},${this.runs[0].pos[1]}` : "";
    this.root.dataset.view = this.view;
    this.root.dataset.ready = "1";
  }

  visible(name) {
    return this.view === "both" || (name === "map2d" ? this.view === "2d" : name === "map3d" ? this.view === "3d" : true);
  }

  layout(extra) {
    const font = getComputedStyle(this.root).fontFamily;
    return {
      margin: { l: 55, r: 12, t: 28, b: 42 },
      font: { family: font, size: this.fontSize },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      showlegend: false,
      hovermode: "closest",
      ...extra,
    };
  }

  // ---- 2-D map: contour drawn once per landscape; paths on canvas layers ----
  async drawMap2d() {
    const L = this.L;
    const view = L.zoom || [L.x, L.y]; // a lesson's default camera, else the whole domain
    const key = `${L.url}|${this.fontSize}|${view}`;
    if (this.drawn.map2d === key) return;
    const gd = this.gd.map2d;
    const n = L.n;
    const traces = [{
      type: "contour",
      x: linspace(L.x[0], L.x[1], n),
      y: linspace(L.y[0], L.y[1], n),
      z: rows(this.grid.shade, n),
      customdata: rows(this.grid.z, n),
      colorscale: "Viridis",
      ncontours: 30,
      showscale: false,
      contours: { coloring: "heatmap", showlines: true },
      line: { width: 0.5, color: "rgba(255,255,255,0.35)" },
      hovertemplate: "x %{x:.3f}, y %{y:.3f}<br>f %{customdata:.4g}<extra></extra>",
    }];
    for (const p of L.points) {
      traces.push({
        type: "scatter", mode: "markers", x: [p.x], y: [p.y], hoverinfo: "text",
        hovertext: `${p.label} (${p.x.toFixed(3)}, ${p.y.toFixed(3)})`,
        marker: { symbol: p.symbol, size: 13, color: "white", line: { width: 1.2, color: "black" } },
      });
    }
    const layout = this.layout({
      uirevision: `${L.key}|${view}`,
      title: { text: `${L.name} — click to set the start`, font: { size: this.fontSize + 1 }, x: 0.02 },
      xaxis: { range: view[0], title: { text: "x" }, zeroline: false },
      yaxis: { range: view[1], title: { text: "y" }, zeroline: false },
    });
    if (!this.drawn.map2d) {
      await this.Plotly.newPlot(gd, traces, layout, CONFIG);
      gd.on("plotly_afterplot", () => this.drawPaths());
      gd.on("plotly_click", (ev) => this.onMapClick(ev));
      gd.on("plotly_doubleclick", () => clearTimeout(this.clickTimer));
    } else {
      await this.Plotly.react(gd, traces, layout, CONFIG);
    }
    this.drawn.map2d = key;
  }

  mapGeometry(gd) {
    const fl = gd._fullLayout;
    if (!fl || !fl.xaxis || !fl.yaxis) return null;
    const xa = fl.xaxis;
    const ya = fl.yaxis;
    return {
      x0: xa._offset, y0: ya._offset, w: xa._length, h: ya._length,
      px: (v) => xa._offset + xa.c2p(v), py: (v) => ya._offset + ya.c2p(v),
      xa, ya,
    };
  }

  prepareCanvas(canvas, gd) {
    const dpr = window.devicePixelRatio || 1;
    const w = gd.clientWidth;
    const h = gd.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return ctx;
  }

  clip(ctx, g) {
    ctx.beginPath();
    ctx.rect(g.x0, g.y0, g.w, g.h);
    ctx.clip();
  }

  // Full paths, faint: redrawn when data, zoom or size change.
  drawPaths() {
    if (!this.visible("map2d") || !this.drawn.map2d) return;
    const g = this.mapGeometry(this.gd.map2d);
    if (!g) return;
    const ctx = this.prepareCanvas(this.layers.paths, this.gd.map2d);
    ctx.save();
    this.clip(ctx, g);
    const T1 = this.T + 1;
    ctx.lineJoin = "round";
    for (const [width, style] of [[4, () => "rgba(255,255,255,0.35)"], [1.5, (run) => rgba(run.color, 0.75)]]) {
      ctx.lineWidth = width;
      for (const run of this.runs) {
        ctx.strokeStyle = style(run);
        for (let j = 0; j < run.n; j++) {
          const base = j * T1 * 2;
          ctx.beginPath();
          ctx.moveTo(g.px(run.pos[base]), g.py(run.pos[base + 1]));
          for (let k = 1; k < T1; k++) ctx.lineTo(g.px(run.pos[base + 2 * k]), g.py(run.pos[base + 2 * k + 1]));
          ctx.stroke();
        }
      }
    }
    for (const run of this.runs) {
      for (let j = 0; j < run.n; j++) {
        const base = j * T1 * 2;
        ctx.beginPath();
        ctx.arc(g.px(run.pos[base]), g.py(run.pos[base + 1]), 4.5, 0, 2 * Math.PI);
        ctx.fillStyle = "white";
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = run.color;
        ctx.stroke();
      }
    }
    ctx.restore();
    this.geometry = g;
    this.trailStep = -1;
    this.renderStep(this.t);
  }

  // The highlighted part of every path, from the start to the playhead: drawn incrementally.
  drawTrail(t) {
    const g = this.geometry;
    const canvas = this.layers.trail;
    let from = this.trailStep;
    let ctx;
    if (from < 0 || t < from) {
      ctx = this.prepareCanvas(canvas, this.gd.map2d);
      from = 0;
    } else {
      ctx = canvas.getContext("2d");
    }
    if (t > from) {
      ctx.save();
      this.clip(ctx, g);
      ctx.lineWidth = 3;
      ctx.lineJoin = "round";
      ctx.lineCap = "round";
      const T1 = this.T + 1;
      for (const run of this.runs) {
        ctx.strokeStyle = run.color;
        for (let j = 0; j < run.n; j++) {
          const base = j * T1 * 2;
          ctx.beginPath();
          ctx.moveTo(g.px(run.pos[base + 2 * from]), g.py(run.pos[base + 2 * from + 1]));
          for (let k = from + 1; k <= t; k++) ctx.lineTo(g.px(run.pos[base + 2 * k]), g.py(run.pos[base + 2 * k + 1]));
          ctx.stroke();
        }
      }
      ctx.restore();
    }
    this.trailStep = t;
  }

  drawHeads(t) {
    const g = this.geometry;
    const ctx = this.prepareCanvas(this.layers.heads, this.gd.map2d);
    ctx.save();
    this.clip(ctx, g);
    const T1 = this.T + 1;
    for (const run of this.runs) {
      ctx.fillStyle = run.color;
      for (let j = 0; j < run.n; j++) {
        const i = (j * T1 + t) * 2;
        ctx.beginPath();
        ctx.arc(g.px(run.pos[i]), g.py(run.pos[i + 1]), 6, 0, 2 * Math.PI);
        ctx.fill();
        ctx.lineWidth = 2;
        ctx.strokeStyle = "white";
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  onMapClick(ev) {
    const g = this.mapGeometry(this.gd.map2d);
    const e = ev && ev.event;
    if (!g || !e) return;
    const rect = this.gd.map2d.getBoundingClientRect();
    const px = e.clientX - rect.left - g.x0;
    const py = e.clientY - rect.top - g.y0;
    if (px < 0 || py < 0 || px > g.w || py > g.h) return;
    const x = g.xa.p2d(px);
    const y = g.ya.p2d(py);
    clearTimeout(this.clickTimer);
    this.clickTimer = setTimeout(() => {
      this.root.dataset.clicked = `${x},${y}`;
      this.setTriggerValue("click", { x, y });
    }, CLICK_DELAY_MS);
  }

  // ---- 3-D surface: drawn once per landscape; paths per data update; markers on a canvas ----
  async drawMap3d() {
    const L = this.L;
    const key = `${L.url}|${this.runsKey}|${this.fontSize}`;
    if (this.drawn.map3d === key) return;
    if (!this.surface || this.surface.url !== L.url) {
      const stride = Math.max(1, Math.ceil(L.n / SURFACE_N));
      const xs = linspace(L.x[0], L.x[1], L.n).filter((_, i) => i % stride === 0);
      const ys = linspace(L.y[0], L.y[1], L.n).filter((_, i) => i % stride === 0);
      const z = rows(this.grid.shade, L.n, stride);
      const flat = z.flat();
      const lo = flat.reduce((a, b) => Math.min(a, b));
      const hi = flat.reduce((a, b) => Math.max(a, b));
      this.surface = {
        url: L.url,
        xs,
        ys,
        z,
        lift: 0.01 * (hi - lo),
        trace: {
          type: "surface", x: xs, y: ys, z, colorscale: "Viridis", showscale: false, hoverinfo: "skip",
          contours: { z: { show: true, usecolormap: true, project: { z: false }, width: 1 } },
          lighting: { ambient: 0.75, diffuse: 0.6, specular: 0.05 },
        },
      };
    }
    const traces = [this.surface.trace];
    const T1 = this.T + 1;
    const idx = strided(T1, PATH3D_POINTS);
    for (const run of this.runs) {
      for (let j = 0; j < run.n; j++) {
        traces.push({
          type: "scatter3d", mode: "lines", hoverinfo: "skip",
          x: idx.map((k) => run.pos[(j * T1 + k) * 2]),
          y: idx.map((k) => run.pos[(j * T1 + k) * 2 + 1]),
          z: idx.map((k) => this.lifted(run, j * T1 + k)),
          line: { color: run.color, width: 5 },
        });
      }
    }
    const layout = this.layout({
      uirevision: L.key,
      margin: { l: 0, r: 0, t: 28, b: 0 },
      title: { text: `${L.name} — drag to rotate`, font: { size: this.fontSize + 1 }, x: 0.02 },
      scene: {
        xaxis: { range: L.x, title: { text: "x" } },
        yaxis: { range: L.y, title: { text: "y" } },
        zaxis: { title: { text: L.log ? "log₁₀(f − min)" : "f" } },
        aspectmode: "manual",
        aspectratio: { x: 1, y: 1, z: 0.65 },
        camera: this.camera3d(),
      },
    });
    const gd = this.gd.map3d;
    const config = { ...CONFIG, plotGlPixelRatio: window.devicePixelRatio || 1 }; // plotly's default 2 quadruples the pixels to render
    if (!this.drawn.map3d) await this.Plotly.newPlot(gd, traces, layout, config);
    else await this.Plotly.react(gd, traces, layout, config);
    this.drawn.map3d = key;
    this.followCamera();
  }

  // The user's view of the same landscape survives data updates; a new landscape starts from the
  // front, x to the right, as on the 2-D map.
  camera3d() {
    const scene = this.scene3d();
    const same = this.drawn.map3d && this.drawn.map3d.startsWith(`${this.L.url}|`);
    return same && scene ? scene.getCamera() : { eye: { x: -0.45, y: -1.65, z: 1.25 } };
  }

  // Height of a path point: its loss on the surface's scale, never below the drawn (coarser)
  // surface there, and lifted a little so that it stays visible.
  lifted(run, i) {
    return Math.max(run.lift[i], this.surfaceAt(run.pos[2 * i], run.pos[2 * i + 1])) + this.surface.lift;
  }

  surfaceAt(x, y) {
    const { xs, ys, z } = this.surface;
    const fx = Math.max(0, Math.min(xs.length - 1.000001, ((x - xs[0]) / (xs[xs.length - 1] - xs[0])) * (xs.length - 1)));
    const fy = Math.max(0, Math.min(ys.length - 1.000001, ((y - ys[0]) / (ys[ys.length - 1] - ys[0])) * (ys.length - 1)));
    const i = Math.floor(fy);
    const j = Math.floor(fx);
    const u = fx - j;
    const v = fy - i;
    return (1 - v) * ((1 - u) * z[i][j] + u * z[i][j + 1]) + v * ((1 - u) * z[i + 1][j] + u * z[i + 1][j + 1]);
  }

  // Redraw the 3-D markers whenever the scene renders (rotation, zoom, resize).
  followCamera() {
    const scene = this.scene3d();
    if (!scene || scene.glplot.onrender.ovzWrapped) return;
    const render = scene.glplot.onrender;
    const wrapped = () => {
      render();
      this.draw3dHeads(this.t);
    };
    wrapped.ovzWrapped = true;
    scene.glplot.onrender = wrapped;
  }

  scene3d() {
    const fl = this.gd.map3d._fullLayout;
    const scene = fl && fl.scene && fl.scene._scene;
    return scene && scene.glplot && scene.glplot.cameraParams ? scene : null;
  }

  // Project data points like plotly's 3-D annotations: clip = P·V·M·(data × dataScale).
  draw3dHeads(t) {
    const scene = this.scene3d();
    const gd = this.gd.map3d;
    if (!scene || !this.surface) return;
    const cam = scene.glplot.cameraParams;
    const size = gd._fullLayout._size;
    const dom = gd._fullLayout.scene.domain;
    const ds = scene.dataScale;
    const ctx = this.prepareCanvas(this.layers.heads3d, gd);
    const T1 = this.T + 1;
    for (const run of this.runs) {
      for (let j = 0; j < run.n; j++) {
        const i = j * T1 + t;
        const v = project(cam, [run.pos[2 * i] * ds[0], run.pos[2 * i + 1] * ds[1], (this.lifted(run, i) + this.surface.lift) * ds[2]]);
        if (!(v[3] > 0)) continue;
        const px = size.l + dom.x[0] * size.w + 0.5 * (1 + v[0] / v[3]) * size.w * (dom.x[1] - dom.x[0]);
        const py = size.t + (1 - dom.y[1]) * size.h + 0.5 * (1 - v[1] / v[3]) * size.h * (dom.y[1] - dom.y[0]);
        ctx.beginPath();
        ctx.arc(px, py, 6, 0, 2 * Math.PI);
        ctx.fillStyle = run.color;
        ctx.fill();
        ctx.lineWidth = 2;
        ctx.strokeStyle = "white";
        ctx.stroke();
      }
    }
    this.panels.map3d.dataset.step = String(t);
  }

  // ---- curves: full curves drawn per data update; playhead line and markers on a canvas ----
  curveY(run, j, k) {
    const v = run.loss[j * (this.T + 1) + k];
    return this.lossLog ? Math.max(v - this.lossFloor, 1e-16) : v;
  }

  async drawCurves() {
    const L = this.L;
    this.lossLog = this.logLoss && L.fstar !== null;
    this.lossFloor = this.lossLog ? L.fstar : 0;
    const key = `${this.runsKey}|${this.lossLog}|${L.key}|${this.fontSize}`;
    if (this.drawn.curves === key) return;
    const T = this.T;
    const lrIdx = strided(T, CURVE_POINTS);
    const lossIdx = strided(T + 1, CURVE_POINTS);
    const lrTraces = [];
    const lossTraces = [];
    for (const run of this.runs) {
      for (let r = 0; r < run.lrRows; r++) {
        lrTraces.push({
          type: "scatter", mode: "lines", name: run.label, line: { color: run.color, width: 2 },
          x: lrIdx, y: lrIdx.map((k) => run.lr[r * T + k]),
          hovertemplate: `${run.label}<br>step %{x}: η = %{y:.3g}<extra></extra>`,
        });
      }
      for (let j = 0; j < run.n; j++) {
        lossTraces.push({
          type: "scatter", mode: "lines", name: run.label, line: { color: run.color, width: 2 },
          x: lossIdx, y: lossIdx.map((k) => this.curveY(run, j, k)),
          hovertemplate: `${run.label}<br>step %{x}: %{y:.4g}<extra></extra>`,
        });
      }
    }
    const xaxis = { range: [0, T], title: { text: "step" }, zeroline: false };
    let lrLo = Infinity;
    let lrHi = 0;
    for (const run of this.runs) {
      for (const v of run.lr) {
        if (v > 0 && v < lrLo) lrLo = v;
        if (v > lrHi) lrHi = v;
      }
    }
    const lrDecades = Math.log10(lrHi / lrLo); // under ~1.5 decades plotly would label every digit
    const lossTitle = this.lossLog ? (L.fstar === 0 ? "loss f (log)" : "f − f* (log)") : "loss f";
    const plots = [
      [this.gd.lr, lrTraces, this.layout({ uirevision: "lr", title: { text: "learning rate η (log)", font: { size: this.fontSize + 1 }, x: 0.02 }, xaxis, yaxis: { type: "log", exponentformat: "power", dtick: lrDecades < 1.5 ? "D2" : undefined } })],
      [this.gd.loss, lossTraces, this.layout({ uirevision: `loss${this.lossLog}`, title: { text: lossTitle, font: { size: this.fontSize + 1 }, x: 0.02 }, xaxis, yaxis: { type: this.lossLog ? "log" : "linear", exponentformat: "power" } })],
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
  }

  drawCurveHeads(which, t) {
    const gd = this.gd[which];
    const g = this.mapGeometry(gd);
    if (!g || !this.runs.length) return;
    const ctx = this.prepareCanvas(this.layers[which], gd);
    ctx.save();
    this.clip(ctx, g);
    const T = this.T;
    const k = which === "lr" ? Math.min(t, T - 1) : t;
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
      const count = which === "lr" ? run.lrRows : run.n;
      for (let j = 0; j < count; j++) {
        const v = which === "lr" ? run.lr[j * T + k] : this.curveY(run, j, k);
        const y = g.py(v);
        if (!Number.isFinite(y)) continue;
        ctx.beginPath();
        ctx.arc(x, y, 5, 0, 2 * Math.PI);
        ctx.fillStyle = run.color;
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = "white";
        ctx.stroke();
      }
    }
    ctx.restore();
    this.panels[which].dataset.step = String(t);
  }

  // ---- the playhead ----
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
    this.ui.scrub.value = String(t);
    this.ui.step.textContent = `step ${t} / ${this.T}`;
    this.frames += 1;
    this.root.dataset.step = String(t);
    this.root.dataset.frames = String(this.frames);
  }

  seek(t) {
    const k = Math.max(0, Math.min(this.T, Math.round(t)));
    this.tf = k;
    if (k !== this.t) this.renderStep(k);
  }

  stepsPerSecond() {
    const chosen = Number(this.ui.speed.value);
    return chosen > 0 ? chosen : Math.max(10, this.T / 8);
  }

  play() {
    if (!this.runs.length) return;
    if (this.t >= this.T) this.seek(0);
    this.playing = true;
    this.last = performance.now();
    this.tf = this.t;
    this.showPlaying(true);
    requestAnimationFrame(this.tick);
  }

  pause() {
    this.playing = false;
    this.showPlaying(false);
  }

  showPlaying(on) {
    this.ui.play.innerHTML = on ? ICON_PAUSE : ICON_PLAY;
    this.ui.play.setAttribute("aria-label", on ? "Pause" : "Play");
    this.root.dataset.playing = on ? "1" : "0";
  }

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
  }

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
  }

  drawLegend() {
    const legend = this.ui.legend;
    legend.replaceChildren(
      ...this.runs.map((run) => {
        const item = document.createElement("span");
        const swatch = document.createElement("i");
        swatch.style.background = run.color;
        const note = document.createElement("small");
        note.textContent = run.n === 1 ? run.status[0] : `${run.n} starts`;
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
    if (!this.Plotly) return;
    for (const name of ["map2d", "map3d", "lr", "loss"]) {
      const gd = this.gd[name];
      if (gd._fullLayout && gd.offsetParent !== null) this.Plotly.Plots.resize(gd);
    }
  }

  destroy() {
    this.pause();
    clearTimeout(this.clickTimer);
    this.resizer.disconnect();
    if (this.Plotly) Object.values(this.gd).forEach((gd) => this.Plotly.purge(gd));
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let player = PLAYERS.get(parentElement);
  if (!player) {
    player = new Player(parentElement);
    PLAYERS.set(parentElement, player);
  }
  player.receive(data, setTriggerValue);
  return () => {
    player.destroy();
    PLAYERS.delete(parentElement);
  };
}
