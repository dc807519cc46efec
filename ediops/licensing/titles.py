"""Each finding code's title in words, English here and Chinese in the catalogue, in the
notices' own terms (docs/glossary.md). The codes themselves stay as they are in every language
(docs/languages.md); a title is shown beside its code, never instead of it in machine output."""

from __future__ import annotations

from ediops.i18n import N_, _
from ediops.inspection import rules as inspection
from ediops.licensing import rules

TITLES = {
    rules.RECORD_REJECTED: N_("Record rejected"),
    rules.BATCH_COUNT_MISMATCH: N_("Batch count differs"),
    rules.MISSING_FROM_FEED: N_("In the summary, never received"),
    rules.NOT_IN_SUMMARY: N_("Received, not in the summary"),
    rules.FEED_LATE: N_("Daily electronic data late"),
    rules.FEED_UNREACHABLE: N_("Issuer feed unreachable"),
    rules.ACK_UNDELIVERED: N_("Acknowledgement not delivered"),
    rules.URGENT_OVERDUE: N_("Urgent licence overdue"),
    rules.CUSTOMS_REJECTED: N_("Rejected by customs"),
    rules.CUSTOMS_UNACKED: N_("No answer from customs"),
    rules.UNKNOWN_LICENCE: N_("Write-off for an unknown licence"),
    rules.UNIT_MISMATCH: N_("Write-off unit differs"),
    rules.PORT_MISMATCH: N_("Released at another customs port"),
    rules.OUTSIDE_VALIDITY: N_("Released outside the validity"),
    rules.ONE_BATCH_REUSED: N_("One-batch licence released twice"),
    rules.USE_LIMIT_EXCEEDED: N_("Non-one-batch licence over 12 releases"),
    rules.OVER_QUANTITY: N_("Releases over the licensed quantity"),
    rules.OPERATING_UNIT_MISMATCH: N_("Operating unit differs"),
    rules.ORPHAN_CORRECTION: N_("Correction of an unreleased declaration"),
    inspection.EDECL_REQUIRED: N_("Electronic inspection declaration required"),
    inspection.PRE_ENTRY_SELF_DECLARER: N_("Pre-entry for a self-declaring enterprise"),
    inspection.PLATFORM_FEE_CHARGED: N_("Platform fee charged"),
    inspection.CO_EVISA_REQUIRED: N_("Certificate of origin e-visa required"),
    inspection.VENDOR_SUPPORT_OVERDUE: N_("Software vendor's 24-hour service overdue"),
}


def title(code: str) -> str:
    """The code's title in the chosen language; an unknown code is its own title."""
    return _(TITLES[code]) if code in TITLES else code
