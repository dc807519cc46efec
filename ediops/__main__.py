"""The `ediops` program: the domain's commands plus the desk's (which need Textual). The one
module of the package that composes both; the domain itself never imports the desk."""

from __future__ import annotations

import sys

from ediops.cli import choose_language, domain_registrars, peek_options, run


def _command_word(argv: list[str] | None) -> str | None:
    """The command `argv` names, read with the global options' own parser; None when that
    cannot tell (bad option, help asked first): the full parser then says what is wrong."""
    try:
        _, rest = peek_options(argv)
    except ValueError:
        return None
    return rest[0] if rest and not rest[0].startswith("-") else None


def _registrars(argv: list[str] | None):
    from ediops.screens.shell.commands import LONG_RUNNING, register  # imports no Textual until a desk runs

    if _command_word(argv) in LONG_RUNNING:
        # `desk` and `demo` need none of the domain's parsers, whose modules import every
        # command's code (~0.04 s before the desk's first frame; bench/NOTES.md)
        return [register], LONG_RUNNING
    return domain_registrars() + [register], LONG_RUNNING


def main(argv: list[str] | None = None) -> int:
    choose_language(argv)  # before any module of a command is imported or any help is made
    registrars, long_running = _registrars(argv)
    return run(argv, registrars, long_running=long_running | {"daemon", "simulate"})


if __name__ == "__main__":
    sys.exit(main())
