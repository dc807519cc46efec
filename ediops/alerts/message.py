"""What a notification says: one message per channel for every alert due on it together (a
digest), each line naming the code, the licence, issuer or batch, since when, and the alert's
id. Every piece of outside text is cleaned of control, escape and bidi characters."""

from __future__ import annotations

from collections import Counter

from ediops.alerts import title as code_title
from ediops.clock import parse_instant
from ediops.i18n import _, language
from ediops.text import clean

TRADER_CHARS = 60
REASON_CHARS = 200


def _short(value, limit: int) -> str:
    text = clean(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _when(value: str | None) -> str:
    if not value:
        return "?"
    at = parse_instant(value)
    if language() == "zh":
        return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"
    return at.strftime("%Y-%m-%d %H:%M CST")


def what(item: dict, trader: str | None = None) -> str:
    """The alert's subject in words: licence, batch or issuer, as the finding names it."""
    parts = []
    if item.get("licence_no"):
        parts.append(_("licence {no}").format(no=clean(item["licence_no"])))
    if item.get("batch_id"):
        parts.append(_("batch {id}").format(id=clean(item["batch_id"])))
    if item.get("issuer"):
        parts.append(_("issuer {code}").format(code=clean(item["issuer"])))
    if not parts:
        parts.append(clean(item.get("subject") or "-"))
    if trader:
        parts.append(_("trader {name}").format(name=_short(trader, TRADER_CHARS)))
    return _(", ").join(parts)


def line(item: dict, trader: str | None = None) -> str:
    step = _("step {n}").format(n=item["step"])
    if item.get("round"):
        step += _(" (repeat {n})").format(n=item["round"])
    code = clean(item["code"])
    text = _("[alert {id}] {code} {title}: {what}; since {since}; {step}").format(
        id=item["alert_id"],
        code=code,
        title=code_title(code),
        what=what(item, trader),
        since=_when(item["since"]),
        step=step,
    )
    if item.get("escalated_by"):
        text += _("; escalated by {who}: {reason}").format(
            who=clean(item["escalated_by"]), reason=_short(item.get("escalated_reason"), REASON_CHARS)
        )
    return text


def digest(items: list[dict], traders: dict[str, str]) -> tuple[str, str]:
    """(title, body) of one message carrying `items` (notification rows of one channel)."""
    seen: dict[int, dict] = {}
    for item in items:  # an alert due at two steps at once is listed once, at its latest
        seen[item["alert_id"]] = item
    alerts = list(seen.values())
    if len(alerts) == 1:
        only = alerts[0]
        title = _("ediops alert {id}: {code} {what}").format(
            id=only["alert_id"], code=clean(only["code"]), what=what(only)
        )
    else:
        by_code = Counter(clean(a["code"]) for a in alerts)
        title = _("ediops: {n} alerts ({codes})").format(
            n=len(alerts), codes=", ".join(f"{c} {n}" for c, n in by_code.most_common())
        )
    body = [line(a, traders.get(a.get("licence_no") or "")) for a in alerts]
    body.append("")
    body.append(_("Acknowledge with: ediops alerts ack ID --note TEXT (or k on the desk's alerts screen, key !)"))
    return title, "\n".join(body)


def test_message(channel: str, at: str) -> tuple[str, str]:
    return (
        _("ediops: test of channel {channel}").format(channel=clean(channel)),
        _("A test message from ediops alerts test, sent {at}. No action is needed.").format(at=_when(at)),
    )
