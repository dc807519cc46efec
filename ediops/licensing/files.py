"""Records from files (docs/commands.md, docs/safeguards.md): a JSON object, a JSON array or JSON Lines, each
record with where it stood (line or array item), so a bad file is refused naming the place.
Every file goes through the one strict parser (ediops/strict_json.py)."""

from __future__ import annotations

from pathlib import Path

from ediops.i18n import _
from ediops.errors import InputError
from ediops.strict_json import NotJSON, loads

MAX_FILE_BYTES = 32 * 1024 * 1024  # settings: max_file_bytes


def load_records(path, *, max_bytes: int = MAX_FILE_BYTES) -> list[tuple[str, object]]:
    """Reads a JSON object, a JSON array or JSON Lines (lines end at \\n or \\r\\n only, never at
    U+2028 inside a string). Returns (location, value) pairs naming the file and line (or
    array item). InputError for a file that is unreadable, empty, too big or not JSON, so a
    caller that reads every file first changes nothing when one is bad."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                _("{path}: {size} bytes, over the {max_bytes} byte limit (settings: max_file_bytes)").format(
                    path=path, size=size, max_bytes=max_bytes
                )
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(_("{path}: cannot read: {strerror}").format(path=path, strerror=exc.strerror)) from None
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(_("{path}:{line}: not UTF-8 text").format(path=path, line=line)) from None
    if not text.strip():
        raise InputError(_("{path}: empty file (no JSON value in it)").format(path=path))
    try:
        value = loads(text)
    except NotJSON as exc:
        if exc.msg != "Extra data":
            raise InputError(_located(path, exc.lineno or 1, exc)) from None
        return _json_lines(path, text)
    if isinstance(value, list):
        return [(f"{path}: item {i}", item) for i, item in enumerate(value, 1)]
    return [(str(path), value)]


def _json_lines(path: Path, text: str) -> list[tuple[str, object]]:
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            found.append((f"{path}:{number}", loads(line)))
        except NotJSON as exc:
            raise InputError(_located(path, number, exc)) from None
    return found


def _located(path: Path, line: int, exc: NotJSON) -> str:
    if exc.colno:
        return f"{path}:{line}: not valid JSON: {exc.msg} at column {exc.colno}"
    return f"{path}:{line}: {exc}"
