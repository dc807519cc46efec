"""Which screen opens for a name or an item: two tables, read top to bottom. A screen's module
is imported when the screen is first opened, so the desk starts fast."""

from __future__ import annotations

from importlib import import_module
from typing import Callable

from textual.screen import Screen

from ediops.views.inspection import ENTERPRISE_CODES as INSPECTION_CODES

# name -> (module under ediops.screens, class): the screens the desk opens by name.
SCREENS: dict[str, tuple[str, str]] = {
    "urgent": ("licences.urgent_queue", "UrgentQueueScreen"),
    "findings": ("findings.findings", "FindingsScreen"),
    "windows": ("operations.windows", "WindowsScreen"),
    "audit": ("operations.audit_log", "AuditLogScreen"),
    "browser": ("licences.licence_browser", "LicenceBrowserScreen"),
    "inspection": ("inspection.inspection", "InspectionScreen"),
    "report": ("operations.report", "ReportScreen"),
    "alerts": ("operations.alerts", "AlertsScreen"),
    "tickets": ("hotline.ticket_list", "TicketListScreen"),
}

# A row's detail screen: the first line whose kinds hold the row's kind and whose test passes
# on the row's context opens (module, class) with the arguments taken from the context.
ITEMS: list[tuple[tuple[str, ...], Callable[[dict], bool], str, str, Callable[[dict], tuple]]] = [
    (
        ("licence", "finding"),
        lambda c: bool(c.get("licence_no")),
        "licences.licence_detail",
        "LicenceDetailScreen",
        lambda c: (c["licence_no"],),
    ),
    (
        ("issuer", "finding"),
        lambda c: bool(c.get("issuer")),
        "licences.issuer_detail",
        "IssuerDetailScreen",
        lambda c: (c["issuer"],),
    ),
    (
        ("finding",),
        lambda c: c.get("code") in INSPECTION_CODES and bool(c.get("enterprise")),
        "inspection.inspection_enterprise",
        "InspectionEnterpriseScreen",
        lambda c: (c["enterprise"], c["period"][:7]),
    ),
    (
        ("ticket",),
        lambda c: bool(c.get("ticket_id")),
        "hotline.ticket_detail",
        "TicketDetailScreen",
        lambda c: (c["ticket_id"],),
    ),
]


def _class(module: str, name: str) -> type[Screen]:
    return getattr(import_module(f"ediops.screens.{module}"), name)


def screen(name: str) -> Screen | None:
    if name not in SCREENS:
        raise ValueError(f"no screen named {name}")
    return _class(*SCREENS[name])()


def item_screen(kind: str, context: dict) -> Screen | None:
    """The detail screen of a table row, by the row's kind."""
    for kinds, applies, module, name, arguments in ITEMS:
        if kind in kinds and applies(context):
            return _class(module, name)(*arguments(context))
    return None


def ticket_form(*, licence_no: str | None, finding_id: int | None, paper_note: str | None = None) -> Screen:
    from ..hotline.ticket_form import TicketFormScreen

    return TicketFormScreen(licence_no=licence_no, finding_id=finding_id, paper_note=paper_note)
