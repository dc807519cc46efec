"""The leader's alert pass: alerts follow their causes, due steps become recorded intents,
intents go out (one message per channel), and a step nobody took within the grace is flagged.

Order matters for "a crash may repeat a notification, never drop one": the intent of every
due step is committed durably (with the alert's progress) before anything is sent; the
outcome is recorded after. A leader killed in between sends the pending intents again."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import datetime, timedelta

from ediops.alerts import ALERT_UNDELIVERED, SETTINGS, URGENT_AT_RISK, channels, message, schedule
from ediops.alerts import config as alerts_config
from ediops.clock import iso, parse_instant
from ediops.licensing import findings
from ediops.licensing.reconcile import check_deadlines
from ediops.monitoring import events
from ediops.store import alerts as alerts_db
from ediops.store import write

log = logging.getLogger("ediops.alerts")
RETRY_MAX_SECONDS = 300.0


def _instant(value: str | None) -> datetime | None:
    return parse_instant(value) if value else None


def at_risk(rows: list[dict], *, now: datetime, deadline: timedelta, warn: timedelta) -> list[dict]:
    """URGENT_AT_RISK causes: urgent licences not accepted `warn` before their deadline (or
    escalated by an operator), until the deadline itself, where URGENT_OVERDUE takes over."""
    causes = []
    for row in rows:
        received = parse_instant(row["received_at"])
        if now - received > deadline:
            continue
        risk_from = received + deadline - warn
        if now < risk_from and not row.get("escalated_at"):
            continue
        # when the cause began: the licence came in already at risk (a deadline shorter than the
        # warning) at its receipt, never before it
        since = max(risk_from, received) if now >= risk_from else parse_instant(row["escalated_at"])
        causes.append(
            {
                "code": URGENT_AT_RISK,
                "subject": f"licence:{row['licence_no']}",
                "licence_no": row["licence_no"],
                "issuer": row["issuer"],
                "batch_id": row["batch_id"],
                "finding_id": None,
                "since": iso(since),
                "detail": {"deadline": iso(received + deadline), "state": row["state"]},
            }
        )
    return causes


class AlertPass:
    """One leader's alerts: the configuration read once, and each channel reported once."""

    def __init__(self, engine):
        self.engine = engine
        self.alerts = alerts_config.load(engine.config)
        self._channel_states: list | None = None
        self.next_due: datetime | None = None  # the leader runs the pass then, not only every alert_check_seconds

    def setting(self, name: str) -> float:
        value = self.engine.config.settings.get(name)
        return float(SETTINGS[name] if value is None else value)

    async def run(self) -> None:
        now = self.engine.clock.now()
        db = self.engine.db
        self.next_due = None  # a pass that fails leaves the leader to its interval, not to a loop
        check_deadlines(db, self.engine.config, now=now)  # URGENT_OVERDUE at its deadline, not at a window
        self._report_channels(db, now)
        with write(db, durable=True):  # the intents are on disk before anything is sent
            self.sync(db, now)
            self.plan(db, now)
        await self.deliver(db)
        with write(db):
            self.flag_undelivered(db, self.engine.clock.now())
        self.next_due = _instant(alerts_db.next_due(db))

    def due(self) -> bool:
        """A step, repeat or retry is due now (the leader checks this every second)."""
        return self.next_due is not None and self.engine.clock.now() >= self.next_due

    def seconds_to_due(self, at_most: float) -> float:
        """How long the leader may sleep before the next step falls due (at least 50 ms)."""
        if self.next_due is None:
            return at_most
        left = (self.next_due - self.engine.clock.now()).total_seconds()
        return at_most if left <= 0 else min(at_most, max(0.05, left))  # <= 0: a pass is on it

    # ---------------------------------------------------------------- steps of the pass

    def _report_channels(self, db, now: datetime) -> None:
        states = [(c.name, c.resolve() is not None, None) for c in self.alerts.channels.values()]
        states = [(n, ok, None if ok else self.alerts.channels[n].unset_reason()) for n, ok, _ in states]
        if states == self._channel_states:
            return
        for name, ok, problem in states:
            if not ok:
                log.info("%s; its notifications are not sent", problem)  # once per process, in the journal
        with write(db):
            alerts_db.set_channels(db, states, at=iso(now))
        self._channel_states = states

    def causes(self, db, now: datetime) -> list[dict]:
        codes = self.alerts.codes()
        found = alerts_db.open_findings(db, sorted(codes - {URGENT_AT_RISK}))
        if URGENT_AT_RISK in codes:
            deadline = timedelta(minutes=self.setting("urgent_deadline_minutes"))
            warn = timedelta(minutes=self.setting("urgent_warn_minutes"))
            rows = alerts_db.urgent_not_accepted(db, iso(now - deadline))
            found += at_risk(rows, now=now, deadline=deadline, warn=warn)
        return found

    def sync(self, db, now: datetime) -> None:
        """Opens an alert per rule and cause not yet alerted; closes those whose cause went."""
        at = iso(now)
        live = {(a["rule"], a["code"], a["subject"]): a for a in alerts_db.live(db)}
        wanted: dict[tuple, tuple] = {}
        for cause in self.causes(db, now):
            for rule in self.alerts.rules:
                if cause["code"] in rule.codes:
                    wanted[(rule.key, cause["code"], cause["subject"])] = (rule, cause)
        alerts_db.close(db, [a["id"] for key, a in live.items() if key not in wanted], at=at)
        new = [key for key in wanted if key not in live]
        escalated = alerts_db.escalations(
            db, sorted({wanted[k][1]["licence_no"] for k in new if wanted[k][1]["licence_no"]})
        )
        for key in new:
            rule, cause = wanted[key]
            by = escalated.get(cause["licence_no"] or "")
            progress = schedule.first_due(rule, now, escalated=by is not None)
            alert_id = alerts_db.insert(
                db,
                {
                    "rule": rule.key,
                    **{f: cause[f] for f in ("code", "subject", "licence_no", "issuer", "batch_id", "finding_id")},
                    "detail": cause["detail"],
                    "since": cause["since"],
                    "status": "open",
                    "opened_at": at,
                    "escalated_by": by and by["by"],
                    "escalated_at": by and by["at"],
                    "escalated_reason": by and by["reason"],
                    "next_step": progress.next_step,
                    "next_round": progress.next_round,
                    "next_due_at": iso(progress.next_due_at),
                },
            )
            log.info("alert %s opened: %s %s (rule %s)", alert_id, cause["code"], cause["subject"], rule.number)

    def plan(self, db, now: datetime) -> None:
        """Every step due by now becomes an intent per configured channel, with the alert's progress."""
        at = iso(now)
        for alert in alerts_db.due(db, at):
            rule = self.alerts.rule(alert["rule"])
            if rule is None:
                continue
            current = schedule.Progress(alert["next_step"], alert["next_round"], _instant(alert["next_due_at"]))
            sends, progress = schedule.plan(rule, parse_instant(alert["opened_at"]), current, now)
            for send in sends:
                for name in send.channels:
                    if self.alerts.channels[name].resolve() is not None:
                        alerts_db.add_intent(
                            db,
                            alert["id"],
                            step=send.step,
                            round_=send.round,
                            channel=name,
                            due_at=iso(send.due_at),
                            at=at,
                        )
            alerts_db.advance(
                db,
                alert["id"],
                next_step=progress.next_step,
                next_round=progress.next_round,
                next_due_at=iso(progress.next_due_at) if progress.next_due_at else None,
                sent=len(sends),
            )

    async def deliver(self, db) -> None:
        """Pending intents, one message per channel (a digest), the channels at the same time."""
        items = alerts_db.pending(db, self.engine.clock.iso())
        if not items:
            return
        by_channel: dict[str, list[dict]] = defaultdict(list)
        for item in items:
            by_channel[item["channel"]].append(item)
        traders = alerts_db.traders(db, sorted({i["licence_no"] for i in items if i["licence_no"]}))
        await asyncio.gather(*(self._send(db, name, rows, traders) for name, rows in by_channel.items()))

    async def _send(self, db, name: str, rows: list[dict], traders: dict[str, str]) -> None:
        channel = self.alerts.channels.get(name)
        url = channel.resolve() if channel else None
        ids = [r["id"] for r in rows]
        clock = self.engine.clock
        if url is None:
            outcome = channels.Outcome(
                [(clock.iso(), "failed", channel.unset_reason() if channel else f"no channel {name}")]
            )
        else:
            title, body = message.digest(rows, traders)
            self.engine.fence()  # a leader frozen past its lease pages nobody twice
            outcome = await channels.deliver(url, title, body, now=clock.iso)
        done = len(outcome.attempts)
        with write(db):
            alerts_db.record_attempts(db, ids, outcome.attempts)
            if outcome.sent:
                alerts_db.mark_sent(db, ids, at=outcome.attempts[-1][0], tries=done)
            else:
                tried = max(r["attempts"] for r in rows) + done
                first = self.setting("alert_retry_seconds")
                wait = min(first * 2 ** max(tried // channels.ATTEMPTS - 1, 0), RETRY_MAX_SECONDS)
                alerts_db.mark_failed(
                    db, ids, error=outcome.error, tries=done, retry_at=iso(clock.now() + timedelta(seconds=wait))
                )
            alerts_db.channel_outcome(db, name, at=clock.iso(), error=outcome.error)
        alerts = sorted({r["alert_id"] for r in rows})
        events.notification(name, "sent" if outcome.sent else "failed")
        if outcome.sent:
            log.info("alerts %s sent to channel %s in one message (%d tries)", alerts, name, done)
        else:
            log.warning("alerts %s not sent to channel %s after %d tries: %s", alerts, name, done, outcome.error)

    def flag_undelivered(self, db, now: datetime) -> None:
        grace = timedelta(minutes=self.setting("alert_grace_minutes"))
        causes: dict = {}
        for row in alerts_db.undelivered(db, iso(now - grace)):
            if row["code"] == ALERT_UNDELIVERED:
                continue  # an alert about an undelivered alert is not chased by another finding
            causes.setdefault(
                row["alert_id"],
                findings.Cause(
                    ALERT_UNDELIVERED,
                    f"alert:{row['alert_id']}",
                    {"step": row["step"], "round": row["round"], "due_at": row["due_at"], "errors": row["errors"]},
                    licence_no=row["licence_no"],
                    batch_id=row["batch_id"],
                    issuer=row["issuer"],
                ),
            )
        findings.sync(db, ALERT_UNDELIVERED, list(causes.values()), at=iso(now))
