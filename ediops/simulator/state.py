"""What the simulated peers know and count: the issuers' days, customs' acceptances and
write-offs, the ministry's receipts, and the fault switches in force."""

from __future__ import annotations

import bisect
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ediops.errors import InputError
from ediops.simulator import traffic
from ediops.simulator.customs import WriteoffMaker, rejects

PEER_FAULTS = ("bad_json", "huge", "wrong_type", "unauthorized")
FLAG_FAULTS = ("missing_summaries", "writeoff_anomalies")
SHAPE_FAULTS = ("truncated", "conflicting_resends", "hostile_text")
PAGE_BATCHES = 50
PAGE_WRITEOFFS = 500


@dataclass
class Faults:
    """Switches; peer names are `customs`, `ministry`, `issuers` (all) or an issuer code."""

    down: set = field(default_factory=set)
    slow: dict = field(default_factory=dict)  # peer -> seconds before answering
    errors: dict = field(default_factory=dict)  # peer -> 503 answers still to give
    bad_json: set = field(default_factory=set)
    huge: set = field(default_factory=set)
    wrong_type: set = field(default_factory=set)
    unauthorized: set = field(default_factory=set)
    missing_summaries: bool = False
    writeoff_anomalies: bool = False

    def update(self, change: dict) -> None:
        """Applies a control request: {"clear": true} first, then each named switch."""
        if change.get("clear"):
            self.__dict__.update(Faults().__dict__)  # every switch back to its default
        for name, value in change.items():
            if name == "clear":
                continue
            if name in ("down", *PEER_FAULTS):
                setattr(self, name, set(value))
            elif name in ("slow", "errors"):
                setattr(self, name, {str(k): (float(v) if name == "slow" else int(v)) for k, v in value.items()})
            elif name in FLAG_FAULTS:
                setattr(self, name, bool(value))
            else:
                raise ValueError(f"unknown fault switch {name!r}")

    def as_dict(self) -> dict:
        return {
            "down": sorted(self.down),
            "slow": self.slow,
            "errors": self.errors,
            **{n: sorted(getattr(self, n)) for n in PEER_FAULTS},
            **{n: getattr(self, n) for n in FLAG_FAULTS},
        }


def applies(names: set | dict, peer: str) -> str | None:
    """The switch entry that covers `peer` (an issuer is covered by its code or by `issuers`)."""
    if peer in names:
        return peer
    if len(peer) == 2 and "issuers" in names:
        return "issuers"
    return None


@dataclass
class IssuerFeed:
    code: str
    cutoff: str
    batches: list = field(default_factory=list)  # (sent_at, Batch, business_date), by sent_at
    days: dict = field(default_factory=dict)  # date -> traffic.Day
    acks: dict = field(default_factory=dict)  # idempotency key -> ack body
    ack_posts: int = 0
    served: int = 0


class Simulator:
    """All peers' state in one place; handlers call these methods (single event loop)."""

    def __init__(self, config, clock, *, seed: int, shape: traffic.Shape, faults: Faults):
        self.config, self.clock, self.seed, self.shape, self.faults = config, clock, seed, shape, faults
        self.bureaus: Any = None  # the 2002 notice's bureaus, set by simulator.bureaus.mount when served
        self.started_at = clock.now()
        self.start_day = self.started_at.date()
        self.feeds = {i.code: IssuerFeed(i.code, i.cutoff) for i in config.issuers}
        self.urgent_published: dict[str, datetime] = {}
        self.customs_answers: dict[str, dict] = {}  # key -> answer
        self.customs_posts = 0
        self.licences: dict[str, dict] = {}  # licence_no -> {"keys", "accepted_at", "latency"}
        self.writeoffs: list[dict] = []
        self.writeoffs_served = 0
        self.maker = WriteoffMaker(seed)
        self.ministry_keys: dict[str, int] = {}
        self.ministry_posts = 0
        self.ministry_records: dict[str, list[str]] = {}  # content hash -> keys
        self.refused: dict[str, list[str]] = {}  # peer -> idempotency keys answered 503
        self.tokens = self._tokens()

    def _tokens(self) -> dict[str, str]:
        peers = [("customs", self.config.customs), ("ministry", self.config.ministry)]
        peers += [(i.code, i) for i in self.config.issuers]
        tokens, missing = {}, []
        for name, peer in peers:
            if peer is None:
                continue
            try:
                tokens[name] = peer.token()
            except InputError:
                missing.append(peer.token_env or name)
        if missing:
            raise InputError(
                f"no token for {len(missing)} peer(s) (set {', '.join(missing[:3])}"
                f"{'...' if len(missing) > 3 else ''}); `ediops demo` sets them for you"
            )
        return tokens

    # ---------------------------------------------------------------- issuers

    def _generate(self, now: datetime) -> None:
        day = self.start_day
        while day <= now.date():
            for feed in self.feeds.values():
                if day not in feed.days:
                    generated = traffic.day(self.seed, feed.code, feed.cutoff, day, self.shape)
                    feed.days[day] = generated
                    feed.batches.extend((b.sent_at, b, day) for b in generated.batches)
                    feed.batches.sort(key=lambda entry: entry[0])
                    for batch in generated.batches:
                        if batch.kind == "urgent" and batch.sent_at >= self.started_at:
                            for record in batch.records:
                                self.urgent_published[record["licence_no"]] = batch.sent_at
            day += timedelta(days=1)

    def batches(self, code: str, after: str | None) -> dict:
        now = self.clock.now()
        self._generate(now)
        feed = self.feeds[code]
        start = int(after) if after and after.isdigit() else 0
        visible = bisect.bisect_right([entry[0] for entry in feed.batches], now)
        page = feed.batches[start : min(visible, start + PAGE_BATCHES)]
        feed.served += len(page)
        return {"batches": [b.body(day) for _, b, day in page], "next": str(start + len(page))}

    def take_ack(self, code: str, key: str, ack: dict) -> dict:
        feed = self.feeds[code]
        feed.ack_posts += 1
        feed.acks.setdefault(key, ack)
        return {"received": True, "batch_id": feed.acks[key].get("batch_id")}

    def summary(self, code: str, business_date: date) -> dict | None:
        now = self.clock.now()
        self._generate(now)
        day = self.feeds[code].days.get(business_date)
        if day is None or now < day.summary_at or self.faults.missing_summaries:
            return None
        return {"issuer": code, "business_date": business_date.isoformat(), "licence_nos": day.licence_nos}

    # ---------------------------------------------------------------- customs

    def take_licences(self, key: str, body: dict) -> dict:
        self.customs_posts += 1
        if key in self.customs_answers:
            return self.customs_answers[key]
        now = self.clock.now()
        accepted, rejected = [], []
        rate = 0.3 if self.faults.writeoff_anomalies else 0.02
        for record in body.get("licences") or []:
            number = record.get("licence_no") if isinstance(record, dict) else None
            entry = self.licences.setdefault(number, {"keys": [], "accepted_at": None})
            entry["keys"].append(key)
            reason = rejects(self.seed, record) if number else "UNREADABLE"
            if reason:
                rejected.append({"licence_no": number, "reason": reason})
                continue
            accepted.append(number)
            if entry["accepted_at"] is None:
                entry["accepted_at"] = now
                if number in self.urgent_published:
                    entry["latency"] = (now - self.urgent_published[number]).total_seconds()
                self.writeoffs.extend(self.maker.for_licence(record, now.date(), anomaly_rate=rate))
        self.customs_answers[key] = {"accepted": accepted, "rejected": rejected}
        return self.customs_answers[key]

    def writeoff_page(self, after: str | None) -> dict:
        start = int(after) if after and after.isdigit() else 0
        page = self.writeoffs[start : start + PAGE_WRITEOFFS]
        self.writeoffs_served += len(page)
        return {"records": page, "next": str(start + len(page))}

    # ---------------------------------------------------------------- ministry

    def take_writeoffs(self, key: str, body: dict) -> dict:
        self.ministry_posts += 1
        if key not in self.ministry_keys:
            records = body.get("records") or []
            self.ministry_keys[key] = len(records)
            for record in records:
                digest = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
                self.ministry_records.setdefault(digest, []).append(key)
        return {"received": self.ministry_keys[key]}

    # ---------------------------------------------------------------- stats

    def stats(self, *, detail: bool = False) -> dict:
        now = self.clock.now()
        self._generate(now)
        published = [(b, day) for f in self.feeds.values() for at, b, day in f.batches if at <= now]
        acked = {(f.code, a.get("batch_id")) for f in self.feeds.values() for a in f.acks.values()}
        unacked = sorted({b.batch_id for b, _ in published if (b.issuer, b.batch_id) not in acked})
        latencies = sorted(e["latency"] for e in self.licences.values() if "latency" in e)
        multi = sorted(n for n, e in self.licences.items() if len(set(e["keys"])) > 1)
        result = {
            "now": now.isoformat(),
            "issuers": {
                "batches_published": len(published),
                "licences_published": sum(len(b.records) for b, _ in published),
                "batches_served": sum(f.served for f in self.feeds.values()),
                "ack_posts": sum(f.ack_posts for f in self.feeds.values()),
                "ack_keys": sum(len(f.acks) for f in self.feeds.values()),
                "batches_acked": len(acked),
                "unacked": unacked[:100],
            },
            "customs": {
                "posts": self.customs_posts,
                "keys": len(self.customs_answers),
                "licences": len(self.licences),
                "accepted": sum(1 for e in self.licences.values() if e["accepted_at"]),
                "licences_under_several_keys": multi[:100],
                "writeoffs_published": len(self.writeoffs),
                "writeoffs_served": self.writeoffs_served,
                "urgent_published": len(self.urgent_published),
                "urgent_latency_seconds": _summary(latencies),
            },
            "ministry": {
                "posts": self.ministry_posts,
                "keys": len(self.ministry_keys),
                "records": len(self.ministry_records),
                "records_under_several_keys": sum(1 for keys in self.ministry_records.values() if len(keys) > 1),
            },
            "refused_keys": self.refused,
            "faults": self.faults.as_dict(),
        }
        if detail:
            result["customs"]["by_key"] = {
                k: a["accepted"] + [r["licence_no"] for r in a["rejected"]] for k, a in self.customs_answers.items()
            }
            result["customs"]["by_licence"] = {n: e["keys"] for n, e in self.licences.items()}
            result["ministry"]["by_key"] = self.ministry_keys
        return result


def _summary(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "min": round(values[0], 3),
        "median": round(values[len(values) // 2], 3),
        "max": round(values[-1], 3),
        "mean": round(sum(values) / len(values), 3),
    }
