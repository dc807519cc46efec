"""Records from files (contract §8): a JSON object, a JSON array or JSON Lines, each record
with where it stood (line or array item), so a bad file is refused naming the place."""

from __future__ import annotations

import json
from pathlib import Path

from ediops.errors import InputError


def _no_constants(name):
    raise ValueError(f"{name} is not JSON")


def _loads(text: str):
    return json.loads(text, parse_constant=_no_constants)


def load_records(path) -> list[tuple[str, object]]:
    """Reads a JSON object, a JSON array or JSON Lines. Returns (location, value) pairs,
    location naming the file and line (or array item). InputError on any parse error, so a
    caller that parses every file first changes nothing when one is bad."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    if not text.strip():
        return []
    try:
        value = _loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise InputError(
                f"{path}:{exc.lineno}: not valid JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}"
            ) from None
        return _json_lines(path, text)
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from None
    if isinstance(value, list):
        return [(f"{path}: item {i}", item) for i, item in enumerate(value, 1)]
    return [(str(path), value)]


def _json_lines(path: Path, text: str) -> list[tuple[str, object]]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            found.append((f"{path}:{number}", _loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}:{number}: not valid JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}"
            ) from None
        except ValueError as exc:
            raise InputError(f"{path}:{number}: not valid JSON: {exc}") from None
    return found
