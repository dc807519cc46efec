"""Columns never collide (issue 24, item 6): every screen at 80x24, 100x30, 120x40 and 160x50, fed hostile and long values
(markup, controls, wide Chinese names, long hosts, reasons and details), renders at least one
blank cell between every two columns of every table; cells are cut by display width with an
ellipsis (kit/cells.cut)."""

from __future__ import annotations

import pytest
from rich.text import Text

from ediops import store
from ediops.screens.kit.cells import ELLIPSIS, cut
from ediops.screens.kit.pane import GAP
from ediops.screens.kit.widgets import KeyedTable
from tests.desk.conftest import go, settle
from tests.desk.test_torture import SCREENS as TORTURE_SCREENS
from tests.desk.fixtures import add_licence, add_ticket, at, populate

WIDE = "深圳市海鸥食品进出口贸易有限公司（集团）股份有限公司"
LONG = "fee corrected after the issuer's phone call; the port officer confirmed the quantity " * 3


@pytest.fixture
def long_db(db):
    populate(db, torture=True)
    with store.write(db):
        add_licence(db, "00-AB-000013", batch_id="AB-20001009-U1", urgent=True, minutes_ago=4, trader=WIDE)
        add_ticket(db, "T-000004", priority="urgent", minutes_ago=3, caller=WIDE, org="Shanghai Pudong Airport Customs")
        db.execute(
            "INSERT INTO audit (at, actor, action, subject, reason) VALUES (?,?,?,?,?)",
            [at(2), "a-very-long-operator-name", "licence.forward_retry", "licence:00-AB-000013", LONG],
        )
        db.execute(
            "INSERT INTO window_runs (window, occurrence, token, holder, started_at, finished_at, outcome, detail) "
            "VALUES ('pull-writeoffs', ?, 1, 'daemon@edi-centre-primary.example:24207', ?, ?, 'partial', ?)",
            [at(3), at(3), at(3), "customs: GET /writeoffs: " + LONG],
        )
        db.execute(
            "INSERT INTO releases (declaration_no, licence_no, customs_code, quantity, unit, released_on, "
            "operating_unit_code, status, slot, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                "530020000000000999",
                "00-AA-000001",
                "5300720",
                "123456789.123",
                "TNE",
                "2000-10-09",
                "4403120001",
                "active",
                3,
                at(10),
            ],
        )
    return db


def test_cut_counts_display_width_and_leaves_an_ellipsis():
    assert cut(Text(WIDE), 9).plain == "深圳市海" + ELLIPSIS and cut(Text(WIDE), 9).cell_len == 9
    assert cut(Text("daemon@vm:24207"), 14).plain == "daemon@vm:242" + ELLIPSIS
    assert cut(Text("ok"), 5).plain == "ok"


def _boundaries(widths: list[int], gap: int) -> list[int]:
    """The x of the blank cell after each column but the last shown (dropped: width 0)."""
    shown = [w for w in widths if w]
    out, x = [], 0
    for w in shown[:-1]:
        x += w
        out.append(x)
        x += gap
    return out


def _touching(table) -> list[str]:
    if isinstance(table, KeyedTable):
        blanks = _boundaries(table.widths, 1)
    else:
        blanks = _boundaries(table._widths, GAP)
    problems = []
    for y in range(table.size.height):
        line = table.render_line(y).text
        if not line.strip():
            continue
        for x in blanks:
            if x < len(line) and line[x] != " ":
                problems.append(f"#{table.id} line {y} col {x}: {line!r}")
    return problems


SCREENS = [*TORTURE_SCREENS, ("alerts", ["exclamation_mark"]), ("inspection", ["i"]), (":wide", [":00-AB-000013"])]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name,keys", SCREENS, ids=[s[0] for s in SCREENS])
async def test_no_two_columns_touch(long_db, make_app, name, keys, size):
    app = make_app(role="supervisor")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await go(pilot, keys)
        await settle(pilot)
        tables = list(app.screen.query("KeyedTable, PaneTable"))
        assert tables, f"{name}: no table shown"
        problems = [p for table in tables if table.display for p in _touching(table)]
        assert not problems, "\n".join(problems)


async def test_enter_on_an_audit_row_shows_its_reason_whole(long_db, make_app):
    """A long reason: its column shows the start, `enter` the whole of it, wrapped (bd3460d:
    `fee c` and enter did nothing)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await go(pilot, ["a"])
        table = app.screen.query_one("#audit", KeyedTable)
        table.focus()
        table.move_cursor(row=0)
        await go(pilot, ["enter"])
        shown = str(app.screen.query_one("#audit-row").render())
        assert LONG.strip()[-40:] in " ".join(shown.split())
