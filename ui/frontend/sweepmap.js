// gradscape sweep maps: one or more images of cells (heat map, basin map, trainability), each cell
// a category (colour ramp) and a shade within it, drawn as plotly.js heatmaps on linear or log axes.
// Hover text is computed here from the arrays; a click returns the cell {map, row, col}; with
// `zoomable`, a zoom returns the new window {map, x: [lo, hi], y: [lo, hi]} so Python recomputes it.
// The maps are laid out to fit the window below their top (columns and height chosen together,
// at most `height` px a plot), so a class sees every map and the legend without scrolling.

// showTips: plotly's "double-click to zoom back out": the data is the window, so the page offers its own way out
const SWEEP_CONFIG = { ...CONFIG, showTips: false };

function half(bits) {
  // IEEE 754 binary16 → number
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decode(m) {
  const n = m.x.n * m.y.n;
  const cat = bytesOf(m.cat);
  const shade = bytesOf(m.shade);
  const step = new Uint16Array(bytesOf(m.step).buffer, 0, n);
  const loss = m.loss ? new Uint16Array(bytesOf(m.loss).buffer, 0, n) : null;
  return { ...m, cat, shade, step, loss };
}

function edges(axis) {
  const out = new Array(axis.n + 1);
  for (let i = 0; i <= axis.n; i++) {
    const t = i / axis.n;
    out[i] = axis.log ? axis.low * (axis.high / axis.low) ** t : axis.low + (axis.high - axis.low) * t;
  }
  return out;
}

// A map axis's type and ticks over `pixels`: log axes in decades or whole numbers (common.js).
function mapAxis(axis, pixels) {
  return { type: axis.log ? "log" : "linear", exponentformat: "power", ...(axis.log ? logTickLayout(axis.low, axis.high, pixels, 12) : {}) };
}

function centre(axis, i) {
  const t = (i + 0.5) / axis.n;
  return axis.log ? axis.low * (axis.high / axis.low) ** t : axis.low + (axis.high - axis.low) * t;
}

function colourscale(categories) {
  // Category k occupies z ∈ [k, k+1): its ramp spread over that band, so z = k + shade/256.
  const n = categories.length;
  const stops = [];
  categories.forEach((c, k) => {
    const ramp = c.colours.length > 1 ? c.colours : [c.colours[0], c.colours[0]];
    ramp.forEach((colour, j) => stops.push([(k + (0.999 * j) / (ramp.length - 1)) / n, colour]));
  });
  stops[stops.length - 1][0] = 1;
  return stops;
}

function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : Number(v.toPrecision(4)).toString();
}

const MARGIN = { l: 62, r: 12, t: 30, b: 46 }; // a map's plot margins (px)
const GAP = 10; // between panels (px), as the stylesheet's grid gap
const NOTE = 24; // a map's note line under it (px)
const MIN_H = 220; // below this a map is too small to read: the page scrolls instead
const BELOW = 56; // room left under the legend (px): the page's own caption and a margin

function scrollParent(el) {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const y = getComputedStyle(p).overflowY;
    if ((y === "auto" || y === "scroll") && p.scrollHeight > p.clientHeight) return p;
  }
  return null;
}

function roomBelow(el) {
  // px from `el`'s top (as laid out when scrolled to the top) to the bottom of the visible area
  const scroller = scrollParent(el);
  const top = el.getBoundingClientRect().top;
  if (!scroller) return window.innerHeight - (top + window.scrollY);
  return scroller.clientHeight - (top - scroller.getBoundingClientRect().top + scroller.scrollTop);
}

function fitGrid(n, width, room, maxH, square) {
  // {cols, h}: the columns and plot height that give each of n maps the largest plot area
  // within width × room (room: the height left for the maps and their notes)
  let best = { cols: 1, h: MIN_H, side: -1 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const w = (width - GAP * (cols - 1)) / cols;
    let h = Math.min(maxH, room / rows - NOTE - GAP);
    if (square) h = Math.min(h, w - MARGIN.l - MARGIN.r + MARGIN.t + MARGIN.b);
    h = Math.max(MIN_H, Math.floor(h));
    const side = Math.min(square ? w - MARGIN.l - MARGIN.r : w, h - MARGIN.t - MARGIN.b);
    if (side > best.side) best = { cols, h, side };
  }
  return best;
}

class SweepView {
  constructor(parent) {
    this.root = parent.querySelector(".ovz-sweep");
    this.message = this.root.querySelector(".ovz-sweep-message");
    this.grid = this.root.querySelector(".ovz-sweep-maps");
    this.tip = this.root.querySelector(".ovz-sweep-tip");
    this.panels = [];
    this.onResize = () => {
      clearTimeout(this.resizing);
      this.resizing = setTimeout(() => this.refit(), 150);
    };
    window.addEventListener("resize", this.onResize);
  }

  receive(data, setTriggerValue) {
    // Draws run one after another; while one runs, only the newest data waits (older is skipped).
    this.setTriggerValue = setTriggerValue;
    this.latest = data;
    this.drawing = (this.drawing || Promise.resolve()).then(() => {
      if (this.latest !== data) return null;
      return this.draw(data).then(
        () => { this.message.textContent = ""; },
        (err) => { this.message.textContent = `The map could not be drawn: ${err.message}`; },
      );
    });
  }

  panel(i) {
    while (this.panels.length <= i) {
      const box = document.createElement("div");
      box.className = "ovz-sweep-panel";
      const plot = document.createElement("div");
      plot.className = "ovz-sweep-plot";
      const note = document.createElement("div");
      note.className = "ovz-sweep-note";
      box.append(plot, note);
      this.grid.appendChild(box);
      this.panels.push({ box, plot, note, map: null, digest: null, bound: false });
    }
    return this.panels[i];
  }

  async draw(data) {
    this.Plotly = await loadPlotly(data.plotly);
    this.zoomable = !!data.zoomable;
    this.clickable = data.clickable !== false; // an exported page has no Playground to open
    while (this.panels.length > data.maps.length) {
      const p = this.panels.pop();
      this.Plotly.purge(p.plot);
      p.box.remove();
    }
    this.drawLegend(data.maps[0]);
    const refitted = this.fit(data);
    for (let i = 0; i < data.maps.length; i++) await this.drawMap(i, data.maps[i], data, refitted);
    this.root.dataset.maps = String(data.maps.length);
    this.root.dataset.digest = data.maps.map((m) => m.digest).join(",");
    this.root.dataset.ready = "1";
  }

  fit(data) {
    // columns and plot height for the window as it is now (data.height: the tallest a plot may be)
    const room = roomBelow(this.grid) - this.root.querySelector(".ovz-sweep-legend").offsetHeight - BELOW;
    const square = data.maps.every((m) => m.x.label === "x" && m.y.label === "y");
    const { cols, h } = fitGrid(data.maps.length, this.grid.clientWidth || this.root.clientWidth, room, data.height, square);
    this.grid.style.setProperty("--ovz-sweep-cols", String(cols));
    this.grid.style.setProperty("--ovz-sweep-h", `${h}px`);
    this.data = data;
    const fitted = `${cols},${h}`;
    const changed = this.root.dataset.fit !== fitted;
    this.root.dataset.fit = fitted;
    return changed;
  }

  refit() {
    // after a window resize: new columns and heights, and plots redrawn to them
    if (this.data && this.Plotly && this.fit(this.data)) this.panels.forEach((p) => this.Plotly.Plots.resize(p.plot));
  }

  async drawMap(i, raw, data, refitted) {
    const p = this.panel(i);
    p.note.textContent = raw.note;
    if (p.digest === raw.digest && p.zoomable === this.zoomable) {
      if (refitted) this.Plotly.Plots.resize(p.plot);
      return;
    }
    const m = decode(raw);
    const { n: nx } = m.x;
    const { n: ny } = m.y;
    const z = new Array(ny);
    for (let r = 0; r < ny; r++) {
      const row = new Float32Array(nx);
      for (let c = 0; c < nx; c++) row[c] = m.cat[r * nx + c] + m.shade[r * nx + c] / 256;
      z[r] = row;
    }
    const trace = {
      type: "heatmap", x: edges(m.x), y: edges(m.y), z, zmin: 0, zmax: m.categories.length,
      colorscale: colourscale(m.categories), showscale: false, hoverinfo: "none", zsmooth: false,
    };
    const layout = {
      margin: MARGIN,
      font: { family: getComputedStyle(this.root).fontFamily, size: 12 },
      paper_bgcolor: "rgba(0,0,0,0)",
      title: { text: plotlyText(m.title), font: { size: 13 }, x: 0.02 },
      xaxis: { title: { text: plotlyText(m.x.label) }, ...mapAxis(m.x, p.plot.clientWidth), constrain: "domain" },
      yaxis: { title: { text: plotlyText(m.y.label) }, ...mapAxis(m.y, data.height) },
      dragmode: this.zoomable ? "zoom" : false,
      showlegend: false,
      uirevision: `${m.x.low},${m.x.high},${m.y.low},${m.y.high}`,
    };
    if (m.x.label === "x" && m.y.label === "y") layout.yaxis.scaleanchor = "x";
    const traces = [trace];
    if (m.marks.length) {
      traces.push({
        type: "scatter", mode: "markers", x: m.marks.map((k) => k[0]), y: m.marks.map((k) => k[1]), hoverinfo: "skip",
        marker: { symbol: "star", size: 12, color: "white", line: { width: 1.2, color: "black" } },
      });
    }
    p.map = m;
    p.zoomable = this.zoomable;
    await this.Plotly.react(p.plot, traces, layout, SWEEP_CONFIG);
    p.digest = raw.digest;
    if (!p.bound) this.bind(p, i, data);
    p.bound = true;
  }

  bind(p, i) {
    p.plot.on("plotly_hover", (ev) => this.hover(p, ev));
    p.plot.on("plotly_unhover", () => { this.tip.hidden = true; });
    p.plot.on("plotly_click", (ev) => {
      const pt = ev.points && ev.points[0];
      if (!pt || !Array.isArray(pt.pointIndex)) return;
      const [row, col] = pt.pointIndex;
      this.root.dataset.clicked = `${i},${row},${col}`;
      this.setTriggerValue("click", { map: i, row, col });
    });
    p.plot.on("plotly_relayout", (ev) => {
      if (!this.zoomable || ev["xaxis.range[0]"] === undefined || ev["yaxis.range[0]"] === undefined) return;
      const m = p.map;
      const un = (axis, v) => (axis.log ? 10 ** v : v);
      const x = [un(m.x, ev["xaxis.range[0]"]), un(m.x, ev["xaxis.range[1]"])].sort((a, b) => a - b);
      const y = [un(m.y, ev["yaxis.range[0]"]), un(m.y, ev["yaxis.range[1]"])].sort((a, b) => a - b);
      this.root.dataset.zoomed = `${x},${y}`;
      this.setTriggerValue("zoom", { map: i, x, y });
    });
  }

  hover(p, ev) {
    const pt = ev.points && ev.points[0];
    if (!pt || !Array.isArray(pt.pointIndex)) return;
    const m = p.map;
    const [row, col] = pt.pointIndex;
    const k = row * m.x.n + col;
    const cat = m.categories[m.cat[k]];
    const lines = [`${m.x.label} = ${fmt(centre(m.x, col))}, ${m.y.label} = ${fmt(centre(m.y, row))}`, `→ ${cat ? cat.name : "?"}`];
    if (m.loss) lines.push(`final loss − f* = ${fmt(half(m.loss[k]))}`);
    lines.push(`steps: ${m.step[k]}`);
    if (this.clickable) lines.push("click: open in the Playground");
    this.tip.textContent = lines.join("\n");
    const box = this.root.getBoundingClientRect();
    const e = ev.event;
    this.tip.style.left = `${Math.min(e.clientX - box.left + 14, box.width - 260)}px`;
    this.tip.style.top = `${e.clientY - box.top + 14}px`;
    this.tip.hidden = false;
  }

  drawLegend(m) {
    const legend = this.root.querySelector(".ovz-sweep-legend");
    legend.replaceChildren(
      ...m.categories.map((c) => {
        const item = document.createElement("span");
        const swatch = document.createElement("i");
        swatch.style.background = c.colours.length > 1 ? `linear-gradient(90deg, ${c.colours.join(", ")})` : c.colours[0];
        item.append(swatch, document.createTextNode(c.name));
        return item;
      }),
    );
    const shade = document.createElement("small");
    shade.textContent = m.shadeLabel;
    legend.appendChild(shade);
  }

  destroy() {
    window.removeEventListener("resize", this.onResize);
    clearTimeout(this.resizing);
    if (this.Plotly) this.panels.forEach((p) => this.Plotly.purge(p.plot));
  }
}
