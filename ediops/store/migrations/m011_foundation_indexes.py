"""Indexes the foundation's queries need: a summary asks whether each listed licence was
ever received (accepted or rejected), and a write-off re-evaluation finds a licence's findings."""

STATEMENTS = [
    "CREATE INDEX IF NOT EXISTS rejections_licence ON rejections(licence_no)",
    "CREATE INDEX IF NOT EXISTS findings_code_licence ON findings(code, licence_no)",
    "CREATE INDEX IF NOT EXISTS findings_period ON findings(code, issuer, period)",
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
