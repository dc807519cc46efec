"""A daily summary with one bad entry (issue 21): the entry is flagged, the rest reconciled."""

from __future__ import annotations

import json

from tests.support.records import batch, licence


def _write(path, value) -> str:
    path.write_text(json.dumps(value), encoding="utf-8")
    return str(path)


def test_a_summary_naming_another_issuers_licence_is_reconciled_and_the_entry_flagged(cli, tmp_path):
    cli("ingest", _write(tmp_path / "b.json", batch(licence("00-AA-000001"))), check=True)
    summary = {
        "issuer": "AA",
        "business_date": "2000-10-09",
        "licence_nos": ["00-AA-000001", "00-BB-000004", "00-AA-000002", 7],
    }
    result = cli.json("summary", _write(tmp_path / "s.json", summary))
    assert result["licence_count"] == 2
    assert result["rejected"] == [
        {"position": 2, "licence_no": "00-BB-000004", "reasons": ["ISSUER_MISMATCH"]},
        {"position": 4, "licence_no": None, "reasons": ["BAD_VALUE"]},
    ]
    found = {(f["code"], f["subject"]): f for f in cli.json("findings", "--json") if f["status"] == "open"}
    assert ("MISSING_FROM_FEED", "licence:00-AA-000002") in found  # the good entry never arrived
    assert ("MISSING_FROM_FEED", "licence:00-AA-000001") not in found
    entry = found[("RECORD_REJECTED", "licence:00-BB-000004")]
    assert "AA 2000-10-09" in json.dumps(entry, ensure_ascii=False)
    assert ("RECORD_REJECTED", "issuer:AA:2000-10-09") in found  # an unreadable entry: on the summary

    summary["licence_nos"] = ["00-AA-000001", "00-AA-000002"]  # the issuer corrects its summary
    cli.json("summary", _write(tmp_path / "s2.json", summary))
    codes = {(f["code"], f["subject"]) for f in cli.json("findings", "--json") if f["status"] == "open"}
    assert not any(code == "RECORD_REJECTED" for code, _ in codes)
    assert ("MISSING_FROM_FEED", "licence:00-AA-000002") in codes
