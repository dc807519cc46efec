"""Names found by any two or more of their characters (docs/languages.md): licences come in
through the real ingest, tickets through the hotline, and the find box's lookup reads the
name index the store's triggers keep, on a real SQLite file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ediops import config, store
from ediops.hotline import settings as hotline_settings
from ediops.hotline.tickets import open_ticket
from ediops.licensing.ingest import ingest_batch
from ediops.store import tickets as tickets_db
from ediops.store import reads as reads_db
from ediops.views.find import exact, find
from tests.conftest import ANYONE
from tests.support.records import NOW, batch, licence

SEAGULL = {"code": "3702930001", "name": "青岛海鸥食品进出口有限公司"}
OCEAN = {"code": "3702930002", "name": "Qingdao Ocean Foods Co., Ltd."}
GRAIN = {"code": "1100000009", "name": "中粮 (China Grain) 有限公司"}
PREVIOUS = Path(__file__).parents[1] / "operations" / "data" / "store-m059.sqlite3"  # data/README.md
ISSUERS = [("AA", "Beijing 北京特派办"), ("AB", "Tianjin 天津特派办")]


@pytest.fixture
def named(db):
    cfg = config.load(None)
    records = [
        licence("00-AA-000001", trader=SEAGULL, party={"code": "3100000001", "name": "株式会社 海鸥 Japan"}),
        licence("00-AA-000002", trader=SEAGULL),
        licence("00-AA-000003", trader=OCEAN, party=GRAIN),
    ]
    ingest_batch(db, cfg, batch(*records), now=NOW, source="test")
    ticket = open_ticket(
        db,
        caller="李海燕",
        phone="0532-8888",
        org="青岛海关",
        category="not-received",
        priority=None,
        text="急证没到",
        roles=ANYONE,
        actor="alice",
        now=NOW,
        settings=hotline_settings.load(),
    )
    return db, ticket


def _hits(db, text: str, limit: int = 8) -> list[tuple[str, str]]:
    return [(h.kind, h.key) for h in find(db, text, issuers=ISSUERS, limit=limit)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("海鸥食品", [("enterprise", "3702930001")]),  # four characters of a trader's name
        ("海鸥", [("enterprise", "3100000001"), ("enterprise", "3702930001")]),  # two: trader and party
        ("进出口有限", [("enterprise", "3702930001")]),
        ("ocean food", [("enterprise", "3702930002")]),  # any case
        ("中粮", [("enterprise", "1100000009")]),  # a party's name
        ("特派", [("issuer", "AA"), ("issuer", "AB")]),  # issuers' names, from the configuration
        ("鸥海", []),  # the characters, not in that order
        ('"海', []),  # FTS syntax is only text
    ],
)
def test_a_name_is_found_by_any_two_or_more_of_its_characters(named, text, expected):
    db, _ = named
    assert _hits(db, text) == expected


def test_a_callers_and_an_organisations_name_find_the_ticket(named):
    db, ticket = named
    assert _hits(db, "海燕") == [("ticket", ticket)]
    hits = find(db, "青岛海关", issuers=ISSUERS)
    assert [(h.kind, h.key) for h in hits] == [("ticket", ticket)]
    assert hits[0].label == f"ticket {ticket} · 李海燕 (青岛海关)"
    assert exact(hits, "青岛海关") is hits[0]  # the only match opens


def test_a_renamed_caller_is_found_by_the_new_name_only(named):
    db, ticket = named
    with store.write(db):
        tickets_db.update(db, ticket, {"caller": "王建国"})
    assert _hits(db, "海燕") == []
    assert _hits(db, "建国") == [("ticket", ticket)]


def test_the_very_name_and_those_it_begins_come_first(db):
    names = ["青岛海鸥食品有限公司", "海鸥", "海鸥贸易公司", "山东海鸥进出口有限公司"]
    cfg = config.load(None)
    records = [licence(f"00-AA-00000{i}", trader={"code": f"370293000{i}", "name": n}) for i, n in enumerate(names)]
    ingest_batch(db, cfg, batch(*records), now=NOW, source="test")
    assert [h.context["name"] for h in find(db, "海鸥", issuers=[])] == [
        "海鸥",
        "海鸥贸易公司",
        "青岛海鸥食品有限公司",
        "山东海鸥进出口有限公司",
    ]
    assert len(find(db, "海鸥", issuers=[], limit=2)) == 2


def test_an_enterprise_found_by_name_lists_the_licences_it_holds_or_is_party_to(named):
    db, _ = named
    assert [r["licence_no"] for r in reads_db.licence_page(db, enterprise="3702930001")] == [
        "00-AA-000001",
        "00-AA-000002",
    ]
    assert [r["licence_no"] for r in reads_db.licence_page(db, enterprise="1100000009")] == ["00-AA-000003"]


def test_a_store_of_the_previous_release_is_indexed_when_migrated(tmp_path):
    """Names stored before the index existed are found once the store migrates."""
    path = tmp_path / "old.db"
    shutil.copyfile(PREVIOUS, path)
    db = store.connect(path)
    try:
        assert _hits(db, "grain imp") == [("enterprise", "1100000001")]
        assert _hits(db, "grain depot") == [("enterprise", "1100000002")]  # a party's name
        assert [h.key for h in find(db, "xin", issuers=[])] == ["1100000003"]  # in a hostile name
    finally:
        db.close()


def test_the_desk_reads_it_on_a_plain_reader_connection(named, db_path):
    """The find box's worker reads on `store.connect_reader` (plain sqlite3)."""
    reader = store.connect_reader(db_path)
    try:
        assert [(h.kind, h.key) for h in find(reader, "食品进", issuers=[])] == [("enterprise", "3702930001")]
    finally:
        reader.close()
