"""Fewer bytes to the terminal for the same picture, for duty staff on a slow SSH line.

Textual writes every segment as `ESC[<full style>m text ESC[0m`: each run of text carries its
whole style (foreground, background, attributes) and a reset after it, even when the next run
has the same style or differs only in colour. `compact` rewrites a frame so that each style
change says only what changed. The screen the terminal ends up showing is the same, cell for
cell (tests/desk/shell/test_wire.py replays both on a small terminal model); bench/NOTES.md has the
bytes per minute before and after."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# SGR sequences, and the sequences that move the cursor without printing (Textual's frames
# place each run with CSI row;col H); anything else between two SGRs is printed text.
SGR = re.compile(r"\x1b\[([0-9;]*)m")
NON_PRINTING = re.compile(r"(?:\x1b\[[0-9;]*[HfABCDG]|[\r\n])*")

BLANK_BLIND = {"1", "2", "3", "5"}  # bold, dim, italic, blink: nothing to see on a blank cell
ATTRIBUTE_OFF = {"1": "22", "2": "22", "3": "23", "4": "24", "5": "25", "7": "27", "8": "28", "9": "29"}


def _number(code: str) -> int:
    return int(code) if code.isdigit() else -1


@dataclass
class Pen:
    """What an SGR state amounts to: colours as their parameter text, attributes as codes."""

    fg: str = ""
    bg: str = ""
    attrs: set[str] = field(default_factory=set)

    def apply(self, params: str) -> Pen:
        """The pen after `ESC[<params>m` (as a terminal applies it, left to right)."""
        pen = Pen(self.fg, self.bg, set(self.attrs))
        codes = params.split(";") if params else ["0"]
        i = 0
        while i < len(codes):
            code = codes[i] or "0"
            if code in ("38", "48") and i + 1 < len(codes):
                width = 3 if codes[i + 1] == "5" else 5
                colour = ";".join(codes[i : i + width])
                pen.fg, pen.bg = (colour, pen.bg) if code == "38" else (pen.fg, colour)
                i += width
                continue
            if code == "0":
                pen = Pen()
            elif code == "39":
                pen.fg = ""
            elif code == "49":
                pen.bg = ""
            elif code in ("22", "23", "24", "25", "27", "28", "29"):
                pen.attrs -= {a for a, off in ATTRIBUTE_OFF.items() if off == code}
            elif 30 <= _number(code) <= 37 or 90 <= _number(code) <= 97:
                pen.fg = code
            elif 40 <= _number(code) <= 47 or 100 <= _number(code) <= 107:
                pen.bg = code
            else:
                pen.attrs.add(code)
            i += 1
        return pen

    def change_to(self, new: Pen) -> str:
        """The shortest SGR parameters (of two ways) that turn this pen into `new`; "" for none."""
        full = ";".join(["0", *sorted(new.attrs), *(c for c in (new.fg, new.bg) if c)])
        parts = []
        for attr in sorted(self.attrs - new.attrs):
            off = ATTRIBUTE_OFF.get(attr)
            if off is None or (off == "22" and new.attrs & {"1", "2"}):
                return full  # no single code undoes it, or 22 would undo the other of bold/dim too
            if off not in parts:
                parts.append(off)
        parts += sorted(new.attrs - self.attrs)
        if new.fg != self.fg:
            parts.append(new.fg or "39")
        if new.bg != self.bg:
            parts.append(new.bg or "49")
        diff = ";".join(parts)
        return diff if len(diff) < len(full) else full


class Compactor:
    """Rewrites what goes to one terminal, write after write: each SGR becomes the change it
    makes, written just before the next printed text, so a reset between two runs of one style
    goes and a colour change says only that. The pen is carried from one write to the next."""

    def __init__(self) -> None:
        self.pen = Pen()  # the terminal's pen after the last write (also what the original left)

    def __call__(self, data: str) -> str:
        out: list[str] = []
        shown = wanted = self.pen
        pos = 0
        for match in SGR.finditer(data):
            shown = _write(data[pos : match.start()], out, shown, wanted)
            wanted = wanted.apply(match.group(1))
            pos = match.end()
        shown = _write(data[pos:], out, shown, wanted)
        change = shown.change_to(wanted)
        if change:  # the write's last state stands, as the original left it
            out.append(f"\x1b[{change}m")
        self.pen = wanted
        return "".join(out)


def _for_blanks(shown: Pen, wanted: Pen) -> Pen:
    """The pen blanks need: only the background and the visible attributes (underline,
    strike...) count, so the foreground and bold/dim/italic stay as they are."""
    if "7" in shown.attrs | wanted.attrs:  # reverse video shows the foreground as background
        return wanted
    return Pen(shown.fg, wanted.bg, (wanted.attrs - BLANK_BLIND) | (shown.attrs & BLANK_BLIND))


def _write(text: str, out: list[str], shown: Pen, wanted: Pen) -> Pen:
    """Writes `text`; if it prints anything, brings the pen to `wanted` first. The pen after."""
    if not text:
        return shown
    if NON_PRINTING.fullmatch(text):
        out.append(text)
        return shown
    if NON_PRINTING.sub("", text).strip(" ") == "":
        wanted = _for_blanks(shown, wanted)
    change = shown.change_to(wanted)
    if change:
        out.append(f"\x1b[{change}m")
    out.append(text)
    return wanted
