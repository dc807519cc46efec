"""Cells shared by the inspection screens (the bureaus' month and one enterprise's month):
the findings' names, share bars and month steps. Both screens import it; neither imports
the other at load (the month screen opens the enterprise's lazily)."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from ediops.i18n import N_
from ediops.inspection import rules

WHAT = {  # how the desk names each finding that names an enterprise (translated where shown)
    rules.EDECL_REQUIRED: (N_("must move"), "bold red"),
    rules.CO_EVISA_REQUIRED: (N_("e-visa"), "bold red"),
    rules.PRE_ENTRY_SELF_DECLARER: (N_("pre-entry"), "yellow"),
    rules.PLATFORM_FEE_CHARGED: (N_("fee"), "yellow"),
}
SHADES = "░"
EIGHTHS = " ▏▎▍▌▋▊▉"  # horizontal partial blocks, 1/8 to 7/8


def share_style(percent: int | None) -> str:
    if percent is None:
        return "dim"
    return "green" if percent >= 80 else "yellow" if percent >= 50 else "red"


def share_bar(percent: int | None, width: int = 8) -> Text:
    """A bar of `width` cells in eighths, then the percentage."""
    if percent is None:
        return Text("-".rjust(width + 5), style="dim")
    eighths = percent * width * 8 // 100
    full, part = divmod(eighths, 8)
    bar = "█" * full + (EIGHTHS[part] if part else "")
    return Text(bar.ljust(width, SHADES) + f" {percent:3d}%", style=share_style(percent))


def shift_month(month: str, step: int) -> str:
    year, number = divmod(int(month[:4]) * 12 + int(month[5:7]) - 1 + step, 12)
    return date(year, number + 1, 1).strftime("%Y-%m")
