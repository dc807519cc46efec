"""Machine-readable output is the same in Chinese and English (docs/languages.md): the same
commands on the same data file under `--lang en` and `--lang zh` print the same JSON, CSV and
JSON Lines and exit with the same statuses; only the human text differs, and the human text
in Chinese is Chinese (the report, the statement, the one-line errors)."""

from __future__ import annotations

import json
import re

import pytest

NOW = "2000-10-09T18:00:00+08:00"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _batch(batch_id: str, numbers: list[str], *, urgent: bool = False) -> dict:
    def record(number: str, bad: bool = False) -> dict:
        return {
            "licence_no": number,
            "direction": "import",
            "issued_on": "2000-10-09",
            "trader": {"code": "3702000001", "name": "青岛海鸥食品进出口有限公司"},
            "party": {"code": "3702000002", "name": "[bold]海鸥[/bold]\x1b[31m"},
            "commodity": {"hs_code": "10063000", "name": "大米"},
            "quantity": "100",
            "unit": "TNE",
            "country": "TH",
            "trade_mode": "一般贸易",
            "valid_from": "2000-10-09",
            "valid_to": "2000-01-01" if bad else "2000-12-31",
            "port": "4200",
            "one_batch": False,
            "remarks": "",
            "agents": [],
        }

    records = [record(n) for n in numbers] + [record("00-AA-000999", bad=True)]
    return {
        "batch_id": batch_id,
        "issuer": "AA",
        "business_date": "2000-10-09",
        "kind": "urgent" if urgent else "daily",
        "record_count": len(records) + 1,
        "sent_at": "2000-10-09T16:50:00+08:00",
        "records": records,
    }


WRITEOFFS = [
    {
        "licence_no": "00-AA-000001",
        "customs_code": "4200",
        "declaration_no": "420020000000001",
        "action": "release",
        "quantity": "60",
        "unit": "TNE",
        "released_on": "2000-10-20",
        "operating_unit": {"code": "3702000001", "name": "青岛海鸥食品进出口有限公司"},
    },
    {
        "licence_no": "00-AA-000001",
        "customs_code": "5300",
        "declaration_no": "530020000000002",
        "action": "release",
        "quantity": "60",
        "unit": "TNE",
        "released_on": "2000-10-21",
        "operating_unit": {"code": "9999999999", "name": "别的公司"},
    },
]

MACHINE = [
    ("findings", "--json"),
    ("findings", "--open", "--code", "OVER_QUANTITY", "--json"),
    ("licence", "00-AA-000001", "--json"),
    ("ticket", "list", "--json"),
    ("ticket", "show", "T-20001009-0001", "--json"),
    ("windows", "--json"),
    ("alerts", "--json"),
    ("report", "--format", "json"),
    ("report", "--format", "csv"),
    ("ticket", "summary", "--csv"),
]
FAILING = [
    ("licence", "99-ZZ-000000"),
    ("licence", "00-AA-000001", "--json", "--statement"),
    ("ticket", "show", "T-404"),
    ("ticket", "new", "--caller", "王", "--phone", "1", "--org", "x", "--category", "other", "--text", "t"),
    ("report", "--from", "2000-10-10T00:00:00+08:00", "--to", "2000-10-09T00:00:00+08:00"),
    ("findings", "resolve", "999", "--note", "没有这个"),
    ("no-such-command",),
]


@pytest.fixture
def files(tmp_path):
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps(_batch("AA-20001009-01", ["00-AA-000001", "00-AA-000002"]), ensure_ascii=False))
    writeoffs = tmp_path / "writeoffs.jsonl"
    writeoffs.write_text("\n".join(json.dumps(w, ensure_ascii=False) for w in WRITEOFFS))
    return batch, writeoffs


def _loaded(cli, files, lang: str) -> list:
    """Loads the files under `lang` and returns what the loading printed and its statuses."""
    batch, writeoffs = files
    printed = []
    for args in (("ingest", str(batch)), ("writeoffs", str(writeoffs))):
        done = cli("--lang", lang, *args)
        printed.append((done.returncode, done.stdout))
    done = cli(
        "--lang", lang, "ticket", "new", "--caller", "王小明", "--phone", "0532-8888", "--org", "海鸥食品",
        "--category", "return", "--licence", "00-AA-000001", "--text", "要退证，问放行了几次",
    )  # fmt: skip
    printed.append((done.returncode, done.stdout))
    return printed


def test_loading_prints_the_same_acks_in_both_languages(cli, files, tmp_path):
    from tests.conftest import Cli

    english = _loaded(cli, files, "en")
    chinese = _loaded(Cli(tmp_path / "zh.db", now=NOW), files, "zh")
    assert english == chinese
    assert [status for status, _ in english] == [0, 0, 0]


def test_json_csv_and_exit_statuses_are_the_same_in_both_languages(cli, files):
    _loaded(cli, files, "en")
    for args in MACHINE:
        en, zh = cli("--lang", "en", *args), cli("--lang", "zh", *args)
        assert (en.returncode, en.stdout) == (zh.returncode, zh.stdout), args
        assert en.returncode == 0 and en.stdout.strip(), (args, en.stderr)
    for args in FAILING:
        en, zh = cli("--lang", "en", *args), cli("--lang", "zh", *args)
        assert en.returncode == zh.returncode != 0, (args, en.stderr, zh.stderr)
        assert en.stdout == zh.stdout == ""
        assert len(zh.stderr.strip().splitlines()) == 1 or en.returncode == 2, (args, zh.stderr)


def test_the_errors_the_report_and_the_statement_are_chinese_under_zh(cli, files):
    _loaded(cli, files, "en")
    for args in FAILING[:-1]:
        said = cli("--lang", "zh", *args).stderr
        assert HAN.search(said), (args, said)
    report = cli("--lang", "zh", "report").stdout
    assert report.startswith("交班报告 2000年10月9日 16:00 至 18:00（截至目前；00:00 交班）\n")
    assert "急证：" in report and "告警：" in report
    statement = cli("--lang", "zh", "licence", "00-AA-000001", "--statement").stdout
    assert "核销情况说明（供退证/换证）" in statement and "2000年10月20日放行" in statement
    assert "纸面证书" in statement and "签注" in statement and "Releases" not in statement
    english = cli("--lang", "en", "licence", "00-AA-000001", "--statement").stdout
    assert "for a return or exchange" in english and "放行" not in english


def test_the_locale_chooses_chinese_and_the_setting_outranks_it(cli, files, tmp_path):
    said = cli("licence", "99-ZZ-000000", env={"LANG": "zh_CN.UTF-8"}).stderr
    assert "中心没有这份许可证" in said
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text('language = "en"\n')
    said = cli("--config", str(config), "licence", "99-ZZ-000000", env={"LANG": "zh_CN.UTF-8"}).stderr
    assert "not known to the centre" in said
    said = cli("--config", str(config), "--lang", "zh", "licence", "99-ZZ-000000").stderr
    assert "中心没有这份许可证" in said
