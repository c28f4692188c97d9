// gradscape player, scrub: drag one of a run's settings (its learning rate, β1, …) and every panel —
// map, 3-D surface, rate and loss curves, the legend's line — follows within the frame, with no server
// call. Where the data offers it (`tune`: the families' URL), the player asks the server for each run's
// family once its first paths are drawn (viz/families.py: 64 runs at values of the setting around the
// run's own, each exactly the run a link with that value makes) and keeps them; the slider snaps to the
// family's members. On release the values go back once as the trigger value `tune` (one rerun: the
// sidebar and the link follow), and the player shows the scrubbed member until the rerun's data arrive.
// Under each slider, a sweep strip: the family's final loss against the value, lost runs (diverged, or
// off the map) crossed out, so the cliff is in sight before the slider is dragged into it.
//
// A scrubbed run is drawn on the canvas layers (paths, heads, the curves' overlay): no plotly call while
// dragging; its plotly curves fade once as a drag starts and come back with the rerun's data. The
// controls' "scrub" button shows and hides the rows (hidden while presenting: the panels fill the screen).

const TUNE_THUMB_PX = 16; // Chromium's range thumb: member k sits under the thumb's centre
const TUNE_KEY_DEBOUNCE_MS = 450; // arrow keys commit after a pause, as the rate slider does
const TUNE_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End"]);
const TUNE_TIMES_MAX = 4000;
const FAMILIES = new Map(); // family URL -> Promise<family>
const FAMILIES_MAX = 48;

function loadFamily(url) {
  if (!FAMILIES.has(url)) {
    const loading = fetch(url).then(async (r) => {
      if (!r.ok) throw new Error((await r.text()) || `HTTP ${r.status}`);
      const family = await r.json();
      family.decoded = new Array(family.values.length);
      family.ranges = curveRanges(family);
      return family;
    });
    loading.catch(() => FAMILIES.delete(url));
    FAMILIES.set(url, loading);
    if (FAMILIES.size > FAMILIES_MAX) FAMILIES.delete(FAMILIES.keys().next().value);
  }
  return FAMILIES.get(url);
}

// The smallest and largest positive rate and the finite losses of the members that neither diverged nor
// left the map: how far a drag may take the curves' axes (tune.js widens them as a drag starts).
function curveRanges(family) {
  const lr = { lo: Infinity, hi: 0 };
  const loss = { lo: Infinity, hi: -Infinity };
  family.members.forEach((_, k) => {
    if (family.lost[k].some(Boolean)) return;
    const m = member(family, k);
    for (const track of m.rates) {
      for (const v of track.values) {
        if (v > 0 && v < lr.lo) lr.lo = v;
        if (v > lr.hi && Number.isFinite(v)) lr.hi = v;
      }
    }
    for (const track of m.losses) {
      for (const v of track.values) {
        if (v < loss.lo) loss.lo = v;
        if (v > loss.hi && Number.isFinite(v)) loss.hi = v;
      }
    }
  });
  return { lr, loss };
}

function member(family, k) {
  if (!family.decoded[k]) family.decoded[k] = decodeTracks(family.members[k]);
  return family.decoded[k];
}

// A setting's value as links write it (6 significant digits).
function valueText(v) {
  return String(Number(v.toPrecision(6)));
}

const TUNE = {
  initTune() {
    const q = (sel) => this.root.querySelector(sel);
    this.ui.tune = q(".ovz-tune");
    this.ui.tuneRows = q(".ovz-tune-rows");
    this.ui.tuneSpan = q(".ovz-tune-span");
    this.tuneSpan = this.ui.tuneSpan.value;
    this.tuneStates = []; // per shown run: {query, knob, url, family, index, error, committing}
    this.tuneRowsKey = "";
    this.tunePresenting = null; // whether the last data presented (the scrub folds when presenting starts)
    this.allOffset = 0; // where the all-runs slider stands: members from each run's own
    this.tuneT0 = null;
    this.tuneRaf = 0;
    this.tuneTimer = null;
    this.faded = new Set(); // runs whose plotly curves are faded under their scrubbed ones
    this.root.__ovzTuneTimes = [];
    this.ui.tuneToggle = q(".ovz-tune-toggle");
    this.ui.tuneToggle.addEventListener("click", () => this.showTune(this.ui.tune.hidden));
    this.ui.tuneSpan.addEventListener("change", () => {
      this.tuneSpan = this.ui.tuneSpan.value;
      this.fetchFamilies();
    });
  },

  // New data: keep each run's scrub where the run is the same, else start over; rows, then families.
  receiveTune(data) {
    this.tuneUrl = data.tune || null;
    this.ui.tuneToggle.hidden = !this.tuneUrl;
    if (!this.tuneUrl) {
      this.tuneStates = [];
      this.ui.tune.hidden = true;
      return;
    }
    const previous = this.tuneStates;
    const claimed = new Set();
    this.tuneStates = this.committed.map((run, r) => {
      const same = (st) => st && !claimed.has(st) && st.query === run.tune.query;
      const old = same(previous[r]) ? previous[r] : previous.find(same);
      if (old) {
        claimed.add(old);
        if (old.committing) old.index = null; // the rerun kept this run as it was: the scrub is over
        old.committing = false;
        return old;
      }
      const was = previous[r];
      const knob = was && run.tune.knobs.some((k) => k.key === was.knob) ? was.knob : "lr";
      return { query: run.tune.query, knob, url: null, family: null, index: null, error: null, committing: false };
    });
    this.faded = new Set(); // the rerun's curves are drawn in full again
    this.allOffset = 0;
    if (this.tunePresenting !== !!data.presentation) this.showTune(!data.presentation); // tucked away while presenting
    this.tunePresenting = !!data.presentation;
  },

  // Show or hide the scrub's rows (the controls' "scrub" button); the strips take their width when shown.
  showTune(on) {
    this.ui.tune.hidden = !(on && this.tuneUrl);
    this.ui.tuneToggle.setAttribute("aria-expanded", String(!this.ui.tune.hidden));
    if (!this.ui.tune.hidden) this.drawTuneRows();
  },

  // The runs as drawn: a scrubbed run is its family's member under the slider (the run itself at its own value).
  shownRuns() {
    return this.committed.map((run, r) => {
      const st = this.tuneStates[r];
      if (!st || st.index === null || !st.family || st.index === st.family.current) return run;
      const m = st.family.members[st.index];
      const note = `${st.family.label} = ${valueText(st.family.values[st.index])}`;
      return { ...run, ...member(st.family, st.index), digest: m.digest, n: m.n, status: m.status, ghost: run, member: st.index, note };
    });
  },

  familyUrl(run, st) {
    return `${this.tuneUrl}&${run.tune.query}&knob=${encodeURIComponent(st.knob)}&span=${this.tuneSpan}`;
  },

  // Ask for every run's family (one request at a time) once the paths are drawn.
  fetchFamilies() {
    if (!this.tuneUrl) return;
    this.committed.forEach((run, r) => {
      const st = this.tuneStates[r];
      const url = this.familyUrl(run, st);
      if (st.url === url) return;
      st.url = url;
      st.family = null;
      st.error = null;
      this.familyChain = (this.familyChain || Promise.resolve())
        .then(() => loadFamily(url))
        .then(
          (family) => {
            if (st.url !== url) return;
            st.family = family;
            if (st.index !== null && st.index >= family.values.length) st.index = null;
            this.drawTuneRow(r);
          },
          (err) => {
            if (st.url !== url) return;
            st.error = err.message;
            this.drawTuneRow(r);
          },
        );
    });
    this.drawTuneRows();
  },

  // ---- rows: one per run and one for all runs ----
  drawTuneRows() {
    if (!this.tuneUrl) return;
    const key = this.committed.map((run) => `${run.tune.query}|${run.label}|${run.color}`).join("~") + `|${this.tuneSpan}`;
    if (key !== this.tuneRowsKey) {
      this.tuneRowsKey = key;
      this.ui.tuneRows.replaceChildren(...this.committed.map((run, r) => this.makeTuneRow(run, r)), this.makeAllRow());
    }
    this.committed.forEach((_, r) => this.drawTuneRow(r));
    this.drawAllRow();
  },

  makeTuneRow(run, r) {
    const row = document.createElement("div");
    row.className = "ovz-tune-row";
    row.dataset.run = String(r);
    const name = document.createElement("span");
    name.className = "ovz-tune-name";
    const swatch = document.createElement("i");
    swatch.style.background = run.color;
    name.append(swatch, document.createTextNode(run.label));
    const select = document.createElement("select");
    select.className = "ovz-tune-knob";
    select.setAttribute("aria-label", `Setting of ${run.label} to scrub`);
    for (const k of run.tune.knobs) select.append(new Option(k.label, k.key, false, k.key === this.tuneStates[r].knob));
    select.addEventListener("change", () => {
      this.tuneStates[r].knob = select.value;
      this.tuneStates[r].index = null;
      this.applyTune();
      this.fetchFamilies();
    });
    const { track, input, value } = this.makeTrack(`Scrub ${run.label}`, true);
    row.append(name, select, track, value);
    this.bindRange(input, (e) => {
      const st = this.tuneStates[r];
      if (!st.family) return;
      st.index = Number(input.value);
      this.allOffset = 0;
      this.scheduleTune(e.timeStamp);
    }, () => this.commitTune([r]));
    return row;
  },

  makeAllRow() {
    const row = document.createElement("div");
    row.className = "ovz-tune-row ovz-tune-all";
    const name = document.createElement("span");
    name.className = "ovz-tune-name";
    name.textContent = "All runs";
    const spacer = document.createElement("span");
    const { track, input, value } = this.makeTrack("Scrub all runs together", false);
    row.append(name, spacer, track, value);
    this.bindRange(input, (e) => {
      const offset = Number(input.value);
      this.allOffset = offset;
      this.tuneStates.forEach((st) => {
        if (st.family) st.index = Math.max(0, Math.min(st.family.values.length - 1, st.family.current + offset));
      });
      this.scheduleTune(e.timeStamp);
    }, () => this.commitTune(this.tuneStates.map((_, r) => r)));
    return row;
  },

  // A scrub's track: a whole-step range (its bounds set when drawn), under it the sweep strip where
  // `withStrip`, and the output that shows the value under the pointer.
  makeTrack(label, withStrip) {
    const track = document.createElement("div");
    track.className = "ovz-tune-track";
    const input = document.createElement("input");
    input.type = "range";
    input.className = "ovz-tune-range";
    input.step = "1";
    input.value = "0";
    input.setAttribute("aria-label", label);
    track.append(input);
    if (withStrip) {
      const strip = document.createElement("canvas");
      strip.className = "ovz-tune-strip";
      track.append(strip);
    }
    const value = document.createElement("output");
    value.className = "ovz-tune-value";
    return { track, input, value };
  },

  // A drag shows each member at once and commits on release; arrow keys commit after a pause.
  bindRange(input, onInput, onCommit) {
    let keyed = false;
    input.addEventListener("keydown", (e) => {
      keyed = TUNE_KEYS.has(e.key);
      if (e.key === "Enter") onCommit();
    });
    input.addEventListener("input", onInput);
    input.addEventListener("change", () => {
      clearTimeout(this.tuneTimer);
      if (keyed) this.tuneTimer = setTimeout(onCommit, TUNE_KEY_DEBOUNCE_MS);
      else onCommit();
      keyed = false;
    });
  },

  tuneRow(r) {
    return this.ui.tuneRows.querySelector(`.ovz-tune-row[data-run="${r}"]`);
  },

  drawTuneRow(r) {
    const row = this.tuneRow(r);
    const st = this.tuneStates[r];
    if (!row || !st) return;
    const run = this.committed[r];
    const input = row.querySelector(".ovz-tune-range");
    const out = row.querySelector(".ovz-tune-value");
    const knob = run.tune.knobs.find((k) => k.key === st.knob);
    const f = st.family;
    input.disabled = !f;
    row.dataset.ready = f ? "1" : "0";
    if (!f) {
      out.textContent = st.error ? `${knob.label}: ${st.error}` : `${knob.label} = ${valueText(knob.value)} · computing its family…`;
      row.classList.toggle("ovz-tune-error", !!st.error);
      this.drawStrip(row, null, r);
      return;
    }
    row.classList.remove("ovz-tune-error");
    const k = st.index === null ? f.current : st.index;
    input.max = String(f.values.length - 1);
    input.value = String(k);
    out.textContent = `${f.label} = ${valueText(f.values[k])}`;
    row.dataset.value = valueText(f.values[k]);
    input.setAttribute("aria-valuetext", out.textContent);
    this.drawStrip(row, f, r);
  },

  drawAllRow() {
    const row = this.ui.tuneRows.querySelector(".ovz-tune-all");
    if (!row) return;
    const input = row.querySelector(".ovz-tune-range");
    const out = row.querySelector(".ovz-tune-value");
    const ready = this.tuneStates.filter((st) => st.family);
    const most = Math.max(1, ...ready.map((st) => st.family.values.length - 1));
    input.min = String(-most);
    input.max = String(most);
    input.disabled = ready.length === 0;
    const offset = this.allOffset;
    input.value = String(offset);
    // One factor where every run's value moved by the same one (log settings, none at its range's end).
    const factors = ready.map((st) => (st.family.log ? st.family.values[st.index ?? st.family.current] / st.family.values[st.family.current] : NaN));
    const same = factors.every((f) => Math.abs(f / factors[0] - 1) < 1e-3);
    if (!offset) out.textContent = "each run at its own value";
    else if (same) out.textContent = `each run's value × ${valueText(Number(factors[0].toPrecision(3)))}`;
    else out.textContent = `each run ${offset > 0 ? "+" : "−"}${Math.abs(offset)} of its family`;
  },

  // Final loss against the value, one line per start; lost members crossed out; the run's own value
  // ticked, the member shown marked by a line.
  drawStrip(row, f, r) {
    const canvas = row.querySelector(".ovz-tune-strip");
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    if (!w || !h) return;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (!f) return;
    const K = f.values.length;
    const x = (k) => TUNE_THUMB_PX / 2 + (K > 1 ? k / (K - 1) : 0.5) * (w - TUNE_THUMB_PX);
    const lossLog = this.logLoss && this.L.fstar !== null;
    const y = (v) => (lossLog ? Math.log10(Math.max(v - this.L.fstar, this.lossFloor)) : v);
    let lo = Infinity;
    let hi = -Infinity;
    f.final.forEach((row_, k) => row_.forEach((v, j) => {
      if (v !== null && !f.lost[k][j]) {
        lo = Math.min(lo, y(v));
        hi = Math.max(hi, y(v));
      }
    }));
    if (!(hi > lo)) {
      lo -= 1;
      hi += 1;
    }
    const py = (v) => 3 + (1 - (y(v) - lo) / (hi - lo)) * (h - 6);
    const color = this.committed[r].color;
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = color;
    for (let j = 0; j < f.final[0].length; j++) {
      ctx.beginPath();
      let drawing = false;
      for (let k = 0; k < K; k++) {
        const v = f.final[k][j];
        if (v === null || f.lost[k][j]) {
          drawing = false;
          continue;
        }
        if (drawing) ctx.lineTo(x(k), py(v));
        else ctx.moveTo(x(k), py(v));
        drawing = true;
      }
      ctx.stroke();
    }
    ctx.strokeStyle = "#d62728";
    ctx.lineWidth = 1.5;
    for (let k = 0; k < K; k++) {
      if (!f.lost[k].some(Boolean)) continue;
      const cx = x(k);
      ctx.beginPath();
      ctx.moveTo(cx - 3, 2);
      ctx.lineTo(cx + 3, 8);
      ctx.moveTo(cx + 3, 2);
      ctx.lineTo(cx - 3, 8);
      ctx.stroke();
    }
    ctx.fillStyle = "rgba(60,60,60,0.9)";
    ctx.fillRect(x(f.current) - 1, h - 5, 2, 5);
    const st = this.tuneStates[r];
    if (st.index !== null) {
      ctx.strokeStyle = "rgba(60,60,60,0.8)";
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x(st.index), 0);
      ctx.lineTo(x(st.index), h);
      ctx.stroke();
    }
  },

  // ---- drawing a scrub: once per animation frame, however many input events came ----
  scheduleTune(timeStamp) {
    if (this.tuneT0 === null || timeStamp < this.tuneT0) this.tuneT0 = timeStamp;
    if (!this.tuneRaf) this.tuneRaf = requestAnimationFrame(() => this.tuneFrame());
  },

  tuneFrame() {
    this.tuneRaf = 0;
    this.applyTune();
    const times = this.root.__ovzTuneTimes;
    times.push(performance.now() - this.tuneT0);
    if (times.length > TUNE_TIMES_MAX) times.shift();
    this.tuneT0 = null;
  },

  applyTune() {
    this.runs = this.shownRuns();
    this.fadeCommitted();
    this.trailStep = -1;
    if (this.visible("map2d") && this.drawn.map2d) this.drawPaths();
    else this.renderStep(this.t);
    this.committed.forEach((_, r) => this.drawTuneRow(r));
    this.drawAllRow();
    this.drawLegend();
    this.root.dataset.paths = this.checksum();
    this.markTuned();
  },

  // The member each run shows, "" for the run itself (for tests and benchmarks).
  markTuned() {
    this.root.dataset.tuned = this.runs.map((run) => (run.ghost ? run.member : "")).join(",");
  },

  // Once per run and drag: its plotly curves fade, so that the scrubbed ones drawn over them stand out,
  // and the curves' axes widen to hold its whole family (one plotly update per panel).
  fadeCommitted() {
    const fresh = this.runs.map((run, r) => (run.ghost && !this.faded.has(r) ? r : -1)).filter((r) => r >= 0);
    if (!fresh.length || !this.drawn.curves) return;
    fresh.forEach((r) => this.faded.add(r));
    for (const which of ["lr", "loss"]) {
      const traces = this.curveRuns[which].map((r, i) => (fresh.includes(r) ? i : -1)).filter((i) => i >= 0);
      const ranges = fresh.map((r) => this.tuneStates[r].family.ranges[which]);
      this.Plotly.update(this.gd[which], { opacity: 0.25 }, this.widened(which, ranges), traces);
    }
  },

  // Layout changes that widen a curve panel's y axis to hold `ranges` ({lo, hi} in data units).
  widened(which, ranges) {
    const gd = this.gd[which];
    const ya = gd._fullLayout.yaxis;
    const log = ya.type === "log";
    const y = (v) => (which === "loss" ? this.curveY(v) : v);
    let [a, b] = ya.range;
    for (const range of ranges) {
      for (const v of [y(range.lo), y(range.hi)]) {
        if (log && !(v > 0)) continue;
        if (!Number.isFinite(v)) continue;
        const at = log ? Math.log10(v) : v;
        a = Math.min(a, at);
        b = Math.max(b, at);
      }
    }
    if (a === ya.range[0] && b === ya.range[1]) return {};
    const pad = 0.03 * (b - a);
    const change = { "yaxis.range": [a - (a < ya.range[0] ? pad : 0), b + (b > ya.range[1] ? pad : 0)] };
    if (!log) return change;
    const ticks = logTickLayout(10 ** change["yaxis.range"][0], 10 ** change["yaxis.range"][1], ya._length, this.fontSize);
    return { ...change, "yaxis.tickmode": ticks.tickmode || "auto", "yaxis.tickvals": ticks.tickvals || null, "yaxis.ticktext": ticks.ticktext || null };
  },

  // Send the scrubbed values of runs `rs` back (one rerun); the members stay on screen until it answers.
  commitTune(rs) {
    clearTimeout(this.tuneTimer);
    const changes = [];
    for (const r of rs) {
      const st = this.tuneStates[r];
      if (!st || !st.family || st.index === null) continue;
      if (st.index === st.family.current) {
        st.index = null;
        continue;
      }
      st.committing = true;
      const run = this.committed[r];
      changes.push({ run: run.index, query: run.tune.query, knob: st.knob, value: st.family.values[st.index] });
    }
    if (!changes.length) {
      this.applyTune();
      if (this.faded.size) { // released where it started: the curves as they were
        this.faded = new Set();
        this.drawn.curves = "faded";
        this.drawCurves();
      }
      return;
    }
    this.root.dataset.tuneCommits = String(Number(this.root.dataset.tuneCommits || 0) + 1);
    this.setTriggerValue("tune", changes);
  },
};
