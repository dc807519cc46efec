"""`ediops licence NO --statement` (2000 notice §7: 退证/换证): what customs released, with
declaration, port, date and quantity, the amendments and cancellations, used and left."""

import json

from tests.support.records import batch, licence, writeoff


def _write(path, values) -> str:
    path.write_text("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values), encoding="utf-8")
    return str(path)


def test_a_statement_lists_releases_corrections_and_the_tally(cli, tmp_path):
    hostile = "Trader \x1b]0;owned\x07[bold]x[/]"
    assert (
        cli(
            "ingest", _write(tmp_path / "b.jsonl", [batch(licence(trader={"code": "1100000001", "name": hostile}))])
        ).returncode
        == 0
    )
    records = [
        writeoff("530020000000001", quantity="300"),
        writeoff("530020000000002", quantity="200", released_on="2000-10-21"),
        writeoff("530020000000001", action="amend", quantity="250"),
        writeoff("530020000000002", action="cancel", quantity=None, unit=None),
    ]
    for r in records:
        if r["quantity"] is None:
            del r["quantity"], r["unit"]
    assert cli("writeoffs", _write(tmp_path / "w.jsonl", records)).returncode == 0
    result = cli("licence", "00-AA-000001", "--statement")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "Statement of licence 00-AA-000001 (export)" in text and "\x1b" not in text and "[bold]x[/]" in text
    assert " 1/12  declaration 530020000000001  port 5300  on 2000-10-20  250 TNE" in text
    assert " 2/12  declaration 530020000000002  port 5300  on 2000-10-21  200 TNE  CANCELLED" in text
    assert "declaration 530020000000001  port 5300  amended to 250 TNE" in text
    assert "declaration 530020000000002  port 5300  cancelled" in text
    assert "Used 250.000 TNE, remaining 750.000 TNE; uses 2/12" in text
    assert cli("licence", "00-AA-000001", "--statement", "--json").returncode == 2
    unknown = cli("licence", "00-AA-999999", "--statement")
    assert unknown.returncode == 1 and "never accepted" in unknown.stderr
