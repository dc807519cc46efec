"""Indexes the desk's queries need to stay quick with a million licences: the licence
browser's search by the start of a trader's name (case-insensitive, so LIKE 'x%' can seek),
and the issuer-feeds pane's batches of one business date."""

STATEMENTS = [
    "CREATE INDEX IF NOT EXISTS licences_trader_nocase ON licences(trader_name COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS batches_date ON batches(business_date, issuer)",
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
