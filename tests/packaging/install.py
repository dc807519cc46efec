"""The program as a centre installs it: a wheel built from the files git would commit (so
nothing untracked or left over from an editable install can hide a missing file), installed
with pip into a fresh virtual environment outside the checkout, as docs/ssh.md says.

pip takes the dependencies from its cache and the machine's configured find-links, so the
install costs seconds; the wheel is built once per test session (tests/conftest.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path

    @property
    def ediops(self) -> Path:
        return self.venv / "bin" / "ediops"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def top_level_names(self) -> set[str]:
        with zipfile.ZipFile(self.wheel) as wheel:
            return {name.split("/")[0] for name in wheel.namelist()}

    def files(self) -> list[str]:
        with zipfile.ZipFile(self.wheel) as wheel:
            return wheel.namelist()


def _run(argv: list, **kw) -> None:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=300, **kw)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {done.returncode}:\n{done.stderr[-3000:]}")


def tracked_copy(target: Path) -> Path:
    """The checkout's files git would commit (tracked, or new and not ignored: what a fresh clone of the commit has) copied to `target`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def build_wheel(workdir: Path) -> Path:
    source = tracked_copy(workdir / "source")
    out = workdir / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", out, source])
    [wheel] = out.glob("ediops-*.whl")
    return wheel


def install(wheel: Path, venv: Path) -> Installed:
    """`python3.11 -m venv VENV && VENV/bin/pip install WHEEL` (docs/ssh.md: Install)."""
    base = getattr(sys, "_base_executable", sys.executable)
    _run([base, "-m", "venv", venv])
    _run([venv / "bin" / "pip", "install", "--quiet", wheel])
    return Installed(wheel, venv)
