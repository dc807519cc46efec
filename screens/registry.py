"""Which screen opens for a name or an item. Imports are lazy so the desk starts fast."""

from __future__ import annotations

from textual.screen import Screen

from ediops.inspection.view import ENTERPRISE_CODES as INSPECTION_CODES


def screen(name: str) -> Screen | None:
    if name == "urgent":
        from ediops.screens.urgent_queue import UrgentQueueScreen

        return UrgentQueueScreen()
    if name == "findings":
        from ediops.screens.findings import FindingsScreen

        return FindingsScreen()
    if name == "windows":
        from ediops.screens.windows import WindowsScreen

        return WindowsScreen()
    if name == "audit":
        from ediops.screens.audit_log import AuditLogScreen

        return AuditLogScreen()
    if name == "browser":
        from ediops.screens.licence_browser import LicenceBrowserScreen

        return LicenceBrowserScreen()
    if name == "inspection":
        from ediops.screens.inspection import InspectionScreen

        return InspectionScreen()
    if name == "report":
        from ediops.screens.report import ReportScreen

        return ReportScreen()
    if name == "alerts":
        from ediops.screens.alerts import AlertsScreen

        return AlertsScreen()
    if name == "tickets":
        from ediops.screens.ticket_list import TicketListScreen

        return TicketListScreen()
    raise ValueError(f"no screen named {name}")


def item_screen(kind: str, context: dict) -> Screen | None:
    """The detail screen of a table row, by the row's kind."""
    if context.get("licence_no") and kind in ("licence", "finding"):
        from ediops.screens.licence_detail import LicenceDetailScreen

        return LicenceDetailScreen(context["licence_no"])
    if kind in ("issuer", "finding") and context.get("issuer"):
        from ediops.screens.issuer_detail import IssuerDetailScreen

        return IssuerDetailScreen(context["issuer"])
    if kind == "finding" and context.get("code") in INSPECTION_CODES and context.get("enterprise"):
        from ediops.screens.inspection_enterprise import InspectionEnterpriseScreen

        return InspectionEnterpriseScreen(context["enterprise"], context["period"][:7])
    if kind == "ticket" and context.get("ticket_id"):
        from ediops.screens.ticket_detail import TicketDetailScreen

        return TicketDetailScreen(context["ticket_id"])
    return None


def ticket_form(*, licence_no: str | None, finding_id: int | None, paper_note: str | None = None) -> Screen:
    from ediops.screens.ticket_form import TicketFormScreen

    return TicketFormScreen(licence_no=licence_no, finding_id=finding_id, paper_note=paper_note)
