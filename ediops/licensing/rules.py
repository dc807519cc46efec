"""The findings of docs/findings.md as pure functions: records and store facts in, `Cause`s out.

Each function cites the clause of the 2000 notice (外经贸配管发〔2000〕539号) it enforces.
Nothing here touches the store; `ediops.licensing.findings` records the verdicts. The 2002
notice's rules are `ediops.inspection.rules`."""

from __future__ import annotations

from datetime import datetime, timedelta

from ediops.licensing.tally import MAX_RELEASES, Release, Tally, releases_of, tally_of
from ediops.vocabulary import Cause, exact

RECORD_REJECTED = "RECORD_REJECTED"
BATCH_COUNT_MISMATCH = "BATCH_COUNT_MISMATCH"
MISSING_FROM_FEED = "MISSING_FROM_FEED"
NOT_IN_SUMMARY = "NOT_IN_SUMMARY"
FEED_LATE = "FEED_LATE"
FEED_UNREACHABLE = "FEED_UNREACHABLE"
ACK_UNDELIVERED = "ACK_UNDELIVERED"
URGENT_OVERDUE = "URGENT_OVERDUE"
CUSTOMS_REJECTED = "CUSTOMS_REJECTED"
CUSTOMS_UNACKED = "CUSTOMS_UNACKED"
UNKNOWN_LICENCE = "UNKNOWN_LICENCE"
UNIT_MISMATCH = "UNIT_MISMATCH"
PORT_MISMATCH = "PORT_MISMATCH"
OUTSIDE_VALIDITY = "OUTSIDE_VALIDITY"
ONE_BATCH_REUSED = "ONE_BATCH_REUSED"
USE_LIMIT_EXCEEDED = "USE_LIMIT_EXCEEDED"
OVER_QUANTITY = "OVER_QUANTITY"
OPERATING_UNIT_MISMATCH = "OPERATING_UNIT_MISMATCH"
ORPHAN_CORRECTION = "ORPHAN_CORRECTION"

# Findings about one declaration's write-offs, recomputed together per licence.
WRITEOFF_CODES = (
    UNKNOWN_LICENCE,
    UNIT_MISMATCH,
    PORT_MISMATCH,
    OUTSIDE_VALIDITY,
    ONE_BATCH_REUSED,
    USE_LIMIT_EXCEEDED,
    OVER_QUANTITY,
    OPERATING_UNIT_MISMATCH,
    ORPHAN_CORRECTION,
)
CODES = (
    RECORD_REJECTED,
    BATCH_COUNT_MISMATCH,
    MISSING_FROM_FEED,
    NOT_IN_SUMMARY,
    FEED_LATE,
    FEED_UNREACHABLE,
    ACK_UNDELIVERED,
    URGENT_OVERDUE,
    CUSTOMS_REJECTED,
    CUSTOMS_UNACKED,
    *WRITEOFF_CODES,
)


def licence_subject(licence_no: str) -> str:
    return f"licence:{licence_no}"


def batch_subject(batch_id: str) -> str:
    return f"batch:{batch_id}"


def declaration_subject(declaration_no: str) -> str:
    return f"declaration:{declaration_no}"


def issuer_subject(issuer: str, business_date: str | None = None) -> str:
    return f"issuer:{issuer}" + (f":{business_date}" if business_date else "")


# ---------------------------------------------------------------- feeds and acks


def record_rejected(*, batch_id: str, issuer: str | None, licence_no: str | None, rejected: list[dict]) -> Cause:
    """Clause 4: issuers check the centre's feedback against what they sent, so every
    rejected record is flagged with its reasons. `rejected` holds {position, reasons,
    problems}; a record that shows no licence number is flagged on its batch."""
    subject = licence_subject(licence_no) if licence_no is not None else batch_subject(batch_id)
    reasons = sorted({reason for record in rejected for reason in record["reasons"]})
    return Cause(
        RECORD_REJECTED,
        subject,
        {"batch_id": batch_id, "reasons": reasons, "records": rejected},
        licence_no=licence_no,
        batch_id=batch_id,
        issuer=issuer,
    )


def summary_entry_rejected(*, issuer: str, business_date: str, entries: list[dict]) -> list[Cause]:
    """Clause 4, as for a batch's record: an entry of a daily summary that is not a licence
    number of its issuer is flagged on that number (or, unreadable, on the summary), the
    summary named in the detail; the rest of the summary is reconciled (docs/faults.md)."""
    summary = f"{issuer} {business_date}"
    by_subject: dict[str, list[dict]] = {}
    for entry in entries:
        number = entry["licence_no"]
        subject = licence_subject(number) if number else issuer_subject(issuer, business_date)
        by_subject.setdefault(subject, []).append(entry)
    return [
        Cause(
            RECORD_REJECTED,
            subject,
            {
                "summary": summary,
                "reasons": sorted({r for e in found for r in e["reasons"]}),
                "records": [{k: e[k] for k in ("position", "reasons", "problems")} for e in found],
            },
            issuer=issuer,
            period=business_date,
        )
        for subject, found in by_subject.items()
    ]


def batch_count_mismatch(*, batch_id: str, issuer: str | None, declared: int | None, received: int) -> list[Cause]:
    """Clause 4 (每日务必审核EDI中心反馈的上报数据接收情况，并与上报数据进行核对): the batch
    said it held `record_count` records; a different count means records were lost or added."""
    if declared == received:
        return []
    return [
        Cause(
            BATCH_COUNT_MISMATCH,
            batch_subject(batch_id),
            {"declared_count": declared, "received_count": received},
            batch_id=batch_id,
            issuer=issuer,
        )
    ]


def summary_gaps(
    *, issuer: str, business_date: str, listed: list[str], received: set[str], of_date: set[str]
) -> list[Cause]:
    """Clause 4 (每日务必及时将当日签发的许可证电子数据全部上报): every licence the issuer says it
    issued must reach the centre (MISSING_FROM_FEED), and every licence received for that
    business date must be in its summary (NOT_IN_SUMMARY)."""
    listed_set = set(listed)
    causes = [
        Cause(
            MISSING_FROM_FEED,
            licence_subject(no),
            {"summary_date": business_date},
            licence_no=no,
            issuer=issuer,
            period=business_date,
        )
        for no in listed
        if no not in received
    ]
    causes += [
        Cause(
            NOT_IN_SUMMARY,
            licence_subject(no),
            {"summary_date": business_date},
            licence_no=no,
            issuer=issuer,
            period=business_date,
        )
        for no in sorted(of_date - listed_set)
    ]
    return causes


def feed_late(
    *, issuer: str, business_date: str, cutoff: datetime, now: datetime, has_daily_batch: bool
) -> list[Cause]:
    """Clause 4 (每日务必及时...上报): no daily batch from a configured issuer by its cutoff."""
    if has_daily_batch or now <= cutoff:
        return []
    return [
        Cause(
            FEED_LATE,
            issuer_subject(issuer, business_date),
            {"cutoff": cutoff.isoformat()},
            issuer=issuer,
            period=business_date,
        )
    ]


def feed_unreachable(*, issuer: str, failing_since: datetime | None, now: datetime, grace: timedelta) -> list[Cause]:
    """Clause 2 (必须及时传送和接收许可证电子数据): an issuer's feed failing beyond the grace."""
    if failing_since is None or now - failing_since <= grace:
        return []
    return [
        Cause(FEED_UNREACHABLE, issuer_subject(issuer), {"failing_since": failing_since.isoformat()}, issuer=issuer)
    ]


def ack_undelivered(
    *,
    batch_id: str,
    issuer: str | None,
    created_at: datetime,
    delivered_at: datetime | None,
    now: datetime,
    grace: timedelta,
) -> list[Cause]:
    """Clause 4 (每日务必审核EDI中心反馈的上报数据接收情况): the issuer cannot check a receipt
    it never got, so an acknowledgement not taken within the grace is flagged."""
    if delivered_at is not None or now - created_at <= grace:
        return []
    return [
        Cause(
            ACK_UNDELIVERED,
            batch_subject(batch_id),
            {"created_at": created_at.isoformat()},
            batch_id=batch_id,
            issuer=issuer,
        )
    ]


# ---------------------------------------------------------------- customs


def urgent_overdue(
    *,
    licence_no: str,
    issuer: str | None,
    urgent: bool,
    state: str,
    received_at: datetime,
    now: datetime,
    deadline: timedelta,
) -> list[Cause]:
    """Clause 4 (急证要随时上报，并电话通知EDI中心随时传送海关): an urgent licence not accepted by
    customs within the deadline from its receipt."""
    if not urgent or state == "accepted" or now - received_at <= deadline:
        return []
    return [
        Cause(
            URGENT_OVERDUE,
            licence_subject(licence_no),
            {"received_at": received_at.isoformat(), "state": state},
            licence_no=licence_no,
            issuer=issuer,
        )
    ]


def customs_rejected(*, licence_no: str, issuer: str | None, reason: str | None) -> Cause:
    """Clause 2 (海关...及时接收许可证电子数据): customs refused the electronic data, so the
    port cannot verify the paper licence against it."""
    return Cause(
        CUSTOMS_REJECTED, licence_subject(licence_no), {"reason": reason}, licence_no=licence_no, issuer=issuer
    )


def customs_unacked(
    *,
    licence_no: str,
    issuer: str | None,
    state: str,
    forwarded_at: datetime | None,
    now: datetime,
    deadline: timedelta,
) -> list[Cause]:
    """Clause 2 (必须及时传送和接收): forwarded to customs, no answer within the deadline."""
    if state != "forwarded" or forwarded_at is None or now - forwarded_at <= deadline:
        return []
    return [
        Cause(
            CUSTOMS_UNACKED,
            licence_subject(licence_no),
            {"forwarded_at": forwarded_at.isoformat()},
            licence_no=licence_no,
            issuer=issuer,
        )
    ]


# ---------------------------------------------------------------- write-offs


def writeoff_causes(
    licence_no: str, licence: dict | None, records: list[dict], *, max_releases: int = MAX_RELEASES
) -> tuple[list[Release], Tally | None, list[Cause]]:
    """Every write-off finding of one licence, from its licence row (None: never accepted)
    and all its write-off records in arrival order. Returns releases, tally and causes."""
    releases, orphans = releases_of(licence_no, records)
    causes = [
        _declaration(
            ORPHAN_CORRECTION, licence_no, number, {"reason": "amend or cancel of a declaration never released"}
        )
        for number in orphans
    ]
    if licence is None:
        declarations = [r.declaration_no for r in releases] + orphans
        causes += [_declaration(UNKNOWN_LICENCE, licence_no, number, None) for number in declarations]
        return releases, None, causes
    for release in releases:
        causes += _slot_causes(licence, release, max_releases)
        if release.status == "active":
            causes += _release_causes(licence, release)
    tally = tally_of(licence, releases, max_uses=max_releases)
    causes += over_quantity(licence_no, licence.get("issuer"), tally)
    return releases, tally, causes


def _declaration(
    code: str, licence_no: str, declaration_no: str, detail: dict | None, enterprise: str | None = None
) -> Cause:
    return Cause(
        code,
        declaration_subject(declaration_no),
        detail,
        licence_no=licence_no,
        declaration_no=declaration_no,
        enterprise=enterprise,
        issuer=licence_no[3:5],
    )


def _slot_causes(licence: dict, release: Release, max_releases: int) -> list[Cause]:
    """Clause 8(5) ("非一批一证"...可在同一口岸多次报关，但最多不能超过十二次): a one-batch licence
    releases once; any other at most twelve times. Cancelled releases keep their slot."""
    causes = []
    if licence["one_batch"] and release.slot >= 2:
        causes.append(
            _declaration(ONE_BATCH_REUSED, release.licence_no, release.declaration_no, {"slot": release.slot})
        )
    if release.slot > max_releases:
        causes.append(
            _declaration(
                USE_LIMIT_EXCEEDED,
                release.licence_no,
                release.declaration_no,
                {"slot": release.slot, "max_uses": max_releases},
            )
        )
    return causes


def _release_causes(licence: dict, release: Release) -> list[Cause]:
    """Clauses 5, 6 and 8(1)-(2): what port customs checks on a release that stands."""
    causes = []
    number, declaration = release.licence_no, release.declaration_no
    if release.unit is not None and release.unit != licence["unit"]:
        # Clause 6: 核销(放行)时使用的计量单位应与许可证使用的计量单位相一致.
        causes.append(
            _declaration(
                UNIT_MISMATCH, number, declaration, {"writeoff_unit": release.unit, "licence_unit": licence["unit"]}
            )
        )
    if release.customs_code is not None and release.customs_code != licence["port"]:
        # Clause 5: 报关口岸 is checked; clause 8(5): repeated releases at the same port.
        causes.append(
            _declaration(
                PORT_MISMATCH, number, declaration, {"customs_code": release.customs_code, "port": licence["port"]}
            )
        )
    if release.released_on is not None and not (licence["valid_from"] <= release.released_on <= licence["valid_to"]):
        # Clause 5: 有效期 is checked.
        causes.append(
            _declaration(
                OUTSIDE_VALIDITY,
                number,
                declaration,
                {
                    "released_on": release.released_on,
                    "valid_from": licence["valid_from"],
                    "valid_to": licence["valid_to"],
                },
            )
        )
    allowed = allowed_operating_units(licence)
    if release.operating_unit_code is not None and release.operating_unit_code not in allowed:
        # Clause 8(1)-(2): 经营单位 must be the trader or the party, or (export) a firm named in the remarks.
        causes.append(
            _declaration(
                OPERATING_UNIT_MISMATCH,
                number,
                declaration,
                {"operating_unit": release.operating_unit_code, "allowed": sorted(allowed)},
                enterprise=release.operating_unit_code,
            )
        )
    return causes


def allowed_operating_units(licence: dict) -> set[str]:
    """Clause 8(1): import - the importer or the consignee; 8(2): export - the exporter or
    the consignor, or an enterprise named in the remarks (the licence's agents)."""
    allowed = {licence["trader_code"]}
    if licence.get("party_code"):
        allowed.add(licence["party_code"])
    if licence["direction"] == "export":
        allowed.update(licence.get("agents") or [])
    return allowed


def over_quantity(licence_no: str, issuer: str | None, tally: Tally) -> list[Cause]:
    """Clauses 5-6 (数量; 签注数量应与反馈的核销数量相一致): the releases that stand, in the
    licence's unit, may not exceed the licensed quantity. Exact decimals, never float."""
    if tally.used <= tally.licensed:
        return []
    return [
        Cause(
            OVER_QUANTITY,
            licence_subject(licence_no),
            {"licensed": exact(tally.licensed), "used": exact(tally.used), "unit": tally.unit},
            licence_no=licence_no,
            issuer=issuer,
        )
    ]
