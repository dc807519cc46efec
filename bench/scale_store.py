"""Builds a store at a given scale fast: rows with the shapes the real ingest, forwarding and
write-off paths produce, loaded with executemany (setup only; nothing measured goes this way).

Licences spread over the year's business days, one daily batch per issuer and day, forwarded
and accepted by customs, with their releases, write-off records, lifecycle events, a sprinkling
of findings and hotline tickets, and today's licences still waiting (some urgent)."""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

from ediops import config as config_mod
from ediops import store
from ediops.store import dumps

from bench import records

VERSION = 2  # bump when the shape of the rows changes: cached stores rebuild
CHUNK = 20_000  # licences per executemany round
LOADED = (
    "licences",
    "licence_events",
    "batches",
    "acks",
    "forwards",
    "forward_items",
    "writeoffs",
    "releases",
    "findings",
    "tickets",
)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict]) -> None:
    if rows:
        cols = list(rows[0])
        conn.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [tuple(r[c] for c in cols) for r in rows],
        )


def _at(day, hour: int, second: int = 0) -> str:
    """`day` at `hour` plus `second` seconds, Shanghai time (stays within the day)."""
    total = min(hour * 3600 + second, 86_399)
    return f"{day.isoformat()}T{total // 3600:02d}:{total // 60 % 60:02d}:{total % 60:02d}+08:00"


def licence_row(rec: dict, bat: dict, received_at: str) -> dict:
    """The licences row ingest stores for an accepted record, still waiting to be forwarded."""
    return {
        "licence_no": rec["licence_no"],
        "issuer": bat["issuer"],
        "batch_id": bat["batch_id"],
        "business_date": bat["business_date"],
        "direction": rec["direction"],
        "issued_on": rec["issued_on"],
        "trader_code": rec["trader"]["code"],
        "trader_name": rec["trader"]["name"],
        "party_code": rec["party"]["code"],
        "party_name": rec["party"]["name"],
        "hs_code": rec["commodity"]["hs_code"],
        "commodity_name": rec["commodity"]["name"],
        "quantity": rec["quantity"],
        "unit": rec["unit"],
        "country": rec["country"],
        "trade_mode": rec["trade_mode"],
        "valid_from": rec["valid_from"],
        "valid_to": rec["valid_to"],
        "port": rec["port"],
        "one_batch": int(rec["one_batch"]),
        "remarks": rec["remarks"],
        "agents": dumps(rec["agents"]),
        "urgent": int(bool(rec.get("urgent"))),
        "content_hash": _hash(dumps(rec)),
        "record": dumps(rec),
        "received_at": received_at,
        "state": "received",
        "forward_key": None,
        "forwarded_at": None,
        "customs_answer": None,
        "customs_answered_at": None,
    }


class _Builder:
    """Accumulates the rows of one chunk of licences, then flushes them table by table."""

    def __init__(self, conn, issuers: list[str], scale_licences: int, scale_releases: int, seed: int):
        self.conn, self.issuers = conn, issuers
        self.days = records.business_days()
        self.n, self.mean_releases = scale_licences, scale_releases / scale_licences
        self.rng = random.Random(seed)
        self.declaration = 0
        self.releases = 0
        self.serials = {i: 0 for i in issuers}
        self.rows: dict[str, list[dict]] = {t: [] for t in LOADED}

    def event(self, licence_no: str, at: str, event: str, detail=None) -> None:
        self.rows["licence_events"].append(
            {"licence_no": licence_no, "at": at, "event": event, "actor": None, "detail": detail}
        )

    def add_batch(self, issuer: str, day_index: int, count: int) -> None:
        serials = range(self.serials[issuer], self.serials[issuer] + count)
        self.serials[issuer] += count
        day = self.days[day_index]
        today = day_index == len(self.days) - 1
        recs = [
            records.licence(issuer, s, day, self.rng, urgent=today and n == 0 and issuer in self.issuers[:12])
            for n, s in enumerate(serials)
        ]
        bat = records.batch(issuer, day, 1, recs, kind="daily")
        # Past days' batches came in before the cutoff; today's so far, before the measured NOW.
        received = _at(day, 9, self.rng.randrange(5 * 3600)) if today else _at(day, 16, self.rng.randrange(3600))
        self.rows["batches"].append(
            {
                "batch_id": bat["batch_id"],
                "issuer": issuer,
                "business_date": bat["business_date"],
                "kind": "daily",
                "record_count": len(recs),
                "received_count": len(recs),
                "accepted_count": len(recs),
                "rejected_count": 0,
                "sent_at": bat["sent_at"],
                "received_at": received,
                "source": f"poll:{issuer}",
                "times_received": 1,
                "raw": dumps(bat),
            }
        )
        ack = {
            "batch_id": bat["batch_id"],
            "issuer": issuer,
            "received_at": received,
            "declared_count": len(recs),
            "received_count": len(recs),
            "accepted": [r["licence_no"] for r in recs],
            "rejected": [],
        }
        self.rows["acks"].append(
            {
                "batch_id": bat["batch_id"],
                "issuer": issuer,
                "body": dumps(ack),
                "created_at": received,
                "idempotency_key": f"ack-{bat['batch_id']}",
                "attempts": 1,
                "delivered_at": None if today else received,
                "last_attempt_at": received,
                "last_error": None,
            }
        )
        forward_key = None if today else f"fwd-{bat['batch_id']}"
        if forward_key:
            nxt = self.days[day_index + 1]
            self.rows["forwards"].append(
                {
                    "idempotency_key": forward_key,
                    "created_at": _at(nxt, 9),
                    "urgent": 0,
                    "licence_count": len(recs),
                    "attempts": 1,
                    "status": "answered",
                    "last_attempt_at": _at(nxt, 9),
                    "answered_at": _at(nxt, 9, 40),
                }
            )
        for rec in recs:
            row = licence_row(rec, bat, received)
            self.rows["licences"].append(row)
            self.event(rec["licence_no"], received, "received")
            if forward_key:
                row.update(
                    state="accepted",
                    forward_key=forward_key,
                    forwarded_at=_at(nxt, 9),
                    customs_answer="accepted",
                    customs_answered_at=_at(nxt, 9, 40),
                )
                self.rows["forward_items"].append({"idempotency_key": forward_key, "licence_no": rec["licence_no"]})
                self.event(rec["licence_no"], _at(nxt, 9), "forwarded")
                self.event(rec["licence_no"], _at(nxt, 9, 40), "customs_accepted")
                self.add_releases(rec, day_index)

    def add_releases(self, rec: dict, day_index: int) -> None:
        if rec["one_batch"]:
            count = 1
        else:
            mean = max(1.0, (self.mean_releases - 0.2) / 0.8)
            count = min(12, self.rng.randint(1, max(1, round(2 * mean - 1))))
        left = len(self.days) - 1 - day_index
        total = int(rec["quantity"].split(".")[0]) * 1000
        for slot in range(1, count + 1):
            self.declaration += 1
            self.releases += 1
            dec = f"{rec['port']}2000{self.declaration:010d}"
            released_on = self.days[min(len(self.days) - 1, day_index + 1 + (slot * left) // (count + 1))]
            off_port = self.declaration % 499 == 0
            wo = records.writeoff(
                rec, dec, total // (count + 1), released_on, customs_code="9999" if off_port else None
            )
            at = _at(released_on, 18, slot)
            text = dumps(wo)
            self.rows["writeoffs"].append(
                {
                    "licence_no": wo["licence_no"],
                    "customs_code": wo["customs_code"],
                    "declaration_no": dec,
                    "action": "release",
                    "quantity": wo["quantity"],
                    "unit": wo["unit"],
                    "released_on": wo["released_on"],
                    "operating_unit_code": wo["operating_unit"]["code"],
                    "operating_unit_name": wo["operating_unit"]["name"],
                    "record": text,
                    "content_hash": _hash(text),
                    "received_at": at,
                    "source": "poll:customs",
                    "relay_key": f"relay-{released_on:%Y%m%d}",
                    "relayed_at": _at(released_on, 19),
                }
            )
            self.rows["releases"].append(
                {
                    "declaration_no": dec,
                    "licence_no": wo["licence_no"],
                    "customs_code": wo["customs_code"],
                    "quantity": wo["quantity"],
                    "unit": wo["unit"],
                    "released_on": wo["released_on"],
                    "operating_unit_code": wo["operating_unit"]["code"],
                    "status": "active",
                    "slot": slot,
                    "updated_at": at,
                }
            )
            self.event(rec["licence_no"], at, "released", dumps({"declaration_no": dec}))
            if off_port:
                self.finding(
                    "PORT_MISMATCH",
                    dec,
                    at,
                    released_on,
                    licence_no=rec["licence_no"],
                    declaration_no=dec,
                    detail={"port": rec["port"], "customs_code": "9999"},
                )

    def finding(self, code: str, subject: str, at: str, day, **fields) -> None:
        recent = (self.days[-1] - day) < timedelta(days=21)
        row = {
            "code": code,
            "subject": subject,
            "status": "open" if recent else "resolved",
            "licence_no": None,
            "batch_id": None,
            "issuer": None,
            "declaration_no": None,
            "enterprise": None,
            "period": None,
            "ticket_id": None,
            "detail": dumps(fields.pop("detail", None)),
            "opened_at": at,
            "updated_at": at,
            "closed_at": None if recent else at,
            "closed_by": None if recent else "duty",
            "note": None if recent else "checked with the port: paper endorsement matches",
        }
        row.update(fields)
        self.rows["findings"].append(row)

    def add_tickets(self) -> None:
        for i, day in enumerate(self.days):
            for k in range(2):
                open_ = i >= len(self.days) - 15
                at = _at(day, 10 + k * 4)
                self.rows["tickets"].append(
                    {
                        "id": f"T-{day:%Y%m%d}-{k + 1:04d}",
                        "caller": f"Port officer {i}-{k}",
                        "phone": f"010-6519{i % 10000:04d}",
                        "org": f"{records.PORTS[i % 20]} customs",
                        "org_kind": "customs",
                        "category": ("not-received", "mismatch", "writeoff")[i % 3],
                        "priority": ("normal", "high", "urgent", "low")[(i + k) % 4],
                        "licence_no": None,
                        "batch_id": None,
                        "finding_id": None,
                        "status": "open" if open_ else "closed",
                        "waiting_on": None,
                        "routed_to": None,
                        "assignee": None,
                        "text": "No electronic data for the licence [paper in hand]",
                        "opened_by": "duty",
                        "opened_at": at,
                        "due_at": None,
                        "updated_at": at,
                        "closed_at": None if open_ else at,
                    }
                )

    def flush(self) -> None:
        for table in LOADED:
            _insert(self.conn, table, self.rows[table])
            self.rows[table].clear()


def build(path: Path, scale_licences: int, scale_releases: int, *, seed: int = 2000, progress=None) -> dict:
    """Writes a migrated store at `path` (replacing it) and returns what it holds.

    `progress(done, total)` is called after each chunk."""
    tmp = path.with_name(path.name + ".building")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    store.connect(tmp).close()
    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1000000")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({', '.join('?' * len(LOADED))})",
        LOADED,
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    cfg = config_mod.load(None)
    issuers = [i.code for i in cfg.issuers]
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT OR IGNORE INTO issuers (code, name, cutoff, url) VALUES (?, ?, ?, ?)",
        [(i.code, i.display_name, i.cutoff, i.url) for i in cfg.issuers],
    )
    builder = _Builder(conn, issuers, scale_licences, scale_releases, seed)
    ndays, nissuers = len(builder.days), len(issuers)
    per_day = [scale_licences * (d + 1) // ndays - scale_licences * d // ndays for d in range(ndays)]
    done = 0
    for d, count in enumerate(per_day):
        for k, issuer in enumerate(issuers):
            share = count * (k + 1) // nissuers - count * k // nissuers
            if share:
                builder.add_batch(issuer, d, share)
        done += count
        if len(builder.rows["licences"]) >= CHUNK or d == ndays - 1:
            if d == ndays - 1:
                builder.add_tickets()
            builder.flush()
            if progress:
                progress(done, scale_licences)
    conn.execute("COMMIT")
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    path.unlink(missing_ok=True)
    tmp.rename(path)
    return counts(path)


def counts(path: Path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return {
            "licences": conn.execute("SELECT count(*) FROM licences").fetchone()[0],
            "releases": conn.execute("SELECT count(*) FROM releases").fetchone()[0],
        }
    finally:
        conn.close()


def cached(scratch: Path, name: str, licences: int, releases: int, progress=None) -> Path:
    """The base store for a scale, built once per generator VERSION and kept in `scratch`."""
    scratch.mkdir(parents=True, exist_ok=True)
    base = scratch / f"base-{name}-{licences}-{releases}-v{VERSION}.db"
    if not base.exists():
        build(base, licences, releases, progress=progress)
    return base


def working_copy(base: Path, work: Path) -> Path:
    """A fresh copy of the base store for one run, so every run measures the same state."""
    for p in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(base, work)
    return work
