"""User text (run labels, typed expressions, file names, link values) made inert for each place it
is shown: one function per kind of sink, applied where the text meets it. Scenarios keep the text
raw (a label round-trips through a link exactly); only what a sink receives is escaped.

- Markdown (st.markdown, st.write, st.warning/error/info, button, page-link and expander labels):
  `plain`, or `short_plain` for messages that quote a link's values.
- Plotly text (trace names, titles, axis titles, hover templates, category ticks, annotations):
  `plotly_text`; the browser code has its twin, `plotlyText` in ui/frontend/common.js, for text
  the player and the sweep map take from their data.
- HTML (st.html, exported pages, SVG text): `html.escape`, with the quote characters.
- CSV cells: `csv_field`. JSON inside a <script> element: `script_json`.
No Streamlit here: the export builders use these too.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

MAX_WORD = 60
MAX_TEXT = 400
ZERO_WIDTH = "\u200b"

_SPECIAL = re.compile(r"([\\`*_\[\]$<>~|&])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_BLOCK = re.compile(r"^(\d*)([#+-]|(?<=\d)[.)])")  # a heading or list item where a message starts
_AUTOLINK = re.compile(r"(?i)(://|www\.|@|:(?=[\w+/-]))")  # links GitHub Markdown makes by itself, and :emoji: codes
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")


def plain(text: str) -> str:
    """`text` for Markdown: the characters that make inline markup (emphasis, code, links, images,
    LaTeX, HTML, entities, strike, tables) backslash-escaped, line breaks made spaces and the marker
    of a heading or list at its start escaped (so no block markup occurs), and an invisible
    zero-width space splitting what would become a link by itself (`://`, `www.`, `@`) or an emoji
    or icon (`:x:`, `:material/star:`), which backslashes do not stop."""
    text = _SPECIAL.sub(r"\\\1", _CONTROL.sub(" ", text))
    text = _BLOCK.sub(lambda m: m.group(1) + "\\" + m.group(2), text.lstrip(), count=1)
    return _AUTOLINK.sub(lambda m: m.group(0)[0] + ZERO_WIDTH + m.group(0)[1:], text)


def short_plain(text: str) -> str:
    """`plain`, with words over MAX_WORD characters and text over MAX_TEXT cut with an ellipsis."""
    text = _LONG_WORD.sub(lambda m: m.group(0)[:MAX_WORD] + "…", text)
    return plain(text[:MAX_TEXT] + "…" if len(text) > MAX_TEXT else text)


# plotly.js reads its text as a subset of HTML (<a href>, <b>, <br>, <sup>, …) and decodes entities
# in what lies between tags (&lt; &gt; &amp; and numeric ones); a hover template also replaces %{…}.
PLOTLY_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>%"})


def plotly_text(text: str) -> str:
    """`text` for a Plotly string: & < > and % as numeric entities, so no tag, entity or %{…}
    template comes from it and plotly.js shows it as written."""
    return text.translate(PLOTLY_ESCAPES)


FORMULA_START = tuple("=+-@\t\r")  # what makes a spreadsheet read a cell as a formula


def csv_field(text: str) -> str:
    """`text` as one CSV cell, quoted as the csv module would, and never a spreadsheet formula: text
    starting with = + - @ (or a tab or return) gets a leading apostrophe, as spreadsheets write it."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(["'" + text if text.startswith(FORMULA_START) else text])
    return out.getvalue()


SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(value: Any) -> str:
    """`value` as JSON (NaN as JavaScript's literal) safe anywhere inside a <script> element: no <, > or &
    (a label `<!--<script>` would otherwise swallow the next script) and no U+2028/9 (line ends to old JS);
    they occur only inside strings, where the \\u escapes read back the same."""
    return json.dumps(value).translate(SCRIPT_ESCAPES)
