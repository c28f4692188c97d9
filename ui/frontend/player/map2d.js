// gradscape player, 2-D map: the contour and the landscape's notable points (with a legend of their
// kinds: what a star or a cross means) drawn once per landscape by plotly; the full paths, the
// trail up to the playhead and the heads (and a start point being dragged, drag.js) drawn on canvas
// layers over it.

const CLICK_DELAY_MS = 300; // a second click within this turns the click into a double-click (zoom reset)
const LEGEND_ROW = 1.9; // a legend row's height in font sizes

// How many rows plotly's horizontal legend of `names` takes in `width` pixels (an entry: its symbol,
// ≈ 40 px, and its name at ≈ 0.55 font sizes a letter).
function legendRows(names, size, width) {
  let count = 0;
  let left = 0;
  for (const name of names) {
    const w = 40 + 0.55 * size * name.length;
    if (count === 0 || w > left) {
      count += 1;
      left = width;
    }
    left -= w;
  }
  return count;
}

function tracePath(ctx, g, path, from, to) {
  const v = path.values;
  const s = path.steps;
  ctx.moveTo(g.px(sample(path, from, 0)), g.py(sample(path, from, 1)));
  for (let i = lastKept(s, from) + 1; i < s.length && s[i] <= to; i++) ctx.lineTo(g.px(v[2 * i]), g.py(v[2 * i + 1]));
  ctx.lineTo(g.px(sample(path, to, 0)), g.py(sample(path, to, 1)));
}

const MAP2D = {
  async drawMap2d() {
    const L = this.L;
    const view = L.zoom || [L.x, L.y]; // a lesson's default camera, else the whole domain
    const hint = this.clickable ? ` — ${this.data.clickHint || "click to set the start"}` : ""; // what a click does
    const key = `${L.url || L.digest}|${this.fontSize}|${view}|${hint}`;
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
    const named = new Set();
    for (const p of L.points) {
      traces.push({
        type: "scatter", mode: "markers", x: [p.x], y: [p.y], hoverinfo: "text",
        hovertext: plotlyText(`${p.label} (${p.x.toFixed(3)}, ${p.y.toFixed(3)})`),
        marker: { symbol: p.symbol, size: 13, color: p.fill, line: { width: 1.2, color: "black" } },
        name: plotlyText(p.legend), legendgroup: p.legend, showlegend: !named.has(p.legend),
      });
      named.add(p.legend);
    }
    const fs = this.fontSize;
    const axis = (range, text) => ({ range, title: { text, standoff: Math.round(0.5 * fs) }, zeroline: false, automargin: true });
    const margin = marginsFor(fs);
    const lines = legendRows([...named], fs, gd.clientWidth - margin.l - margin.r);
    const layout = this.layout({
      uirevision: `${L.key}|${view}`,
      title: { text: `${plotlyText(L.name)}${hint}`, font: { size: fs + 1 }, x: 0.02 },
      xaxis: axis(view[0], plotlyText(axisNames(L)[0])),
      yaxis: axis(view[1], plotlyText(axisNames(L)[1])),
      margin: { ...margin, b: margin.b + Math.round(lines * LEGEND_ROW * fs) },
      showlegend: lines > 0,
      legend: {
        orientation: "h", xref: "paper", x: 0.5, xanchor: "center", yref: "container", y: 0, yanchor: "bottom",
        font: { size: fs }, itemclick: false, itemdoubleclick: false,
      },
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
  },

  // Full paths, faint: redrawn when data, zoom or size change, and on every frame of a scrub (tune.js),
  // where the run's committed paths stay as a dashed ghost under the scrubbed member's.
  drawPaths() {
    if (!this.visible("map2d") || !this.drawn.map2d) return;
    const g = plotGeometry(this.gd.map2d);
    if (!g) return;
    const ctx = prepareCanvas(this.layers.paths, this.gd.map2d);
    ctx.save();
    clipTo(ctx, g);
    ctx.lineJoin = "round";
    ctx.setLineDash([3, 4]);
    ctx.lineWidth = 1.2;
    for (const run of this.runs) {
      if (!run.ghost) continue;
      ctx.strokeStyle = rgba(run.color, 0.6);
      for (const path of run.ghost.paths) {
        ctx.beginPath();
        tracePath(ctx, g, path, 0, this.T);
        ctx.stroke();
      }
    }
    ctx.setLineDash([]);
    for (const [width, style] of [[4, () => "rgba(255,255,255,0.35)"], [1.5, (run) => rgba(run.color, run.ghost ? 1 : 0.75)]]) {
      ctx.lineWidth = width;
      for (const run of this.runs) {
        ctx.strokeStyle = style(run);
        for (const path of run.paths) {
          ctx.beginPath();
          tracePath(ctx, g, path, 0, this.T);
          ctx.stroke();
        }
      }
    }
    for (const run of this.runs) {
      for (const path of run.paths) dot(ctx, g.px(path.values[0]), g.py(path.values[1]), 4.5, "white", run.color, 1.5);
    }
    ctx.restore();
    this.geometry = g;
    this.trailStep = -1;
    this.renderStep(this.t);
  },

  // The highlighted part of every path, from the start to the playhead: drawn incrementally.
  drawTrail(t) {
    const g = this.geometry;
    const canvas = this.layers.trail;
    let from = this.trailStep;
    let ctx;
    if (from < 0 || t < from) {
      ctx = prepareCanvas(canvas, this.gd.map2d);
      from = 0;
    } else {
      ctx = canvas.getContext("2d");
    }
    if (t > from) {
      ctx.save();
      clipTo(ctx, g);
      ctx.lineWidth = 3;
      ctx.lineJoin = "round";
      ctx.lineCap = "round";
      for (const run of this.runs) {
        ctx.strokeStyle = run.color;
        for (const path of run.paths) {
          ctx.beginPath();
          tracePath(ctx, g, path, from, t);
          ctx.stroke();
        }
      }
      ctx.restore();
    }
    this.trailStep = t;
  },

  drawHeads(t) {
    const g = this.geometry;
    const ctx = prepareCanvas(this.layers.heads, this.gd.map2d);
    ctx.save();
    clipTo(ctx, g);
    for (const run of this.runs) {
      for (const path of run.paths) dot(ctx, g.px(sample(path, t, 0)), g.py(sample(path, t, 1)), 6, run.color, "white", 2);
    }
    this.drawDragged(ctx, g);
    ctx.restore();
  },

  onMapClick(ev) {
    const e = ev && ev.event;
    if (e) this.clickAt(e.clientX, e.clientY);
  },

  // A click at client point (cx, cy) (plotly's, or a start's marker pressed and released in place): inside
  // the plot area, its point goes back as `click` after CLICK_DELAY_MS, unless a double-click cancels it.
  clickAt(cx, cy) {
    const p = this.clickable && this.mapPoint(cx, cy);
    if (!p) return;
    clearTimeout(this.clickTimer);
    this.clickTimer = setTimeout(() => {
      this.root.dataset.clicked = `${p.x},${p.y}`;
      this.setTriggerValue("click", p);
    }, CLICK_DELAY_MS);
  },

  // The map's data point {x, y} under client point (cx, cy): null outside the plot area, or (`clamp`) the
  // nearest point on its edge.
  mapPoint(cx, cy, clamp = false) {
    const g = plotGeometry(this.gd.map2d);
    if (!g) return null;
    const rect = this.gd.map2d.getBoundingClientRect();
    let px = cx - rect.left - g.x0;
    let py = cy - rect.top - g.y0;
    if (clamp) {
      px = Math.max(0, Math.min(g.w, px));
      py = Math.max(0, Math.min(g.h, py));
    } else if (px < 0 || py < 0 || px > g.w || py > g.h) {
      return null;
    }
    return { x: g.xa.p2d(px), y: g.ya.p2d(py) };
  },
};
