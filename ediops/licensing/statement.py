"""A licence's statement for a return or exchange call (2000 notice §7, 退证/换证): issuers
cannot yet see customs' write-off data, so the hotline reads it out or prints it: every
release with its declaration, port, date and quantity, the amendments and cancellations,
and what is used and left. Plain lines; the caller cleans outside text for its terminal."""

from __future__ import annotations

from datetime import datetime

from ediops.i18n import _, day, when


def statement_lines(view: dict, corrections: list[dict], *, now: datetime) -> list[str]:
    """`view` is licence_view(); `corrections` the licence's amend and cancel records. In the
    chosen language, with the notices' words (docs/glossary.md)."""
    lic, tally = view["licence"], view["tally"]
    limit = tally["max_uses"]
    lines = [
        _("Statement of licence {licence_no} ({direction}) for a return or exchange").format(
            licence_no=lic["licence_no"], direction=direction(lic["direction"])
        ),
        _("As held by the EDI centre on {at} (Asia/Shanghai), from customs' write-off data").format(at=when(now)),
        _("Trader:     {code} {name}").format(code=lic["trader_code"], name=lic["trader_name"]),
        _("Commodity:  {code} {name}").format(code=lic["hs_code"], name=lic["commodity_name"]),
        _("Licensed:   {quantity} {unit}, port {port}, valid {start} to {end}, {uses}").format(
            quantity=lic["quantity"],
            unit=lic["unit"],
            port=lic["port"],
            start=day(lic["valid_from"]),
            end=day(lic["valid_to"]),
            uses=_("one batch (one release)") if lic["one_batch"] else _("up to {n} releases").format(n=limit),
        ),
        "",
        _("Releases:"),
    ]
    lines += [
        _("  {slot:>2}/{limit}  declaration {declaration}  port {port}  on {day}  {quantity} {unit}")
        .format(
            slot=r["slot"],
            limit=limit,
            declaration=r["declaration_no"],
            port=r["customs_code"],
            day=day(r["released_on"]),
            quantity=r["quantity"] or "-",
            unit=r["unit"] or "",
        )
        .rstrip()
        + (_("  CANCELLED") if r["status"] == "cancelled" else "")
        for r in view["releases"]
    ] or [_("  none recorded")]
    lines += ["", _("Amendments and cancellations:")]
    lines += [
        _("  {day}  declaration {declaration}  port {port}  ").format(
            day=day(c["released_on"]), declaration=c["declaration_no"], port=c["customs_code"]
        )
        + (
            _("amended to {quantity} {unit}").format(quantity=c["quantity"], unit=c["unit"])
            if c["action"] == "amend"
            else _("cancelled (退关)")
        )
        for c in corrections
    ] or [_("  none")]
    lines += [
        "",
        _("Used {used} {unit}, remaining {remaining} {unit}; uses {uses}/{limit}").format(
            used=tally["used"], unit=tally["unit"], remaining=tally["remaining"], uses=tally["uses"], limit=limit
        ),
    ]
    open_findings = [f["code"] for f in view["findings"] if f["status"] == "open"]
    if open_findings:
        lines.append(_("Open findings: {codes}").format(codes=", ".join(open_findings)))
    lines.append(
        _(
            "The customs endorsements on the paper licence remain the record for a return (notice §7); "
            "anything unclear goes to the licence bureau."
        )
    )
    return lines


def direction(value: str) -> str:
    """import / export in words (the stored value stays as it is in machine output)."""
    return {"import": _("import"), "export": _("export")}.get(value, value)
