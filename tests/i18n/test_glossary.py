"""The catalogue speaks the notices' words (docs/glossary.md): every English string holding a
glossary term is translated with that term's Chinese, the longest term first; every finding
code has a Chinese title."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from ediops import i18n

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
PO = i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / "ediops.po"
# Words in a message that are not prose: placeholders, file names, options, quoted commands.
NOT_PROSE = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[a-z]|`[^`]*`|\S+\.toml\b|--[a-z-]+|\bediops( [a-z]+){0,2}")
EXEMPT = {
    # the JSON field names of an inspection bureau's report, named as the file must spell them
    "{where}: not a bureau report (needs declarations or certificates)",
    # a legal hold is released (解除), not a consignment (放行)
    "hold released",
    # an enterprise's inspection declarations (报检) on the 2002 notice's screen, not customs' 报关单
    "Declarations",
}


def glossary() -> list[tuple[str, str]]:
    rows = []
    for line in GLOSSARY.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("English", "---"):
            rows.append((cells[0], cells[1]))
    return sorted(rows, key=lambda row: -len(row[0]))


def _pattern(term: str) -> re.Pattern:
    words = r"[ -]".join(re.escape(w) for w in re.split(r"[ -]", term))
    plural = "|ies" if term.endswith("y") else ""
    if plural:
        words = words[:-1] + "(?:y" + plural + ")"
    return re.compile(rf"\b{words}(?:s|es|d)?\b", re.IGNORECASE)


def _messages():
    with PO.open("rb") as file:
        for message in read_po(file):
            if message.id and isinstance(message.id, str) and message.id not in EXEMPT:
                yield message.id, message.string


def test_the_glossary_names_the_notices_words():
    chinese = {zh for _, zh in glossary()}
    for word in ("急证", "核销", "放行", "退关", "签注", "报关口岸", "经营单位", "一批一证", "非一批一证", "发证机构"):
        assert word in chinese
    for word in ("纸面证书", "电子数据", "退证/换证", "电子报检", "直通式", "预录入", "产地证电子签证"):
        assert word in chinese


def test_every_string_with_a_glossary_term_uses_its_chinese():
    terms = [(_pattern(en), en, zh) for en, zh in glossary()]
    wrong = []
    for english, chinese in _messages():
        prose = NOT_PROSE.sub(" ", english)
        for pattern, term, word in terms:
            if pattern.search(prose):
                if word not in chinese:
                    wrong.append(f"{english!r} has {term!r}, its Chinese {chinese!r} lacks {word}")
                prose = pattern.sub(" ", prose)
    assert wrong == []


def test_every_finding_and_alert_code_has_a_chinese_title():
    from ediops.alerts import ALERT_UNDELIVERED, URGENT_AT_RISK, title
    from ediops.inspection.rules import INSPECTION_CODES
    from ediops.licensing.rules import CODES

    codes = (*CODES, *INSPECTION_CODES, URGENT_AT_RISK, ALERT_UNDELIVERED)
    english = {code: title(code) for code in codes}
    i18n.use("zh")
    chinese = {code: title(code) for code in codes}
    assert all(english[c] != c and re.search(r"[\u4e00-\u9fff]", chinese[c]) for c in codes), chinese
    assert len(set(chinese.values())) == len(codes)
    assert chinese["URGENT_OVERDUE"] == "急证超时" and chinese["ONE_BATCH_REUSED"] == "一批一证许可证重复放行"
