"""A licence's statement for a return or exchange call (2000 notice §7, 退证/换证): issuers
cannot yet see customs' write-off data, so the hotline reads it out or prints it: every
release with its declaration, port, date and quantity, the amendments and cancellations,
and what is used and left. Plain lines; the caller cleans outside text for its terminal."""

from __future__ import annotations

from datetime import datetime

from ediops.clock import SHANGHAI


def statement_lines(view: dict, corrections: list[dict], *, now: datetime) -> list[str]:
    """`view` is licence_view(); `corrections` the licence's amend and cancel records."""
    lic, tally = view["licence"], view["tally"]
    limit = tally["max_uses"]
    lines = [
        f"Statement of licence {lic['licence_no']} ({lic['direction']}) for a return or exchange",
        f"As held by the EDI centre on {now.astimezone(SHANGHAI):%Y-%m-%d %H:%M} (Asia/Shanghai), "
        "from customs' write-off data",
        f"Trader:     {lic['trader_code']} {lic['trader_name']}",
        f"Commodity:  {lic['hs_code']} {lic['commodity_name']}",
        f"Licensed:   {lic['quantity']} {lic['unit']}, port {lic['port']}, valid {lic['valid_from']} to "
        f"{lic['valid_to']}, {'one batch (one release)' if lic['one_batch'] else f'up to {limit} releases'}",
        "",
        "Releases:",
    ]
    lines += [
        f"  {r['slot']:>2}/{limit}  declaration {r['declaration_no']}  port {r['customs_code']}  "
        f"on {r['released_on']}  {r['quantity'] or '-'} {r['unit'] or ''}".rstrip()
        + ("  CANCELLED" if r["status"] == "cancelled" else "")
        for r in view["releases"]
    ] or ["  none recorded"]
    lines += ["", "Amendments and cancellations:"]
    lines += [
        f"  {c['released_on'] or '-'}  declaration {c['declaration_no']}  port {c['customs_code']}  "
        + (f"amended to {c['quantity']} {c['unit']}" if c["action"] == "amend" else "cancelled (退关)")
        for c in corrections
    ] or ["  none"]
    lines += [
        "",
        f"Used {tally['used']} {tally['unit']}, remaining {tally['remaining']} {tally['unit']}; "
        f"uses {tally['uses']}/{limit}",
    ]
    open_findings = [f["code"] for f in view["findings"] if f["status"] == "open"]
    if open_findings:
        lines.append(f"Open findings: {', '.join(open_findings)}")
    lines.append(
        "The customs endorsements on the paper licence remain the record for a return (notice §7); "
        "anything unclear goes to the licence bureau."
    )
    return lines
