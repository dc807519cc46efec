"""An archived licence stays found (docs/retention.md): the desk's find lists it, marked
archived, among the live ones, and its view is read from the archive file, read-only."""

from __future__ import annotations

from ediops import store
from ediops.clock import parse_instant
from ediops.licensing.licence import find_licence
from ediops.views.find import exact, find
from tests.operations.test_archive import LATER, NUMBERS, years  # noqa: F401  (a fixture)


def test_find_lists_an_archived_licence_and_its_view_opens_read_only(cli, years, db_path):  # noqa: F811
    cli("archive", now=LATER, check=True)
    reader = store.connect_reader(db_path)  # the desk's connection
    try:
        hits = find(reader, "00-AA-00000", issuers=[("AA", "Issuer AA")])
        archived = [h.key for h in hits if h.context.get("archived")]
        assert archived == [NUMBERS[1], NUMBERS[4], NUMBERS[5]]  # no hold in this case: 5 moves too
        assert [h.key for h in hits if h.kind == "licence"] == NUMBERS  # in number order, live or archived
        hit = exact(find(reader, "00aa000002", issuers=[]), "00aa000002")
        assert hit is not None and hit.context == {"licence_no": NUMBERS[1], "archived": True}
        assert "archived" in hit.label
        view = find_licence(reader, NUMBERS[1], now=parse_instant(LATER))
        assert view["archived"] == "archive-2000.db" and view["licence"]["licence_no"] == NUMBERS[1]
        assert find_licence(reader, NUMBERS[0], now=parse_instant(LATER))["archived"] is None
    finally:
        reader.close()
