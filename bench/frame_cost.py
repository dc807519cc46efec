"""The first frame's cost in CPU instructions, which the machine's load does not change: the
bare app and the desk (English, Chinese) each run under valgrind's callgrind in tmux, from
process start until their first frame is written to the terminal (then they exit). Wall-clock
ratios on this shared machine move by 0.5 between runs at load 10; instruction counts by under
0.1%.

    python -m bench.frame_cost [--db STORE]   (the quick scale store by default; ~1 min an app)

Not part of `python -m bench`: valgrind is a diagnostic tool, not a dependency."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import records

ROOT = Path(__file__).resolve().parent.parent
# Run in the measured process: it exits once Textual's driver has written its first whole screen
# (more than FRAME_CHARS characters) to the terminal. Not at `call_after_refresh`: that runs
# before the first frame is rendered. The driver's module is patched as it is imported, so the
# app imports everything in its own order (the desk holds off the collector from its command on).
FIRST_FRAME = """
import importlib.abc, importlib.util, os, sys

class FirstFrame(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "textual.drivers.linux_driver":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            write = module.LinuxDriver.write

            def first(driver, data):
                write(driver, data)
                if len(data) > 1000:
                    os._exit(0)

            module.LinuxDriver.write = first

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, FirstFrame())
"""
BARE = (
    FIRST_FRAME
    + """
sys.path.insert(0, {bench!r})
from bare_app import BareApp

BareApp().run()
"""
)
DESK = (
    FIRST_FRAME
    + """
from ediops.__main__ import main

main({argv!r})
"""
)


def instructions(code: str, scratch: Path, name: str) -> int:
    """Instructions callgrind counts for `code` run by this Python in a 100x30 tmux window."""
    out = scratch / f"callgrind-{name}.out"
    script = scratch / f"{name}.py"
    script.write_text(code, encoding="utf-8")
    socket = f"ediops-cost-{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, str(script)]
    for _ in range(2):  # the first run writes the bytecode cache
        out.unlink(missing_ok=True)
        subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-x", "100", "-y", "30", "--", *command], env=env)
        while subprocess.run(["tmux", "-L", socket, "has-session"], capture_output=True).returncode == 0:
            time.sleep(0.5)
    found = re.search(r"^summary: (\d+)", out.read_text(), re.M)
    if found is None:
        raise RuntimeError(f"{name}: callgrind wrote no summary")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.frame_cost", description=__doc__)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "scratch" / "work-quick.db")
    args = parser.parse_args()
    desk = ["desk", "--db", str(args.db), "--now", records.NOW.isoformat()]
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        bare = instructions(BARE.format(bench=str(ROOT / "bench")), scratch, "bare")
        figures = {"bare": bare}
        for language in ("en", "zh"):
            figures[language] = instructions(DESK.format(argv=[*desk, "--lang", language]), scratch, language)
            figures[f"ratio_{language}"] = round(figures[language] / bare, 3)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
