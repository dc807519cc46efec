"""The desk's one rendering boundary for outside text (docs/input.md, docs/architecture.md: Desk).

Every string from a feed, a write-off, a phone call or the store reaches a widget only as
`rich.text.Text` built here: never parsed as markup (so `[/]` in a trader's name is just
text), with escape sequences and C0/C1/bidi controls removed (so an OSC title sequence
never reaches the terminal)."""

from __future__ import annotations

from rich.text import Text

from ediops.text import clean


def safe(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """`value` as inert text in `style` (our own style name, never outside data)."""
    return Text(clean(value, multiline=multiline), style=style, end="")


def plain(value: object) -> str:
    """Outside text for places that take a plain str (toasts): controls stripped; the caller
    must also turn markup off (DeskApp.notify always does)."""
    return clean(value)


def join(*parts: Text | str, separator: str = " ") -> Text:
    """Joins cells already made safe (or literal strings of ours) into one Text."""
    out = Text(end="")
    for i, part in enumerate(parts):
        if i:
            out.append(separator)
        out.append(part if isinstance(part, Text) else Text(part))
    return out
