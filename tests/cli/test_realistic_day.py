"""A realistic day driven through the real `ediops` command: three issuers (AC never sends),
urgent and daily batches, resends, a conflict, summaries, every write-off anomaly, and the
corrections that close some of them."""

import json
from pathlib import Path

DATA = Path(__file__).parents[1] / "data"
CONFIG = ("--config", str(DATA / "config"))


def _run(cli, *args, now):
    return cli.json(*args, *CONFIG, now=f"2000-10-09T{now}:00+08:00")


def _ingest(cli, name, now):
    result = cli("ingest", str(DATA / name), *CONFIG, now=f"2000-10-09T{now}:00+08:00", check=True)
    return [json.loads(line) for line in result.stdout.splitlines()]


def _open(cli):
    return sorted((f["code"], f["subject"]) for f in _run(cli, "findings", "--open", "--json", now="18:15"))


def test_a_day_at_the_centre(cli):
    [urgent] = _ingest(cli, "aa_urgent.json", "10:00")
    assert urgent["accepted"] == ["00-AA-000101"]
    assert _ingest(cli, "aa_urgent.json", "10:05") == [urgent]  # identical resend: the same ack

    [aa] = _ingest(cli, "aa_daily.jsonl", "16:50")
    assert aa["accepted"] == ["00-AA-000001", "00-AA-000002", "00-AA-000003", "00-AA-000101"]
    assert aa["rejected"] == [
        {"licence_no": "00-AA-000004", "reasons": ["TEXTILE_EXCLUDED"]},
        {"licence_no": "00-AB-000009", "reasons": ["ISSUER_MISMATCH"]},
    ]

    ab1, ab1_again, ab2 = _ingest(cli, "ab_batches.json", "17:20")
    assert ab1_again == ab1 and (ab1["declared_count"], ab1["received_count"]) == (3, 2)
    assert ab2["accepted"] == []
    assert ab2["rejected"] == [
        {"licence_no": "00-AB-000001", "reasons": ["DUPLICATE_CONFLICT"]},
        {"licence_no": "00-AB-000003", "reasons": ["MISSING_FIELD"]},
        {"licence_no": "00-AB-000004", "reasons": ["VALIDITY_RANGE"]},
        {"licence_no": None, "reasons": ["BAD_VALUE"]},
    ]

    cli("summary", str(DATA / "summaries.jsonl"), *CONFIG, now="2000-10-09T17:40:00+08:00", check=True)
    counts = _run(cli, "writeoffs", str(DATA / "writeoffs.jsonl"), now="18:00")
    assert counts == {"received": 22, "stored": 21, "duplicates": 1, "invalid": 0}
    _run(cli, "reconcile", now="18:00")

    acks = [
        ("ACK_UNDELIVERED", f"batch:{b}")
        for b in ("AA-20001009-01", "AA-20001009-U1", "AB-20001009-01", "AB-20001009-02")
    ]
    rejected = [
        ("RECORD_REJECTED", s)
        for s in (
            "batch:AB-20001009-02",
            "licence:00-AA-000004",
            "licence:00-AB-000001",
            "licence:00-AB-000003",
            "licence:00-AB-000004",
            "licence:00-AB-000009",
        )
    ]
    assert _open(cli) == sorted(
        acks
        + rejected
        + [
            ("BATCH_COUNT_MISMATCH", "batch:AB-20001009-01"),
            ("FEED_LATE", "issuer:AC:2000-10-09"),
            ("MISSING_FROM_FEED", "licence:00-AA-000005"),
            ("NOT_IN_SUMMARY", "licence:00-AA-000003"),
            ("ONE_BATCH_REUSED", "declaration:D-0102"),
            ("OPERATING_UNIT_MISMATCH", "declaration:D-0004"),
            ("ORPHAN_CORRECTION", "declaration:D-0301"),
            ("OUTSIDE_VALIDITY", "declaration:D-0006"),
            ("OVER_QUANTITY", "licence:00-AA-000001"),
            ("OVER_QUANTITY", "licence:00-AA-000002"),
            ("PORT_MISMATCH", "declaration:D-0005"),
            ("UNIT_MISMATCH", "declaration:D-0007"),
            ("UNKNOWN_LICENCE", "declaration:D-0201"),
            ("URGENT_OVERDUE", "licence:00-AA-000101"),
            ("USE_LIMIT_EXCEEDED", "declaration:D-0013"),
        ]
    )
    tally = _run(cli, "licence", "00-AA-000001", "--json", now="18:05")["tally"]
    assert tally == {
        "licensed": "1000.000",
        "used": "1050.000",
        "remaining": "-50.000",
        "unit": "TNE",
        "uses": 13,
        "max_uses": 12,
    }
    assert _run(cli, "licence", "00-AB-000002", "--json", now="18:05")["tally"]["remaining"] == "0.000"

    _run(cli, "writeoffs", str(DATA / "corrections.json"), now="18:10")
    still_open = _open(cli)
    assert ("OVER_QUANTITY", "licence:00-AA-000001") not in still_open
    assert ("ORPHAN_CORRECTION", "declaration:D-0301") not in still_open
    assert ("OVER_QUANTITY", "licence:00-AA-000002") in still_open
    assert _run(cli, "licence", "00-AB-000001", "--json", now="18:15")["tally"]["used"] == "400.250"

    closed = _run(cli, "findings", "--code", "ORPHAN_CORRECTION", "--json", now="18:15")
    assert [(f["status"], f["declaration_no"], f["licence_no"]) for f in closed] == [
        ("resolved", "D-0301", "00-AB-000001")
    ]
