"""Typed-landscape benchmark: the cost of parsing the worst inputs a user can send, of building
a typed landscape (parse, checks, the Newton survey of its points in NumPy), and of judging what an
expression would cost per step (the trace of its f and ∇f: trajectories/costs.py), a power tower
refused that way.

  python -m benchmarks.expression

Peer: `json.loads` (C) of a list of numbers as long as each input (at most 500 characters, the
parser's own cap), in the same run: the ratio says how far the pure-Python parser is from a
compiled one reading as much text.
The issue's budget is < 10 ms a parse: the largest time printed must stay well under it.
"""

from __future__ import annotations

import json
import time

from benchmarks.common import fmt, median_seconds
from gradscape.landscapes import custom
from gradscape.landscapes.expression import MAX_DEPTH, ExpressionError, parse
from gradscape.trajectories import costs

INPUTS = {
    "longest sum (499 chars)": "+".join(["x"] * 100) + "+y*" + "+".join(["x"] * 40)[:196],
    "deepest parentheses": "(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH,
    "deepest calls": "sin(" * (MAX_DEPTH - 1) + "x" + ")" * (MAX_DEPTH - 1),
    "power tower of ones": "^".join(["1"] * 32) + "+x",
    "33 levels deep (rejected)": "(" * 33 + "x" + ")" * 33,
    "100 000 characters (rejected)": "x" * 100_000,
    "9**9**9 (rejected)": "9**9**9",
}


def attempt(text: str) -> None:
    try:
        parse(text)
    except ExpressionError:
        pass


def main() -> None:
    print(f"{'input':32} {'parse':>11} {'json peer':>11} {'ratio':>7}")
    worst = 0.0
    for name, text in INPUTS.items():
        ours = median_seconds(lambda: attempt(text), repeats=50)
        peer_text = json.dumps([1] * max(1, min(len(text), 500) // 3))
        peer = median_seconds(lambda: json.loads(peer_text), repeats=50)
        worst = max(worst, ours)
        print(f"{name:32} {fmt(ours)} {fmt(peer)} {ours / max(peer, 1e-9):6.1f}×")
    print(f"worst parse {fmt(worst)} (budget 10 ms)")
    key = custom.make_key("(x^2-1)^2 + 0.3*x + 2*y^2 + 0.1*sin(3*x*y)", ((-2, 2), (-1.5, 1.5)))
    build = median_seconds(lambda: custom.build(key), repeats=3, warmup=0)
    print(f"build a typed landscape (parse, finite check, Newton survey in NumPy): {fmt(build)}")
    ackley = costs.landscape_cost(costs.COSTLIEST_BUILT_IN)
    for name, text in (("Rosenbrock typed", "(1-x)^2 + 100*(y-x^2)^2"), ("x^y^x^… tower, 63 characters", "^".join(["x", "y"] * 16))):
        t0 = time.perf_counter()
        units = costs.expression_cost(parse(text))  # a new form: traced once
        print(f"{name}: a step costs {units / ackley:.2f}× Ackley's (refused above {costs.MAX_TYPED_FACTOR:g}×), "
              f"judged in {fmt(time.perf_counter() - t0)}")

if __name__ == "__main__":
    main()
