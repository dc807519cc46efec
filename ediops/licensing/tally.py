"""Write-off arithmetic (2000 notice clauses 6 and 8(5)): the releases a licence's write-off
records stand for, and the tally of used and remaining quantity. Pure: the rules and the
licence view both count with `tally_of`, so the desk shows what the rules judge."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Mapping

from ediops.vocabulary import exact

MAX_RELEASES = 12  # notice clause 8(5)


@dataclass
class Release:
    """What one declaration currently stands for, after its amends and cancels."""

    declaration_no: str
    licence_no: str
    customs_code: str | None
    quantity: str | None
    unit: str | None
    released_on: str | None
    operating_unit_code: str | None
    status: str  # active, cancelled
    slot: int  # endorsement slot on the paper licence: 1 = first release


@dataclass
class Tally:
    """Clause 6: the endorsed quantities against the licensed one, and slots used of 12."""

    licensed: Decimal
    used: Decimal
    unit: str
    uses: int
    max_uses: int

    @property
    def remaining(self) -> Decimal:
        return self.licensed - self.used

    def as_dict(self) -> dict:
        return {
            "licensed": exact(self.licensed),
            "used": exact(self.used),
            "remaining": exact(self.remaining),
            "unit": self.unit,
            "uses": self.uses,
            "max_uses": self.max_uses,
        }


def releases_of(licence_no: str, records: list[dict]) -> tuple[list[Release], list[str]]:
    """Folds write-off records (arrival order) into releases, and the declarations that have
    only corrections (orphans). A correction that arrives before its release is applied once
    the release arrives; a second `release` of a declaration replaces its quantity like an
    amend. A cancelled release keeps its slot (clause 8(5): the endorsement was made)."""
    firsts: dict[str, dict] = {}
    corrections: dict[str, list[dict]] = {}
    for record in records:
        number = record["declaration_no"]
        if record["action"] == "release" and number not in firsts:
            firsts[number] = record
        else:
            corrections.setdefault(number, []).append(record)
    releases = []
    for slot, (number, first) in enumerate(firsts.items(), 1):
        release = Release(
            number,
            licence_no,
            first.get("customs_code"),
            first.get("quantity"),
            first.get("unit"),
            first.get("released_on"),
            (first.get("operating_unit") or {}).get("code"),
            "active",
            slot,
        )
        for correction in corrections.get(number, []):
            if correction["action"] == "cancel":
                release.status = "cancelled"
            else:
                release.quantity, release.unit = correction.get("quantity"), correction.get("unit")
        releases.append(release)
    orphans = [number for number in corrections if number not in firsts]
    return releases, orphans


def tally_of(licence: Mapping, releases: Iterable[Release], *, max_uses: int = MAX_RELEASES) -> Tally:
    """Used and remaining in the licence's unit (active releases of the licence's unit only),
    and the endorsement slots used (cancelled releases keep theirs: clause 8(5))."""
    releases = list(releases)
    used = sum(
        (Decimal(r.quantity) for r in releases if r.status == "active" and r.unit == licence["unit"] and r.quantity),
        Decimal(0),
    )
    return Tally(
        licensed=Decimal(licence["quantity"]), used=used, unit=licence["unit"], uses=len(releases), max_uses=max_uses
    )
