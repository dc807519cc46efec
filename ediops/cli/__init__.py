"""The command line of docs/commands.md. Each module here registers its own commands
(`register(subparsers, common)`); `main.py` adds the desk's commands and runs it.

Exit status: 0 done (findings are not errors), 1 bad input or failed operation with one
line on stderr, 2 wrong usage (argparse)."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, AbstractSet, Callable, Iterable

from ediops import config as config_mod
from ediops import i18n, store
from ediops.store import health as store_health
from ediops.operators.audit import current_actor
from ediops.clock import Clock, parse_instant
from ediops.errors import EdiopsError, InputError
from ediops.i18n import N_, _
from ediops.monitoring import logs, textfile
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
    ascii_option: bool = False

    @cached_property
    def ascii(self) -> bool:
        """Borders, marks and ellipses in ASCII: `--ascii`, else settings.toml `ascii`
        (docs/languages.md)."""
        return self.ascii_option or self.config.settings.get("ascii") is True

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
        mode = -1
    if not 0 <= mode <= 0o777:
        raise EdiopsError(_("settings.toml: data_file_mode {text!r} is not an octal mode like 0660").format(text=text))
    return mode


def store_problem(path, exc: Exception) -> str:
    path = path or store.default_path()
    text = str(exc)
    cause = store_health.room(path)
    if cause and (store_health.unwritable(exc) or "unable to open" in text):  # docs/faults.md
        return _("data file {path}: {problem}").format(path=path, problem=f"cannot be written: {cause}")
    if "readonly" in text or "read-only" in text:
        return _("data file {path} is read-only for {user} (it and its directory must be writable)").format(
            path=path, user=current_actor()
        )
    if "unable to open" in text:
        return _("data file {path} cannot be opened by {user} (missing directory or no permission)").format(
            path=path, user=current_actor()
        )
    return _("data file {path}: {problem}").format(path=path, problem=text)


def _instant(text: str):
    try:
        return parse_instant(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not an ISO 8601 instant: {text!r}").format(text=text)) from None


def common_options() -> argparse.ArgumentParser:
    """Global options accepted before or after the command name."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        type=Path,
        default=argparse.SUPPRESS,
        help=_("data file (else $EDIOPS_DB, else ~/.local/share/ediops/ediops.db)"),
    )
    parent.add_argument(
        "--config",
        type=Path,
        default=argparse.SUPPRESS,
        help=_("directory whose files replace the bundled config/ files of the same name"),
    )
    parent.add_argument(
        "--now", type=_instant, default=argparse.SUPPRESS, help=_("run as if at this ISO 8601 instant (replays, tests)")
    )
    parent.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=argparse.SUPPRESS,
        help=_("language of the desk and the text output (else settings.toml language, else the locale)"),
    )
    parent.add_argument(
        "--ascii",
        action="store_true",
        default=argparse.SUPPRESS,
        help=_("borders, marks and ellipses in ASCII (terminals that draw box characters two cells wide)"),
    )
    return parent


class _Peek(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


def peek_options(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    """The global options in `argv` and the rest, read before the full parser is built; raises
    ValueError when they cannot be read (the full parser then says what is wrong)."""
    return _Peek(parents=[common_options()], add_help=False).parse_known_args(argv)


# argparse's own words an operator meets (usage, errors, help headings): argparse asks the
# stdlib's gettext, which knows nothing of --lang, so it is pointed at the catalogue for these.
ARGPARSE_WORDS = frozenset(
    (
        N_("usage: "),
        N_("argument %(argument_name)s: %(message)s"),
        N_("positional arguments"),
        N_("options"),
        N_("show this help message and exit"),
        N_("unrecognized arguments: %s"),
        N_("not allowed with argument %s"),
        N_("the following arguments are required: %s"),
        N_("one of the arguments %s is required"),
        N_("expected one argument"),
        N_("ambiguous option: %(option)s could match %(matches)s"),
        N_("invalid %(type)s value: %(value)r"),
        N_("invalid choice: %(value)r (choose from %(choices)s)"),
        N_("%(prog)s: error: %(message)s\n"),
    )
)


def _argparse_words(message: str) -> str:
    return _(message) if message in ARGPARSE_WORDS else message


def choose_language(argv: list[str] | None) -> None:
    """docs/languages.md: `--lang`, else settings.toml `language`, else the locale, else
    English; chosen before any help or message is made."""
    peek = _Peek(add_help=False)
    peek.add_argument("--lang", choices=i18n.LANGUAGES)
    peek.add_argument("--config", type=Path)
    try:
        known, _rest = peek.parse_known_args(argv)
    except ValueError:  # `--lang` given a bad value: the full parser says so
        known = argparse.Namespace()
    try:
        setting = config_mod.read_toml("settings.toml", getattr(known, "config", None)).get("language")
    except InputError:  # the command itself will say what is wrong with the file
        setting = None
    i18n.use(i18n.choose(getattr(known, "lang", None), setting, os.environ))
    argparse._ = _argparse_words  # type: ignore[attr-defined]


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
    parser = argparse.ArgumentParser(
        prog="ediops", parents=[common], description=_("Operations desk of the EDI centre.")
    )
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
        ascii_option=getattr(args, "ascii", False),
    )
    logs.setup(logging.WARNING)  # a command's warnings as JSON lines; the daemon and the desk set their own
    actor = None if args.command in ("daemon", "simulate") else ctx.actor  # an operator's command: who ran it
    if args.command not in textfile.COMMANDS:
        with logs.context(actor=actor):
            return _call(ctx, args)
    started = time.time()
    with logs.context(actor=actor):
        code = _call(ctx, args)
    try:
        folder = ctx.config.settings.get("metrics_textfile_dir")
        if folder:  # its outcome for node_exporter (docs/monitoring.md)
            textfile.write(folder, args.command, ok=code == 0, started=started, finished=time.time())
    except (EdiopsError, OSError) as exc:  # the command's own outcome stands
        print(f"ediops {args.command}: metrics_textfile_dir: {clean(exc)}", file=sys.stderr)
    return code


def _call(ctx: Context, args: argparse.Namespace) -> int:
    """The command, with its exit statuses (docs/commands.md): one line on stderr for what failed."""
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
        closed = _("output closed early (broken pipe)")
        print(f"ediops {args.command}: {closed}", file=sys.stderr)
        return 1
