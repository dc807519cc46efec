"""docs/safeguards.md strict input: one validation boundary for everything from outside. Each test
here failed on the code before it (a traceback, a value stored that should be refused, or
a whole feed pass lost to one record)."""

from __future__ import annotations

import json

import pytest

from ediops import store
from ediops import strict_json
from ediops.licensing import contract
from ediops.errors import InputError
from tests.support.records import batch, licence

UNITS = {"TNE": "tonne", "KGM": "kilogram", "PCE": "piece"}


def _ingest_text(cli, tmp_path, text: str, name: str = "b.json"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return cli("ingest", str(path))


def _verdict(record) -> list[str]:
    verdict, _ = contract.validate_licence(record, issuer="AA", units=UNITS)
    return verdict.reasons


# ---------------------------------------------------------------- ASCII digits (docs/wire.md, docs/safeguards.md)


@pytest.mark.parametrize(
    "field, value",
    [
        ("licence_no", "٠٠-AA-٠٠٠١٠١"),  # Arabic-Indic digits: \d took them
        ("port", "٥٣٠٠"),
        ("quantity", "١٢٠٠.٥"),
        ("issued_on", "２０００-10-09"),  # fullwidth
        ("commodity", {"hs_code": "١٠٠٥٩٠١٠٠٠", "name": "Maize"}),
    ],
)
def test_only_ascii_digits_are_digits(field, value):
    assert _verdict(licence(**{field: value})) == ["BAD_VALUE"]


def test_a_quantity_has_at_most_15_digits_before_the_point():
    assert _verdict(licence(quantity="1" * 15 + ".500")) == []
    assert _verdict(licence(quantity="1" * 16)) == ["BAD_VALUE"]
    assert _verdict(licence(quantity="1" * 26 + ".5")) == ["BAD_VALUE"]  # was decimal.InvalidOperation


# ---------------------------------------------------------------- strict JSON


@pytest.mark.parametrize(
    "text, fault",
    [
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ('{"a": NaN}', "NaN"),
        ('{"a": -Infinity}', "-Infinity"),
        ('{"a": 1e309}', "out of range"),
        ('{"a": 100000000000000000000000000000}', "out of range"),
        ('{"a": 9223372036854775808}', "out of range"),
        ('{"a": "x\\ud800y"}', "lone surrogate"),
        ('{"a": "\\udc00"}', "lone surrogate"),
        ('{"a": ' + "[" * 64 + "]" * 64 + "}", "deeper than 64"),
    ],
)
def test_each_fault_of_section_15_is_marked(text, fault):
    value = strict_json.loads(text)
    assert fault in strict_json.fault(value)
    json.loads(json.dumps(value, allow_nan=False))  # what is kept of it is plain, storable JSON


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "\\ud83d\\ude00"}',
        '{"a": ' + "[" * 63 + "]" * 63 + "}",
        '{"a": "[[[[[[[[[[" }',
        '{"a": 9223372036854775807}',
    ],
)
def test_what_is_fine_stays_fine(text):
    assert strict_json.fault(strict_json.loads(text)) is None


def test_nesting_too_deep_to_parse_is_one_clear_error():
    with pytest.raises(InputError, match="nested deeper than 64"):
        strict_json.loads("[" * 100_000 + "]" * 100_000)  # was RecursionError


def test_a_fault_costs_only_its_record(cli, tmp_path, db_path):
    good = json.dumps(licence("00-AA-000001"))
    bad = [
        '{"licence_no": "00-AA-000002", "licence_no": "00-AA-000002"}',
        json.dumps(licence("00-AA-000003")).replace('"1000.000"', "NaN"),
        json.dumps(licence("00-AA-000004")).replace('"1000.000"', "1e309"),
        json.dumps(licence("00-AA-000005")).replace('"Maize"', '"Mai\\ud800ze"'),
        json.dumps(licence("00-AA-000006", quantity="1" * 26)),
        json.dumps(
            licence("00-AA-000007", remarks=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]])
        ).replace("[]", "[" * 70 + "]" * 70),
    ]
    header = json.dumps(batch())[:-2]  # ..."records": [
    result = _ingest_text(cli, tmp_path, header + ", ".join([good, *bad]) + "]}")
    assert result.returncode == 0, result.stderr
    ack = json.loads(result.stdout)
    assert ack["accepted"] == ["00-AA-000001"]
    assert {r["licence_no"] for r in ack["rejected"]} == {f"00-AA-00000{n}" for n in range(2, 8)}
    assert all(r["reasons"] == ["BAD_VALUE"] for r in ack["rejected"])
    db = store.connect(db_path)
    raw = db.execute("SELECT raw FROM batches").fetchone()[0]
    assert "Infinity" not in raw and "NaN" not in raw.replace('"NaN"', "")
    json.loads(raw)  # valid JSON as stored (1e309 was stored as Infinity)
    for (record,) in db.execute("SELECT record FROM rejections"):
        json.loads(record)


@pytest.mark.parametrize(
    "change, said",
    [
        ({"record_count": 2**63}, "out of range"),  # was OverflowError
        ({"record_count": 10**30}, "out of range"),
        ({"issuer": "A\ud800"}, "lone surrogate"),
    ],
)
def test_a_fault_in_the_batch_itself_is_the_batch_refused(cli, tmp_path, change, said):
    text = json.dumps(batch(licence()) | change)
    result = _ingest_text(cli, tmp_path, text)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and said in result.stderr and "Traceback" not in result.stderr


def test_a_duplicate_key_in_the_batch_itself_refuses_the_batch(cli, tmp_path):
    text = json.dumps(batch(licence()))[:-1] + ', "kind": "urgent"}'
    result = _ingest_text(cli, tmp_path, text)
    assert result.returncode == 1 and "duplicate key 'kind'" in result.stderr


def test_deep_nesting_in_a_file_is_one_line_not_a_traceback(cli, tmp_path):
    result = _ingest_text(cli, tmp_path, "[" * 5000 + "]" * 5000)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "nested deeper than 64" in result.stderr and "Traceback" not in result.stderr


# ---------------------------------------------------------------- files


def test_an_empty_file_is_an_error(cli, tmp_path):
    for text in ("", "  \n\n"):
        result = _ingest_text(cli, tmp_path, text)
        assert result.returncode == 1 and "empty file" in result.stderr


def test_json_lines_end_at_newline_only(cli, tmp_path):
    first = json.dumps(batch(licence(remarks="one\u2028two\u2029three\x85four")), ensure_ascii=False)
    second = json.dumps(batch(licence("00-AA-000002"), batch_id="AA-20001009-02"), ensure_ascii=False)
    result = _ingest_text(cli, tmp_path, first + "\r\n" + second + "\r\n", name="b.jsonl")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["accepted"] for line in result.stdout.splitlines()] == [["00-AA-000001"], ["00-AA-000002"]]


def test_nan_in_a_file_names_its_line(cli, tmp_path):
    good = {"issuer": "AA", "business_date": "2000-10-09", "licence_nos": ["00-AA-000001"]}
    lines = [json.dumps(good), '{"issuer": "AA", "business_date": "2000-10-10", "licence_nos": NaN}']
    path = tmp_path / "s.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = cli("summary", str(path))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert f"{path}:2: NaN is not a number JSON allows" in result.stderr, result.stderr  # before: no line


def test_a_file_over_the_size_limit_is_refused(cli, tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    settings = _bundled("settings.toml").read_text(encoding="utf-8")
    (config / "settings.toml").write_text(settings.replace("max_file_bytes = 33554432", "max_file_bytes = 100000"))
    result = _ingest_text(cli, tmp_path, json.dumps(batch(licence(remarks="x" * 200_000))))
    assert result.returncode == 0  # the bundled limit takes it: the long remark is the record's fault
    assert json.loads(result.stdout)["rejected"][0]["reasons"] == ["BAD_VALUE"]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(batch(licence(remarks="x" * 200_000))), encoding="utf-8")
    result = cli("--config", str(config), "ingest", str(path))
    assert result.returncode == 1 and "over the 100000 byte limit" in result.stderr


def _bundled(name):
    from ediops.config import BUNDLED

    return BUNDLED / name


def test_summary_licence_numbers_are_checked(cli, tmp_path):
    """Each entry is checked on its own (docs/faults.md: a bad entry is flagged, the rest
    reconciled): the bad one is named by its position and reason, the good ones counted."""
    path = tmp_path / "s.json"
    for numbers, good, rejected in (
        (["00-AA-000001", "rubbish"], 1, {"position": 2, "licence_no": None, "reasons": ["BAD_VALUE"]}),
        (["00-AB-000001"], 0, {"position": 1, "licence_no": "00-AB-000001", "reasons": ["ISSUER_MISMATCH"]}),
        (["٠٠-AA-٠٠٠١٠١"], 0, {"position": 1, "licence_no": None, "reasons": ["BAD_VALUE"]}),
    ):
        path.write_text(json.dumps({"issuer": "AA", "business_date": "2000-10-09", "licence_nos": numbers}))
        said = cli.json("summary", str(path))
        assert said["licence_count"] == good and said["rejected"] == [rejected], said


def test_inspection_platform_fee_has_at_most_two_decimals(cli, tmp_path):
    report = {
        "bureau": "4700",
        "business_date": "2002-07-01",
        "declarations": [
            {
                "enterprise": {"code": "3302000001", "name": "x"},
                "agent": False,
                "channel": "direct",
                "batches": 1,
                "platform_fee": "1.2345",
            }
        ],
    }
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report))
    result = cli("inspection", str(path))
    assert result.returncode == 1 and "platform_fee" in result.stderr
    report["declarations"][0]["platform_fee"] = "1.25"
    path.write_text(json.dumps(report))
    assert cli("inspection", str(path)).returncode == 0


# ---------------------------------------------------------------- atomic commands


def test_several_files_each_atomic(cli, tmp_path):
    a = tmp_path / "a.json"
    b = tmp_path / "b.jsonl"
    c = tmp_path / "c.json"
    a.write_text(json.dumps(batch(licence("00-AA-000001"), batch_id="A")))
    # b: a good batch, then one that cannot be acknowledged: nothing of b is stored
    b.write_text(json.dumps(batch(licence("00-AA-000002"), batch_id="B")) + "\n" + json.dumps({"records": []}) + "\n")
    c.write_text(json.dumps(batch(licence("00-AA-000003"), batch_id="C")))
    result = cli("ingest", str(a), str(b), str(c))
    assert result.returncode == 1
    assert [json.loads(line)["batch_id"] for line in result.stdout.splitlines()] == ["A", "C"]
    assert result.stderr.count("\n") == 1 and f"{b}:2" in result.stderr
    assert cli("licence", "00-AA-000001").returncode == 0
    assert cli("licence", "00-AA-000003").returncode == 0
    assert cli("licence", "00-AA-000002").returncode == 1


def test_a_read_only_data_file_is_one_clear_line(cli, tmp_path, db_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps(batch(licence())))
    assert cli("ingest", str(path)).returncode == 0
    ro = tmp_path / "ro"
    ro.mkdir()
    copy = ro / "ediops.db"
    copy.write_bytes(db_path.read_bytes())
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    os.chmod(copy, 0o444)
    os.chmod(ro, 0o555)
    try:
        # root ignores file modes: the check runs as an unprivileged user when there is one
        argv = [sys.executable, str(ROOT / "main.py"), "--db", str(copy), "ingest", str(path)]
        user = _nobody()
        if user is not None:
            os.chmod(path, 0o644)
            argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]
        else:
            argv = [*argv[:3], f"file:{copy}?mode=ro", *argv[4:]]
        result = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=60)
    finally:
        os.chmod(ro, 0o755)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"data file {copy}" in result.stderr or "cannot read" in result.stderr, result.stderr


def _nobody() -> int | None:
    import pwd
    import shutil

    if shutil.which("setpriv") is None:
        return None
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        return None
