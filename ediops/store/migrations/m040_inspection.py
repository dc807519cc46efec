"""Inspection bureau reports of the 2002 notice (docs/inspection.md): one report per bureau and
business date (a later report for the same bureau and date corrects the earlier one), the
declaration and certificate rows it holds, and the reports from bureau peers we could not read."""

STATEMENTS = [
    """CREATE TABLE bureau_reports (
        bureau TEXT NOT NULL, business_date TEXT NOT NULL, month TEXT NOT NULL,
        content_hash TEXT NOT NULL, report TEXT NOT NULL,
        declaration_count INTEGER NOT NULL, certificate_count INTEGER NOT NULL,
        received_at TEXT NOT NULL, source TEXT NOT NULL,
        times_received INTEGER NOT NULL DEFAULT 1,
        corrections INTEGER NOT NULL DEFAULT 0,       -- times a changed report replaced it
        PRIMARY KEY (bureau, business_date))""",
    """CREATE INDEX bureau_reports_month ON bureau_reports(month, bureau)""",
    """CREATE TABLE inspection_declarations (
        id INTEGER PRIMARY KEY, bureau TEXT NOT NULL, business_date TEXT NOT NULL,
        month TEXT NOT NULL, position INTEGER NOT NULL,
        enterprise TEXT NOT NULL, enterprise_name TEXT NOT NULL, agent INTEGER NOT NULL,
        channel TEXT NOT NULL, batches INTEGER NOT NULL, platform_fee TEXT NOT NULL,
        FOREIGN KEY (bureau, business_date) REFERENCES bureau_reports(bureau, business_date)
            ON DELETE CASCADE)""",
    """CREATE INDEX inspection_declarations_enterprise ON inspection_declarations(enterprise, month)""",
    """CREATE INDEX inspection_declarations_report ON inspection_declarations(bureau, business_date)""",
    """CREATE INDEX inspection_declarations_month ON inspection_declarations(month, bureau)""",
    # `month`: of submitted_at in Asia/Shanghai (else of the report's business date), so an
    # application reported again when issued counts once, in the month it was made.
    """CREATE TABLE inspection_certificates (
        id INTEGER PRIMARY KEY, bureau TEXT NOT NULL, business_date TEXT NOT NULL,
        position INTEGER NOT NULL, certificate_no TEXT NOT NULL,
        enterprise TEXT NOT NULL, enterprise_name TEXT NOT NULL, agent INTEGER NOT NULL,
        channel TEXT NOT NULL, submitted_at TEXT, issued_at TEXT, month TEXT NOT NULL,
        FOREIGN KEY (bureau, business_date) REFERENCES bureau_reports(bureau, business_date)
            ON DELETE CASCADE)""",
    """CREATE INDEX inspection_certificates_no ON inspection_certificates(bureau, certificate_no)""",
    """CREATE INDEX inspection_certificates_enterprise ON inspection_certificates(enterprise, month)""",
    """CREATE INDEX inspection_certificates_report ON inspection_certificates(bureau, business_date)""",
    # One row per application: the latest report that lists it tells its channel and state.
    """CREATE VIEW inspection_applications AS
        SELECT c.* FROM inspection_certificates c WHERE c.id = (
            SELECT c2.id FROM inspection_certificates c2
            WHERE c2.bureau = c.bureau AND c2.certificate_no = c.certificate_no
            ORDER BY c2.business_date DESC, c2.id DESC LIMIT 1)""",
    """CREATE TABLE bureau_report_rejections (
        id INTEGER PRIMARY KEY, peer TEXT NOT NULL, reason TEXT NOT NULL, report TEXT,
        received_at TEXT NOT NULL)""",
]


def apply(db) -> None:
    for statement in STATEMENTS:
        db.execute(statement)
