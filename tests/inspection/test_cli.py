"""`ediops inspection FILE...` as a real subprocess on a real data file."""

from __future__ import annotations

import json

import pytest

from ediops import store

from .reports import ENT, declaration, report

NOW = "2002-07-20T10:00:00+08:00"
GOOD = report("2002-07-01", [declaration("direct", 4), declaration("manual", 1)])


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def _rows(db_path):
    db = store.connect(db_path)
    try:
        return {
            t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("bureau_reports", "inspection_declarations", "findings")
        }
    finally:
        db.close()


@pytest.mark.parametrize("shape", ["object", "array", "lines"])
def test_loads_every_shape_and_prints_one_json_line_per_report(cli, tmp_path, shape):
    other = report("2002-07-02", [declaration("pre_entry", 1, code="3302000002")], bureau="3100")
    text = {
        "object": json.dumps(GOOD),
        "array": json.dumps([GOOD, other]),
        "lines": json.dumps(GOOD) + "\n\n" + json.dumps(other) + "\n",
    }[shape]
    result = cli("inspection", _write(tmp_path / "r.json", text), now=NOW)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["status"] == "loaded" and lines[0]["batches"] == 5
    assert lines[0]["findings_opened"] == [{"code": "EDECL_REQUIRED", "subject": f"enterprise:{ENT}:2002-07"}]
    assert len(lines) == (1 if shape == "object" else 2)


def test_loading_the_same_file_again_changes_nothing(cli, tmp_path):
    path = _write(tmp_path / "r.json", json.dumps(GOOD))
    cli("inspection", path, now=NOW, check=True)
    again = json.loads(cli("inspection", path, now=NOW, check=True).stdout)
    assert (again["status"], again["findings_opened"]) == ("unchanged", [])
    assert _rows(cli.db_path) == {"bureau_reports": 1, "inspection_declarations": 2, "findings": 1}


BAD = [
    ("broken.jsonl", json.dumps(GOOD) + '\n{"bureau": "4700",\n', ":2: not valid JSON"),
    ("bureau.json", json.dumps([GOOD, {**GOOD, "bureau": "47"}]), ": item 2: bureau: bad value '47'"),
    (
        "channel.json",
        json.dumps(report(declarations=[declaration("fax", 1)])),
        "declarations[0].channel: 'fax' is not one of",
    ),
    ("batches.json", json.dumps(report(declarations=[declaration("direct", -1)])), "declarations[0].batches"),
    ("fee.json", json.dumps(report(declarations=[declaration(fee=1.5)])), "declarations[0].platform_fee"),
    (
        "enterprise.json",
        json.dumps(report(declarations=[declaration(code="33020000")])),
        "declarations[0].enterprise.code",
    ),
    ("date.json", json.dumps({**GOOD, "business_date": "2002-02-30"}), "business_date: not a date"),
    ("licence.json", json.dumps({"batch_id": "AA-1", "records": []}), "not a bureau report"),
]


@pytest.mark.parametrize("name,text,message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_exits_1_names_file_and_place_and_changes_nothing(cli, tmp_path, name, text, message):
    """docs/safeguards.md: each file is atomic; the good file given with it is stored."""
    good = _write(tmp_path / "good.json", json.dumps(report("2002-07-05", [declaration("manual", 9)])))
    bad = _write(tmp_path / name, text)
    result = cli("inspection", bad, good, now=NOW)
    assert result.returncode == 1
    assert [json.loads(line)["business_date"] for line in result.stdout.splitlines()] == ["2002-07-05"]
    [line] = result.stderr.splitlines()
    assert line.startswith(f"ediops inspection: {bad}") and message in line, line
    assert _rows(cli.db_path) == {"bureau_reports": 1, "inspection_declarations": 1, "findings": 1}


def test_a_missing_file_exits_1_and_no_file_is_wrong_usage(cli, tmp_path):
    missing = cli("inspection", str(tmp_path / "nope.json"), now=NOW)
    assert missing.returncode == 1 and "nope.json" in missing.stderr
    assert cli("inspection", now=NOW).returncode == 2


def test_findings_json_names_enterprise_and_period(cli, tmp_path):
    fee = report("2002-07-02", [declaration("pre_entry", 1, fee="5.00")])
    cli("inspection", _write(tmp_path / "r.jsonl", json.dumps(GOOD) + "\n" + json.dumps(fee)), now=NOW, check=True)
    found = {(f["code"], f["period"]): f for f in cli.json("findings", "--json", "--open", now=NOW)}
    assert set(found) == {
        ("EDECL_REQUIRED", "2002-07"),
        ("PRE_ENTRY_SELF_DECLARER", "2002-07"),
        ("PLATFORM_FEE_CHARGED", "2002-07-02"),
    }
    assert all(f["enterprise"] == ENT and f["licence_no"] is None and f["ticket_id"] is None for f in found.values())


def test_reconcile_opens_vendor_support_overdue_a_day_after_routing(cli):
    ticket = cli(
        "ticket",
        "new",
        "--caller",
        "Li",
        "--phone",
        "0574-8800",
        "--org",
        "Ningbo Textiles",
        "--category",
        "software",
        "--text",
        "client cannot sign",
        now="2002-07-20T09:00:00+08:00",
        check=True,
    ).stdout.strip()
    cli("ticket", "route", ticket, "--to", "vendor-jiucheng", now="2002-07-20T10:00:00+08:00", check=True)
    cli("reconcile", now="2002-07-21T09:59:00+08:00", check=True)
    assert cli.json("findings", "--json", "--code", "VENDOR_SUPPORT_OVERDUE", now=NOW) == []
    cli("reconcile", now="2002-07-21T10:00:00+08:00", check=True)
    [finding] = cli.json("findings", "--json", "--code", "VENDOR_SUPPORT_OVERDUE", now=NOW)
    assert (finding["ticket_id"], finding["status"]) == (ticket, "open")
