"""The wire records of docs/wire.md and their validation.

Validation never raises on a bad record: it returns the docs/wire.md rejection reasons and, for the
operator, one readable problem per field. Only a file that cannot be parsed, or a batch that
cannot be acknowledged at all, is an `InputError`."""

from __future__ import annotations

import hashlib
import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ediops.errors import InputError
from ediops.licensing.files import load_records as load_records  # files of records are read here too
from ediops.text import dumps
from ediops.vocabulary import LICENCE_NO, exact
from ediops.strict_json import fault, own_fault


def content_hash(value: object) -> str:
    """The SHA-256 of a record's store JSON (text.dumps: sorted keys): equal content, equal
    hash, whatever the key order the peer sent; it tells an identical resend from a conflict."""
    return hashlib.sha256(dumps(value).encode("utf-8")).hexdigest()


# docs/wire.md rejection reasons, in the order they are reported.
MISSING_FIELD = "MISSING_FIELD"
BAD_VALUE = "BAD_VALUE"
ISSUER_MISMATCH = "ISSUER_MISMATCH"
VALIDITY_RANGE = "VALIDITY_RANGE"
TEXTILE_EXCLUDED = "TEXTILE_EXCLUDED"
DUPLICATE_CONFLICT = "DUPLICATE_CONFLICT"
REASONS = (MISSING_FIELD, BAD_VALUE, ISSUER_MISMATCH, VALIDITY_RANGE, TEXTILE_EXCLUDED, DUPLICATE_CONFLICT)

# docs/wire.md identifiers.
ISSUER_CODE = re.compile(r"[A-Z]{2}")
# ASCII digits only (docs/safeguards.md): Python's \d also takes Arabic-Indic and other digits.
CUSTOMS_CODE = re.compile(r"[0-9]{4}")
ENTERPRISE_CODE = re.compile(r"[A-Za-z0-9]{10}")
HS_CODE = re.compile(r"[0-9]{8}(?:[0-9]{2})?")
COUNTRY = re.compile(r"[A-Z]{2}")
QUANTITY = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,3})?")  # docs/safeguards.md: at most 15 digits before the point
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DECLARATION_NO = re.compile(r"[A-Za-z0-9-]{1,40}")
MAX_ID_CHARS = 64  # a batch_id
MAX_TEXT_CHARS = 4000  # a record's text field (settings: max_text_chars)

BATCH_KINDS = ("daily", "urgent")
DIRECTIONS = ("import", "export")
ACTIONS = ("release", "amend", "cancel")


@dataclass
class Verdict:
    """What validation found: docs/wire.md reasons (sorted, unique) and one problem line per field."""

    reasons: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, reason: str, problem: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
            self.reasons.sort(key=REASONS.index)
        self.problems.append(problem)

    def __bool__(self) -> bool:
        return not self.reasons


# ---------------------------------------------------------------- values (docs/wire.md)


def quantity(value) -> Decimal:
    """A docs/wire.md quantity: a decimal *string*, > 0, at most 3 decimals and 15 digits before the
    point (docs/safeguards.md). A JSON number is refused: the contract promises exact strings."""
    if not isinstance(value, str) or not QUANTITY.fullmatch(value):
        raise ValueError("not a decimal string of at most 15 digits and 3 decimals")
    amount = Decimal(value)
    if amount <= 0:
        raise ValueError("must be greater than 0")
    return amount


def parse_date(value) -> date:
    if not isinstance(value, str) or not DATE.fullmatch(value):
        raise ValueError("not an ISO date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a calendar date") from None


_ABSENT: tuple[object, ...] = (None, "", [], {})


def _present(value) -> bool:
    return value not in _ABSENT


def _check(verdict: Verdict, record: dict, name: str, test, *, required: bool = True, label: str | None = None):
    """Checks one field: MISSING_FIELD when absent (and required), BAD_VALUE when `test` fails."""
    value = record.get(name)
    if value in _ABSENT:
        if required:
            verdict.add(MISSING_FIELD, f"{label or name}: missing")
        return None
    try:
        return test(value)
    except (ValueError, TypeError, InvalidOperation) as exc:
        verdict.add(BAD_VALUE, f"{label or name}: {exc}")
        return None


def _pattern(regex: re.Pattern, what: str):
    def test(value):
        if not isinstance(value, str) or not regex.fullmatch(value):
            raise ValueError(f"not {what}")
        return value

    return test


@functools.lru_cache(maxsize=8)
def _text_of(limit: int):
    """Free text of at most `limit` characters (settings: max_text_chars)."""

    def test(value):
        if not isinstance(value, str):
            raise ValueError("not text")
        if len(value) > limit:
            raise ValueError(f"text of {len(value)} characters is over the {limit} allowed")
        return value

    return test


def _flag(value):
    if not isinstance(value, bool):
        raise ValueError("not true or false")
    return value


def _one_of(choices):
    def test(value):
        if value not in choices:
            raise ValueError(f"not one of {', '.join(choices)}")
        return value

    return test


def _unit(units):
    def test(value):
        if not isinstance(value, str) or value not in units:
            raise ValueError("not a unit of the configured unit table")
        return value

    return test


# Built once: validation runs per record, tens of thousands a feed poll (bench/NOTES.md).
_LICENCE_NO = _pattern(LICENCE_NO, "YY-XX-NNNNNN")
_ENTERPRISE = _pattern(ENTERPRISE_CODE, "a ten-character enterprise code")
_HS_CODE = _pattern(HS_CODE, "an 8 or 10 digit HS code")
_COUNTRY = _pattern(COUNTRY, "an ISO 3166-1 alpha-2 code")
_CUSTOMS_CODE = _pattern(CUSTOMS_CODE, "a four-digit customs code")
_DIRECTION = _one_of(DIRECTIONS)


def _party(verdict: Verdict, record: dict, name: str, *, required: bool, max_text: int = MAX_TEXT_CHARS):
    """A `{code, name}` pair (trader, party, operating unit)."""
    value = record.get(name)
    if not _present(value):
        if required:
            verdict.add(MISSING_FIELD, f"{name}: missing")
        return None
    if not isinstance(value, dict):
        verdict.add(BAD_VALUE, f"{name}: not an object with code and name")
        return None
    code = _check(verdict, value, "code", _ENTERPRISE, label=f"{name}.code")
    label = _check(verdict, value, "name", _text_of(max_text), label=f"{name}.name")
    return {"code": code, "name": label} if code is not None and label is not None else None


# ---------------------------------------------------------------- licence (docs/wire.md)


@dataclass
class Licence:
    """An accepted licence, normalised for the store; `content_hash` decides resends (docs/wire.md)."""

    row: dict
    content_hash: str


def licence_no_of(record) -> str | None:
    """The licence number a record shows, if any (docs/wire.md: an unreadable record is rejected with it)."""
    if isinstance(record, dict) and isinstance(record.get("licence_no"), str):
        return record["licence_no"]
    return None


def validate_licence(
    record, *, issuer: str | None, units, text: str | None = None, max_text: int = MAX_TEXT_CHARS
) -> tuple[Verdict, Licence | None]:
    """Checks one licence record of a batch from `issuer`. Returns the verdict, and the
    normalised licence when it passed every check but DUPLICATE_CONFLICT (the store's).
    `text` is `dumps(record)` when the caller has made it already (the stored record)."""
    verdict = Verdict()
    if not isinstance(record, dict):
        verdict.add(BAD_VALUE, "record: not a JSON object")
        return verdict, None
    if fault(record):
        verdict.add(BAD_VALUE, f"record: {fault(record)}")
        return verdict, None
    number = _check(verdict, record, "licence_no", _LICENCE_NO)
    if number and issuer and LICENCE_NO.fullmatch(number).group(2) != issuer:
        verdict.add(ISSUER_MISMATCH, f"licence_no: issuer code {number[3:5]} is not the batch's {issuer}")
    direction = _check(verdict, record, "direction", _DIRECTION)
    issued_on = _check(verdict, record, "issued_on", parse_date)
    _text = _text_of(max_text)
    trader = _party(verdict, record, "trader", required=True, max_text=max_text)
    party = _party(verdict, record, "party", required=False, max_text=max_text)
    commodity = record.get("commodity")
    hs_code = name = None
    if not _present(commodity):
        verdict.add(MISSING_FIELD, "commodity: missing")
    elif not isinstance(commodity, dict):
        verdict.add(BAD_VALUE, "commodity: not an object with hs_code and name")
    else:
        hs_code = _check(verdict, commodity, "hs_code", _HS_CODE, label="commodity.hs_code")
        name = _check(verdict, commodity, "name", _text, label="commodity.name")
    amount = _check(verdict, record, "quantity", quantity)
    unit = _check(verdict, record, "unit", _unit(units))
    country = _check(verdict, record, "country", _COUNTRY)
    trade_mode = _check(verdict, record, "trade_mode", _text)
    valid_from = _check(verdict, record, "valid_from", parse_date)
    valid_to = _check(verdict, record, "valid_to", parse_date)
    port = _check(verdict, record, "port", _CUSTOMS_CODE)
    one_batch = _check(verdict, record, "one_batch", _flag)
    remarks = _check(verdict, record, "remarks", _text, required=False)
    agents = _check(verdict, record, "agents", _agents, required=False) or []
    urgent = _check(verdict, record, "urgent", _flag, required=False) or False
    textile = _check(verdict, record, "textile_quota", _flag, required=False) or False
    if valid_from and valid_to and valid_to < valid_from:
        verdict.add(VALIDITY_RANGE, f"valid_to {valid_to} is before valid_from {valid_from}")
    if textile:
        verdict.add(
            TEXTILE_EXCLUDED,
            "textile_quota: textile export quota licences are outside networked verification (notice clause 1)",
        )
    if not verdict:
        return verdict, None
    content = {
        "licence_no": number,
        "direction": direction,
        "issued_on": issued_on.isoformat(),
        "trader": trader,
        "party": party,
        "commodity": {"hs_code": hs_code, "name": name},
        "quantity": exact(amount),
        "unit": unit,
        "country": country,
        "trade_mode": trade_mode,
        "valid_from": valid_from.isoformat(),
        "valid_to": valid_to.isoformat(),
        "port": port,
        "one_batch": one_batch,
        "remarks": remarks,
        "agents": agents,
    }
    row = {
        "licence_no": number,
        "issuer": number[3:5],
        "direction": direction,
        "issued_on": content["issued_on"],
        "trader_code": trader["code"],
        "trader_name": trader["name"],
        "party_code": party and party["code"],
        "party_name": party and party["name"],
        "hs_code": hs_code,
        "commodity_name": name,
        "quantity": record["quantity"],
        "unit": unit,
        "country": country,
        "trade_mode": trade_mode,
        "valid_from": content["valid_from"],
        "valid_to": content["valid_to"],
        "port": port,
        "one_batch": int(one_batch),
        "remarks": remarks,
        "agents": dumps(agents) if agents else "[]",
        "urgent": int(urgent),
        "record": dumps(record) if text is None else text,
    }
    return verdict, Licence(row=row, content_hash=content_hash(content))


def _agents(value):
    if not isinstance(value, list) or not all(isinstance(a, str) and ENTERPRISE_CODE.fullmatch(a) for a in value):
        raise ValueError("not a list of ten-character enterprise codes")
    return value


# ---------------------------------------------------------------- batch (docs/wire.md)


def batch_identity(batch, where: str = "batch") -> str:
    """The batch_id, or InputError when the batch cannot be acknowledged at all (not an
    object, no batch_id, no records list): such a batch changes nothing."""
    if not isinstance(batch, dict):
        raise InputError(f"{where}: not a JSON object")
    batch_id = batch.get("batch_id")
    if not isinstance(batch_id, str) or not batch_id.strip() or fault(batch_id):
        raise InputError(f"{where}: batch_id missing or not text")
    if len(batch_id) > MAX_ID_CHARS:
        raise InputError(f"{where}: batch_id of {len(batch_id)} characters (at most {MAX_ID_CHARS})")
    problem = own_fault(batch, besides=("records",))
    if problem:
        raise InputError(f"{where}: batch {batch_id}: {problem}")
    if not isinstance(batch.get("records"), list):
        raise InputError(f"{where}: batch {batch_id}: records missing or not a list")
    return batch_id


def validate_batch_header(batch: dict) -> Verdict:
    """Issuer, business_date and kind: every record of a batch with a bad header is rejected
    with these reasons too, since its licences could not be reconciled."""
    verdict = Verdict()
    _check(verdict, batch, "issuer", _pattern(ISSUER_CODE, "two capital letters"), label="batch.issuer")
    _check(verdict, batch, "business_date", parse_date, label="batch.business_date")
    _check(verdict, batch, "kind", _one_of(BATCH_KINDS), label="batch.kind")
    return verdict


def declared_count(batch: dict) -> int | None:
    value = batch.get("record_count")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# ---------------------------------------------------------------- summary (docs/wire.md)


def validate_summary(summary, where: str = "summary") -> tuple[str, str, list[str], list[dict]]:
    """(issuer, business_date, licence_nos, bad_entries), or InputError for the summary itself. An
    entry that is no licence number of the issuer is its own fault (docs/faults.md): it is in
    `bad_entries` ({position, licence_no (None: unreadable), reasons, problems})."""
    if not isinstance(summary, dict):
        raise InputError(f"{where}: not a JSON object")
    if fault(summary):
        raise InputError(f"{where}: {fault(summary)}")
    issuer = summary.get("issuer")
    if not isinstance(issuer, str) or not ISSUER_CODE.fullmatch(issuer):
        raise InputError(f"{where}: issuer must be two capital letters")
    try:
        business_date = parse_date(summary.get("business_date")).isoformat()
    except ValueError as exc:
        raise InputError(f"{where}: business_date: {exc}") from None
    numbers = summary.get("licence_nos")
    if not isinstance(numbers, list):
        raise InputError(f"{where}: licence_nos must be a list of licence numbers")
    good: list[str] = []
    bad: list[dict] = []
    for position, number in enumerate(numbers, 1):
        match = LICENCE_NO.fullmatch(number) if isinstance(number, str) else None
        if match is not None and match.group(2) == issuer:
            good.append(number)
            continue
        problem = f"licence_nos item {position}: {repr(number)[:40]} is not a licence number of issuer {issuer}"
        reasons = [BAD_VALUE if match is None else ISSUER_MISMATCH]
        bad.append({"position": position, "licence_no": match and number, "reasons": reasons, "problems": [problem]})
    return issuer, business_date, list(dict.fromkeys(good)), bad


# ---------------------------------------------------------------- write-off (docs/wire.md)


def validate_writeoff(record, *, units, max_text: int = MAX_TEXT_CHARS) -> Verdict:
    """A customs write-off record: quantity and unit required unless it is a `cancel`."""
    verdict = Verdict()
    if not isinstance(record, dict):
        verdict.add(BAD_VALUE, "record: not a JSON object")
        return verdict
    if fault(record):
        verdict.add(BAD_VALUE, f"record: {fault(record)}")
        return verdict
    _check(verdict, record, "licence_no", _LICENCE_NO)
    _check(verdict, record, "customs_code", _CUSTOMS_CODE)
    _check(verdict, record, "declaration_no", _pattern(DECLARATION_NO, "a declaration number"))
    action = _check(verdict, record, "action", _one_of(ACTIONS))
    needs_amount = action != "cancel"
    _check(verdict, record, "quantity", quantity, required=needs_amount)
    _check(verdict, record, "unit", _unit(units), required=needs_amount)
    _check(verdict, record, "released_on", parse_date, required=needs_amount)
    _party(verdict, record, "operating_unit", required=action == "release", max_text=max_text)
    return verdict


def instant_text(value) -> str | None:
    """An ISO instant from outside, kept only if it parses (sent_at is informational)."""
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
            return value
        except ValueError:
            return None
    return None
