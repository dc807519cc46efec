"""Alerts and escalation (docs/alerts.md): people paged, not only screens.

The scheduler leader raises an alert for each open finding whose code a rule of alerts.toml
names, and for each urgent licence at risk; it notifies the rule's channels step by step until
someone acknowledges the alert, and records every notification."""

URGENT_AT_RISK = "URGENT_AT_RISK"  # an alert cause of its own: not a finding
ALERT_UNDELIVERED = "ALERT_UNDELIVERED"  # a finding on an alert: no channel of a due step took it
STORE_UNWRITABLE = "STORE_UNWRITABLE"  # sent while the store cannot record it (docs/faults.md)
# settings.toml keys of the alerts, and their values when a deployment's file lacks them.
SETTINGS = {
    "urgent_warn_minutes": 5,
    "alert_grace_minutes": 5,
    "alert_check_seconds": 10,
    "alert_retry_seconds": 15,
    "alert_bell": True,
    "urgent_deadline_minutes": 15,
}
