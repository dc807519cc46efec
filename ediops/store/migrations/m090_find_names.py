"""Names found by any two or more of their characters (docs/languages.md): the desk's find
box takes 海鸥食品 for 青岛海鸥食品进出口有限公司.

`find_names` holds each distinct (name, kind, code) once: a trader's or party's name with its
enterprise code, a caller's or organisation's name with the ticket's id. Triggers fill it as
licences and tickets are written, by any writer, so nothing else has to remember it. Names
stay when licences go (retention): the enterprise is still known by its name.

`find_names_fts` is an FTS5 trigram index over each name *spread*, its characters joined by
U+001F: 海鸥食品 is indexed as 海␟鸥␟食␟品. A trigram of the spread text holds two of the
name's characters, so two typed characters (a two-character Chinese name) are one indexed
trigram, and longer text a phrase of them; the plain trigram tokenizer cannot answer two.
SQLite has no function to split a string, so the spread is written out as `substr` calls:
the first SPREAD_CHARS characters of a name are indexed (the find box takes 60)."""

SEPARATOR = "\x1f"
SPREAD_CHARS = 96


def spread(value: str) -> str:
    """SQL for `value` spread (its characters joined by SEPARATOR), in the index's own form.
    Cut into lengths of 16 so a name of 26 characters costs 32 `substr`s, not 96 (three
    times faster to write: bench/NOTES.md, "Names and the first frame")."""
    cases = []
    for upto in range(16, SPREAD_CHARS + 1, 16):
        chars = f" || '{SEPARATOR}' || ".join(f"substr({value}, {i}, 1)" for i in range(1, upto + 1))
        last = "ELSE" if upto == SPREAD_CHARS else f"WHEN length({value}) <= {upto} THEN"
        cases.append(f"{last} rtrim({chars}, '{SEPARATOR}')")
    return f"CASE {' '.join(cases)} END"


def _add(kind: str, name: str, code: str) -> str:
    """A name kept once; an empty name or a missing code is skipped by OR IGNORE (the table's
    NOT NULL and CHECK); plain VALUES costs a licence less than INSERT ... SELECT with a WHERE."""
    return f"INSERT OR IGNORE INTO find_names (name, kind, code) VALUES (trim({name}), '{kind}', {code});"


def _drop(kind: str, name: str, code: str) -> str:
    return f"DELETE FROM find_names WHERE name = trim({name}) AND kind = '{kind}' AND code = {code};"


STATEMENTS = [
    """CREATE TABLE find_names (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (name <> ''),
        kind TEXT NOT NULL,                       -- trader, party (code: enterprise), caller, org (code: ticket id)
        code TEXT NOT NULL, UNIQUE (name, kind, code))""",
    "CREATE VIRTUAL TABLE find_names_fts USING fts5(spread, tokenize = 'trigram', content = '', columnsize = 0)",
    "CREATE TRIGGER find_names_ai AFTER INSERT ON find_names BEGIN "
    f"INSERT INTO find_names_fts (rowid, spread) VALUES (new.id, {spread('new.name')}); END",
    "CREATE TRIGGER find_names_ad AFTER DELETE ON find_names BEGIN "
    f"INSERT INTO find_names_fts (find_names_fts, rowid, spread) VALUES ('delete', old.id, {spread('old.name')}); END",
    "CREATE TRIGGER licences_find_names AFTER INSERT ON licences BEGIN "
    f"{_add('trader', 'new.trader_name', 'new.trader_code')} {_add('party', 'new.party_name', 'new.party_code')} END",
    "CREATE TRIGGER tickets_find_names_ai AFTER INSERT ON tickets BEGIN "
    f"{_add('caller', 'new.caller', 'new.id')} {_add('org', 'new.org', 'new.id')} END",
    "CREATE TRIGGER tickets_find_names_au AFTER UPDATE OF caller, org ON tickets BEGIN "
    f"{_drop('caller', 'old.caller', 'old.id')} {_drop('org', 'old.org', 'old.id')} "
    f"{_add('caller', 'new.caller', 'new.id')} {_add('org', 'new.org', 'new.id')} END",
    # What the store already holds, in name order (the unique index is filled in order).
    """INSERT OR IGNORE INTO find_names (name, kind, code)
        SELECT name, kind, code FROM (
            SELECT trim(trader_name) AS name, 'trader' AS kind, trader_code AS code FROM licences
            UNION SELECT trim(party_name), 'party', party_code FROM licences WHERE party_code IS NOT NULL
            UNION SELECT trim(caller), 'caller', id FROM tickets
            UNION SELECT trim(org), 'org', id FROM tickets)
        WHERE length(name) > 0 ORDER BY name""",
    # An enterprise's licences are those it holds or is party to (the licence browser's filter).
    "CREATE INDEX licences_party_code ON licences(party_code)",
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
