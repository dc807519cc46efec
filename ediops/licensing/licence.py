"""One licence as an operator sees it: every field, its lifecycle timeline, its releases and
tally, its findings and tickets. Used by `ediops licence`, the desk and the hotline; it also
owns the timeline's writes (`add_event`), so every lifecycle event has one shape."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ediops import store
from ediops.licensing.tally import MAX_RELEASES, Release, tally_of
from ediops.licensing.forward_state import forward_state
from ediops.store import (
    feeds as feeds_db,
    findings as findings_db,
    forwards as forwards_db,
    licences as licences_db,
    tickets as tickets_db,
)
from ediops.store.maintenance import database_path

if TYPE_CHECKING:
    from ediops.store import Database, Queryable


def add_event(db: Database, licence_no: str, event: str, *, at: str, actor: str | None = None, detail=None) -> None:
    """Appends one lifecycle event (see EVENTS); call inside the write it belongs to."""
    licences_db.add_events(db, event, [(licence_no, detail)], at=at, actor=actor)


def add_events(db: Database, event: str, items: list[tuple[str, object]], *, at: str, actor: str | None = None) -> None:
    """`add_event` for many (licence_no, detail) pairs at once (the engine's batch paths)."""
    licences_db.add_events(db, event, items, at=at, actor=actor)


def _json(text):
    return None if text is None else json.loads(text)


def licence_view(db: Queryable, licence_no: str, *, now: datetime) -> dict | None:
    """Everything about one licence, or None if the centre never accepted it. `now` is the
    moment the view is for (findings and tickets are as stored at that moment)."""
    licence = licences_db.get(db, licence_no)
    if licence is None:
        return None
    record = _json(licence.pop("record"))
    licence["agents"] = _json(licence["agents"]) or []
    licence["one_batch"] = bool(licence["one_batch"])
    licence["urgent"] = bool(licence["urgent"])
    events = [{**e, "detail": _json(e["detail"])} for e in licences_db.events_of(db, licence_no)]
    releases = licences_db.releases_of(db, licence_no)
    found = findings_db.find(
        db,
        fields=(
            "id",
            "code",
            "subject",
            "status",
            "declaration_no",
            "detail",
            "opened_at",
            "closed_at",
            "closed_by",
            "note",
        ),
        licence_no=licence_no,
        order="oldest",
        parse_detail=True,
    )
    return {
        "licence": licence,
        "record": record,
        "events": events,
        "resends": licence_resends(db, licence_no),
        "releases": releases,
        "tally": tally(licence, releases),
        "way": forward_state({**licence, **forwards_db.forward_of(db, licence["forward_key"])}, now=now),
        "findings": found,
        "tickets": tickets_db.of_licence(db, licence_no),
        "as_of": now.isoformat(),
    }


def licence_resends(db: Queryable, licence_no: str) -> list[dict]:
    """`licence --json`'s `resends`: each at, by, reason, ticket_id, key, outcome (and detail)."""
    return [
        {k: r[k] for k in ("at", "by", "reason", "ticket_id", "key", "outcome", "detail")}
        for r in feeds_db.licence_resends(db, licence_no)
    ]


def tally(licence: dict, releases: list[dict]) -> dict:
    """The licence's tally as shown (`tally.tally_of`, the rules' own count) from its stored releases."""
    stored = [Release(licence_no=licence["licence_no"], **r) for r in releases]
    return tally_of(licence, stored, max_uses=MAX_RELEASES).as_dict()


def archived_in(db: Queryable, licence_no: str) -> Path | None:
    """The archive file beside the store that holds the licence (docs/retention.md), or None."""
    return licences_db.archived_in(database_path(db), licence_no)


@contextmanager
def licence_source(db: Queryable, licence_no: str) -> Iterator[tuple[Queryable, str | None]]:
    """Where a licence is read from: (the store, None) while it is live, else (a read-only
    connection to its archive file, the file's name) once archived. Every read of the licence
    (view, statement) takes the same source, so an archived licence is shown whole."""
    path = None if licences_db.state(db, licence_no) is not None else archived_in(db, licence_no)
    if path is None:
        yield db, None
        return
    conn = store.archive_reader(path)
    try:
        yield conn, path.name
    finally:
        conn.close()


def find_licence(db: Queryable, licence_no: str, *, now: datetime) -> dict | None:
    """`licence_view` of a live or an archived licence, with `archived` (the archive file's
    name, or None) and `legal_hold` (held_at, held_by, reason, or None)."""
    with licence_source(db, licence_no) as (source, archived):
        view = licence_view(source, licence_no, now=now)
    if view is not None:
        view["archived"] = archived
        view["legal_hold"] = None if archived else licences_db.hold_of(db, licence_no)
    return view
