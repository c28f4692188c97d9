// gradscape player, data: loading the binary files (a landscape grid, decision-boundary frames),
// decoding the runs' thinned arrays (viz/thinning.py) and reading a trajectory at any step.
//
// Every trajectory arrives as the step indices it kept (uint16, sorted, always 0 and T) and its
// values there; `sample` interpolates between kept steps, so the playhead's step k lands on the
// drawn line, and exactly on the record at every kept step.

const BINARIES = new Map(); // file URL (or embedded digest) -> Promise<ArrayBuffer>
const BINARIES_MAX = 16;
const DECODED = new Map(); // run digest -> decoded run arrays
const DECODED_MAX = 64;

// A binary file of the payload (`what` names it in errors): fetched from `url`, or decoded from
// `b64` when the page carries it (an exported file opened without a server); it must hold `bytes`.
function loadBinary(what, url, b64, digest, bytes) {
  const id = url || `embedded:${digest}`;
  if (!BINARIES.has(id)) {
    const loading = (b64
      ? Promise.resolve(bytesOf(b64).buffer)
      : fetch(url).then((r) => {
          if (!r.ok) throw new Error(`${what} ${url}: HTTP ${r.status}`);
          return r.arrayBuffer();
        })
    ).then((buf) => {
      if (buf.byteLength !== bytes) throw new Error(`${what} ${id}: ${buf.byteLength} bytes, expected ${bytes}`);
      return buf;
    });
    loading.catch(() => BINARIES.delete(id));
    BINARIES.set(id, loading);
    if (BINARIES.size > BINARIES_MAX) BINARIES.delete(BINARIES.keys().next().value);
  }
  return BINARIES.get(id);
}

// The grid blob: n×n float32 values of f, then n×n shades.
async function loadGrid(L) {
  const n = L.n;
  const buf = await loadBinary("landscape grid", L.url, L.grid, L.digest, 8 * n * n);
  return { z: new Float32Array(buf, 0, n * n), shade: new Float32Array(buf, 4 * n * n, n * n) };
}

// One flat array split per trajectory at `offsets` (n + 1 of them), `width` numbers per kept step.
function split(steps, values, offsets, width) {
  const out = [];
  for (let j = 0; j + 1 < offsets.length; j++) {
    const a = offsets[j];
    const b = offsets[j + 1];
    out.push({ steps: steps.subarray(a, b), values: values.subarray(width * a, width * b), width });
  }
  return out;
}

// A run's (or a family member's) tracks: positions, losses and rate rows, each split per trajectory.
function decodeTracks(run) {
  const keep = new Uint16Array(bytesOf(run.keep).buffer);
  const lrKeep = new Uint16Array(bytesOf(run.lrKeep).buffer);
  const pos = new Float32Array(bytesOf(run.pos).buffer);
  return {
    pos,
    paths: split(keep, pos, run.keepAt, 2),
    losses: split(keep, new Float32Array(bytesOf(run.loss).buffer), run.keepAt, 1),
    rates: split(lrKeep, new Float32Array(bytesOf(run.lr).buffer), run.lrKeepAt, 1),
  };
}

function decodeRun(run) {
  let arrays = DECODED.get(run.digest);
  if (!arrays) {
    arrays = decodeTracks(run);
    DECODED.set(run.digest, arrays);
    if (DECODED.size > DECODED_MAX) DECODED.delete(DECODED.keys().next().value);
  }
  return { index: run.index, label: run.label, color: run.color, digest: run.digest, n: run.n, status: run.status, tune: run.tune, ...arrays };
}

// Index of the last kept step ≤ k.
function lastKept(steps, k) {
  let lo = 0;
  let hi = steps.length - 1;
  if (k >= steps[hi]) return hi;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (steps[mid] <= k) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// Component c of a thinned track at step k (linear between kept steps).
function sample(track, k, c = 0) {
  const { steps, values, width } = track;
  const i = lastKept(steps, k);
  const v = values[i * width + c];
  if (steps[i] === k || i + 1 >= steps.length) return v;
  const u = (k - steps[i]) / (steps[i + 1] - steps[i]);
  return v + u * (values[(i + 1) * width + c] - v);
}

// The landscape's colour scale applied to a loss (viz/landscape.py LandscapeGrid.lift).
function lift(L, v) {
  const clipped = L.clip === null || L.clip === undefined ? v : Math.min(v, L.clip);
  return L.log ? Math.log10(Math.max(clipped - L.zmin, 0) + 1e-3) : clipped;
}

// The map's axis titles: x and y unless the landscape names them (a network's plane: a, b).
function axisNames(L) {
  return L.axes || ["x", "y"];
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

function rgba(hex, alpha) {
  const v = parseInt(hex.slice(1), 16);
  return `rgba(${(v >> 16) & 255},${(v >> 8) & 255},${v & 255},${alpha})`;
}
