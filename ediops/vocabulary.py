"""The centre's words, each defined once and imported everywhere else: the states of
tickets, findings and licences, and the value types the rules return. It imports nothing of
the store or the peers, so the rules (and the contract) stay pure in their imports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# A licence number: YY-XX-NNNNNN (year, issuer, serial), e.g. 00-AA-000101.
LICENCE_NO = re.compile(r"([0-9]{2})-([A-Z]{2})-([0-9]{6})")  # ASCII digits only (docs/safeguards.md)
_SAID = re.compile(r"([0-9]{2})(?:([A-Z]{1,2})(?:([0-9]{1,6}))?)?")
SERIAL = re.compile(r"[0-9]{6}")


def licence_prefix(text: str) -> str | None:
    """A licence number, or its start, as a caller says it: with or without dashes or spaces,
    in any case ("26ad341002", "26 AD 341002") -> "26-AD-341002"; None when it is not one."""
    said = _SAID.fullmatch(re.sub(r"[\s-]", "", text).upper())
    if said is None:
        return None
    year, issuer, serial = said.groups()
    if issuer is None:
        return year
    if len(issuer) == 1 and serial:
        return None
    return "-".join(p for p in (year, issuer, serial) if p)


# Tickets (docs/commands.md): still to be worked on while open or waiting.
TICKET_ACTIVE = ("open", "waiting")

# Findings (docs/findings.md): open until the cause goes away or an operator resolves it.
FINDING_OPEN = "open"
FINDING_RESOLVED = "resolved"

# Licences (docs/wire.md): customs' answer settles a licence.
LICENCE_SETTLED = ("accepted", "rejected")

# The transmission windows (config/windows.toml), in the order the desk lists them.
WINDOWS = ("poll-feeds", "forward-customs", "pull-writeoffs", "send-acks", "reconcile", "backup", "archive")

SUBJECT_FIELDS = ("licence_no", "batch_id", "issuer", "declaration_no", "enterprise", "period", "ticket_id")


@dataclass(frozen=True)
class Cause:
    """A rule's verdict: this code holds for this subject, with these details."""

    code: str
    subject: str
    detail: dict | None = None
    licence_no: str | None = None
    batch_id: str | None = None
    issuer: str | None = None
    declaration_no: str | None = None
    enterprise: str | None = None
    period: str | None = None
    ticket_id: str | None = None


def exact(amount: Decimal) -> str:
    """A quantity as shown: three decimals, the contract's precision ("1050.000")."""
    return format(amount.quantize(Decimal("0.001")), "f")
