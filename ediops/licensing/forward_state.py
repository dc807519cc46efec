"""A licence's way to customs in the words a duty officer reads aloud (docs/wire.md): a licence
sent under a key customs has not answered is "waiting for customs" (attempt n, next try at
...), never "forwarded"; customs' acceptance is "at customs". The retry rule lives here, so
the engine retries when the desk says it will."""

from __future__ import annotations

from datetime import datetime, timedelta

from ediops.clock import parse_instant
from ediops.i18n import N_, _

RETRY_AFTER_MAX = timedelta(minutes=5)
# An urgent licence reaches customs within 30 s of customs answering again, and customs is
# asked at most three times a minute for it while it is down (docs/faults.md).
URGENT_RETRY_MAX = timedelta(seconds=20)

RECEIVED, PHONED, REQUESTED = "received", "phoned", "requested"
WAITING = "waiting for customs"
REFUSED = "refused by customs"  # customs answered the POST with an error: the window sends it again
AT_CUSTOMS = "at customs"
REJECTED = "rejected by customs"
STATES = (RECEIVED, PHONED, REQUESTED, WAITING, REFUSED, AT_CUSTOMS, REJECTED)
UNANSWERED = ("pending", "failed")  # forwards customs has not answered (store.forwards)


def retry_wait(attempts: int, *, urgent: bool = False) -> timedelta:
    """Backoff after an unanswered attempt: 2^attempts s, at most 5 min (20 s when urgent)."""
    return min(timedelta(seconds=2 ** min(attempts, 20)), URGENT_RETRY_MAX if urgent else RETRY_AFTER_MAX)


def next_try(attempts: int, last_attempt_at: str | None, *, urgent: bool = False) -> datetime | None:
    """When the engine tries an unanswered forward again (None: at once)."""
    if not attempts or not last_attempt_at:
        return None
    return parse_instant(last_attempt_at) + retry_wait(attempts, urgent=urgent)


def forward_state(licence: dict, *, now: datetime) -> dict:
    """`state` (one of STATES) and, while customs has not answered, `attempt`, `next_try` (an
    instant, never in the past: a due retry is "now") and `error` (customs' last failure).

    `licence` holds the licence's `state`, `forward_key`, `phoned_at` and, when it has a forward,
    `forward_status`, `forward_attempts`, `forward_last_attempt_at`, `forward_error`,
    `forward_urgent`, and
    `forward_pending` (an operator asked the leader to forward it)."""
    state = licence["state"]
    out: dict = {"state": state, "attempt": None, "next_try": None, "error": None}
    if state == "accepted":
        out["state"] = AT_CUSTOMS
    elif state == "rejected":
        out["state"] = REJECTED
    elif licence.get("forward_key") and licence.get("forward_status") in UNANSWERED:
        attempts = int(licence.get("forward_attempts") or 0)
        refused = licence["forward_status"] == "failed"
        last, urgent = licence.get("forward_last_attempt_at"), bool(licence.get("forward_urgent"))
        due = None if refused else next_try(attempts, last, urgent=urgent)
        out.update(
            state=REFUSED if refused else WAITING,
            attempt=attempts or None,
            next_try=max(due, now) if due else (None if refused else now),
            error=licence.get("forward_error"),
        )
    elif state == "forwarded" or licence.get("forward_key"):
        out["state"] = WAITING  # queued under a key, or answered with nothing yet recorded
    elif licence.get("forward_pending"):
        out["state"] = REQUESTED
    elif licence.get("phoned_at"):
        out["state"] = PHONED
    else:
        out["state"] = RECEIVED
    return out


SHORT = {WAITING: N_("waiting"), REFUSED: N_("refused"), REJECTED: N_("rejected")}
# The states in words, for the catalogue (the desk and the text output say them in Chinese).
WORDS = frozenset((N_("received"), N_("phoned"), N_("requested"), N_("waiting for customs"), N_("at customs")))
WORDS |= {N_("refused by customs"), N_("rejected by customs")}


def short_state(way: dict) -> str:
    """The state in a narrow column: "waiting #3" (attempt 3, customs silent), "at customs"."""
    word = _(SHORT.get(way["state"], way["state"]))
    return f"{word} #{way['attempt']}" if way.get("attempt") and way["state"] in (WAITING, REFUSED) else word


def describe(way: dict, clock_format: str = "%H:%M") -> str:
    """One line: "waiting for customs, attempt 3, next try at 10:32"."""
    parts = [_(way["state"]) if way["state"] in WORDS else way["state"]]
    if way.get("attempt"):
        parts.append(_("attempt {n}").format(n=way["attempt"]))
    if way["state"] == WAITING and way.get("next_try"):
        parts.append(_("next try at {at}").format(at=way["next_try"].strftime(clock_format)))
    if way["state"] == REFUSED:
        parts.append(_("sent again at the forward-customs window or on f"))
    return _(", ").join(parts)
