"""The command line of contract §8. Each module here registers its own commands
(`register(subparsers, common)`); `main.py` adds the desk's commands and runs it.

Exit status: 0 done (findings are not errors), 1 bad input or failed operation with one
line on stderr, 2 wrong usage (argparse)."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sqlite3
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, AbstractSet, Callable, Iterable

from ediops import config as config_mod
from ediops import store
from ediops.operators.audit import current_actor
from ediops.clock import Clock, parse_instant
from ediops.errors import EdiopsError
from ediops.text import clean

if TYPE_CHECKING:
    from ediops.hotline.settings import HotlineConfig
    from ediops.store import Database


@dataclass
class Context:
    """What every command gets: where the store is, the config, the clock, the operator."""

    db_path: Path | None
    config_dir: Path | None
    clock: Clock
    actor: str = field(default_factory=current_actor)

    @cached_property
    def db(self) -> Database:
        return store.connect(self.db_path, mode=data_file_mode(self.config.settings))

    @cached_property
    def hotline(self) -> HotlineConfig:
        """The hotline's settings of `--config`, read once for the command."""
        from ediops.hotline import settings

        return settings.load(self.config_dir)

    @cached_property
    def config(self) -> config_mod.Config:
        return config_mod.load(self.config_dir)

    def out(self, line: str = "") -> None:
        """Text output: outside strings are cleaned before they reach the terminal."""
        print(clean(line, multiline=True))


def data_file_mode(settings: dict) -> int:
    """settings.toml `data_file_mode` ("0660"), the mode a new data file gets."""
    text = str(settings.get("data_file_mode", f"{store.FILE_MODE:04o}"))
    try:
        mode = int(text, 8)
    except ValueError:
        raise EdiopsError(f"settings.toml: data_file_mode {text!r} is not an octal mode like 0660") from None
    if not 0 <= mode <= 0o777:
        raise EdiopsError(f"settings.toml: data_file_mode {text!r} is not an octal mode like 0660")
    return mode


def store_problem(path, exc: Exception) -> str:
    path = path or store.default_path()
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return f"data file {path} is read-only for {current_actor()} (it and its directory must be writable)"
    if "unable to open" in text:
        return f"data file {path} cannot be opened by {current_actor()} (missing directory or no permission)"
    return f"data file {path}: {text}"


def _instant(text: str):
    try:
        return parse_instant(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 instant: {text!r}") from None


def common_options() -> argparse.ArgumentParser:
    """Global options accepted before or after the command name."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        type=Path,
        default=argparse.SUPPRESS,
        help="data file (else $EDIOPS_DB, else ~/.local/share/ediops/ediops.db)",
    )
    parent.add_argument(
        "--config",
        type=Path,
        default=argparse.SUPPRESS,
        help="directory whose files replace the bundled config/ files of the same name",
    )
    parent.add_argument(
        "--now", type=_instant, default=argparse.SUPPRESS, help="run as if at this ISO 8601 instant (replays, tests)"
    )
    return parent


Register = Callable[[argparse._SubParsersAction, argparse.ArgumentParser], None]


def domain_registrars() -> list[Register]:
    """Every `register` in ediops.cli's modules, in module-name order."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            found.append(module.register)
    return found


def build_parser(registrars: Iterable[Register]) -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(prog="ediops", parents=[common], description="Operations desk of the EDI centre.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in registrars:
        register(sub, common)
    return parser


def run(argv: list[str] | None, registrars: Iterable[Register], *, long_running: AbstractSet[str] = frozenset()) -> int:
    parser = build_parser(registrars)
    args = parser.parse_args(argv)
    now = getattr(args, "now", None)
    ctx = Context(
        db_path=getattr(args, "db", None),
        config_dir=getattr(args, "config", None),
        clock=Clock(now, frozen=args.command not in long_running),
    )
    try:
        return args.func(ctx, args) or 0
    except EdiopsError as exc:
        print(f"ediops {args.command}: {clean(exc)}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # a read-only or unreadable data file, a full disk: one line
        print(f"ediops {args.command}: {store_problem(ctx.db_path, exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`ediops ... | head`): say so once, and keep Python from
        # failing again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"ediops {args.command}: output closed early (broken pipe)", file=sys.stderr)
        return 1
