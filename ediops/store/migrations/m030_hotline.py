"""Hotline: when a ticket was routed and resolved, lookups by phone and route, and full-text
search over tickets and their notes.

The FTS5 tables have the shape sqlite-utils' `enable_fts(create_triggers=True)` gives them
(`<table>_fts`, content=<table>, triggers `_ai/_ad/_au`), so sqlite-utils detects and
searches them; they are written out here because `enable_fts` runs `executescript`, which
would commit the migration's transaction halfway. The trigram tokenizer matches any
three-character substring, so Chinese names and partial licence numbers are found too."""

_FTS = {
    "tickets": ("caller", "phone", "org", "licence_no", "batch_id", "text"),
    "ticket_notes": ("text",),
}


def _fts_statements(table: str, columns: tuple[str, ...]) -> list[str]:
    cols = ", ".join(f"[{c}]" for c in columns)
    new = ", ".join(f"new.[{c}]" for c in columns)
    old = ", ".join(f"old.[{c}]" for c in columns)
    fts = f"[{table}_fts]"
    delete = f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old});"
    insert = f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING FTS5 ({cols}, tokenize='trigram', content=[{table}])",
        f"INSERT INTO {fts} (rowid, {cols}) SELECT rowid, {cols} FROM [{table}]",
        f"CREATE TRIGGER [{table}_ai] AFTER INSERT ON [{table}] BEGIN {insert} END",
        f"CREATE TRIGGER [{table}_ad] AFTER DELETE ON [{table}] BEGIN {delete} END",
        f"CREATE TRIGGER [{table}_au] AFTER UPDATE ON [{table}] BEGIN {delete} {insert} END",
    ]


STATEMENTS = [
    "ALTER TABLE tickets ADD COLUMN routed_at TEXT",
    "ALTER TABLE tickets ADD COLUMN resolved_at TEXT",
    "CREATE INDEX tickets_phone ON tickets(phone, opened_at)",
    "CREATE INDEX tickets_routed ON tickets(routed_to, status)",
    "CREATE INDEX tickets_licence ON tickets(licence_no)",
    "CREATE INDEX ticket_notes_ticket ON ticket_notes(ticket_id, id)",
    *(s for table, columns in _FTS.items() for s in _fts_statements(table, columns)),
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
