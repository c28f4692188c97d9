"""A landscape picker for any page: the catalogue plus "Custom…", where a user types f(x, y), sets
the domain or takes an example; a rejected expression is shown inline with a caret under the column.
Where a page can hand its runs to the Neural net page, the list ends with the landscape kind
"Neural net…" (`network`); that page shows the same list with it chosen (`leave_network`).

State, under session keys starting with `key`: the selectbox itself (`key`: a catalogue key or
"custom"), the expression (`key.f`), the domain (`key.x0` … `key.y1`), the last good landscape key
(`key.value`, what `picked` returns), the pending error (`key.error`) and the build waiting in the
server's queue (`key.build`: the typed text and its job). The picker resolves typed text itself and
calls `on_change` only with a landscape that built, so a page never sees a bad key. A new
expression is queued (trajectories/typed.py's fair queue, this session its owner, with the page's
`warm` for what it shows first); until it is built the editor shows its place ("Building your
landscape… 2 ahead of you") and then the page reruns with it. Each session may bring at most
SESSION_NEW_PER_MINUTE expressions the server has not built yet into a minute; an expression too
costly to compute, or a session over its CPU budget (ui/limits.py), is refused in words first.
"""

from __future__ import annotations

import uuid
from typing import Callable

import streamlit as st

from gradscape import landscapes
from gradscape.landscapes.custom import DEFAULT_DOMAIN, EXAMPLES, MAX_COORDINATE, is_custom, make_key, split_key
from gradscape.landscapes.expression import FUNCTIONS, MAX_LENGTH, ExpressionError
from gradscape.trajectories import budget, typed
from gradscape.trajectories.fair_queue import Job
from gradscape.ui.guard import COMPUTE_ERRORS
from gradscape.ui.limits import SlidingWindow
from gradscape.viz.text import plain

CUSTOM = "custom"
NETWORK = "network"
SESSION_NEW_PER_MINUTE = 10
POLL_S = 0.2  # how often a waiting page looks at its place in the queue
_BOUNDS = ("x0", "x1", "y0", "y1")
_BOUND_LABELS = ("x from", "x to", "y from", "y to")


CARET_WINDOW = 28  # characters of a code block in the sidebar


def caret_block(text: str, column: int) -> str:
    """The expression with a caret under `column` (1-based), for a code block; long text is cut around it ('…')."""
    start = max(0, column - CARET_WINDOW // 2 - 1)
    lead = "…" if start else ""
    shown = lead + text[start:start + CARET_WINDOW] + ("…" if start + CARET_WINDOW < len(text) else "")
    return f"{shown}\n{' ' * (len(lead) + column - 1 - start)}^"


def _label(key: str) -> str:
    if key == NETWORK:
        return "Neural net: a real network's loss…"
    return "Custom f(x, y)…" if key == CUSTOM else landscapes.get(key).name


def seed_picker(key: str, landscape: str) -> None:
    """Show `landscape` in the picker's widgets, unless the picker already holds it (so text being fixed stays)."""
    ss = st.session_state
    if ss.get(f"{key}.value") == landscape:
        return
    ss[f"{key}.value"] = landscape
    ss[f"{key}.error"] = None
    ss[f"{key}.build"] = None
    if is_custom(landscape):
        ss[key] = CUSTOM
        expression, domain = split_key(landscape)
        ss[f"{key}.f"] = expression
        for name, value in zip(_BOUNDS, (float(v) for pair in domain for v in pair)):
            ss[f"{key}.{name}"] = value
    else:
        ss[key] = landscape


def picked(key: str) -> str:
    """The landscape the picker shows (the last one that built)."""
    return st.session_state[f"{key}.value"]


def _session_window() -> SlidingWindow:
    return st.session_state.setdefault("landscape_picker.window", SlidingWindow(SESSION_NEW_PER_MINUTE, 60.0))


def _owner() -> str:
    """This session, as the build queue's owner (builds are served round robin by owner)."""
    return st.session_state.setdefault("landscape_picker.owner", uuid.uuid4().hex)


def resolve(expression: str, domain, warm: Callable[[str], object] | None = None) -> str | Job:
    """The landscape key of a typed expression when it is built already, else its queued build (and
    `warm(key)` after it); raises ExpressionError (bad text, too costly, the session's limit),
    OverBudget (the session's CPU) or BusyError."""
    ls_key = make_key(expression, domain)
    if typed.is_cached(ls_key):
        return ls_key
    typed.check_cost(ls_key)
    budget.check()
    if not typed.was_built(ls_key):
        wait = _session_window().admit()
        if wait:
            raise ExpressionError(
                f"you tried {SESSION_NEW_PER_MINUTE} new expressions within a minute; wait {wait:.0f} s "
                "(a limit that keeps the shared server responsive; expressions already drawn are not limited)"
            )
    return typed.submit(ls_key, _owner(), warm)


def _apply(key: str, on_change: Callable[[], None] | None, warm: Callable[[str], object] | None = None) -> None:
    """Callback: resolve what the widgets show; on success store it and tell the page (a new
    expression: once its queued build is done, see `_await_build`)."""
    ss = st.session_state
    ss[f"{key}.error"] = None
    ss[f"{key}.build"] = None
    choice = ss[key]
    if choice != CUSTOM:
        ss[f"{key}.value"] = choice
    else:
        bounds = [ss.get(f"{key}.{b}", d) for b, d in zip(_BOUNDS, (v for pair in DEFAULT_DOMAIN for v in pair))]
        domain = ((bounds[0], bounds[1]), (bounds[2], bounds[3]))
        try:
            found = resolve(ss[f"{key}.f"], domain, warm)
        except ValueError as err:
            ss[f"{key}.error"] = (ss[f"{key}.f"], str(err), getattr(err, "column", 0))
            return
        if isinstance(found, Job):
            ss[f"{key}.build"] = (ss[f"{key}.f"], found)
            return
        ss[f"{key}.value"] = found
    if on_change is not None:
        on_change()


def waiting_text(ahead: int) -> str:
    """What a page waiting for its typed landscape says."""
    return f"Building your landscape… {ahead} ahead of you" if ahead else "Building your landscape…"


def _await_build(key: str, on_change: Callable[[], None] | None) -> None:
    """Show the queued build's place and progress until it is done (the page's other elements wait
    with it); then use the landscape and rerun the page, or show why it failed. The progress runs
    from the place the build had when first seen to the front; a message goes out only on a change."""
    ss = st.session_state
    text, job = ss[f"{key}.build"]
    box = st.empty()
    shown, first = None, None
    while not job.wait(POLL_S):
        ahead = job.ahead()
        first = ahead if first is None else max(first, ahead)
        now = ((first - ahead) / (first + 1), waiting_text(ahead))
        if now != shown:
            box.progress(*now)
            shown = now
    box.empty()
    ss[f"{key}.build"] = None
    try:
        job.value()
    except COMPUTE_ERRORS as err:
        ss[f"{key}.error"] = (text, str(err), getattr(err, "column", 0))
        return
    ss[f"{key}.value"] = job.key
    if on_change is not None:
        on_change()
    st.rerun()


def _chosen(key: str, on_change: Callable[[], None] | None, warm: Callable[[str], object] | None) -> None:
    """Selectbox callback: choosing "Custom…" with nothing typed yet starts from the first example;
    choosing "Neural net…" keeps the landscape shown and leaves the page on the next run."""
    ss = st.session_state
    if ss[key] == NETWORK:
        ss[key] = CUSTOM if is_custom(picked(key)) else picked(key)
        ss[f"{key}.network"] = True
        return
    if ss[key] == CUSTOM and not ss.get(f"{key}.f"):
        use_example(key, next(iter(EXAMPLES)))
    _apply(key, on_change, warm)


def use_example(key: str, name: str) -> None:
    expression, domain = EXAMPLES[name]
    ss = st.session_state
    ss[key] = CUSTOM
    ss[f"{key}.f"] = expression
    for bound, value in zip(_BOUNDS, (v for pair in domain for v in pair)):
        ss[f"{key}.{bound}"] = value


def _example(key: str, name: str, on_change: Callable[[], None] | None, warm: Callable[[str], object] | None) -> None:
    use_example(key, name)
    _apply(key, on_change, warm)


def landscape_picker(key: str, on_change: Callable[[], None] | None = None, *, label: str = "Landscape", custom_area=None,
                     network: Callable[[], None] | None = None, warm: Callable[[str], object] | None = None) -> str:
    """Draw the picker (the custom editor in `custom_area`, default: right below); returns `picked(key)`.
    With `network`, "Neural net…" is offered and picking it calls `network()` (which leaves the page).
    `warm(landscape key)` computes what the page shows first on a new typed landscape; it runs in the
    build's turn in the queue, in another thread (no Streamlit calls). Call `seed_picker` first, at
    least once per session."""
    ss = st.session_state
    if network is not None and ss.pop(f"{key}.network", False):
        network()
    options = [*landscapes.REGISTRY, CUSTOM, *([NETWORK] if network is not None else [])]
    st.selectbox(label, options, key=key, format_func=_label, on_change=_chosen, args=(key, on_change, warm))
    if ss[key] == CUSTOM:
        with custom_area if custom_area is not None else st.container():
            _custom_editor(key, on_change, warm)
    return picked(key)


def _leave(key: str) -> None:
    st.session_state[f"{key}.leave"] = st.session_state[key]


def leave_network(key: str, to_landscape: Callable[[str], None], *, label: str = "Landscape") -> None:
    """On the Neural net page: the same list with "Neural net…" chosen; picking a 2-D landscape (or
    Custom, starting from the first example) calls `to_landscape(its key)`, which leaves the page."""
    ss = st.session_state
    target = ss.pop(f"{key}.leave", None)
    if target is not None and target != NETWORK:
        to_landscape(make_key(*EXAMPLES[next(iter(EXAMPLES))]) if target == CUSTOM else target)
    ss[key] = NETWORK
    st.selectbox(label, [*landscapes.REGISTRY, CUSTOM, NETWORK], key=key, format_func=_label, on_change=_leave, args=(key,))


def _custom_editor(key: str, on_change: Callable[[], None] | None, warm: Callable[[str], object] | None) -> None:
    ss = st.session_state
    for bound, value in zip(_BOUNDS, (v for pair in DEFAULT_DOMAIN for v in pair)):
        ss.setdefault(f"{key}.{bound}", value)
    st.text_input(
        "f(x, y) =", key=f"{key}.f", max_chars=MAX_LENGTH, on_change=_apply, args=(key, on_change, warm),
        placeholder="e.g. (x^2-1)^2 + 0.3*x + 2*y^2",
        help=(f"Numbers, x, y, pi, e, + - * / ^ (or **), parentheses and the functions {', '.join(FUNCTIONS)}. "
              f"At most {MAX_LENGTH} characters."),
    )
    cols = st.columns(4)
    for col, bound, text in zip(cols, _BOUNDS, _BOUND_LABELS):
        col.number_input(text, -MAX_COORDINATE, MAX_COORDINATE, key=f"{key}.{bound}", format="%g", step=0.5,
                         on_change=_apply, args=(key, on_change, warm))
    if ss.get(f"{key}.build"):
        _await_build(key, on_change)
    if is_custom(picked(key)):
        st.caption(f"${typed.landscape(picked(key)).latex}$")  # LaTeX built from the tree: no user text, no "$"
    error = ss.get(f"{key}.error")
    if error:
        text, message, column = error
        st.error(plain(message), icon=":material/error:")
        if column:
            st.code(caret_block(text, column), language=None)
    st.caption("Examples")
    cols = st.columns(2)
    for i, name in enumerate(EXAMPLES):
        cols[i % 2].button(name, key=f"{key}.ex{i}", on_click=_example, args=(key, name, on_change, warm), width="stretch")
