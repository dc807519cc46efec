"""The desk's words and glyphs (docs/languages.md): key descriptions follow the language chosen
at start, Textual's own key descriptions are all in the catalogue, and `--ascii` turns every
ambiguous-width glyph into one ASCII character of the same width."""

from __future__ import annotations

import unicodedata

from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList, Select, TextArea

from ediops import i18n
from ediops.screens.kit.textual_words import TEXTUAL_WORDS
from ediops.screens.kit.words import ASCII, to_ascii
from tests.desk.conftest import settle


def test_every_key_description_of_textual_s_widgets_is_in_the_catalogue_list():
    described = {
        binding.description
        for cls in (App, Screen, Input, DataTable, TextArea, Select, OptionList)
        for bindings in cls._merged_bindings.key_to_bindings.values()
        for binding in bindings
        if binding.description
    }
    assert described - TEXTUAL_WORDS == set()


def test_ascii_turns_each_box_block_and_ambiguous_glyph_into_one_ascii_character():
    boxes = "".join(chr(c) for c in range(0x2500, 0x25A0))
    drawn = to_ascii("╭─ 急证 ──╮│ a … b · c ●│╰──┴──╯ ▁▂█ ✓" + boxes)
    assert drawn.startswith("+- 急证 --+| a ~ b . c *|+--+--+   # v")
    assert all(c.isascii() or unicodedata.east_asian_width(c) == "W" for c in drawn)
    assert all(len(value) == 1 and value.isascii() for value in ASCII.values())
    assert to_ascii("青岛海鸥食品 00-AA-000001") == "青岛海鸥食品 00-AA-000001"


async def test_key_descriptions_follow_the_language_chosen_at_start_not_at_import(desk_db, make_app):
    """The screens' BINDINGS were built at import (in English); a desk started in Chinese
    describes its keys in Chinese, and one started in English after it in English."""
    for language, quit_word, keys_word in (("zh", "退出", "按键"), ("en", "Quit", "Keys")):
        i18n.use(language)
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            described = {active.binding.description for active in app.screen.active_bindings.values()}
        assert {quit_word, keys_word} <= described


def test_every_screen_of_the_desk_describes_its_keys_in_the_chosen_language():
    import importlib
    import pkgutil

    import ediops.screens
    from ediops.screens.kit.words import Localised

    for info in pkgutil.walk_packages(ediops.screens.__path__, "ediops.screens."):
        importlib.import_module(info.name)
    screens, seen = [], set()
    stack = [Screen]
    while stack:
        for cls in stack.pop().__subclasses__():
            if cls not in seen:
                seen.add(cls)
                stack.append(cls)
                if cls.__module__.startswith("ediops.screens."):
                    screens.append(cls)
    assert len(screens) > 15
    assert [cls.__name__ for cls in screens if not issubclass(cls, Localised)] == []
