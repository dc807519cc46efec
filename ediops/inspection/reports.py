"""Inspection bureau reports of the 2002 notice (docs/inspection.md): validation, storage and the
findings of the enterprise-months a report touches.

One report per bureau and business date. The same report sent again changes nothing; a
different report for the same bureau and date is a correction and replaces the earlier one
(its rows, and the findings they caused, are recomputed). Months are calendar months in
Asia/Shanghai: a declaration counts in the month of its report's business date, a
certificate application in the month of its `submitted_at`, once however often it is reported."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Iterable, NoReturn

from ediops.i18n import _
from ediops import store
from ediops.hotline import settings as hotline_settings
from ediops.inspection import rules
from ediops.clock import iso, parse_instant
from ediops.errors import InputError
from ediops.store.findings import clear_cause, raise_cause, sync
from ediops.vocabulary import Cause
from ediops.store import inspection as inspection_db, tickets as tickets_db
from ediops.strict_json import fault

if TYPE_CHECKING:
    from ediops.config import Config
    from ediops.store import Database

log = logging.getLogger("ediops.inspection")
_BUREAU = re.compile(r"[0-9]{4}")  # ASCII digits only (docs/safeguards.md)
_ENTERPRISE = re.compile(r"[0-9A-Za-z]{10}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FEE = re.compile(r"[0-9]{1,15}(\.[0-9]{1,2})?")  # money: yuan and fen


@dataclass(frozen=True)
class Report:
    """A bureau report that passed validation; rows hold normalised values."""

    bureau: str
    business_date: str
    declarations: tuple[dict, ...]
    certificates: tuple[dict, ...]
    raw: dict

    @property
    def month(self) -> str:
        return self.business_date[:7]


def _fail(where: str, field: str, problem: str) -> NoReturn:
    raise InputError(f"{where}: {field}: {problem[:200]}")


def _text(
    obj: dict, key: str, where: str, field: str, *, pattern: re.Pattern | None = None, required: bool = True
) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if value is None:
        _fail(where, field, "missing")
    if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
        _fail(where, field, f"bad value {repr(value)[:60]}")
    return value


def _date(obj: dict, key: str, where: str, field: str) -> str:
    value = _text(obj, key, where, field, pattern=_DATE)
    try:
        date.fromisoformat(value)
    except ValueError:
        _fail(where, field, f"not a date {value!r}")
    return value


def _instant(value, where: str, field: str) -> datetime:
    if not isinstance(value, str):
        _fail(where, field, f"bad value {value!r}")
    try:
        return parse_instant(value)
    except ValueError:
        _fail(where, field, f"not an ISO 8601 time {value!r}")


def _enterprise(obj: dict, where: str, field: str) -> tuple[str, str]:
    ent = obj.get("enterprise")
    if not isinstance(ent, dict):
        _fail(where, field, "missing" if ent is None else "must be an object {code, name}")
    return (
        _text(ent, "code", where, f"{field}.code", pattern=_ENTERPRISE),
        _text(ent, "name", where, f"{field}.name", required=False),
    )


def _agent(obj: dict, where: str, field: str) -> bool:
    value = obj.get("agent", False)
    if not isinstance(value, bool):
        _fail(where, field, f"must be true or false, not {value!r}")
    return value


def _channel(obj: dict, allowed: frozenset, where: str, field: str) -> str:
    value = _text(obj, "channel", where, field)
    if value not in allowed:
        _fail(where, field, f"{value!r} is not one of {', '.join(sorted(allowed))}")
    return value


def _declaration(obj, where: str, field: str) -> dict:
    if not isinstance(obj, dict):
        _fail(where, field, "must be an object")
    code, name = _enterprise(obj, where, f"{field}.enterprise")
    batches = obj.get("batches")
    if batches is None:
        _fail(where, f"{field}.batches", "missing")
    if isinstance(batches, bool) or not isinstance(batches, int) or batches < 0:
        _fail(where, f"{field}.batches", f"must be a whole number >= 0, not {batches!r}")
    fee = obj.get("platform_fee", "0")
    if isinstance(fee, int) and not isinstance(fee, bool) and fee >= 0:
        fee = str(fee)
    if not isinstance(fee, str) or not _FEE.fullmatch(fee):
        _fail(
            where,
            f"{field}.platform_fee",
            f"must be a decimal string >= 0 with at most 2 decimals, not {repr(fee)[:40]}",
        )
    return {
        "enterprise": code,
        "enterprise_name": name,
        "agent": _agent(obj, where, f"{field}.agent"),
        "channel": _channel(obj, rules.DECLARATION_CHANNELS, where, f"{field}.channel"),
        "batches": batches,
        "platform_fee": fee,
    }


def _certificate(obj, where: str, field: str, business_date: str) -> dict:
    """A certificate application; one without `submitted_at` counts in its report's month."""
    if not isinstance(obj, dict):
        _fail(where, field, "must be an object")
    code, name = _enterprise(obj, where, f"{field}.enterprise")
    submitted = obj.get("submitted_at")
    submitted = None if submitted is None else iso(_instant(submitted, where, f"{field}.submitted_at"))
    issued = obj.get("issued_at")
    return {
        "certificate_no": _text(obj, "certificate_no", where, f"{field}.certificate_no"),
        "enterprise": code,
        "enterprise_name": name,
        "agent": _agent(obj, where, f"{field}.agent"),
        "channel": _channel(obj, rules.CERTIFICATE_CHANNELS, where, f"{field}.channel"),
        "submitted_at": submitted,
        "month": (submitted or business_date)[:7],
        "issued_at": None if issued is None else iso(_instant(issued, where, f"{field}.issued_at")),
    }


def _rows(obj: dict, key: str, where: str, parse, *extra) -> tuple[dict, ...]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        _fail(where, key, "must be a list")
    return tuple(parse(item, where, f"{key}[{i}]", *extra) for i, item in enumerate(value))


def validate_report(obj, where: str) -> Report:
    """A docs/inspection.md report, or InputError naming `where` and the field at fault."""
    if not isinstance(obj, dict):
        raise InputError(_("{where}: a bureau report must be a JSON object").format(where=where))
    if fault(obj):
        raise InputError(f"{where}: {fault(obj)}")
    if "declarations" not in obj and "certificates" not in obj:
        raise InputError(_("{where}: not a bureau report (needs declarations or certificates)").format(where=where))
    business_date = _date(obj, "business_date", where, "business_date")
    return Report(
        bureau=_text(obj, "bureau", where, "bureau", pattern=_BUREAU),
        business_date=business_date,
        declarations=_rows(obj, "declarations", where, _declaration),
        certificates=_rows(obj, "certificates", where, _certificate, business_date),
        raw=obj,
    )


# -- storage ----------------------------------------------------------------------------------


def _insert_rows(db: Database, report: Report) -> None:
    day = {"bureau": report.bureau, "business_date": report.business_date}
    inspection_db.insert_rows(
        db,
        (
            {**day, "month": report.month, "position": i, **row, "agent": int(row["agent"])}
            for i, row in enumerate(report.declarations)
        ),
        ({**day, "position": i, **row, "agent": int(row["agent"])} for i, row in enumerate(report.certificates)),
    )


def _store(db: Database, report: Report, *, at: str, source: str) -> tuple[str, set, set]:
    """Stores one report; answers its status and the enterprise-months and -days to re-check."""
    content_hash = hashlib.sha256(store.dumps(report.raw).encode()).hexdigest()
    stored = inspection_db.report_hash(db, report.bureau, report.business_date)
    if stored == content_hash:
        inspection_db.count_repeat(db, report.bureau, report.business_date)
        return "unchanged", set(), set()
    old_months, old_days = inspection_db.months_and_days(db, report.bureau, report.business_date)
    values = {
        "month": report.month,
        "content_hash": content_hash,
        "report": store.dumps(report.raw),
        "declaration_count": len(report.declarations),
        "certificate_count": len(report.certificates),
        "received_at": at,
        "source": source,
    }
    if stored is None:
        inspection_db.insert_report(db, report.bureau, report.business_date, values)
    else:
        inspection_db.correct_report(db, report.bureau, report.business_date, values)
    _insert_rows(db, report)
    new_months, new_days = inspection_db.months_and_days(db, report.bureau, report.business_date)
    return ("corrected" if stored is not None else "loaded"), old_months | new_months, old_days | new_days


# -- findings ---------------------------------------------------------------------------------


def enterprise_causes(db: Database, enterprise: str, month: str) -> list[tuple[str, str, Cause | None]]:
    """Every docs/inspection.md rule's verdict on one enterprise-month (and each of its days): (code, subject, cause)."""
    declarations = inspection_db.declarations_of_month(db, enterprise, month)
    applications = inspection_db.applications_of_month(db, enterprise, month)
    subject = rules.enterprise_subject(enterprise, month)
    return [
        (rules.EDECL_REQUIRED, subject, rules.edecl_required(enterprise, month, declarations)),
        (rules.PRE_ENTRY_SELF_DECLARER, subject, rules.pre_entry_self_declarer(enterprise, month, declarations)),
        (rules.CO_EVISA_REQUIRED, subject, rules.co_evisa_required(enterprise, month, applications)),
    ]


def _fee_cause(db: Database, enterprise: str, day: str) -> Cause | None:
    return rules.platform_fee_charged(enterprise, day, inspection_db.declarations_of_day(db, enterprise, day))


def _apply(db: Database, code: str, subject: str, cause: Cause | None, *, at: str) -> bool:
    """Opens or closes one subject's finding; True when it (re)opened."""
    if cause is not None:
        return raise_cause(db, cause, at=at)
    clear_cause(db, code, subject, at=at)
    return False


def evaluate(
    db: Database, months: Iterable[tuple[str, str]], days: Iterable[tuple[str, str]], *, at: str
) -> list[dict]:
    """Re-checks the given enterprise-months and enterprise-days; answers the findings opened."""
    opened = []
    verdicts = [v for ent, month in sorted(months) for v in enterprise_causes(db, ent, month)]
    verdicts += [
        (rules.PLATFORM_FEE_CHARGED, rules.enterprise_subject(ent, day), _fee_cause(db, ent, day))
        for ent, day in sorted(days)
    ]
    for code, subject, cause in verdicts:
        if _apply(db, code, subject, cause, at=at):
            opened.append({"code": code, "subject": subject})
    return opened


def load_reports(db: Database, config: Config, reports: Iterable, *, now: datetime, source: str) -> list[dict]:
    """Validates every report first (nothing is stored if one is bad), then stores them and
    re-checks the enterprise-months they touch, in one transaction. `reports`: dicts, or
    `Report`s already validated. Answers one summary per report."""
    parsed = [
        r if isinstance(r, Report) else validate_report(r, f"{source}: report {i}") for i, r in enumerate(reports, 1)
    ]
    at = iso(now)
    results = []
    with store.write(db):
        for report in parsed:
            status, months, days = _store(db, report, at=at, source=source)
            results.append(
                {
                    "bureau": report.bureau,
                    "business_date": report.business_date,
                    "status": status,
                    "declarations": len(report.declarations),
                    "certificates": len(report.certificates),
                    "batches": sum(d["batches"] for d in report.declarations),
                    "findings_opened": evaluate(db, months, days, at=at),
                }
            )
    return results


# -- vendors (notice 四) -----------------------------------------------------------------------


def approved_vendors(config: Config) -> dict[str, str] | None:
    """Approved enterprise-software vendors of contacts.toml (the hotline's routing directory):
    name by the id a routed ticket's `routed_to` holds. None (logged) when the directory cannot
    be read, so a typo there never stops reconciliation or the desk."""
    try:
        contacts = hotline_settings.of(config).contacts
    except InputError as exc:
        log.warning("approved vendors unknown: %s", exc)
        return None
    return {c.id: c.name for c in contacts.values() if c.vendor}


def check_vendor_tickets(db: Database, config: Config, *, now: datetime) -> dict:
    """VENDOR_SUPPORT_OVERDUE for every ticket routed to an approved vendor; closes the
    findings of tickets resolved since. Called by reconcile."""
    tickets = tickets_db.routed(db)
    vendors = approved_vendors(config)
    if vendors is None:
        return {"routed": len(tickets), "overdue": None}  # findings left as they are
    causes = [c for c in (rules.vendor_support_overdue(t, vendors, now) for t in tickets) if c]
    with store.write(db):
        sync(db, rules.VENDOR_SUPPORT_OVERDUE, causes, at=iso(now))
    return {"routed": len(tickets), "overdue": len(causes)}
