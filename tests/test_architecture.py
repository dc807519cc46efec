"""The domain stays free of the UI: nothing under ediops/ imports textual, rich or the desk
(`ediops.screens`), except `ediops/__main__.py`, the program that composes both."""

import ast
import re
import warnings
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


SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM)\b|\.execute(many)?\(")


def _modules(folder: Path):
    return [p for p in sorted(folder.rglob("*.py")) if "migrations" not in p.parts]


def test_sql_lives_in_the_store_layer_only():
    """docs/architecture.md: every statement outside the migrations is in a data-access module
    of ediops/store/, and at most twelve modules hold SQL."""
    holders = [
        p.relative_to(ROOT)
        for p in _modules(ROOT / "ediops") + _modules(ROOT / "screens")
        if SQL.search(p.read_text("utf-8"))
    ]
    assert [str(p) for p in holders if p.parts[:2] != ("ediops", "store")] == []
    assert len(holders) <= 12, holders


def _sizes():
    return {
        str(p.relative_to(ROOT)): len(p.read_text("utf-8").splitlines())
        for p in _modules(ROOT / "ediops") + _modules(ROOT / "screens")
    }


def test_no_module_over_500_lines_and_few_beside_the_packages():
    """500 lines fail; over 400 is a warning in the test report (a module growing towards the
    cap should be split by what it does, not squeezed under it)."""
    sizes = _sizes()
    assert len(sizes) > 50
    assert [f"{name}: {n}" for name, n in sizes.items() if n > 500] == []
    for name, n in sizes.items():
        if n > 400:
            warnings.warn(f"{name} has {n} lines (soft cap 400, failure at 500)", stacklevel=1)
    assert len(list((ROOT / "ediops").glob("*.py"))) <= 12


def test_the_desk_is_foldered_by_concern():
    """screens/ holds its areas (kit, shell, licences, findings, hotline, inspection,
    operations), not a flat heap: at most twelve modules directly in it, and each stylesheet
    beside the module that names it as its CSS_PATH."""
    assert len(list((ROOT / "screens").glob("*.py"))) <= 12
    css_path = re.compile(r'CSS_PATH = ("[^"]+"|\[[^\]]*\])')  # one file or a list of them

    def css_paths(path: Path) -> set[str]:
        return {name for value in css_path.findall(path.read_text("utf-8")) for name in re.findall(r'"([^"]+)"', value)}

    missing = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "screens").rglob("*.py"))
        for name in sorted(css_paths(path))
        if not (path.parent / name).is_file()
    ]
    assert missing == []
    assert sorted(p.relative_to(ROOT / "screens").as_posix() for p in (ROOT / "screens").rglob("*.tcss")) == sorted(
        (path.parent / name).relative_to(ROOT / "screens").as_posix()
        for path in (ROOT / "screens").rglob("*.py")
        for name in css_paths(path)
    )


def test_each_screens_css_is_scoped_to_its_screen():
    """Textual applies a screen's CSS_PATH to the whole app once loaded: a bare `#id` rule would
    restyle another screen's widget of that id. Every rule starts with the screen's type."""
    loose = []
    for path in sorted((ROOT / "screens").rglob("*.tcss")):
        if path.name == "app.tcss":  # the App's own stylesheet: app-wide by intent
            continue
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if line and not line[0].isspace() and line.rstrip().endswith("{"):
                if any(not part.strip()[:1].isupper() for part in line.rstrip()[:-1].split(",")):
                    loose.append(f"{path.name}:{n}: {line}")
    assert loose == []


# Split so this file does not cite them itself. A bare section sign is a citation of the
# outside agreement unless the line cites one of the two notices (public regulations).
OUTSIDE = re.compile("(?i)contract" + r"\s+" + "§|design" + r"\.md|\.\./" + "shared|^(?!.*notice).*" + "§" + r"\d")
CITING = ["ediops", "screens", "config", "tests", "bench", "docs", "README.md"]


def test_nothing_cites_a_document_outside_the_repository():
    """A reader of the project must be able to follow every citation: code, configuration,
    tests, bench and docs cite the repository's own docs/, never an outside agreement."""
    files = [p for name in CITING for p in ([ROOT / name] if (ROOT / name).is_file() else (ROOT / name).rglob("*"))]
    citing = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in files
        if p.is_file()
        and p.suffix in {".py", ".md", ".toml", ".tcss", ".txt", ".json", ".sh", ""}
        and "__pycache__" not in p.parts
        for n, line in enumerate(p.read_text("utf-8", errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert len(files) > 100
    assert citing == []


def test_every_cited_doc_exists():
    """Each `docs/NAME.md` a module, setting or bench names is a file of the repository."""
    cited = re.compile(r"\bdocs/([a-z0-9-]+\.md)")
    missing = sorted(
        {
            f"{p.relative_to(ROOT)}: docs/{name}"
            for folder in ("ediops", "screens", "config", "bench")
            for p in (ROOT / folder).rglob("*")
            if p.suffix in {".py", ".toml", ".md"}
            for name in cited.findall(p.read_text("utf-8"))
            if not (ROOT / "docs" / name).is_file()
        }
    )
    assert missing == []


def test_tests_are_foldered_by_what_they_test():
    """tests/README.md: a folder of tests/ is a package of ediops/ or one of the few named
    there; tests/desk/'s folders are the desk's areas; a test module directly in tests/ tests a
    module directly in ediops/ (or, this file, the repository)."""
    packages = {p.name for p in (ROOT / "ediops").iterdir() if (p / "__init__.py").is_file()}
    others = {"desk", "e2e", "packaging", "calendar", "bench", "support", "data"}
    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and not p.name.startswith((".", "__"))}
    assert folders - packages - others == set()
    areas = {p.name for p in (ROOT / "screens").iterdir() if (p / "__init__.py").is_file()}
    desk = {p.name for p in (ROOT / "tests" / "desk").iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert desk <= areas
    modules = {p.stem for p in (ROOT / "ediops").glob("*.py")}
    loose = [
        p.name
        for p in (ROOT / "tests").glob("test_*.py")
        if p.name != "test_architecture.py"
        and not any(p.stem == f"test_{m}" or p.stem.startswith(f"test_{m}_") for m in modules)
    ]
    assert loose == []


def test_the_desk_imports_itself_relatively():
    """Desk modules import each other relatively (`from ..kit.safe import safe`): to mypy and
    import-linter the desk is the package `screens`, at run time `ediops.screens`, and only a
    relative import is the same module to both (pyproject.toml: mypy, importlinter)."""
    absolute = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / "screens").rglob("*.py"))
        for name in _imports(path)
        if name.startswith("ediops.screens") or name.split(".")[0] == "screens"
    ]
    assert absolute == []
