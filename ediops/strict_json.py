"""Strict JSON for everything from outside (docs/safeguards.md): the one parser of feeds, files,
customs, bureaus and summaries.

A text that is not JSON at all (or nested too deep to parse) is an InputError. A text that
parses but holds what docs/safeguards.md calls bad input (a duplicate key, NaN or Infinity, a number no
store column can hold such as 1e309 or 10^30, a lone surrogate, nesting deeper than 64) is
parsed anyway, with each fault marked where it is, so a validator rejects just the record
(or the batch) that holds it and the rest goes on: `fault(value)` says whether a value holds
one and which, in constant time (the marks are propagated up to every enclosing container).

Clean text, which is nearly all of it, costs only the parser's hooks and two regex scans."""

from __future__ import annotations

import itertools
import json
import math
import re

from ediops.errors import InputError

MAX_DEPTH = 64
INT_LIMIT = 2**63 - 1  # SQLite's INTEGER
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class NotJSON(InputError):
    """The text is not JSON at all; `msg`, `lineno`, `colno` say where."""

    def __init__(self, msg: str, lineno: int = 0, colno: int = 0):
        super().__init__(
            f"not valid JSON: {msg} at line {lineno} column {colno}" if lineno else f"not usable JSON: {msg}"
        )
        self.msg, self.lineno, self.colno = msg, lineno, colno


class Unusable(str):
    """A leaf that breaks docs/safeguards.md, kept as harmless text (for the stored rejection) with its reason."""

    fault: str

    def __new__(cls, text: str, fault: str):
        self = super().__new__(cls, text)
        self.fault = fault
        return self


class FaultyDict(dict):
    """An object holding a fault: `own` (a duplicate key of its own), else one inside it."""

    fault: str = ""
    own: str = ""


class FaultyList(list):
    fault: str = ""


FAULTY = (Unusable, FaultyDict, FaultyList)


def fault(value) -> str | None:
    """The first docs/safeguards.md fault inside `value`, or None (constant time)."""
    return value.fault if type(value) in FAULTY else None


def own_fault(obj: dict, *, besides: tuple[str, ...] = ()) -> str | None:
    """A fault of the object itself: its own duplicate key, or one in a field not in `besides`
    (a batch's header, whatever its records hold)."""
    if type(obj) is not FaultyDict:
        return None
    return obj.own or next((fault(v) for k, v in obj.items() if k not in besides and fault(v)), None)


def _parser():
    """A decoder whose hooks mark faults; `found` counts them (0: nothing to walk)."""
    found = [0]

    def pairs(items):
        obj = dict(items)
        if len(obj) != len(items):
            seen: set = set()
            dup = next(k for k, _ in items if k in seen or seen.add(k))
            found[0] += 1
            marked = FaultyDict(obj)
            marked.fault = marked.own = f"duplicate key {dup!r}"
            return marked
        return obj

    def constant(name):
        found[0] += 1
        return Unusable(name, f"{name} is not a number JSON allows")

    def real(text):
        value = float(text)
        if not math.isfinite(value):
            found[0] += 1
            return Unusable(text, f"number {text[:20]} is out of range")
        return value

    def integer(text):
        if len(text) > 19 or abs(int(text)) > INT_LIMIT:
            found[0] += 1
            return Unusable(text[:40], f"integer of {len(text.lstrip('-'))} digits is out of range")
        return int(text)

    decoder = json.JSONDecoder(object_pairs_hook=pairs, parse_constant=constant, parse_float=real, parse_int=integer)
    return decoder, found


def _deep(text: str) -> bool:
    """Brackets nest deeper than MAX_DEPTH, counting those inside strings too (so it may say
    yes for a shallow text with bracketed remarks: the walk then decides exactly)."""
    brackets = _NOT_BRACKET.sub("", text)
    return bool(brackets) and max(itertools.accumulate(map(_STEP.__getitem__, brackets))) > MAX_DEPTH


def _mark(value, depth: int):
    """`value` with every fault marked and propagated up; only walked when the text had any."""
    kind = type(value)
    if kind is str:
        if _LONE_SURROGATE.search(value):
            return Unusable(
                value.encode("utf-8", "replace").decode("utf-8"), "text holds a lone surrogate (not Unicode)"
            )
        return value
    if kind not in (dict, list, FaultyDict, FaultyList):
        return value
    if depth >= MAX_DEPTH:
        return Unusable("...", f"nested deeper than {MAX_DEPTH} levels")
    if kind in (dict, FaultyDict):
        items = {k if not _LONE_SURROGATE.search(k) else _mark(k, depth): _mark(v, depth + 1) for k, v in value.items()}
        own = getattr(value, "own", "")
        inner = own or next((fault(x) for x in (*items, *items.values()) if fault(x)), "")
        if not inner:
            return items
        marked = FaultyDict(items)
        marked.fault, marked.own = inner, own
        return marked
    elements = [_mark(v, depth + 1) for v in value]
    inner = next((fault(x) for x in elements if fault(x)), "")
    if not inner:
        return elements
    faulty = FaultyList(elements)
    faulty.fault = inner
    return faulty


def loads(text: str | bytes):
    """The value of a JSON text, faults marked (see the module doc); InputError when it is not
    JSON, naming line and column."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotJSON(f"not UTF-8 text (byte {exc.start})") from None
    decoder, found = _parser()
    try:
        value = decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise NotJSON(exc.msg.removesuffix(" at"), exc.lineno, exc.colno) from None
    except RecursionError:
        raise NotJSON(f"nested deeper than {MAX_DEPTH} levels") from None
    if found[0] or _SURROGATE_ESCAPE.search(text) or _deep(text):
        value = _mark(value, 0)
    return value
