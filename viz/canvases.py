"""Two drawing surfaces with one interface, for viz/render.py and viz/sweep_export.py: `Raster` draws
on a Pillow image (PNG, GIF and MP4 frames), `Svg` collects SVG elements (vector pictures). Each
offers lines, dots, text, rectangles, pictures and `within(box)`, a surface for
what must stay inside a box (the map's area: a crop pasted back, or a clip path). Coordinates are
the frame's pixels. No Streamlit.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

Rgb = tuple[int, int, int]


@functools.lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    """DejaVu Sans where the system has it (it has Greek and math signs: η, β₁, −, ‖∇f‖), else Pillow's own."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def text_width(text: str, size: float) -> float:
    """How wide `text` is drawn at `size` (the raster's font; an SVG viewer's is close)."""
    return float(_font(max(8, round(size))).getlength(text))


class Raster:
    """Draws on a Pillow RGB image whose top-left corner sits at `origin` of the frame."""

    def __init__(self, image: Image.Image, origin: tuple[float, float] = (0, 0)) -> None:
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.ox, self.oy = origin

    def lines(self, xs: np.ndarray, ys: np.ndarray, color: Rgb, width: float) -> None:
        ok = np.isfinite(xs) & np.isfinite(ys)
        pts = np.stack([xs[ok] - self.ox, ys[ok] - self.oy], axis=1)
        if len(pts) > 1:
            self.draw.line(pts.ravel().tolist(), fill=color, width=max(1, round(width)))

    def dot(self, x: float, y: float, r: float, fill: Rgb, outline: Rgb, width: float) -> None:
        if math.isfinite(x) and math.isfinite(y):
            x, y = x - self.ox, y - self.oy
            self.draw.ellipse((x - r, y - r, x + r, y + r), fill=fill, outline=outline, width=max(1, round(width)))

    def text(self, x: float, y: float, text: str, size: float, anchor: str = "la", color: Rgb = (49, 51, 63)) -> None:
        self.draw.text((x - self.ox, y - self.oy), text, fill=color, font=_font(max(8, round(size))), anchor=anchor)

    def rect(self, box, outline: Rgb, width: float = 1) -> None:
        x0, y0, x1, y1 = box
        self.draw.rectangle((x0 - self.ox, y0 - self.oy, x1 - self.ox, y1 - self.oy), outline=outline, width=max(1, round(width)))

    def picture(self, box, image: Image.Image) -> None:
        self.image.paste(image, (round(box[0] - self.ox), round(box[1] - self.oy)))

    @contextlib.contextmanager
    def within(self, box):
        """A canvas for what is drawn inside `box` only (a crop, pasted back on exit)."""
        x0, y0, x1, y1 = (round(v) for v in box)
        inner = Raster(self.image.crop((x0 - self.ox, y0 - self.oy, x1 - self.ox, y1 - self.oy)), (x0, y0))
        yield inner
        self.image.paste(inner.image, (round(x0 - self.ox), round(y0 - self.oy)))


_SVG_ANCHOR = {"l": "start", "m": "middle", "r": "end"}
_SVG_BASELINE = {"a": "hanging", "m": "middle", "s": "auto"}


def _svg_color(c: Rgb) -> str:
    return "#%02x%02x%02x" % c


class Svg:
    """Collects SVG elements; inside `within` they are clipped to the map's area (clip path `map`)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.clip: str | None = None

    @contextlib.contextmanager
    def within(self, box):
        self.clip = "map"
        yield self
        self.clip = None

    def _attrs(self) -> str:
        return f' clip-path="url(#{self.clip})"' if self.clip else ""

    def lines(self, xs: np.ndarray, ys: np.ndarray, color: Rgb, width: float) -> None:
        ok = np.isfinite(xs) & np.isfinite(ys)
        if ok.sum() > 1:
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs[ok], ys[ok]))
            self.parts.append(f'<polyline points="{pts}" fill="none" stroke="{_svg_color(color)}" stroke-width="{width:.2f}" '
                              f'stroke-linejoin="round" stroke-linecap="round"{self._attrs()}/>')

    def dot(self, x: float, y: float, r: float, fill: Rgb, outline: Rgb, width: float) -> None:
        if math.isfinite(x) and math.isfinite(y):
            self.parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{_svg_color(fill)}" '
                              f'stroke="{_svg_color(outline)}" stroke-width="{width:.2f}"{self._attrs()}/>')

    def text(self, x: float, y: float, text: str, size: float, anchor: str = "la", color: Rgb = (49, 51, 63)) -> None:
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:.1f}" text-anchor="{_SVG_ANCHOR[anchor[0]]}" '
                          f'dominant-baseline="{_SVG_BASELINE[anchor[1]]}" fill="{_svg_color(color)}">{html.escape(text)}</text>')

    def rect(self, box, outline: Rgb, width: float = 1) -> None:
        x0, y0, x1, y1 = box
        self.parts.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" fill="none" '
                          f'stroke="{_svg_color(outline)}" stroke-width="{width:.2f}"/>')

    def document(self, width: int, height: int, clip=None) -> str:
        """The collected elements as an SVG file on a white page; `clip` the box `within` clips to."""
        defs = ""
        if clip is not None:
            x0, y0, x1, y1 = clip
            defs = (f'<defs><clipPath id="map"><rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" '
                    f'height="{y1 - y0:.1f}"/></clipPath></defs>')
        return "\n".join([
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">',
            defs, '<rect width="100%" height="100%" fill="white"/>', *self.parts, "</svg>",
        ])

    def picture(self, box, image: Image.Image) -> None:
        buf = io.BytesIO()
        image.save(buf, "PNG")
        x0, y0, x1, y1 = box
        uri = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
        self.parts.append(f'<image x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
                          f'preserveAspectRatio="none" href="{uri}"/>')
