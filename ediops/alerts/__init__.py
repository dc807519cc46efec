"""Alerts and escalation (docs/alerts.md): people paged, not only screens.

The scheduler leader raises an alert for each open finding whose code a rule of alerts.toml
names, and for each urgent licence at risk; it notifies the rule's channels step by step until
someone acknowledges the alert, and records every notification."""

from ediops.i18n import N_, _

URGENT_AT_RISK = "URGENT_AT_RISK"  # an alert cause of its own: not a finding
ALERT_UNDELIVERED = "ALERT_UNDELIVERED"  # a finding on an alert: no channel of a due step took it
STORE_UNWRITABLE = "STORE_UNWRITABLE"  # sent while the store cannot record it (docs/faults.md)
TITLES = {
    URGENT_AT_RISK: N_("Urgent licence at risk"),
    ALERT_UNDELIVERED: N_("Alert not delivered"),
    STORE_UNWRITABLE: N_("The data file cannot be written"),
}
# settings.toml keys of the alerts, and their values when a deployment's file lacks them.
SETTINGS = {
    "urgent_warn_minutes": 5,
    "alert_grace_minutes": 5,
    "alert_check_seconds": 10,
    "alert_retry_seconds": 15,
    "alert_bell": True,
    "urgent_deadline_minutes": 15,
}


def title(code: str) -> str:
    """An alert's code in words: its own two codes here, a finding's from ediops.licensing.titles."""
    if code in TITLES:
        return _(TITLES[code])
    from ediops.licensing.titles import title as finding_title

    return finding_title(code)
