"""The desk's registry is a table: every name and every row kind in it opens a real screen class."""

import pytest
from textual.screen import Screen

from ediops.screens.shell import registry


@pytest.mark.parametrize("name", sorted(registry.SCREENS))
def test_every_named_screen_is_a_screen(name):
    assert isinstance(registry.screen(name), Screen)


def test_every_row_kind_opens_a_screen_class():
    for _, _, module, name, _ in registry.ITEMS:
        assert issubclass(registry._class(module, name), Screen)


def test_an_unknown_name_is_refused_and_an_unknown_row_opens_nothing():
    with pytest.raises(ValueError):
        registry.screen("nowhere")
    assert registry.item_screen("ticket", {}) is None
    assert registry.item_screen("licence", {"issuer": "X"}) is None
