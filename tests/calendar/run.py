"""`python -m tests.calendar.run NAME|all [PYTEST ARGS]`: the suite (or the part the arguments
name) with the wall clock of every process pinned at one of tests/calendar/pinned.py's
instants, or at each in turn (`make test-calendar`). The suite's own test_pinned_instants
does this for the date-sensitive tests at every `make test`."""

from __future__ import annotations

import subprocess
import sys

from tests.calendar.pinned import INSTANTS, environment
from tests.packaging.install import ROOT


def main(argv: list[str]) -> int:
    if not argv or (argv[0] not in INSTANTS and argv[0] != "all"):
        print(f"usage: python -m tests.calendar.run {{{'|'.join(INSTANTS)}|all}} [pytest args]", file=sys.stderr)
        return 2
    names = list(INSTANTS) if argv[0] == "all" else [argv[0]]
    failed = []
    for name in names:
        print(f"== {name}: the wall clock at {INSTANTS[name]}", flush=True)
        env = environment(INSTANTS[name]) | {"EDIOPS_TEST_PINNED_AT": INSTANTS[name]}
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-W", "ignore::pytest.PytestAssertRewriteWarning", *argv[1:]],
            cwd=ROOT,
            env=env,
        )
        if done.returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed at: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
