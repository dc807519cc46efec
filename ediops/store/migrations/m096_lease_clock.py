"""The lease also on the monotonic clock (docs/faults.md: a clock that jumps): its expiry as
that machine's monotonic time, with the boot it belongs to. Processes of the same boot judge
the lease by it, so a wall clock stepped an hour forward or back neither hands the lease over
while its holder lives nor keeps it for a holder that died."""

STATEMENTS = [
    "ALTER TABLE lease ADD COLUMN boot_id TEXT",
    "ALTER TABLE lease ADD COLUMN mono_expires REAL",
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
