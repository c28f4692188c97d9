"""The lessons catalogue (SPEC §4): one-click demos of the sources' claims, each with an honest check.

Pure Python over the engine (no Streamlit). A page uses:

    from gradscape import lessons
    for lesson in lessons.LESSONS:          # in order, 1 … 14
        lesson.slug, lesson.title, lesson.question, lesson.setup, lesson.look_for,
        lesson.claim, lesson.source        # text
        lesson.scenario                    # trajectories.scenario.Scenario for the player (None: lessons 6, 14)
        lesson.network                     # the Neural net page's NetScenario (lesson 14), else None
        lesson.zoom                        # optional ((x0, x1), (y0, y1)) default camera
        lesson.query()                     # Playground link parameters of its scenario
        finding = lesson.check()           # runs the engine (first call compiles; cache it per slug)
        finding.verdict                    # "confirmed" | "partly confirmed" | "not confirmed"
        finding.checks                     # Check(claim, measured, holds) per claim of the source
        finding.explanation                # why the run disagrees with the source ("" if nothing to say)
        finding.charts                     # Chart(title, x_label, y_label, series, log_x, log_y)
        finding.numbers                    # every measured quantity by name
    lessons.get("saddle-points")           # by slug; ValueError naming the known slugs otherwise
"""

from __future__ import annotations

from gradscape.lessons.adaptive import ADAGRAD, ADAMOD, REDDI, WARMUP
from gradscape.lessons.base import Check, Finding, Lesson
from gradscape.lessons.gradient_descent import BATCH_SIZE, GRADIENT_NOISE, ILL_CONDITIONING, LOOKAHEAD
from gradscape.lessons.networks import NETWORKS
from gradscape.lessons.race import RACE
from gradscape.lessons.schedule_landscapes import CANYON, LOCAL_MINIMA, PLATEAU, SADDLES
from gradscape.viz.lines import Chart, Series

LESSONS: tuple[Lesson, ...] = (
    ILL_CONDITIONING,
    CANYON,
    LOCAL_MINIMA,
    SADDLES,
    PLATEAU,
    REDDI,
    LOOKAHEAD,
    WARMUP,
    ADAMOD,
    BATCH_SIZE,
    GRADIENT_NOISE,
    ADAGRAD,
    RACE,
    NETWORKS,
)

REGISTRY: dict[str, Lesson] = {lesson.slug: lesson for lesson in LESSONS}


def get(slug: str) -> Lesson:
    """The lesson with this slug; a clear error listing the known slugs otherwise."""
    try:
        return REGISTRY[slug]
    except KeyError:
        raise ValueError(f"unknown lesson '{slug}' (known: {', '.join(REGISTRY)})") from None


__all__ = ["LESSONS", "REGISTRY", "Chart", "Check", "Finding", "Lesson", "Series", "get"]
