"""The 2002 notice's tables (docs/inspection.md): `bureau_reports` (one per bureau and day, with
its content hash), their `inspection_declarations` and `inspection_certificates`, and the
view `inspection_applications` (each certificate's latest state)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Collection, Iterable, Sequence

from ediops.store import rows, rows_in

if TYPE_CHECKING:
    from ediops.store import Database, Queryable

# -- bureau reports ----------------------------------------------------------------------------


def report_hash(db: Queryable, bureau: str, business_date: str) -> str | None:
    """The stored report's content hash, or None when that report was never received."""
    row = db.execute(
        "SELECT content_hash FROM bureau_reports WHERE bureau = ? AND business_date = ?", [bureau, business_date]
    ).fetchone()
    return row[0] if row else None


def count_repeat(db: Database, bureau: str, business_date: str) -> None:
    db.execute(
        "UPDATE bureau_reports SET times_received = times_received + 1 WHERE bureau = ? AND business_date = ?",
        [bureau, business_date],
    )


def insert_report(db: Database, bureau: str, business_date: str, values: dict[str, Any]) -> None:
    db.table("bureau_reports").insert({"bureau": bureau, "business_date": business_date, **values})


def correct_report(db: Database, bureau: str, business_date: str, values: dict[str, Any]) -> None:
    """A corrected report replaces the day's rows (the caller inserts the new ones)."""
    key = [bureau, business_date]
    db.execute("DELETE FROM inspection_declarations WHERE bureau = ? AND business_date = ?", key)
    db.execute("DELETE FROM inspection_certificates WHERE bureau = ? AND business_date = ?", key)
    sets = ", ".join(f"{k} = :{k}" for k in values)
    db.execute(
        f"UPDATE bureau_reports SET {sets}, times_received = times_received + 1, "
        f"corrections = corrections + 1 WHERE bureau = :bureau AND business_date = :business_date",
        {**values, "bureau": bureau, "business_date": business_date},
    )


def insert_rows(db: Database, declarations: Iterable[dict[str, Any]], certificates: Iterable[dict[str, Any]]) -> None:
    db.table("inspection_declarations").insert_all(declarations)
    db.table("inspection_certificates").insert_all(certificates)


def months_and_days(db: Queryable, bureau: str, business_date: str) -> tuple[set, set]:
    """The (enterprise, month)s and (enterprise, day)s a report's stored rows count in,
    including other reports' rows of the same certificates (whose latest state it may change)."""
    args = [bureau, business_date]
    months = set(
        db.execute(
            "SELECT enterprise, month FROM inspection_declarations WHERE bureau = ? AND business_date = ?", args
        ).fetchall()
    )
    days = set(
        db.execute(
            "SELECT enterprise, business_date FROM inspection_declarations WHERE bureau = ? AND business_date = ?", args
        ).fetchall()
    )
    months |= set(
        db.execute(
            "SELECT c.enterprise, c.month FROM inspection_certificates c WHERE c.bureau = ? AND c.certificate_no IN "
            "(SELECT certificate_no FROM inspection_certificates WHERE bureau = ? AND business_date = ?)",
            [bureau, *args],
        ).fetchall()
    )
    return months, days


# -- what the rules read -----------------------------------------------------------------------


def declarations_of_month(db: Queryable, enterprise: str, month: str) -> list[dict[str, Any]]:
    return rows(
        db,
        "SELECT business_date, bureau, channel, batches, agent, platform_fee, enterprise_name AS name "
        "FROM inspection_declarations WHERE enterprise = ? AND month = ? ORDER BY business_date, bureau, position",
        [enterprise, month],
    )


def declarations_of_day(db: Queryable, enterprise: str, day: str) -> list[dict[str, Any]]:
    return rows(
        db,
        "SELECT bureau, agent, platform_fee FROM inspection_declarations WHERE enterprise = ? AND business_date = ?",
        [enterprise, day],
    )


def applications_of_month(db: Queryable, enterprise: str, month: str) -> list[dict[str, Any]]:
    """The enterprise's certificate applications of the month, each in its latest state."""
    return rows(
        db,
        "SELECT certificate_no, bureau, channel, submitted_at, issued_at, enterprise_name AS name "
        "FROM inspection_applications WHERE enterprise = ? AND month = ? ORDER BY submitted_at, certificate_no",
        [enterprise, month],
    )


# -- the desk's month per bureau ---------------------------------------------------------------


def _electronic(channels: Collection[str]) -> str:
    return f"channel IN ({', '.join(repr(c) for c in sorted(channels))})"


def declarations_by_bureau(db: Queryable, month: str, electronic: Collection[str]) -> list[tuple]:
    """(bureau, batches, electronic batches, self-declarers' pre-entry batches, enterprises)."""
    return db.execute(
        f"SELECT bureau, sum(batches), sum(CASE WHEN {_electronic(electronic)} THEN batches ELSE 0 END), "
        "sum(CASE WHEN agent = 0 AND channel = 'pre_entry' THEN batches ELSE 0 END), count(DISTINCT enterprise) "
        "FROM inspection_declarations WHERE month = ? GROUP BY bureau",
        [month],
    ).fetchall()


def applications_by_bureau(db: Queryable, month: str) -> list[tuple]:
    """(bureau, applications, e-visas)."""
    return db.execute(
        "SELECT bureau, count(*), sum(channel = 'electronic') FROM inspection_applications "
        "WHERE month = ? GROUP BY bureau",
        [month],
    ).fetchall()


def fees_charged(db: Queryable, month: str) -> list[tuple[str, str]]:
    """(bureau, platform fee) of each declaration that charged a non-agent a fee."""
    return db.execute(
        "SELECT bureau, platform_fee FROM inspection_declarations "
        "WHERE month = ? AND agent = 0 AND platform_fee GLOB '*[1-9]*'",
        [month],
    ).fetchall()


def daily_by_bureau(db: Queryable, month: str, electronic: Collection[str]) -> list[tuple]:
    """(bureau, business_date, batches, electronic batches), by day."""
    return db.execute(
        f"SELECT bureau, business_date, sum(batches), sum(CASE WHEN {_electronic(electronic)} THEN batches ELSE 0 END) "
        "FROM inspection_declarations WHERE month = ? GROUP BY bureau, business_date ORDER BY business_date",
        [month],
    ).fetchall()


def enterprise_names(db: Queryable, enterprises: Sequence[str]) -> dict[str, str]:
    """Each enterprise's name as its latest declaration gave it."""
    found: dict[str, str] = {}
    for enterprise, name in rows_in(
        db,
        "SELECT enterprise, enterprise_name FROM inspection_declarations WHERE enterprise IN ({}) "
        "ORDER BY business_date, id",
        list(enterprises),
    ):
        found[enterprise] = name
    return found
