"""Builders of docs/inspection.md bureau reports for the inspection tests."""

from __future__ import annotations

from datetime import datetime

from ediops.clock import SHANGHAI

NOW = datetime(2002, 7, 20, 10, 0, tzinfo=SHANGHAI)
ENT = "3302000001"


def declaration(channel="direct", batches=1, *, code=ENT, agent=False, fee="0.00", name="Ningbo Textiles"):
    return {
        "enterprise": {"code": code, "name": name},
        "agent": agent,
        "channel": channel,
        "batches": batches,
        "platform_fee": fee,
    }


def certificate(
    no, channel="electronic", *, code=ENT, agent=False, submitted_at="2002-07-01T09:00:00+08:00", issued_at=None
):
    return {
        "certificate_no": no,
        "enterprise": {"code": code, "name": "Ningbo Textiles"},
        "agent": agent,
        "channel": channel,
        "submitted_at": submitted_at,
        "issued_at": issued_at,
    }


def report(day="2002-07-01", declarations=(), certificates=(), *, bureau="4700"):
    return {
        "bureau": bureau,
        "business_date": day,
        "declarations": list(declarations),
        "certificates": list(certificates),
    }


def open_findings(db, code=None):
    sql = "SELECT code, subject FROM findings WHERE status = 'open'"
    args = []
    if code:
        sql += " AND code = ?"
        args.append(code)
    return sorted(db.execute(sql + " ORDER BY code, subject", args).fetchall())
