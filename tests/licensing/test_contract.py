"""Reading files and values of docs/wire.md, docs/commands.md."""

from decimal import Decimal

import pytest

from ediops.licensing import contract, files, rules
from ediops.errors import InputError


def test_load_object_array_and_json_lines(tmp_path):
    (tmp_path / "o.json").write_text('{"a": 1}\n', encoding="utf-8")
    (tmp_path / "a.json").write_text('[{"a": 1},\n {"a": 2}]', encoding="utf-8")
    (tmp_path / "l.jsonl").write_text('{"a": 1}\n\n{"a": 2}\n', encoding="utf-8")
    assert [v for _, v in files.load_records(tmp_path / "o.json")] == [{"a": 1}]
    assert [v for _, v in files.load_records(tmp_path / "a.json")] == [{"a": 1}, {"a": 2}]
    loaded = files.load_records(tmp_path / "l.jsonl")
    assert loaded == [(f"{tmp_path / 'l.jsonl'}:1", {"a": 1}), (f"{tmp_path / 'l.jsonl'}:3", {"a": 2})]


@pytest.mark.parametrize(
    "text, line",
    [('{"a": 1}\n{"a": \n', 2), ('{"a": 1}\n{"a": 2}\n{bad}\n', 3), ('{\n "a": [1,\n}', 3)],
)
def test_parse_error_names_file_and_line(tmp_path, text, line):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=rf"bad\.json(:{line})?: not valid JSON"):
        files.load_records(path)


@pytest.mark.parametrize(
    "text, said",
    [
        ('{"bad\n', "Invalid control character at column 6"),
        ('{"a": 1}\n{"a" 2}\n', "Expecting ':' delimiter at column 6"),
    ],
)
def test_parse_error_says_what_and_which_column(tmp_path, text, said):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=f"not valid JSON: {said}$"):
        files.load_records(path)


def test_missing_and_non_utf8_files_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        files.load_records(tmp_path / "nope.json")
    (tmp_path / "latin.json").write_bytes(b'{"a": "\xe9"}')
    with pytest.raises(InputError, match="not UTF-8"):
        files.load_records(tmp_path / "latin.json")


@pytest.mark.parametrize("text", ["1", "0.001", "1200.500", "007"])
def test_quantity_accepts_decimal_strings(text):
    assert contract.quantity(text) == Decimal(text)


@pytest.mark.parametrize("value", ["0", "0.000", "-1", "1.0001", "1e3", " 1", "1,5", "", 12, 1.5, None, "NaN"])
def test_quantity_refuses_everything_else(value):
    with pytest.raises(ValueError):
        contract.quantity(value)


def test_exact_spelling_of_a_quantity():
    assert rules.exact(Decimal("1200.5")) == rules.exact(Decimal("1200.500")) == "1200.500"
