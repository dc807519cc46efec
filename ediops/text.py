"""Outside text is data: this is the one place that makes it safe to show (docs/input.md).

Stored text stays exactly as received (`dumps`, the store's JSON); only what is shown passes
through `clean`, and JSON for a terminal or a script through `json_line`."""

from __future__ import annotations

import json
import re
import unicodedata

# Whole escape sequences first, so no parameter debris is left behind: CSI, OSC, DCS/PM/APC/SOS
# (7-bit and 8-bit introducers), then two-character ESC sequences.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[ -/]*[0-~]",
    re.DOTALL,
)
# C0 and DEL and C1 controls; bidi embeddings, overrides, isolates and marks.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE = re.compile(r"[\t\n\r\v\f]+")


def clean(value: object, *, multiline: bool = False) -> str:
    """Shows `value` harmlessly: escape sequences and control/bidi characters removed.

    Line breaks become spaces unless `multiline`. Square brackets are untouched: markup is the
    desk's concern, and the desk never parses outside text as markup."""
    if value is None:
        return ""
    text = str(value)
    text = _ESCAPES.sub("", text)
    if multiline:
        text = text.replace("\r\n", "\n")
        return "\n".join(_CONTROLS.sub("", _WHITESPACE.sub(" ", line)) for line in text.split("\n"))
    return _CONTROLS.sub("", _WHITESPACE.sub(" ", text))


def has_controls(value: str) -> bool:
    """True when `value` holds anything `clean` would remove."""
    return bool(_ESCAPES.search(value) or _CONTROLS.search(value))


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dumps(value: object) -> str:
    """JSON for the store: keeps non-ASCII as is, so stored text is exactly what was received.
    One encoder for the process (json.dumps builds one per call: ingest dumps every record)."""
    return _ENCODER.encode(value)


def json_line(value: object) -> str:
    """JSON for a terminal or a script: Unicode kept readable, every control and bidi character
    escaped as \\uXXXX (valid JSON, since they can only stand inside strings)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return _CONTROLS.sub(lambda m: "\\u%04x" % ord(m.group()), text)


def cells(text: str) -> int:
    """The terminal cells `text` takes: East Asian wide and fullwidth characters (汉字) two,
    combining marks none, the rest one (docs/languages.md)."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """`text` filled with spaces to `width` cells (never cut), for aligned text columns."""
    gap = " " * max(0, width - cells(text))
    return gap + text if right else text + gap
