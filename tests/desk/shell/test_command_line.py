"""`ediops desk` and `ediops demo` build only the desk's parser (bench/NOTES.md: desk first
frame); what the operator sees of the command line must not change."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ediops.__main__ import _command_word


@pytest.mark.parametrize(
    "argv, word",
    [
        (["desk"], "desk"),
        (["--db", "x.db", "--now", "2000-03-01T10:00:00+08:00", "demo"], "demo"),
        (["--db=desk", "windows"], "windows"),
        (["--db", "desk"], None),  # "desk" is the data file here
        (["-h", "desk"], None),
        (["--now", "yesterday", "desk"], None),  # the full parser reports the bad instant
        (["--bogus", "desk"], None),
    ],
)
def test_command_word(argv, word):
    assert _command_word(argv) == word


def _ediops(*argv):
    done = subprocess.run(
        [sys.executable, "-c", "import sys, main; sys.exit(main.main())", *argv], capture_output=True, text=True
    )
    return done.returncode, done.stdout, done.stderr


def test_desk_help_and_errors_same_as_the_full_parser():
    from ediops.cli import build_parser, domain_registrars
    from ediops.screens.shell.commands import register

    full = build_parser(domain_registrars() + [register])
    desk = full._subparsers._group_actions[0].choices["desk"]
    code, out, _ = _ediops("desk", "--help")
    assert (code, out) == (0, desk.format_help())
    code, _, err = _ediops("desk", "--bogus")
    assert (code, err) == (2, full.format_usage() + "ediops: error: unrecognized arguments: --bogus\n")
    assert _ediops("--help")[:2] == (0, full.format_help())
