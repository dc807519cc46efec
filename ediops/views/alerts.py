"""The alerts as the desk groups them (docs/alerts.md): alerts that share one cause, such as
28 urgent licences at risk and then overdue because customs is down, are listed under that
cause; the notifications stay as they are (one message per channel). Also the alert
channels' health, for the home screen as for the alerts screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ediops.store import alerts as alerts_db, forwards as forwards_db, reads as reads_db

if TYPE_CHECKING:
    from ediops.store import Queryable


def causes(db: Queryable, alerts: list[dict]) -> dict[str, dict]:
    """Sets each alert's `cause` (a failing peer's name, or None) and returns the causes:
    peer -> {peer, since, error, alerts (how many)}. An alert's cause is customs when its
    licence waits on customs while customs is failing; an issuer's feed when the alert names
    that issuer and the feed is failing."""
    failing = {r["peer"]: r for r in reads_db.peers(db) if r["failing_since"]}
    waiting = (
        forwards_db.waiting_among(db, sorted({a["licence_no"] for a in alerts if a.get("licence_no")}))
        if "customs" in failing
        else set()
    )
    found: dict[str, dict] = {}
    for alert in alerts:
        peer = None
        if alert.get("licence_no") in waiting:
            peer = "customs"
        elif alert.get("issuer") and f"issuer {alert['issuer']}" in failing:
            peer = f"issuer {alert['issuer']}"
        alert["cause"] = peer
        if peer and alert.get("status") != "closed":
            row = failing[peer]
            cause = found.setdefault(
                peer, {"peer": peer, "since": row["failing_since"], "error": row["last_error"], "alerts": 0}
            )
            cause["alerts"] += 1
    return found


def grouped(db: Queryable, alerts: list[dict]) -> list[tuple[dict | None, list[dict]]]:
    """(cause, its alerts) for each cause shared by two alerts or more, oldest cause first,
    then (None, every other alert) in the listing's order."""
    found = causes(db, alerts)
    shared = sorted((c for c in found.values() if c["alerts"] > 1), key=lambda c: (c["since"], c["peer"]))
    groups: list[tuple[dict | None, list[dict]]] = [
        (c, [a for a in alerts if a["cause"] == c["peer"] and a.get("status") != "closed"]) for c in shared
    ]
    grouped_ids = {a["id"] for _, members in groups for a in members}
    rest = [a for a in alerts if a["id"] not in grouped_ids]
    return groups + ([(None, rest)] if rest else [])


def channel_health(db: Queryable) -> list[dict]:
    """Each alert channel as the leader last saw it: `state` "not set" (with `problem`),
    "failing" (its last try failed after its last delivery: `problem`, `at` that try) or "ok"."""
    out = []
    for c in alerts_db.channels(db):
        if not c["configured"]:
            state = "not set"
        elif c["last_error_at"] and (c["last_sent_at"] or "") < c["last_error_at"]:
            state = "failing"
        else:
            state = "ok"
        out.append(
            {
                "name": c["name"],
                "state": state,
                "problem": c["problem"] if state == "not set" else c["last_error"] if state == "failing" else None,
                "at": c["last_error_at"] if state == "failing" else None,
            }
        )
    return out


# What the desk reads of the alerts themselves: the counts for the home pane, those raised
# since an id (the desk's bell) and each channel's last delivery (the alerts screen).
counts = alerts_db.counts
new_since = alerts_db.new_since
channels = alerts_db.channels
