"""`ediops ticket ...` as a script runs it: the real command in a subprocess on a real file."""

import csv
import io
import re

import pytest

from ediops.operators.audit import current_actor

NEW = [
    "ticket",
    "new",
    "--caller",
    "Li Ming",
    "--phone",
    "0755-8000-1234",
    "--org",
    "5300",
    "--category",
    "not-received",
    "--licence",
    "00-AA-012345",
    "--text",
    "customs has no data",
]


def counts(db_path):
    from ediops import store

    db = store.connect(db_path)
    try:
        return tuple(
            db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("tickets", "ticket_notes", "audit")
        )
    finally:
        db.close()


def new(cli, *extra):
    result = cli(*NEW, *extra, check=True)
    return result.stdout.strip()


def test_new_prints_a_phone_friendly_id_and_show_json_has_the_contract_fields(cli):
    ticket_id = new(cli)
    assert re.fullmatch(r"T-20001009-0001", ticket_id)
    ticket = cli.json("ticket", "show", ticket_id, "--json")
    assert {
        k: ticket[k]
        for k in (
            "id",
            "caller",
            "phone",
            "org",
            "category",
            "priority",
            "licence_no",
            "status",
            "opened_by",
            "opened_at",
            "notes",
        )
    } == {
        "id": ticket_id,
        "caller": "Li Ming",
        "phone": "0755-8000-1234",
        "org": "5300",
        "category": "not-received",
        "priority": "high",
        "licence_no": "00-AA-012345",
        "status": "open",
        "opened_by": current_actor(),
        "opened_at": "2000-10-09T18:00:00+08:00",
        "notes": [],
    }
    assert ticket["due_at"] == "2000-10-09T18:30:00+08:00"  # not-received: 30-minute target
    assert new(cli) == "T-20001009-0002"


def test_id_takes_the_shanghai_date(cli):
    assert new(cli, "--now", "2000-10-09T17:30:00Z") == "T-20001010-0001"


def test_full_life_note_route_wait_resolve_reopen_close(cli, db_path):
    ticket_id = new(cli, "--priority", "urgent")
    assert cli("ticket", "note", ticket_id, "--text", "asked customs", check=True).stdout.strip() == f"{ticket_id} open"
    routed = cli("ticket", "route", ticket_id, "--to", "customs-hotline", now="2000-10-09T18:05:00+08:00", check=True)
    assert "010-0000-1003" in routed.stdout
    cli("ticket", "wait", ticket_id, "--on", "issuer", check=True)
    cli("ticket", "resolve", ticket_id, "--note", "data re-sent", check=True)
    cli("ticket", "reopen", ticket_id, "--note", "still missing", now="2000-10-09T19:00:00+08:00", check=True)
    cli("ticket", "close", ticket_id, "--note", "customs has it", check=True)
    ticket = cli.json("ticket", "show", ticket_id, "--json")
    assert ticket["status"] == "closed" and ticket["priority"] == "urgent"
    assert ticket["routed_to"] == "customs-hotline" and ticket["routed_at"] == "2000-10-09T18:05:00+08:00"
    assert ticket["due_at"] == "2000-10-09T19:30:00+08:00"  # due again from the reopening
    assert [n["text"] for n in ticket["notes"]] == ["asked customs", "data re-sent", "still missing", "customs has it"]
    assert all(n["by"] == current_actor() for n in ticket["notes"])
    from ediops import store

    actions = [r[0] for r in store.connect(db_path).execute("SELECT action FROM audit ORDER BY id")]
    assert actions == [
        "ticket.open",
        "ticket.note",
        "ticket.route",
        "ticket.wait",
        "ticket.resolve",
        "ticket.reopen",
        "ticket.close",
    ]


def test_list_open_and_json(cli):
    first, second = new(cli), new(cli)
    cli("ticket", "close", first, "--note", "answered", check=True)
    assert [t["id"] for t in cli.json("ticket", "list", "--json")] == [second, first]
    assert [t["id"] for t in cli.json("ticket", "list", "--open", "--json")] == [second]
    text = cli("ticket", "list", "--open", check=True).stdout
    assert second in text and first not in text


def test_vendor_routing_is_queryable_for_the_2002_notice(cli, db_path):
    ticket_id = new(cli, "--category", "software")
    cli("ticket", "route", ticket_id, "--to", "vendor-zhongrongji", check=True)
    shown = cli("ticket", "show", ticket_id, check=True).stdout
    assert "北京中榕基科技发展有限公司" in shown and "010-0000-2002" in shown
    from ediops import store

    row = store.connect(db_path).execute("SELECT routed_to, routed_at, waiting_on FROM tickets").fetchone()
    assert row == ("vendor-zhongrongji", "2000-10-09T18:00:00+08:00", "software-vendor")


USAGE = [  # argparse refuses: exit 2
    ["ticket", "new", "--caller", "a", "--phone", "123", "--org", "x", "--category", "lost", "--text", "t"],
    [*NEW, "--priority", "panic"],
    ["ticket", "new", "--caller", "a", "--phone", "123", "--org", "x", "--category", "other"],
    ["ticket"],
    ["ticket", "wait", "T-20001009-0001", "--on", "nobody"],
    ["ticket", "close", "T-20001009-0001"],
    ["ticket", "summary", "--date", "2000-13-45"],
]
BAD_INPUT = [  # the operation refuses: exit 1, one stderr line
    (
        ["ticket", "new", "--caller", " ", "--phone", "123", "--org", "x", "--category", "other", "--text", "t"],
        "caller is empty",
    ),
    (
        ["ticket", "new", "--caller", "a", "--phone", "12", "--org", "x", "--category", "other", "--text", "t"],
        "fewer than 3 digits",
    ),
    (
        ["ticket", "new", "--caller", "a", "--phone", "123", "--org", "", "--category", "other", "--text", "t"],
        "org is empty",
    ),
    (
        ["ticket", "new", "--caller", "a", "--phone", "123", "--org", "x", "--category", "other", "--text", "\x1b[2J"],
        "text is empty",
    ),
    ([*NEW[:-4], "--licence", "AA-00-12", "--text", "t"], "YY-XX-NNNNNN"),
    ([*NEW, "--finding", "99"], "no finding 99"),
    ([*NEW, "--org-kind", "bank"], "usage"),
    (
        ["ticket", "new", "--caller", "x" * 201, "--phone", "123", "--org", "x", "--category", "other", "--text", "t"],
        "longer than 200",
    ),
    (["ticket", "show", "T-20001009-0042"], "no ticket"),
    (["ticket", "note", "T-20001009-0042", "--text", "x"], "no ticket"),
    (["ticket", "close", "T-20001009-0042", "--note", "x"], "no ticket"),
    (["ticket", "route", "T-20001009-0042", "--to", "licence-bureau"], "no ticket"),
]


@pytest.mark.parametrize("argv", USAGE)
def test_wrong_usage_exits_2_and_creates_nothing(cli, db_path, argv):
    result = cli(*argv)
    assert result.returncode == 2, result.stderr
    assert not db_path.exists() or counts(db_path) == (0, 0, 0)


@pytest.mark.parametrize("argv, message", BAD_INPUT)
def test_bad_input_exits_1_with_one_line_and_creates_nothing(cli, db_path, argv, message):
    result = cli(*argv)
    if message == "usage":  # org kind is a choice too
        assert result.returncode == 2
    else:
        assert result.returncode == 1
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert result.stdout == ""
    assert not db_path.exists() or counts(db_path) == (0, 0, 0)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["ticket", "note", "{id}", "--text", "late"], "is closed"),
        (["ticket", "close", "{id}", "--note", "again"], "already closed"),
        (["ticket", "resolve", "{id}", "--note", "x"], "is closed"),
        (["ticket", "route", "{id}", "--to", "licence-bureau"], "is closed"),
        (["ticket", "wait", "{id}", "--on", "customs"], "is closed"),
    ],
)
def test_refusals_on_a_closed_ticket_change_nothing(cli, db_path, argv, message):
    ticket_id = new(cli)
    cli("ticket", "close", ticket_id, "--note", "done", check=True)
    before = counts(db_path)
    result = cli(*[a.replace("{id}", ticket_id) for a in argv])
    assert result.returncode == 1 and message in result.stderr
    assert counts(db_path) == before


def test_refused_route_and_reopen_change_nothing(cli, db_path):
    ticket_id = new(cli)
    before = counts(db_path)
    unknown = cli("ticket", "route", ticket_id, "--to", "mr-zhang")
    assert unknown.returncode == 1 and "no routing role 'mr-zhang'" in unknown.stderr
    reopen = cli("ticket", "reopen", ticket_id, "--note", "x")
    assert reopen.returncode == 1 and "not resolved or closed" in reopen.stderr
    assert counts(db_path) == before


def test_summary_on_screen_and_as_csv(cli):
    new(cli)
    new(cli, "--category", "software", "--now", "2000-10-09T09:00:00+08:00")
    late = cli("ticket", "summary", "--date", "2000-10-09", check=True).stdout
    assert "past due 2000-10-09T13:00:00+08:00: T-20001009-0002" in late
    rows = list(csv.DictReader(io.StringIO(cli("ticket", "summary", "--csv", check=True).stdout)))
    by_category = {r["category"]: r for r in rows}
    assert by_category["not-received"] == {
        "date": "2000-10-09",
        "category": "not-received",
        "opened": "1",
        "resolved": "0",
        "closed": "0",
        "open": "1",
        "past_due": "0",
    }
    assert by_category["software"]["past_due"] == "1" and by_category["total"]["opened"] == "2"


def test_search_finds_fields_notes_and_short_chinese_names(cli):
    first = new(cli, "--caller", "王伟")
    second = new(cli, "--org", "Shenzhen Grain Import Co")
    cli("ticket", "note", second, "--text", "forwarded to customs at 18:10", check=True)

    def ids(q):
        return [t["id"] for t in cli.json("ticket", "list", "--search", q, "--json")]

    assert ids("王伟") == [first]
    assert ids("grain") == [second]
    assert ids("forwarded customs") == [second]
    assert ids('"OR* NEAR(') == []  # FTS syntax is quoted, never interpreted
