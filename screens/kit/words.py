"""The desk in the language and the glyphs chosen at start (docs/languages.md).

Key descriptions stay English in the code (`BINDINGS` are built at import, before the
language is chosen); `Localised` hands the key bar, Textual's keys panel and the palette
their translation. `--ascii` (or `ascii = true` in settings) swaps every ambiguous-width
glyph the desk or Textual draws (box drawing, blocks, `…`, `·`, marks) for one ASCII
character of the same width, in the driver, so no layout changes and nothing is missed."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from functools import lru_cache

from textual.binding import Binding

from ediops.i18n import _, language


@lru_cache(maxsize=512)
def _translated(binding: Binding, chosen: str) -> Binding:
    return replace(binding, description=_(binding.description)) if binding.description else binding


class Localised:
    """For a Screen: its active bindings (app, screen and focused widgets) described in the
    language chosen at start; the keys and actions are untouched."""

    @property
    def active_bindings(self):
        chosen = language()
        return {
            key: active._replace(binding=_translated(active.binding, chosen))
            for key, active in super().active_bindings.items()
        }


_NAMED = {
    "…": "~", "·": ".", "•": "*", "‧": ".", "—": "-", "–": "-", "‐": "-", "‒": "-", "―": "-",
    "‘": "'", "’": "'", "“": '"', "”": '"', "×": "x", "→": ">", "←": "<", "↑": "^", "↓": "v",
    "▲": "^", "△": "^", "▼": "v", "▽": "v", "▶": ">", "►": ">", "▷": ">", "◀": "<", "◄": "<", "◁": "<",
    "●": "*", "◆": "*", "■": "#", "★": "*", "○": "o", "◇": "o", "□": "o", "☆": "*",
    "✓": "v", "✔": "v", "✗": "x", "✘": "x", "█": "#", "▌": "|", "▐": "|", "°": "o", "§": "S",
}  # fmt: skip


def _ascii(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    point, name = ord(char), unicodedata.name(char, "")
    if 0x2500 <= point <= 0x257F:  # box drawing: a line across or down, else a corner or joint
        if "DIAGONAL" in name:
            return "/" if "UPPER RIGHT TO LOWER LEFT" in name else "\\"
        ways = {w for w in ("UP", "DOWN", "LEFT", "RIGHT", "HORIZONTAL", "VERTICAL") if w in name.split()}
        if ways <= {"LEFT", "RIGHT", "HORIZONTAL"}:
            return "-"
        return "|" if ways <= {"UP", "DOWN", "VERTICAL"} else "+"
    if 0x2580 <= point <= 0x259F:  # blocks (scroll bars): filled or not
        return "#" if "FULL" in name or "SHADE" in name else " "
    return "?"


def _table() -> dict[int, str]:
    """Every ambiguous-width character of the ranges a screen draws from, and every box-drawing
    and block character, to one ASCII cell."""
    ranges = [(0x00A0, 0x00FF), (0x2010, 0x2027), (0x2190, 0x21FF), (0x2500, 0x25FF), (0x2600, 0x27BF)]
    table = {}
    for low, high in ranges:
        for point in range(low, high + 1):
            char = chr(point)
            if unicodedata.east_asian_width(char) == "A" or char in _NAMED or 0x2500 <= point <= 0x259F:
                table[point] = _ascii(char)
    return table


ASCII = _table()


def to_ascii(text: str) -> str:
    """`text` with each ambiguous-width glyph replaced by one ASCII character (same width)."""
    return text.translate(ASCII)
