"""The value checks of `ediops config check` (ediops.operations.config_check): each takes a
value read from TOML and returns what is wrong with it, in the chosen language, or None."""

from __future__ import annotations

import re
from typing import Callable

from ediops.i18n import N_, _

HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def must(expected: str, found: str) -> str:
    return _("must be {expected}, not {found}").format(expected=expected, found=found)


KINDS = {bool: N_("a boolean"), int: N_("an integer"), float: N_("a number"), str: N_("a string"), list: N_("an array")}


def not_known(what: str, known) -> str:
    return _("unknown {what} (known: {known})").format(what=what, known=", ".join(known))


def kind(value) -> str:
    if type(value) in KINDS:
        return _(KINDS[type(value)])
    return _("a table") if isinstance(value, dict) else type(value).__name__


def text(value) -> str | None:
    return None if isinstance(value, str) and value.strip() else must(_("a non-empty string"), kind(value))


def positive_int(value) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return None if ok else must(_("a positive integer"), repr(value))


def positive_number(value) -> str | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    return None if ok else must(_("a positive number"), repr(value))


def one_of(*allowed: str) -> Callable:
    def check(value) -> str | None:
        return None if value in allowed else must(_("one of {allowed}").format(allowed=", ".join(allowed)), repr(value))

    return check


def url(value) -> str | None:
    ok = isinstance(value, str) and re.match(r"^https?://[^\s/]+", value)
    return None if ok else must(_("an http:// or https:// URL"), repr(value))


def clock_time(value) -> str | None:
    return None if isinstance(value, str) and HHMM.match(value) else must(_("HH:MM (00:00-23:59)"), repr(value))
