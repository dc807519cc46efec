"""The docs/commands.md commands of the foundation, run as the real `ediops` command on a temporary file."""

import json

from ediops.text import has_controls

from tests.support.records import batch, licence, writeoff
from tests.licensing.test_ingest import HOSTILE

FIELDS = {
    "code",
    "status",
    "licence_no",
    "batch_id",
    "issuer",
    "declaration_no",
    "enterprise",
    "period",
    "ticket_id",
    "detail",
}


def _write(path, *values, lines=True):
    path.write_text(
        "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values)
        if lines
        else json.dumps(values[0], ensure_ascii=False),
        encoding="utf-8",
    )
    return str(path)


def test_a_file_that_cannot_be_parsed_changes_nothing(cli, tmp_path):
    """Each file alone (docs/safeguards.md): the bad file changes nothing, the good one is stored."""
    good = _write(tmp_path / "good.json", batch(licence()), lines=False)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(batch(licence("00-AA-000002"), batch_id="B2")) + "\n{not json\n", encoding="utf-8")
    result = cli("ingest", str(bad), good)
    assert result.returncode == 1 and json.loads(result.stdout)["accepted"] == ["00-AA-000001"]
    assert result.stderr.count("\n") == 1 and f"{bad}:2: not valid JSON" in result.stderr
    assert cli("licence", "00-AA-000002").returncode == 1
    assert cli.json("findings", "--json") == []


def test_batch_without_batch_id_is_bad_input(cli, tmp_path):
    result = cli("ingest", _write(tmp_path / "b.jsonl", batch(licence()), {"records": []}))
    assert result.returncode == 1 and ":2: batch_id missing" in result.stderr


def test_invalid_record_is_a_rejection_not_an_error(cli, tmp_path):
    result = cli("ingest", _write(tmp_path / "b.jsonl", batch(licence(quantity=12.5))), check=True)
    ack = json.loads(result.stdout)
    assert ack["rejected"] == [{"licence_no": "00-AA-000001", "reasons": ["BAD_VALUE"]}]


def test_findings_json_shape_and_filters(cli, tmp_path):
    cli(
        "ingest",
        _write(tmp_path / "b.jsonl", batch(licence(), licence("00-AA-000002", unit="XXX"), record_count=5)),
        check=True,
    )
    rows = cli.json("findings", "--json")
    assert all(FIELDS <= set(row) for row in rows)
    [rejected] = cli.json("findings", "--json", "--code", "RECORD_REJECTED")
    assert rejected["licence_no"] == "00-AA-000002" and rejected["declaration_no"] is None
    assert rejected["detail"]["reasons"] == rejected["detail"]["records"][0]["reasons"] == ["BAD_VALUE"]
    [count] = cli.json("findings", "--json", "--code", "BATCH_COUNT_MISMATCH")
    assert count["batch_id"] == "AA-20001009-01" and count["detail"] == {"declared_count": 5, "received_count": 2}


def test_findings_resolve_needs_a_note_and_is_told_when_late(cli, tmp_path):
    cli("ingest", _write(tmp_path / "b.jsonl", batch(licence(unit="XXX"))), check=True)
    [finding] = cli.json("findings", "--json", "--open")
    assert cli("findings", "resolve", str(finding["id"]), "--note", "phoned issuer").returncode == 0
    assert cli.json("findings", "--json", "--open") == []
    again = cli("findings", "resolve", str(finding["id"]), "--note", "me too")
    assert again.returncode == 1 and "already resolved" in again.stderr
    assert cli("findings", "resolve", str(finding["id"])).returncode == 2


def test_hostile_text_is_printed_without_control_characters(cli, tmp_path):
    record = licence(trader={"code": "1100000001", "name": HOSTILE}, remarks=HOSTILE)
    cli("ingest", _write(tmp_path / "b.jsonl", batch(record)), check=True)
    cli(
        "writeoffs",
        _write(tmp_path / "w.jsonl", writeoff("D1", operating_unit={"code": "9999999999", "name": HOSTILE})),
        check=True,
    )
    text = cli("licence", "00-AA-000001", check=True).stdout
    assert "[/]" in text and "[link=http://evil.example]" in text
    assert not has_controls(text.replace("\n", ""))
    assert not has_controls(cli("findings", check=True).stdout.replace("\n", ""))
    raw = cli("licence", "00-AA-000001", "--json", check=True).stdout
    assert not has_controls(raw.strip())
    assert json.loads(raw)["trader_name"] == HOSTILE


def test_licence_shows_fields_lifecycle_releases_and_tally(cli, tmp_path):
    cli("ingest", _write(tmp_path / "b.jsonl", batch(licence(quantity="100"))), check=True)
    cli(
        "writeoffs",
        _write(
            tmp_path / "w.jsonl", writeoff("D1", quantity="30"), writeoff("D2", quantity="20"), writeoff("D2", "cancel")
        ),
        check=True,
    )
    text = cli("licence", "00-AA-000001", check=True).stdout
    assert "used 30.000 of 100.000 TNE, remaining 70.000; uses 2 of 12" in text
    assert "received" in text and "released" in text and "cancelled" in text
    view = cli.json("licence", "00-AA-000001", "--json")
    assert (view["licence_no"], view["quantity"], view["state"]) == ("00-AA-000001", "100", "received")
    assert [e["event"] for e in view["lifecycle"]] == ["received", "released", "released", "cancelled"]
    assert [(r["declaration_no"], r["status"], r["slot"]) for r in view["releases"]] == [
        ("D1", "active", 1),
        ("D2", "cancelled", 2),
    ]


def test_unknown_licence_exits_1_with_one_line(cli):
    result = cli("licence", "00-ZZ-999999")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "00-ZZ-999999" in result.stderr


def test_invalid_writeoff_file_changes_nothing(cli, tmp_path):
    path = _write(tmp_path / "w.jsonl", writeoff("D1"), writeoff("D2", unit="LBS"))
    result = cli("writeoffs", path)
    assert result.returncode == 1 and f"{path}:2: write-off D2: unit" in result.stderr
    assert cli.json("findings", "--json") == []


def test_summary_then_reconcile_for_a_date(cli, tmp_path):
    cli("ingest", _write(tmp_path / "b.jsonl", batch(licence())), check=True)
    summary = _write(
        tmp_path / "s.json",
        {"issuer": "AA", "business_date": "2000-10-09", "licence_nos": ["00-AA-000001", "00-AA-000002"]},
        lines=False,
    )
    assert cli.json("summary", summary) == {"issuer": "AA", "business_date": "2000-10-09", "licence_count": 2}
    result = cli.json("reconcile", "--date", "2000-10-09")
    assert result["business_date"] == "2000-10-09" and result["open"]["MISSING_FROM_FEED"] == 1
    assert cli("reconcile", "--date", "yesterday").returncode == 2
    bad = _write(tmp_path / "bad.json", {"issuer": "AA", "business_date": "2000-10-09"}, lines=False)
    result = cli("summary", bad)
    assert result.returncode == 1 and "licence_nos" in result.stderr


def test_wrong_usage_exits_2(cli):
    assert cli("findings", "--bogus").returncode == 2
    assert cli("ingest").returncode == 2
