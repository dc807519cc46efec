"""The ticket store itself: ids unique under concurrent writers, hostile text kept as received
and shown harmlessly, the caller lookup by phone, the routing directory's checks."""

import json
import re
import threading
from datetime import datetime

import pytest

from ediops import store
from ediops.hotline import tickets as hotline, settings as hotline_config
from ediops.clock import SHANGHAI
from ediops.errors import EdiopsError, InputError
from tests.conftest import ANYONE

HOTLINE = hotline_config.load()  # the bundled hotline settings, passed as the desk and CLI pass theirs

NOW = datetime(2000, 10, 9, 18, 0, tzinfo=SHANGHAI)
HOSTILE = "[bold red]x[/] [/foo] [link=http://e.vil]y\x1b]0;pwned\x07\x1b[2J\u202eevil\x9b31m\x01z"  # no NUL: argv cannot carry one
PHONE = "021[/b]\x1b]0;t\x07\u202e6323"
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def ticket(db, **kw):
    fields = (
        dict(
            caller="Li",
            phone="021-6323-0000",
            org="2200",
            category="not-received",
            priority=None,
            text="no data",
            roles=ANYONE,
            actor="op1",
            now=NOW,
        )
        | kw
    )
    return hotline.open_ticket(db, settings=HOTLINE, **fields)


def test_ids_are_unique_when_desks_log_calls_at_the_same_moment(db_path):
    store.connect(db_path).close()
    made, errors = [], []

    def desk():
        db = store.connect(db_path)
        try:
            made.extend(ticket(db) for _ in range(15))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=desk) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(made) == [f"T-20001009-{n:04d}" for n in range(1, 46)]


def test_hostile_text_is_stored_exactly_and_json_escapes_controls(db, cli):
    db.close()
    argv = [
        "ticket",
        "new",
        "--caller",
        HOSTILE,
        "--phone",
        PHONE,
        "--org",
        HOSTILE,
        "--category",
        "other",
        "--batch",
        HOSTILE,
        "--assignee",
        HOSTILE,
        "--text",
        HOSTILE,
    ]
    ticket_id = cli(*argv, check=True).stdout.strip()
    cli("ticket", "note", ticket_id, "--text", HOSTILE, check=True)
    for args in (
        ["ticket", "show", ticket_id],
        ["ticket", "list"],
        ["ticket", "summary"],
        ["ticket", "show", ticket_id, "--json"],
        ["ticket", "list", "--json"],
    ):
        out = cli(*args, check=True).stdout
        assert not UNSAFE.search(out), args
    shown = cli("ticket", "show", ticket_id, check=True).stdout
    assert "[bold red]x[/] [/foo] [link=http://e.vil]y" in shown  # brackets shown as typed
    data = json.loads(cli("ticket", "show", ticket_id, "--json", check=True).stdout)
    assert [data[f] for f in ("caller", "org", "batch_id", "assignee", "text")] == [HOSTILE] * 5
    assert data["phone"] == PHONE and data["notes"][0]["text"] == HOSTILE


def test_caller_completes_from_the_latest_ticket_of_a_number(db):
    ticket(db, caller="Old Name", org="Old Co")
    ticket(db, caller="Zhang Hua", org="Dalian customs", org_kind="port-customs", now=NOW.replace(hour=19))
    assert hotline.caller_for_phone(db, "021-63") == {
        "phone": "021-6323-0000",
        "caller": "Zhang Hua",
        "org": "Dalian customs",
        "org_kind": "port-customs",
    }
    assert hotline.caller_for_phone(db, "0755") is None
    assert hotline.caller_for_phone(db, " ") is None


def test_finding_link_marks_the_finding(db):
    with store.write(db):
        db.execute(
            "INSERT INTO findings (code, subject, status, licence_no, opened_at, updated_at) "
            "VALUES ('MISSING_FROM_FEED', '00-AA-000001', 'open', '00-AA-000001', 'x', 'x')"
        )
    ticket_id = ticket(db, finding_id=1, licence_no="00-AA-000001")
    assert db.execute("SELECT ticket_id FROM findings WHERE id = 1").fetchone()[0] == ticket_id


def test_second_operator_closing_is_told(db_path):
    a, b = store.connect(db_path), store.connect(db_path)
    ticket_id = ticket(a)
    hotline.close_ticket(a, ticket_id, note="answered", roles=ANYONE, actor="op1", now=NOW)
    with pytest.raises(EdiopsError, match="already closed"):
        hotline.close_ticket(b, ticket_id, note="me too", roles=ANYONE, actor="op2", now=NOW)
    assert [n["by"] for n in hotline.get_ticket(b, ticket_id)["notes"]] == ["op1"]


@pytest.mark.parametrize(
    "contacts, message",
    [
        ('[[roles]]\nid = "x"\nname = "X"\nphone = "1"\nparty = "mars"\n', "party must be one of"),
        ('[[roles]]\nid = "x"\nname = "X"\nparty = "customs"\n', "roles entry 1: needs id, name and phone"),
        (
            '[[roles]]\nid = "x"\nname = "X"\nphone = "1"\nparty = "customs"\n'
            '[[vendors]]\nid = "x"\nname = "Y"\nphone = "2"\nparty = "software-vendor"\n',
            "appears twice",
        ),
        ("[[roles]\n", "contacts.toml"),
    ],
)
def test_bad_contacts_file_is_refused_naming_it(tmp_path, contacts, message):
    (tmp_path / "contacts.toml").write_text(contacts, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        hotline_config.load(tmp_path)


def test_bundled_directory_lists_roles_and_the_two_approved_vendors():
    contacts = hotline_config.load().contacts
    assert {"licence-bureau", "edi-centre", "customs-hotline", "duty-phone"} <= set(contacts)
    vendors = sorted(c.name for c in contacts.values() if c.vendor)
    assert vendors == ["北京中榕基科技发展有限公司", "北京九城数码科技有限公司"]


def test_licence_story_of_a_licence_never_received_but_rejected(db):
    from ediops.views.licence_story import licence_story

    with store.write(db):
        db.execute(
            "INSERT INTO rejections (batch_id, licence_no, reasons, received_at) VALUES "
            "('AA-1', '00-AA-000009', '[\"VALIDITY_RANGE\"]', '2000-10-09T16:00:00+08:00')"
        )
    ticket(db, licence_no="00-aa-000009")
    story = licence_story(db, "00-aa-000009 ", now=NOW)
    assert story == {
        "licence_no": "00-AA-000009",
        "found": False,
        "open_findings": [],
        "tickets": 1,
        "rejected": {"reasons": '["VALIDITY_RANGE"]', "at": "2000-10-09T16:00:00+08:00"},
    }
