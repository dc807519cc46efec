"""Years of data (docs/retention.md): a supervisor's legal hold keeps a licence out of the
archive whatever its age. One row per licence on hold; releasing the hold deletes the row
(the audit keeps who held it, when and why)."""

STATEMENTS = [
    """CREATE TABLE legal_holds (
        licence_no TEXT PRIMARY KEY, held_at TEXT NOT NULL, held_by TEXT NOT NULL, reason TEXT NOT NULL)""",
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
