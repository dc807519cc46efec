"""Paper against electronic (2000 notice §1 and §5): port customs releases only when the
paper licence and its electronic data agree on seven items: the importer or exporter, the
commodity's name and code, the quantity, the country, the trade mode, the validity and the
port of declaration. A `mismatch` call is the port saying they do not; the operator types
what the paper shows and this compares it with the centre's record, field by field.

Codes (HS, country, port, the trader's code) are compared as codes: full-width forms read
as ASCII, spaces and the dots or dashes printed between digit groups ignored, any case.
Quantities as exact decimals ("1200.5" is "1200.500"), dates as dates, names and the trade
mode as printed, after trimming. A field left empty is not checked."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

FIELDS = (
    ("trader", "Importer / exporter"),
    ("commodity", "Commodity (name, code)"),
    ("quantity", "Quantity"),
    ("country", "Country"),
    ("trade_mode", "Trade mode"),
    ("validity", "Validity"),
    ("port", "Port"),
)
# What the operator types: the seven fields, commodity and validity in two parts each.
INPUTS = (
    ("trader", "Importer/exporter", "name or code as printed"),
    ("commodity_name", "Commodity name", ""),
    ("hs_code", "Commodity code", "8 or 10 digits"),
    ("quantity", "Quantity", "e.g. 1200.5 or 1200.5 TNE"),
    ("country", "Country", "e.g. JP"),
    ("trade_mode", "Trade mode", ""),
    ("valid_from", "Valid from", "YYYY-MM-DD"),
    ("valid_to", "Valid to", "YYYY-MM-DD"),
    ("port", "Port", "customs code"),
)
_DATE = re.compile(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?")
_NUMBER = re.compile(r"\d+(\.\d+)?")


@dataclass(frozen=True)
class Check:
    """One of the seven fields: what the paper shows, what the record holds, whether they
    agree (None: not typed, not checked) and, when they do not, why in a few words."""

    field: str
    label: str
    paper: str
    electronic: str
    matches: bool | None
    why: str = ""


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def code(text: str | None) -> str:
    """A code as a code: NFKC, no spaces, dots or dashes, upper case."""
    return re.sub(r"[\s.\-]", "", _ascii(text or "")).upper()


def same_code(paper: str, electronic: str | None) -> bool:
    return bool(code(paper)) and code(paper) == code(electronic)


def same_name(paper: str, electronic: str | None) -> bool:
    return paper.strip() == (electronic or "").strip()


def quantity(text: str) -> tuple[Decimal, str] | None:
    """'1200.5', '1,200.500 TNE' -> (Decimal, unit or ''); None when it is not a number."""
    parts = _ascii(text).replace(",", "").split()
    if not parts or len(parts) > 2 or not _NUMBER.fullmatch(parts[0]):
        return None
    try:
        return Decimal(parts[0]), code(parts[1]) if len(parts) == 2 else ""
    except InvalidOperation:
        return None


def day(text: str) -> date | None:
    """2000-10-09, 2000.10.09, 2000/10/09 or 2000年10月9日 as a date; None otherwise."""
    found = _DATE.fullmatch(_ascii(text).replace(" ", ""))
    if not found:
        return None
    try:
        return date(*(int(g) for g in found.groups()))
    except ValueError:
        return None


def _trader(paper: str, lic: dict) -> tuple[bool, str]:
    first, _, rest = paper.strip().partition(" ")
    if same_name(paper, lic["trader_name"]) or same_code(paper, lic["trader_code"]):
        return True, ""
    if same_code(first, lic["trader_code"]) and same_name(rest, lic["trader_name"]):
        return True, ""
    return False, "neither the trader's name nor its code"


def _commodity(paper: dict, lic: dict) -> tuple[bool, str]:
    problems = []
    if paper["hs_code"].strip() and not same_code(paper["hs_code"], lic["hs_code"]):
        problems.append("code differs")
    if paper["commodity_name"].strip() and not same_name(paper["commodity_name"], lic["commodity_name"]):
        problems.append("name differs")
    return not problems, ", ".join(problems)


def _quantity(paper: str, lic: dict) -> tuple[bool, str]:
    read = quantity(paper)
    if read is None:
        return False, "not a quantity"
    amount, unit = read
    if amount != Decimal(lic["quantity"]):
        return False, "amount differs"
    if unit and unit != code(lic["unit"]):
        return False, "unit differs"
    return True, ""


def _validity(paper: dict, lic: dict) -> tuple[bool, str]:
    problems = []
    for part, name in (("valid_from", "from"), ("valid_to", "to")):
        if not paper[part].strip():
            continue
        typed = day(paper[part])
        if typed is None:
            problems.append(f"'{name}' is not a date")
        elif typed.isoformat() != lic[part]:
            problems.append(f"'{name}' differs")
    return not problems, ", ".join(problems)


def compare(lic: dict, paper: dict[str, str]) -> list[Check]:
    """The seven checks of the notice, in its order. `lic` is the licence as the store holds
    it (licence_view()["licence"]); `paper` maps INPUTS names to what the operator typed."""
    typed = {name: str(paper.get(name) or "") for name, _, _ in INPUTS}
    shown = {
        "trader": (typed["trader"], f"{lic['trader_code']} {lic['trader_name']}"),
        "commodity": (
            " ".join(p for p in (typed["hs_code"].strip(), typed["commodity_name"].strip()) if p),
            f"{lic['hs_code']} {lic['commodity_name']}",
        ),
        "quantity": (typed["quantity"], f"{lic['quantity']} {lic['unit']}"),
        "country": (typed["country"], lic["country"]),
        "trade_mode": (typed["trade_mode"], lic["trade_mode"]),
        "validity": (
            " to ".join(p.strip() or "?" for p in (typed["valid_from"], typed["valid_to"])),
            f"{lic['valid_from']} to {lic['valid_to']}",
        ),
        "port": (typed["port"], lic["port"]),
    }
    judges = {
        "trader": lambda: _trader(typed["trader"], lic),
        "commodity": lambda: _commodity(typed, lic),
        "quantity": lambda: _quantity(typed["quantity"], lic),
        "country": lambda: (same_code(typed["country"], lic["country"]), "differs"),
        "trade_mode": lambda: (same_name(typed["trade_mode"], lic["trade_mode"]), "differs"),
        "validity": lambda: _validity(typed, lic),
        "port": lambda: (same_code(typed["port"], lic["port"]), "differs"),
    }
    empty = {
        "commodity": not (typed["hs_code"].strip() or typed["commodity_name"].strip()),
        "validity": not (typed["valid_from"].strip() or typed["valid_to"].strip()),
    }
    checks = []
    for name, label in FIELDS:
        paper_text, electronic = shown[name]
        if empty.get(name, not typed.get(name, "").strip()):
            checks.append(Check(name, label, "", electronic, None))
            continue
        ok, why = judges[name]()
        checks.append(Check(name, label, paper_text.strip(), electronic, ok, "" if ok else why))
    return checks


def note(licence_no: str, checks: list[Check]) -> str:
    """The comparison as a ticket note: the differences first, each with both values."""
    differ = [c for c in checks if c.matches is False]
    same = [c.label for c in checks if c.matches]
    unchecked = [c.label for c in checks if c.matches is None]
    if differ:
        head = f"paper check of {licence_no}: {len(differ)} of {len(checks) - len(unchecked)} checked fields differ"
        body = [f'{c.label}: paper "{c.paper}", electronic "{c.electronic}" ({c.why})' for c in differ]
    elif same:
        head, body = f"paper check of {licence_no}: the {len(same)} checked fields match", []
    else:
        head, body = f"paper check of {licence_no}: nothing typed, nothing checked", []
    tail = []
    if same and differ:
        tail.append("matching: " + ", ".join(same))
    if unchecked:
        tail.append("not checked: " + ", ".join(unchecked))
    return "; ".join([head, *body, *tail])
