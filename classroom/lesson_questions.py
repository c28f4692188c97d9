"""A ready-made question for each lesson ("Use as exercise"): what the lesson's experiment shows,
asked before the student sees it, answered by the engine; the lesson's computed verdict explains it.

Lessons with runs on a map ask about them (the runs are the lesson's scenario); the two without
(Reddi's 1-D online problem, the network's PCA plane) ask for a number their check measures.
"""

from __future__ import annotations

from gradscape.classroom.questions import Question

LESSON_QUESTIONS: dict[str, Question] = {
    "ill-conditioning-momentum": Question("first"),
    "canyon-schedules": Question("end", run=0),
    "peaks-local-minima": Question("click", run=1),
    "saddle-points": Question("end", run=0, start=2),
    "plateau-cliff": Question("end", run=0),
    "adam-amsgrad-reddi": Question(
        "lesson", number="x/Adam", atol=0.1,
        wording="Where is Adam's x at the end of the run? Answer with a number between −1 and 1.",
    ),
    "lookahead": Question("first"),
    "warmup-radam": Question("lowest"),
    "adamod-lr-sensitivity": Question("diverges"),
    "batch-size": Question("first"),
    "gradient-noise": Question("lowest", start=2),
    "adagrad-vanishing-step": Question("lowest"),
    "optimizer-race": Question("first"),
    "networks-2d-pictures": Question(
        "lesson", number="top-2 fraction/random walk", atol=0.05,
        wording="A Gaussian random walk in the network's weight space, as many points as the training run: what share "
                "of its spread lies in its first two principal directions? Answer with a number between 0 and 1.",
    ),
}
