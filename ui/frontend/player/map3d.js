// gradscape player, 3-D surface: drawn once per landscape, paths once per data update, by plotly.js's
// gl3d bundle (loaded the first time a 3-D view is shown); the heads are projected with the scene's
// own camera onto a canvas, so playback never redraws WebGL.

const PATH3D_POINTS = 800;
const SURFACE_N = 80;

function mat4x(m, v) {
  const out = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) out[j] += m[4 * i + j] * v[i];
  return out;
}

function project(cam, p) {
  return mat4x(cam.projection, mat4x(cam.view, mat4x(cam.model, [p[0], p[1], p[2], 1])));
}

const MAP3D = {
  async drawMap3d() {
    const L = this.L;
    const id = L.url || L.digest;
    const key = `${id}|${this.runsKey}|${this.fontSize}`;
    if (this.drawn.map3d === key) return;
    if (!this.surface || this.surface.id !== id) {
      const stride = Math.max(1, Math.ceil(L.n / SURFACE_N));
      const xs = linspace(L.x[0], L.x[1], L.n).filter((_, i) => i % stride === 0);
      const ys = linspace(L.y[0], L.y[1], L.n).filter((_, i) => i % stride === 0);
      const z = rows(this.grid.shade, L.n, stride);
      const flat = z.flat();
      const lo = flat.reduce((a, b) => Math.min(a, b));
      const hi = flat.reduce((a, b) => Math.max(a, b));
      this.surface = {
        id,
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
    for (const run of this.committed) {
      run.paths.forEach((path, j) => {
        const idx = strided(path.steps.length, PATH3D_POINTS);
        const loss = run.losses[j].values;
        const v = path.values;
        traces.push({
          type: "scatter3d", mode: "lines", hoverinfo: "skip",
          x: idx.map((i) => v[2 * i]),
          y: idx.map((i) => v[2 * i + 1]),
          z: idx.map((i) => this.lifted(v[2 * i], v[2 * i + 1], loss[i])),
          line: { color: run.color, width: 5 },
        });
      });
    }
    const layout = this.layout({
      uirevision: L.key,
      margin: { l: 0, r: 0, t: marginsFor(this.fontSize).t, b: 0 },
      title: { text: `${plotlyText(L.name)} — drag to rotate`, font: { size: this.fontSize + 1 }, x: 0.02 },
      scene: { // few ticks: in perspective, the z axis's labels otherwise run into the y axis's
        xaxis: { range: L.x, title: { text: plotlyText(axisNames(L)[0]) }, nticks: 5 },
        yaxis: { range: L.y, title: { text: plotlyText(axisNames(L)[1]) }, nticks: 5 },
        zaxis: { title: { text: L.log ? "log₁₀(f − min)" : "f" }, nticks: 3 },
        aspectmode: "manual",
        aspectratio: { x: 1, y: 1, z: 0.65 },
        camera: this.camera3d(id),
      },
    });
    const gd = this.gd.map3d;
    const config = { ...CONFIG, plotGlPixelRatio: window.devicePixelRatio || 1 }; // plotly's default 2 quadruples the pixels to render
    this.Plotly3d = await loadPlotly(this.data.plotly3d); // the gl3d bundle, fetched when a 3-D view is first shown
    if (!this.drawn.map3d) await this.Plotly3d.newPlot(gd, traces, layout, config);
    else await this.Plotly3d.react(gd, traces, layout, config);
    this.drawn.map3d = key;
    this.followCamera();
  },

  // The user's view of the same landscape survives data updates; a new landscape starts from the
  // front, x to the right, as on the 2-D map.
  camera3d(id) {
    const scene = this.scene3d();
    const same = this.drawn.map3d && this.drawn.map3d.startsWith(`${id}|`);
    return same && scene ? scene.getCamera() : { eye: { x: -0.45, y: -1.65, z: 1.25 } };
  },

  // Height of a path point: its loss on the surface's scale, never below the drawn (coarser)
  // surface there, and lifted a little so that it stays visible.
  lifted(x, y, loss) {
    return Math.max(lift(this.L, loss), this.surfaceAt(x, y)) + this.surface.lift;
  },

  surfaceAt(x, y) {
    const { xs, ys, z } = this.surface;
    const fx = Math.max(0, Math.min(xs.length - 1.000001, ((x - xs[0]) / (xs[xs.length - 1] - xs[0])) * (xs.length - 1)));
    const fy = Math.max(0, Math.min(ys.length - 1.000001, ((y - ys[0]) / (ys[ys.length - 1] - ys[0])) * (ys.length - 1)));
    const i = Math.floor(fy);
    const j = Math.floor(fx);
    const u = fx - j;
    const v = fy - i;
    return (1 - v) * ((1 - u) * z[i][j] + u * z[i][j + 1]) + v * ((1 - u) * z[i + 1][j] + u * z[i + 1][j + 1]);
  },

  // Redraw the 3-D heads whenever the scene renders (rotation, zoom, resize).
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
  },

  scene3d() {
    const fl = this.gd.map3d._fullLayout;
    const scene = fl && fl.scene && fl.scene._scene;
    return scene && scene.glplot && scene.glplot.cameraParams ? scene : null;
  },

  // Project data points like plotly's 3-D annotations: clip = P·V·M·(data × dataScale).
  draw3dHeads(t) {
    const scene = this.scene3d();
    const gd = this.gd.map3d;
    if (!scene || !this.surface) return;
    const cam = scene.glplot.cameraParams;
    const size = gd._fullLayout._size;
    const dom = gd._fullLayout.scene.domain;
    const ds = scene.dataScale;
    const ctx = prepareCanvas(this.layers.heads3d, gd);
    // A point of the scene on the canvas, or null behind the camera.
    const screen = (x, y, z) => {
      const v = project(cam, [x * ds[0], y * ds[1], z * ds[2]]);
      if (!(v[3] > 0)) return null;
      return [size.l + dom.x[0] * size.w + 0.5 * (1 + v[0] / v[3]) * size.w * (dom.x[1] - dom.x[0]),
        size.t + (1 - dom.y[1]) * size.h + 0.5 * (1 - v[1] / v[3]) * size.h * (dom.y[1] - dom.y[0])];
    };
    for (const run of this.runs) {
      if (run.ghost) this.drawScrubbed3d(ctx, run, screen);
    }
    for (const run of this.runs) {
      run.paths.forEach((path, j) => {
        const x = sample(path, t, 0);
        const y = sample(path, t, 1);
        const p = screen(x, y, this.lifted(x, y, sample(run.losses[j], t)) + this.surface.lift);
        if (p) dot(ctx, p[0], p[1], 6, run.color, "white", 2);
      });
    }
    this.panels.map3d.dataset.step = String(t);
  },

  // A scrubbed run's paths (tune.js), projected like the heads: drawn over the surface, no WebGL redraw.
  drawScrubbed3d(ctx, run, screen) {
    const lines = run.paths.map((path, j) => {
      const v = path.values;
      const loss = run.losses[j].values;
      return strided(path.steps.length, PATH3D_POINTS).map((i) => screen(v[2 * i], v[2 * i + 1], this.lifted(v[2 * i], v[2 * i + 1], loss[i])));
    });
    strokeEdged(ctx, lines, run.color, 5, 3);
  },
};
