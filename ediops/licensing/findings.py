"""The lifecycle of a finding (docs/findings.md): opens once per (code, subject), closes by itself
when its cause goes away, or is resolved by an operator with a note (audited).

`rules.py` decides *whether* a cause exists; this module only records it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ediops.i18n import _
from ediops.errors import EdiopsError
from ediops.operators import audit
from ediops.store import findings as findings_db
from ediops.store.findings import clear_cause, clear_causes, raise_cause, sync
from ediops.vocabulary import SUBJECT_FIELDS, Cause

if TYPE_CHECKING:
    from ediops.store import Database

__all__ = ["SUBJECT_FIELDS", "AlreadyClosed", "Cause", "clear_cause", "clear_causes", "raise_cause", "resolve", "sync"]


class AlreadyClosed(EdiopsError):
    """Another operator (or the engine) closed it first."""


def resolve(db: Database, finding_id: int, *, note: str, at: str, actor: str | None = None) -> None:
    """An operator resolves a finding with a note. Two operators at once: the second is told."""
    if not note or not note.strip():
        raise EdiopsError(_("resolving a finding needs a note"))
    if not findings_db.resolve(db, finding_id, note=note, at=at, actor=actor or audit.current_actor()):
        closing = findings_db.closing(db, finding_id)
        if closing is None:
            raise EdiopsError(_("finding {finding_id} does not exist").format(finding_id=finding_id))
        raise AlreadyClosed(
            f"finding {finding_id} was already resolved by {closing[1] or 'the engine'} at {closing[2]}"
        )
    audit.record(db, "finding.resolve", f"finding:{finding_id}", at=at, actor=actor, reason=note)
