"""The domain stays free of the UI: nothing under ediops/ imports textual, rich or the desk
(`ediops.screens`), except `ediops/__main__.py`, the program that composes both."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_domain_never_imports_textual_or_screens():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / "ediops").rglob("*.py"))
        if path != ROOT / "ediops" / "__main__.py"
        for name in _imports(path)
        if name.split(".")[0] in {"textual", "rich", "screens"} or name.startswith("ediops.screens")
    ]
    assert offenders == []


def test_rule_is_checked_on_real_files():
    """The walk above must see the domain's modules, or it proves nothing."""
    assert len(list((ROOT / "ediops").rglob("*.py"))) >= 5
