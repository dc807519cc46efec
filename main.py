"""The `ediops` console script: the domain's commands plus the desk's (which need Textual)."""
from __future__ import annotations

import sys

from ediops.cli import domain_registrars, run


def _registrars():
    registrars = domain_registrars()
    try:
        from screens.commands import LONG_RUNNING, register
    except ImportError as exc:  # the desk's modules are not there yet
        if exc.name and exc.name.startswith("screens"):
            return registrars, set()
        raise
    return registrars + [register], LONG_RUNNING


def main(argv: list[str] | None = None) -> int:
    registrars, long_running = _registrars()
    return run(argv, registrars, long_running=long_running | {"daemon", "simulate"})


if __name__ == "__main__":
    sys.exit(main())
