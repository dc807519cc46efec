"""What a notification says: one message per channel for every alert due on it together (a
digest), each line naming the code, the licence, issuer or batch, since when, and the alert's
id. Every piece of outside text is cleaned of control, escape and bidi characters."""

from __future__ import annotations

from collections import Counter

from ediops.clock import parse_instant
from ediops.text import clean

TRADER_CHARS = 60
REASON_CHARS = 200


def _short(value, limit: int) -> str:
    text = clean(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _when(value: str | None) -> str:
    if not value:
        return "?"
    return parse_instant(value).strftime("%Y-%m-%d %H:%M CST")


def what(item: dict, trader: str | None = None) -> str:
    """The alert's subject in words: licence, batch or issuer, as the finding names it."""
    parts = []
    if item.get("licence_no"):
        parts.append(f"licence {clean(item['licence_no'])}")
    if item.get("batch_id"):
        parts.append(f"batch {clean(item['batch_id'])}")
    if item.get("issuer"):
        parts.append(f"issuer {clean(item['issuer'])}")
    if not parts:
        parts.append(clean(item.get("subject") or "-"))
    if trader:
        parts.append(f"trader {_short(trader, TRADER_CHARS)}")
    return ", ".join(parts)


def line(item: dict, trader: str | None = None) -> str:
    step = f"step {item['step']}" + (f" (repeat {item['round']})" if item.get("round") else "")
    text = (
        f"[alert {item['alert_id']}] {clean(item['code'])}: {what(item, trader)}; since {_when(item['since'])}; {step}"
    )
    if item.get("escalated_by"):
        text += f"; escalated by {clean(item['escalated_by'])}: {_short(item.get('escalated_reason'), REASON_CHARS)}"
    return text


def digest(items: list[dict], traders: dict[str, str]) -> tuple[str, str]:
    """(title, body) of one message carrying `items` (notification rows of one channel)."""
    seen: dict[int, dict] = {}
    for item in items:  # an alert due at two steps at once is listed once, at its latest
        seen[item["alert_id"]] = item
    alerts = list(seen.values())
    if len(alerts) == 1:
        only = alerts[0]
        title = f"ediops alert {only['alert_id']}: {clean(only['code'])} {what(only)}"
    else:
        by_code = Counter(clean(a["code"]) for a in alerts)
        title = f"ediops: {len(alerts)} alerts (" + ", ".join(f"{c} {n}" for c, n in by_code.most_common()) + ")"
    body = [line(a, traders.get(a.get("licence_no") or "")) for a in alerts]
    body.append("")
    body.append("Acknowledge with: ediops alerts ack ID --note TEXT (or k on the desk's alerts screen, key !)")
    return title, "\n".join(body)


def test_message(channel: str, at: str) -> tuple[str, str]:
    return (
        f"ediops: test of channel {clean(channel)}",
        f"A test message from ediops alerts test, sent {_when(at)}. No action is needed.",
    )
