// gradscape player, canvas layers: the transparent canvases over a plot where the playhead draws.

// Pixel geometry of a cartesian plot's area: offsets, size and data -> pixel maps.
function plotGeometry(gd) {
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

// A cleared canvas the size of `gd`, at the screen's pixel ratio.
function prepareCanvas(canvas, gd) {
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

function clipTo(ctx, g) {
  ctx.beginPath();
  ctx.rect(g.x0, g.y0, g.w, g.h);
  ctx.clip();
}

function dot(ctx, x, y, r, fill, stroke, width) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = width;
  ctx.strokeStyle = stroke;
  ctx.stroke();
}

// Lines of [x, y] points (null: a break, where a path left the plot) stroked twice, a white edge under
// the colour, so a scrubbed run stands out over the faded curves and paths beneath it.
function strokeEdged(ctx, lines, color, edgeWidth, width) {
  ctx.lineJoin = "round";
  for (const [w, c] of [[edgeWidth, "rgba(255,255,255,0.8)"], [width, color]]) {
    ctx.lineWidth = w;
    ctx.strokeStyle = c;
    for (const line of lines) {
      ctx.beginPath();
      let drawing = false;
      for (const p of line) {
        if (!p) {
          drawing = false;
          continue;
        }
        if (drawing) ctx.lineTo(p[0], p[1]);
        else ctx.moveTo(p[0], p[1]);
        drawing = true;
      }
      ctx.stroke();
    }
  }
}
