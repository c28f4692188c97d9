// gradscape player, dragging a start point on the 2-D map (where the data says `draggable`): a press on a
// start's marker (the first point of the paths; with several starts, the one nearest the pointer) grabs it;
// the marker follows the pointer on the heads layer, with no server call; the release sends the trigger
// value `drag` = {index, x, y} once (one rerun: that start moves, the others stay) and the marker stays
// where it was dropped until the rerun's data arrive. The marker stays in the landscape's domain, and a drop
// moves the start wherever it lands (a start brought back where it was sends nothing: the data would not
// change, and the marker would wait for it). A press released without moving is a plain click. The press
// is cancelled, so plotly neither zooms nor clicks under it.

const DRAG_GRAB_PX = 9; // how near a start's marker (radius 4.5) a press grabs it
const DRAG_MIN_PX = 3; // a press that moves less is a click

const DRAG = {
  initDrag() {
    this.drag = null; // {index, pointer, cx, cy, moved, x, y, sent}
    this.dragRaf = 0;
    const panel = this.panels.map2d;
    panel.addEventListener("pointerdown", (e) => this.dragStart(e), true);
    panel.addEventListener("pointermove", (e) => this.dragMove(e));
    panel.addEventListener("pointerup", (e) => this.dragEnd(e));
    panel.addEventListener("pointercancel", () => this.dropDrag());
  },

  // The index of the start whose marker is under client point (cx, cy), or -1.
  startAt(cx, cy) {
    const g = this.geometry;
    if (!g || !this.draggable || !this.drawn.map2d || !this.visible("map2d")) return -1;
    const rect = this.gd.map2d.getBoundingClientRect();
    let best = -1;
    let nearest = DRAG_GRAB_PX;
    for (const run of this.runs) { // every run starts from the same points, path j from start j
      run.paths.forEach((path, j) => {
        const d = Math.hypot(g.px(path.values[0]) - (cx - rect.left), g.py(path.values[1]) - (cy - rect.top));
        if (d <= nearest) [best, nearest] = [j, d];
      });
    }
    return best;
  },

  dragStart(e) {
    if (e.button !== 0 || (this.drag && !this.drag.sent)) return;
    const index = this.startAt(e.clientX, e.clientY);
    if (index < 0) return;
    e.preventDefault(); // no mouse events follow: plotly's zoom box and click stay out of it
    this.panels.map2d.setPointerCapture(e.pointerId);
    this.pause();
    this.drag = { index, pointer: e.pointerId, cx: e.clientX, cy: e.clientY, moved: false, x: 0, y: 0, sent: false };
  },

  dragMove(e) {
    const d = this.drag;
    if (!d || d.sent) {
      this.panels.map2d.classList.toggle("ovz-grab", this.startAt(e.clientX, e.clientY) >= 0);
      return;
    }
    if (e.pointerId !== d.pointer) return;
    d.moved = d.moved || Math.hypot(e.clientX - d.cx, e.clientY - d.cy) >= DRAG_MIN_PX;
    if (!d.moved) return;
    const p = this.mapPoint(e.clientX, e.clientY, true);
    if (!p) return;
    const L = this.L; // kept in the domain (a zoomed-out map shows more): the page takes every drop
    [d.x, d.y] = [Math.max(L.x[0], Math.min(L.x[1], p.x)), Math.max(L.y[0], Math.min(L.y[1], p.y))];
    this.panels.map2d.classList.add("ovz-grabbing");
    if (!this.dragRaf) {
      this.dragRaf = requestAnimationFrame(() => {
        this.dragRaf = 0;
        if (this.geometry) this.drawHeads(this.t);
      });
    }
  },

  dragEnd(e) {
    const d = this.drag;
    if (!d || d.sent || e.pointerId !== d.pointer) return;
    this.panels.map2d.classList.remove("ovz-grabbing");
    if (!d.moved) {
      this.drag = null;
      this.clickAt(e.clientX, e.clientY);
      return;
    }
    if (Math.hypot(e.clientX - d.cx, e.clientY - d.cy) < DRAG_MIN_PX) { // brought back: nothing to send
      this.dropDrag();
      return;
    }
    d.sent = true;
    this.root.dataset.dragged = `${d.index}:${d.x},${d.y}`;
    this.setTriggerValue("drag", { index: d.index, x: d.x, y: d.y });
  },

  // The rerun's data arrived (its paths start where the marker was dropped), or the press was cancelled.
  dropDrag() {
    if (!this.drag) return;
    this.drag = null;
    this.panels.map2d.classList.remove("ovz-grabbing");
    if (this.geometry && this.drawn.map2d) this.drawHeads(this.t);
  },

  // The dragged marker over the heads: a dashed line from where the start was, and a ring where it is now.
  drawDragged(ctx, g) {
    const d = this.drag;
    if (!d || !d.moved) return;
    const from = this.runs.map((run) => run.paths[d.index]).find(Boolean);
    if (from) {
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.beginPath();
      ctx.moveTo(g.px(from.values[0]), g.py(from.values[1]));
      ctx.lineTo(g.px(d.x), g.py(d.y));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    dot(ctx, g.px(d.x), g.py(d.y), 7, "rgba(255,255,255,0.85)", "#222", 2);
  },
};
