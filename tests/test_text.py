"""Outside text reaches the terminal without any control or escape character (docs/input.md)."""

import json

from hypothesis import given, strategies as st

from ediops.text import clean, has_controls, json_line

HOSTILE = "Acme [/] [link=http://x]co[/link] \x1b]0;pwned\x07\x1b[31mred\x1b[0m \u202eevil\u202c \x9b2J end"


def test_clean_keeps_brackets_and_drops_every_control():
    shown = clean(HOSTILE)
    assert "[/]" in shown and "[link=http://x]co[/link]" in shown
    assert "pwned" not in shown  # the whole OSC sequence goes, not just its ESC
    assert not has_controls(shown)
    assert shown.endswith(" end")


def test_json_line_escapes_controls_and_stays_valid_json():
    line = json_line({"name": HOSTILE, "cn": "进出口商"})
    assert not has_controls(line)
    assert "进出口商" in line
    assert json.loads(line)["name"] == HOSTILE


@given(st.text())
def test_clean_never_leaves_a_control(value):
    assert not has_controls(clean(value))
    assert not has_controls(clean(value, multiline=True).replace("\n", ""))
