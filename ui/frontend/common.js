// Shared by the player and the sweep map: plotly.js loading, the payload's bytes, and the components-v2
// host that keeps one view per parent element (Streamlit calls the default export again with new
// data on every rerun; the view lives on, so camera, zoom and playhead survive updates).

// Every plot's config. plotly.js 4 shows a "Share chart..." button by default that uploads the chart
// to Plotly Cloud: a class network may be offline, and a student's data stays on the server.
const CONFIG = {
  displaylogo: false,
  showSendToCloud: false,
  responsive: true,
  modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines", "hoverCompareCartesian"],
};

// plotly.js by URL: the app serves two partial bundles (ui/assets.py), each of which sets window.Plotly
// as it runs, so each instance is kept under its own URL (the cartesian one must not answer for the 3-D
// surface: a trace type missing from a bundle draws nothing, silently). No URL: the page carries
// plotly.js itself (an exported file inlines the full bundle).
const PLOTLY = new Map(); // URL -> Promise<Plotly>

function loadPlotly(url) {
  if (!url) return window.Plotly ? Promise.resolve(window.Plotly) : Promise.reject(new Error("the page has no plotly.js"));
  if (!PLOTLY.has(url)) {
    const loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => resolve(window.Plotly); // the load event follows the script's own run at once
      script.onerror = () => {
        PLOTLY.delete(url);
        script.remove();
        reject(new Error(`could not load plotly.js from ${url}`));
      };
      document.head.appendChild(script);
    });
    PLOTLY.set(url, loading);
  }
  return PLOTLY.get(url);
}

// The bytes of one of the payload's arrays, in a buffer of their own (typed arrays are laid over it):
// base64 text where the data is JSON (a page), or binary where the host's wire carries buffers (the
// notebook widget's DataViews, which may sit at any offset of a larger message).
function bytesOf(b64) {
  if (b64 instanceof ArrayBuffer) return new Uint8Array(b64.slice(0));
  if (ArrayBuffer.isView(b64)) return new Uint8Array(b64.buffer.slice(b64.byteOffset, b64.byteOffset + b64.byteLength));
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(b64);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function onePerParent(make) {
  const views = new WeakMap();
  return function (component) {
    const { data, parentElement, setTriggerValue } = component;
    let view = views.get(parentElement);
    if (!view) {
      view = make(parentElement);
      views.set(parentElement, view);
    }
    view.receive(data, setTriggerValue);
    return () => {
      view.destroy();
      views.delete(parentElement);
    };
  };
}

// The plots' type, grown with the view's width: tick labels of 16 px across a 1920-pixel projector,
// 12 px on a laptop, at least 17 px when presenting; plots set their margins from it.
const FONT_MIN = 12;
const FONT_MIN_PRESENTING = 17;
const FONT_MAX = 20;
const PX_PER_FONT_PX = 90; // a view's width per pixel of type

function fontForWidth(width, presenting = false) {
  return Math.min(FONT_MAX, Math.max(presenting ? FONT_MIN_PRESENTING : FONT_MIN, Math.round(width / PX_PER_FONT_PX)));
}

// Text from the data (run labels, a typed landscape's name) for a plotly string: plotly.js reads its
// text as a subset of HTML (<a href>, <b>, <br>) and a hover template's %{…}, so & < > and % go in as
// numeric entities and show as written. The same rule as viz/text.py's plotly_text.
function plotlyText(text) {
  return String(text).replace(/[&<>%]/g, (c) => `&#${c.charCodeAt(0)};`);
}

// A cartesian plot's margins for tick labels and axis titles in `fs` type (axes with automargin widen
// them where labels need more): the last x tick's label overhangs the plotting area by half its width,
// the top y tick's by half its height, and the title sits above.
function marginsFor(fs) {
  return { l: Math.round(3.5 * fs), r: Math.round(1.6 * fs), t: Math.round(2.4 * fs), b: Math.round(3.2 * fs) };
}

// Log axes label decades (10⁻³) or whole numbers (0.02), never plotly's bare minor "2" and "5".
function powerLabel(k) {
  return k === 0 ? "1" : k === 1 ? "10" : `10<sup>${k < 0 ? "−" : ""}${Math.abs(k)}</sup>`;
}

function fullNumber(v) {
  const k = Math.floor(Math.log10(v) + 1e-9);
  if (k >= -4 && k <= 5) return String(Number(v.toPrecision(3)));
  return `${Number((v / 10 ** k).toPrecision(3))}×${powerLabel(k)}`;
}

// Tick values and labels for a log axis over [lo, hi] (data units), labels at least `gap` decades
// apart: decades when two fit (every k-th one when they crowd), else 1-2-5 times a decade when three
// fit, else 1…9 times, written out; null when even those give fewer than two (a sliver of a decade:
// plotly's own ticks there are plain numbers).
function logTicks(lo, hi, gap) {
  const a = Math.log10(lo) - 1e-9;
  const b = Math.log10(hi) + 1e-9;
  const k0 = Math.ceil(a);
  const k1 = Math.floor(b);
  if (k1 > k0) {
    const every = Math.max(1, Math.ceil(gap - 1e-9));
    const ks = [];
    for (let k = k0; k <= k1; k += every) ks.push(k);
    if (ks.length >= 2) return { tickvals: ks.map((k) => 10 ** k), ticktext: ks.map(powerLabel) };
  }
  for (const [mantissas, enough] of [[[1, 2, 5], 3], [[1, 2, 3, 4, 5, 6, 7, 8, 9], 2]]) {
    const vals = [];
    for (let k = Math.floor(a); k <= Math.ceil(b); k++) {
      for (const m of mantissas) {
        const at = Math.log10(m * 10 ** k);
        if (at >= a && at <= b && (!vals.length || at - Math.log10(vals[vals.length - 1]) >= gap)) vals.push(m * 10 ** k);
      }
    }
    if (vals.length >= enough) return { tickvals: vals, ticktext: vals.map(fullNumber) };
  }
  return null;
}

// The ticks of a log axis from lo to hi drawn over `pixels` in `fontSize` type, as layout ({}: plotly's own).
function logTickLayout(lo, hi, pixels, fontSize) {
  const ticks = logTicks(lo, hi, (1.6 * fontSize * Math.log10(hi / lo)) / Math.max(pixels, 1));
  return ticks ? { tickmode: "array", ...ticks } : {};
}

// A log axis showing [lo, hi] with a margin, at least 0.7 decades tall (a constant rate gets a
// band around it, 1-2-5 ticks wide, not plotly's sliver).
function logAxis(lo, hi, pixels, fontSize) {
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) return { type: "log" };
  const span = Math.log10(hi / lo);
  const pad = Math.max(0.04 * span, (0.7 - span) / 2);
  const range = [Math.log10(lo) - pad, Math.log10(hi) + pad];
  return { type: "log", range, ...logTickLayout(10 ** range[0], 10 ** range[1], pixels, fontSize) };
}
