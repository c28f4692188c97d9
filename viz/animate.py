"""Animated GIF and MP4 of the map with the learning-rate and loss panels in step.

Frames come from viz/render.py (static parts once, trail extended incrementally, heads per
frame). GIF frames share one palette made from the first frame, so encoding is one cheap
quantization per frame; MP4 goes through the ffmpeg binary that the imageio-ffmpeg wheel ships
(H.264, yuv420p: plays in browsers and slide software). No Streamlit here.

imageio-ffmpeg starts ffmpeg with `preexec_fn=os.setpgrp` unless told not to; a pre-exec hook makes
Python fork the whole multithreaded server (JAX warns that this can deadlock) instead of spawning
ffmpeg directly, so this module tells it not to. ffmpeg then shares the server's process group.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import imageio_ffmpeg
import numpy as np
from PIL import Image

from gradscape.trajectories.scenario import Scenario
from gradscape.viz import render
from gradscape.viz.player import RunTrace

SIZES = ((640, 360), (960, 540), (1280, 720))
FORMATS = ("gif", "mp4")
MAX_FRAMES = 1000
FPS_RANGE = (1, 60)
Progress = Callable[[int, int], None]
os.environ.setdefault("IMAGEIO_FFMPEG_NO_PREVENT_SIGINT", "1")  # read by imageio-ffmpeg at each start of ffmpeg


@dataclass(frozen=True)
class AnimationSpec:
    """What to render: format, size (one of SIZES), frames per second and one frame every `stride` steps."""

    format: str = "gif"
    width: int = 960
    height: int = 540
    fps: int = 20
    stride: int = 1

    def validate(self, steps: int) -> "AnimationSpec":
        """Raises ValueError naming what is out of bounds."""
        if self.format not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, got {self.format!r}")
        if (self.width, self.height) not in SIZES:
            raise ValueError(f"size must be one of {', '.join(f'{w}×{h}' for w, h in SIZES)}, got {self.width}×{self.height}")
        if not FPS_RANGE[0] <= self.fps <= FPS_RANGE[1]:
            raise ValueError(f"frame rate must be in [{FPS_RANGE[0]}, {FPS_RANGE[1]}] frames/s, got {self.fps}")
        if self.stride < 1:
            raise ValueError(f"frame stride must be at least 1 step, got {self.stride}")
        if len(frame_steps(steps, self.stride)) > MAX_FRAMES:
            raise ValueError(f"{len(frame_steps(steps, self.stride))} frames is over the cap of {MAX_FRAMES}: "
                             f"take one frame every {-(-steps // (MAX_FRAMES - 1))} steps or more")
        return self


def default_stride(steps: int) -> int:
    """One frame every this many steps: at most ≈ 300 frames for any run length."""
    return max(1, -(-steps // 300))


def frame_steps(steps: int, stride: int) -> list[int]:
    """The steps an animation shows: every `stride`-th from 0, and always the last."""
    out = list(range(0, steps + 1, stride))
    return out if out[-1] == steps else [*out, steps]


def frames(f: render.Frame, steps: Sequence[int]) -> Iterator[np.ndarray]:
    """RGB frames (H, W, 3 uint8) at `steps` (ascending)."""
    base = Image.new("RGB", (f.width, f.height), render.WHITE)
    render.draw_static(render.Raster(base), f)
    x0, y0, x1, y1 = (round(v) for v in f.map.box)
    trail = render.Raster(base.crop((x0, y0, x1, y1)), (x0, y0))
    done = 0
    for step in steps:
        render.draw_trail(trail, f, done, step)
        done = step
        frame = base.copy()
        frame.paste(trail.image, (x0, y0))
        render.draw_heads(render.Raster(frame), f, step)
        yield np.asarray(frame)


def _gif(images: Iterator[np.ndarray], fps: int) -> bytes:
    first = Image.fromarray(next(images))
    palette = first.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    quantized = [palette]
    quantized += [Image.fromarray(a).quantize(palette=palette, dither=Image.Dither.NONE) for a in images]
    buf = io.BytesIO()
    quantized[0].save(buf, "GIF", save_all=True, append_images=quantized[1:], duration=round(1000 / fps), loop=0)
    return buf.getvalue()


def _mp4(images: Iterator[np.ndarray], fps: int, size: tuple[int, int]) -> bytes:
    fd, path = tempfile.mkstemp(suffix=".mp4", prefix="gradscape-")
    os.close(fd)
    try:
        writer = imageio_ffmpeg.write_frames(path, size, fps=fps, codec="libx264", pix_fmt_out="yuv420p",
                                             macro_block_size=2, quality=7, ffmpeg_log_level="error")
        writer.send(None)
        for a in images:
            writer.send(np.ascontiguousarray(a))
        writer.close()
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


def animation(s: Scenario, traces: Sequence[tuple[int, RunTrace]], spec: AnimationSpec,
              progress: Progress = lambda done, total: None, zoom=None) -> bytes:
    """The file (GIF or MP4 bytes) for `spec`; `progress(done, total)` is called after every frame."""
    spec.validate(s.steps)
    steps = frame_steps(s.steps, spec.stride)
    f = render.layout(s, traces, spec.width, spec.height, zoom)

    def counted() -> Iterator[np.ndarray]:
        for n, image in enumerate(frames(f, steps), 1):
            yield image
            progress(n, len(steps))

    if spec.format == "gif":
        return _gif(counted(), spec.fps)
    return _mp4(counted(), spec.fps, (spec.width, spec.height))
