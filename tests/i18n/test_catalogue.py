"""The Chinese catalogue is whole and current (docs/languages.md): every string the code marks
has a Chinese translation with the same placeholders, the shipped .mo says what the .po says,
and the language is chosen as docs/languages.md orders it."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from ediops import i18n

ROOT = Path(__file__).resolve().parents[2]
PO = i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / "ediops.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# As `make catalogue` extracts: the default keywords (_, N_, ngettext...) and a Textual key's
# description, the third argument of Binding(key, action, description).
KEYWORDS = {**DEFAULT_KEYWORDS, "Binding": (3,)}


def _catalogue():
    with PO.open("rb") as file:
        return read_po(file)


def _marked() -> set[str | tuple[str, ...]]:
    """The msgids `make catalogue` extracts from the code (the same keywords and folders)."""
    found: set = set()
    for folder in ("ediops", "screens"):
        for _file, _line, message, _comments, _context in extract_from_dir(ROOT / folder, keywords=KEYWORDS):
            found.add(message)
    return found


def _ids(message) -> tuple:
    return message if isinstance(message, tuple) else (message,)


def test_every_marked_string_has_a_chinese_translation():
    catalogue = _catalogue()
    missing = []
    for message in sorted(_marked(), key=str):
        entry = catalogue.get(_ids(message)[0])
        strings = _ids(entry.string) if entry else ()
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(message)
    assert missing == [], "run `make catalogue` and translate these in " + str(PO)


def test_the_catalogue_holds_nothing_the_code_no_longer_marks():
    marked = {_ids(m)[0] for m in _marked()}
    stale = sorted(
        m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue() if m.id and _ids(m.id)[0] not in marked
    )
    assert stale == [], "run `make catalogue`"


def test_a_translation_keeps_the_placeholders_of_its_english():
    wrong = []
    for message in _catalogue():
        if not message.id:
            continue
        for english, chinese in zip(_ids(message.id) * 2, _ids(message.string)):
            if chinese and sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(chinese)):
                wrong.append((english, chinese))
    assert wrong == []


def test_the_shipped_mo_says_what_the_po_says():
    with MO.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    stale = []
    for message in _catalogue():
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            got = tuple(compiled.ngettext(message.id[0], message.id[1], n) for n in (1,))
            want = message.string[:1]
        else:
            got, want = compiled.gettext(message.id), message.string
        if got != want:
            stale.append(message.id)
    assert stale == [], "the .mo is older than the .po: run `make catalogue`"


@pytest.mark.parametrize(
    ("option", "setting", "environ", "chosen"),
    [
        ("en", "zh", {"LANG": "zh_CN.UTF-8"}, "en"),
        ("zh", "en", {}, "zh"),
        (None, "zh", {"LANG": "en_US.UTF-8"}, "zh"),
        (None, "en", {"LC_ALL": "zh_CN.UTF-8"}, "en"),
        (None, "auto", {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, None, {"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, None, {"LC_ALL": "", "LC_MESSAGES": "zh_TW.UTF-8", "LANG": "C"}, "zh"),
        (None, "auto", {"LANG": "zh_CN.GB18030"}, "zh"),
        (None, "auto", {}, "en"),
    ],
)
def test_the_language_is_the_option_else_the_setting_else_the_locale_else_english(option, setting, environ, chosen):
    assert i18n.choose(option, setting, environ) == chosen


def test_a_string_fixed_at_import_follows_the_language_chosen_later():
    label = i18n.N_("output closed early (broken pipe)")
    i18n.use("zh")
    assert i18n._(label) == "输出提前关闭（管道断开）"
    i18n.use("en")
    assert i18n._(label) == label


def test_no_string_is_marked_inside_an_f_string():
    """Babel cannot see `_()` inside an f-string's braces: such a string would stay English."""
    inside = re.compile(r"""\bf(["']).*\{[^}]*\b(?:_|N_|ngettext)\(["']""")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("ediops", "screens")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if inside.search(line)
    ]
    assert found == []


def test_no_function_rebinds_the_translation_function():
    """`for _ in ...` or `a, _ = ...` in a function makes `_` a local there: a `_("...")` in the
    same function then calls whatever was assigned (the desk's bell loop did)."""
    import ast

    found = []
    for folder in ("ediops", "screens"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text("utf-8"))
            if not any(isinstance(n, ast.ImportFrom) and n.module == "ediops.i18n" for n in ast.walk(tree)):
                continue
            for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
                for node in ast.walk(function):
                    targets = []
                    if isinstance(node, (ast.For, ast.AsyncFor, ast.With)):
                        targets = (
                            [node.target] if not isinstance(node, ast.With) else [i.optional_vars for i in node.items]
                        )
                    elif isinstance(node, ast.Assign):
                        targets = node.targets
                    names = [n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)]
                    if "_" in names:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
