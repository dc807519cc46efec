"""Core schema: issuers, batches, licences, acks, summaries, forwards, write-offs, findings,
audit, tickets, windows, lease, commands, peer cursors and health.

Quantities are TEXT holding an exact decimal string; times are ISO 8601 with +08:00."""

STATEMENTS = [
    """CREATE TABLE issuers (
        code TEXT PRIMARY KEY, name TEXT NOT NULL, cutoff TEXT NOT NULL DEFAULT '17:00',
        url TEXT, active INTEGER NOT NULL DEFAULT 1)""",
    # One row per batch_id as first received; resends only bump received counters.
    """CREATE TABLE batches (
        batch_id TEXT PRIMARY KEY, issuer TEXT, business_date TEXT, kind TEXT,
        record_count INTEGER, received_count INTEGER NOT NULL, accepted_count INTEGER NOT NULL,
        rejected_count INTEGER NOT NULL, sent_at TEXT, received_at TEXT NOT NULL,
        source TEXT NOT NULL, times_received INTEGER NOT NULL DEFAULT 1, raw TEXT)""",
    """CREATE INDEX batches_issuer_date ON batches(issuer, business_date)""",
    """CREATE TABLE licences (
        licence_no TEXT PRIMARY KEY, issuer TEXT NOT NULL, batch_id TEXT NOT NULL,
        business_date TEXT, direction TEXT NOT NULL, issued_on TEXT NOT NULL,
        trader_code TEXT NOT NULL, trader_name TEXT NOT NULL, party_code TEXT, party_name TEXT,
        hs_code TEXT NOT NULL, commodity_name TEXT NOT NULL,
        quantity TEXT NOT NULL, unit TEXT NOT NULL, country TEXT NOT NULL, trade_mode TEXT NOT NULL,
        valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, port TEXT NOT NULL,
        one_batch INTEGER NOT NULL, remarks TEXT, agents TEXT NOT NULL DEFAULT '[]',
        urgent INTEGER NOT NULL DEFAULT 0, content_hash TEXT NOT NULL, record TEXT NOT NULL,
        received_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'received',   -- received, forwarded, accepted, rejected
        phoned_at TEXT, phoned_by TEXT, escalated_at TEXT, escalated_by TEXT,
        forward_key TEXT, forwarded_at TEXT, customs_answer TEXT, customs_reason TEXT,
        customs_answered_at TEXT)""",
    """CREATE INDEX licences_issuer_date ON licences(issuer, business_date)""",
    """CREATE INDEX licences_state ON licences(state, urgent)""",
    """CREATE INDEX licences_received ON licences(received_at)""",
    # The lifecycle timeline of a licence: received, forwarded, accepted, released, phoned...
    """CREATE TABLE licence_events (
        id INTEGER PRIMARY KEY, licence_no TEXT NOT NULL, at TEXT NOT NULL, event TEXT NOT NULL,
        actor TEXT, detail TEXT)""",
    """CREATE INDEX licence_events_no ON licence_events(licence_no, id)""",
    # Every record we rejected, as received, so nothing from outside is lost.
    """CREATE TABLE rejections (
        id INTEGER PRIMARY KEY, batch_id TEXT, position INTEGER, licence_no TEXT,
        reasons TEXT NOT NULL, record TEXT, received_at TEXT NOT NULL)""",
    """CREATE INDEX rejections_batch ON rejections(batch_id)""",
    """CREATE TABLE acks (
        batch_id TEXT PRIMARY KEY, issuer TEXT, body TEXT NOT NULL, created_at TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE, attempts INTEGER NOT NULL DEFAULT 0,
        delivered_at TEXT, last_attempt_at TEXT, last_error TEXT)""",
    """CREATE TABLE summaries (
        issuer TEXT NOT NULL, business_date TEXT NOT NULL, licence_nos TEXT NOT NULL,
        received_at TEXT NOT NULL, PRIMARY KEY (issuer, business_date))""",
    # A forward is one POST to customs; its key is stored before the request is sent.
    """CREATE TABLE forwards (
        idempotency_key TEXT PRIMARY KEY, created_at TEXT NOT NULL, urgent INTEGER NOT NULL,
        licence_count INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'pending',     -- pending, answered, failed
        last_attempt_at TEXT, answered_at TEXT, last_error TEXT)""",
    """CREATE TABLE forward_items (
        idempotency_key TEXT NOT NULL REFERENCES forwards(idempotency_key),
        licence_no TEXT NOT NULL, PRIMARY KEY (idempotency_key, licence_no))""",
    """CREATE INDEX forward_items_licence ON forward_items(licence_no)""",
    # Write-off records exactly as received, in arrival order.
    """CREATE TABLE writeoffs (
        id INTEGER PRIMARY KEY, licence_no TEXT, customs_code TEXT, declaration_no TEXT,
        action TEXT, quantity TEXT, unit TEXT, released_on TEXT,
        operating_unit_code TEXT, operating_unit_name TEXT, record TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE, received_at TEXT NOT NULL, source TEXT NOT NULL,
        relay_key TEXT, relayed_at TEXT)""",
    """CREATE INDEX writeoffs_licence ON writeoffs(licence_no)""",
    """CREATE INDEX writeoffs_declaration ON writeoffs(declaration_no)""",
    """CREATE INDEX writeoffs_relay ON writeoffs(relayed_at)""",
    # The release each declaration currently stands for (after amends and cancels).
    """CREATE TABLE releases (
        declaration_no TEXT PRIMARY KEY, licence_no TEXT NOT NULL, customs_code TEXT,
        quantity TEXT, unit TEXT, released_on TEXT, operating_unit_code TEXT,
        status TEXT NOT NULL,                          -- active, cancelled
        slot INTEGER NOT NULL,                         -- endorsement slot: 1 = first release
        updated_at TEXT NOT NULL)""",
    """CREATE INDEX releases_licence ON releases(licence_no)""",
    """CREATE TABLE findings (
        id INTEGER PRIMARY KEY, code TEXT NOT NULL, subject TEXT NOT NULL,
        status TEXT NOT NULL,                          -- open, resolved
        licence_no TEXT, batch_id TEXT, issuer TEXT, declaration_no TEXT, enterprise TEXT,
        period TEXT, ticket_id TEXT, detail TEXT,
        opened_at TEXT NOT NULL, updated_at TEXT NOT NULL, closed_at TEXT,
        closed_by TEXT,                                -- NULL: closed by itself; else the operator
        note TEXT, UNIQUE (code, subject))""",
    """CREATE INDEX findings_status ON findings(status, code)""",
    """CREATE INDEX findings_licence ON findings(licence_no)""",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        subject TEXT, reason TEXT, detail TEXT)""",
    """CREATE TABLE tickets (
        id TEXT PRIMARY KEY, caller TEXT NOT NULL, phone TEXT NOT NULL, org TEXT NOT NULL,
        org_kind TEXT, category TEXT NOT NULL, priority TEXT NOT NULL, licence_no TEXT,
        batch_id TEXT, finding_id INTEGER, status TEXT NOT NULL, waiting_on TEXT,
        routed_to TEXT, assignee TEXT, text TEXT NOT NULL, opened_by TEXT NOT NULL,
        opened_at TEXT NOT NULL, due_at TEXT, updated_at TEXT NOT NULL, closed_at TEXT)""",
    """CREATE INDEX tickets_status ON tickets(status, priority)""",
    """CREATE TABLE ticket_notes (
        id INTEGER PRIMARY KEY, ticket_id TEXT NOT NULL REFERENCES tickets(id),
        at TEXT NOT NULL, by TEXT NOT NULL, text TEXT NOT NULL)""",
    # Scheduler: one leader by lease; each (window, occurrence) claimed once in the run ledger.
    """CREATE TABLE lease (
        name TEXT PRIMARY KEY, holder TEXT NOT NULL, token INTEGER NOT NULL,
        expires_at REAL NOT NULL, renewed_at TEXT NOT NULL)""",
    """CREATE TABLE window_runs (
        window TEXT NOT NULL, occurrence TEXT NOT NULL, token INTEGER, holder TEXT,
        started_at TEXT, finished_at TEXT, outcome TEXT, detail TEXT,
        PRIMARY KEY (window, occurrence))""",
    """CREATE TABLE window_state (
        window TEXT PRIMARY KEY, paused INTEGER NOT NULL DEFAULT 0, changed_by TEXT,
        changed_at TEXT, reason TEXT)""",
    """CREATE TABLE commands (
        id INTEGER PRIMARY KEY, window TEXT NOT NULL, action TEXT NOT NULL,
        requested_by TEXT NOT NULL, requested_at TEXT NOT NULL, reason TEXT,
        taken_at TEXT, taken_by TEXT, done_at TEXT, outcome TEXT)""",
    """CREATE TABLE cursors (peer TEXT PRIMARY KEY, cursor TEXT, updated_at TEXT NOT NULL)""",
    """CREATE TABLE peer_health (
        peer TEXT PRIMARY KEY, last_ok_at TEXT, last_error_at TEXT, last_error TEXT,
        failing_since TEXT)""",
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
