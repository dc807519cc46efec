"""`ediops config check` (docs/operations.md): every problem of the whole configuration, each with
its file and key, not only the first one a command would trip on.

`VALIDATORS` is the table of per-file checks: a file ediops reads gets one entry (name ->
function). A validator gets the file's parsed TOML and a `Sheet` to write problems on, and
can read the other files through `sheet.other(name)` (alert rules naming channels, for one).
An unknown `.toml` file in `--config DIR` is an error: a misspelt override is never ignored."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

from ediops import config as config_mod
from ediops.monitoring import settings as monitoring
from ediops.errors import InputError
from ediops.i18n import LANGUAGES, _
from ediops.operations.config_values import (
    kind,
    must,
    not_known,
    clock_time,
    one_of,
    positive_int,
    positive_number,
    text,
    url,
)

ISSUER_CODE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class Problem:
    path: str
    key: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        warning = _("warning: ") if self.warning else ""
        return f"{self.path}: {self.key}: {warning}{self.message}"


@dataclass
class Sheet:
    """What one validator writes on: problems of its file, and read access to the others."""

    name: str
    path: str
    files: dict[str, dict]
    problems: list[Problem] = field(default_factory=list)

    def error(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, key or "(file)", message))

    def warn(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, key or "(file)", message, warning=True))

    def other(self, name: str) -> dict | None:
        """Another file's parsed content (None when it could not be read)."""
        return self.files.get(name)

    # -- helpers for the common shapes

    def fields(self, prefix: str, table, spec: dict[str, Callable], *, required: tuple[str, ...] = ()) -> None:
        """Unknown keys, missing required keys and each value's check (`spec[key](value)`
        returns an error message or None)."""
        if not isinstance(table, dict):
            self.error(prefix, must(_("a table"), kind(table)))
            return
        for key in required:
            if key not in table:
                self.error(_join(prefix, key), _("missing"))
        for key, value in table.items():
            check = spec.get(key)
            if check is None:
                self.error(_join(prefix, key), not_known(_("key"), spec))
            elif (message := check(value)) is not None:
                self.error(_join(prefix, key), message)

    def tables(self, prefix: str, value) -> list[tuple[str, dict]]:
        """An array of tables as (key, table) pairs; anything else is an error."""
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            self.error(prefix, must(_("an array of tables ([[{prefix}]])").format(prefix=prefix), kind(value)))
            return []
        return [(f"{prefix}[{i}]", t) for i, t in enumerate(value, 1)]


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def token_source(sheet: Sheet, prefix: str, table: dict) -> None:
    """A peer needs `token_env` or `token_file`; an unset variable or a missing file is only a
    warning (the deployment may provide it at start)."""
    env, path = table.get("token_env"), table.get("token_file")
    if not env and not path:
        sheet.error(prefix, _("no token source (token_env or token_file)"))
        return
    if isinstance(env, str) and env and not os.environ.get(env) and not path:
        sheet.warn(_join(prefix, "token_env"), _("environment variable {name} is not set").format(name=env))
    if isinstance(path, str) and path and not Path(path).is_file():
        sheet.warn(_join(prefix, "token_file"), _("token file {path} does not exist").format(path=path))


# ---------------------------------------------------------------- files

PEER = {"url": url, "token_env": text, "token_file": text, "name": text}


def check_peers(data: dict, sheet: Sheet) -> None:
    sheet.fields("", data, {"customs": _ok, "ministry": _ok, "issuers": _ok, "bureaus": _ok})
    for name in ("customs", "ministry"):
        if name in data:
            sheet.fields(name, data[name], PEER, required=("url",))
            if isinstance(data[name], dict):
                token_source(sheet, name, data[name])
    seen: set = set()
    spec = PEER | {"code": _issuer_code, "cutoff": clock_time}
    for section, spec in (("issuers", spec), ("bureaus", PEER | {"code": text})):
        for key, table in sheet.tables(section, data.get(section, [])):
            sheet.fields(key, table, spec, required=("code", "url"))
            code = table.get("code")
            if (section, code) in seen:
                sheet.error(_join(key, "code"), _("{value!r} appears twice").format(value=code))
            seen.add((section, code))
            token_source(sheet, key, table)


def _ok(value) -> None:
    return None


def _issuer_code(value) -> str | None:
    return None if isinstance(value, str) and ISSUER_CODE.match(value) else must(_("two capital letters"), repr(value))


def check_units(data: dict, sheet: Sheet) -> None:
    sheet.fields("", data, {"units": _ok}, required=("units",))
    units = data.get("units", {})
    if isinstance(units, dict):
        sheet.fields("units", units, {code: text for code in units})
        for code in units:
            if not re.match(r"^[A-Z0-9]{2,3}$", code):
                sheet.error(f"units.{code}", _("a unit code is 2 or 3 capital letters or digits (UN/ECE Rec. 20)"))


CRON_FIELDS = ("year", "month", "day", "week", "day_of_week", "hour", "minute", "second", "start_date", "end_date")


def check_windows(data: dict, sheet: Sheet) -> None:
    from apscheduler.triggers.cron import CronTrigger

    from ediops.clock import SHANGHAI
    from ediops.vocabulary import WINDOWS

    sheet.fields("", data, {"windows": _ok})
    windows = data.get("windows", {})
    if not isinstance(windows, dict):
        sheet.error("windows", must(_("a table"), kind(windows)))
        return
    for name, table in windows.items():
        key = f"windows.{name}"
        if name not in WINDOWS:
            sheet.error(key, not_known(_("window"), WINDOWS))
            continue
        sheet.fields(key, table, {"cron": _ok, "description": text}, required=("cron",))
        cron = table.get("cron") if isinstance(table, dict) else None
        if not isinstance(cron, dict):
            continue
        unknown = [f for f in cron if f not in CRON_FIELDS]
        for f in unknown:
            sheet.error(f"{key}.cron.{f}", not_known(_("cron field"), CRON_FIELDS))
        for f, value in cron.items():
            if f in unknown:
                continue
            try:
                CronTrigger(**{f: value}, timezone=SHANGHAI)
            except (TypeError, ValueError) as exc:
                sheet.error(
                    f"{key}.cron.{f}", _("bad cron field {value!r}: {problem}").format(value=value, problem=exc)
                )


# settings.toml: every key ediops reads, with its check. Add yours here.
SETTINGS: dict[str, Callable] = {
    "urgent_deadline_minutes": positive_number,
    "customs_unacked_minutes": positive_number,
    "ack_grace_minutes": positive_number,
    "feed_grace_minutes": positive_number,
    "max_releases": positive_int,
    "feed_poll_seconds": positive_number,
    "forward_batch_size": positive_int,
    "peer_concurrency": positive_int,
    "peer_attempts": positive_int,
    "lease_seconds": positive_number,
    "backup_dir": text,
    "backup_keep": positive_int,
    **dict.fromkeys(("archive_after_days", "archive_chunk"), positive_int),  # docs/retention.md
    "urgent_warn_minutes": positive_number,
    "alert_grace_minutes": positive_number,
    "alert_check_seconds": positive_number,
    "alert_retry_seconds": positive_number,
    "alert_bell": lambda v: None if isinstance(v, bool) else must(_("true or false"), repr(v)),
    # docs/safeguards.md: isolated peers, bounded input, file modes
    "peer_deadline_seconds": positive_number,
    "peer_max_answer_bytes": positive_int,
    "peer_rest_max_seconds": positive_number,
    "feed_poll_seconds_by_issuer": lambda v: _per_issuer_seconds(v),
    "max_file_bytes": positive_int,
    "max_text_chars": positive_int,
    "data_file_mode": lambda v: _file_mode(v),
    # docs/two-sites.md
    "replica_url": lambda v: _replica_url(v),
    "replica_sync_seconds": positive_number,
    "replica_healthy_lag_seconds": positive_number,
    "replica_ssh_key": lambda v: None if isinstance(v, str) else must(_("a string"), kind(v)),
    "replica_ssh_host_key": lambda v: None if isinstance(v, str) else must(_("a string"), kind(v)),
    # docs/languages.md
    "language": one_of("auto", *LANGUAGES),
    "ascii": lambda v: None if isinstance(v, bool) else must(_("true or false"), repr(v)),
    # docs/operations.md: the shift report
    "shift_starts": lambda v: _shift_starts(v),
    **{name: partial(monitoring.problem, name) for name in monitoring.DEFAULTS},  # docs/monitoring.md
}


def _shift_starts(value) -> str | None:
    if not isinstance(value, list) or not value:
        return must(_('a list of HH:MM like ["08:00", "16:00", "00:00"]'), kind(value))
    for item in value:
        problem = clock_time(item)
        if problem:
            return problem
    return None if len(set(value)) == len(value) else _("names a time twice: {value!r}").format(value=value)


def _replica_url(value) -> str | None:
    """Empty (no second site), or a URL Litestream replicates to, with no password in it."""
    from urllib.parse import urlsplit

    if not isinstance(value, str):
        return must(_("a string"), kind(value))
    if value and urlsplit(value).scheme not in ("file", "sftp", "s3"):
        return must(_("a file://, sftp:// or s3:// URL"), repr(value.split(":", 1)[0]))
    if value and urlsplit(value).password is not None:
        return "carries a password: credentials come from the environment (docs/two-sites.md)"
    return None


def _per_issuer_seconds(value) -> str | None:
    if not isinstance(value, dict):
        return must(_("a table of issuer code = seconds"), kind(value))
    for code, seconds in value.items():
        problem = _issuer_code(code) or positive_number(seconds)
        if problem:
            return f"{code}: {problem}"
    return None


def _file_mode(value) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"0?[0-7]{3}", value):
        return must(_('an octal mode in quotes like "0660"'), repr(value))
    return None


def check_settings(data: dict, sheet: Sheet) -> None:
    sheet.fields("", data, SETTINGS)


def check_roles(data: dict, sheet: Sheet) -> None:
    from ediops.operators.roles import ROLES

    if sheet.path != str(config_mod.BUNDLED / "roles.toml"):  # an override counts only when root's
        try:
            config_mod.read_roles(Path(sheet.path).parent)
        except InputError as exc:
            sheet.error("(file)", str(exc).removeprefix(f"{sheet.path}: "))
    role = one_of(*ROLES)
    sheet.fields("", data, {"default": role, "users": _ok})
    users = data.get("users", {})
    if isinstance(users, dict):
        sheet.fields("users", users, {user: role for user in users})
    else:
        sheet.error("users", must(_("a table of user = role"), kind(users)))


def check_hotline(data: dict, sheet: Sheet) -> None:
    from ediops.hotline.settings import CATEGORIES, PRIORITIES

    sheet.fields("", data, {"default_category": one_of(*CATEGORIES), "categories": _ok}, required=("categories",))
    categories = data.get("categories", {})
    if not isinstance(categories, dict):
        return
    spec = {"target_minutes": positive_int, "priority": one_of(*PRIORITIES), "template": lambda v: _string(v)}
    for name in CATEGORIES:
        if name not in categories:
            sheet.error(f"categories.{name}", _("missing (every category needs its target)"))
    for name, table in categories.items():
        if name not in CATEGORIES:
            sheet.error(f"categories.{name}", not_known(_("category"), CATEGORIES))
        else:
            sheet.fields(f"categories.{name}", table, spec, required=("target_minutes",))


def _string(value) -> str | None:
    return None if isinstance(value, str) else must(_("a string"), kind(value))


def check_contacts(data: dict, sheet: Sheet) -> None:
    from ediops.hotline.settings import PARTIES

    sheet.fields("", data, {"roles": _ok, "vendors": _ok})
    spec = {"id": text, "name": text, "phone": text, "party": one_of(*PARTIES)}
    seen: set = set()
    for section in ("roles", "vendors"):
        for key, table in sheet.tables(section, data.get(section, [])):
            sheet.fields(key, table, spec, required=tuple(spec))
            if table.get("id") in seen:
                sheet.error(f"{key}.id", _("{value!r} appears twice").format(value=table["id"]))
            seen.add(table.get("id"))


def check_alerts(data: dict, sheet: Sheet) -> None:
    """Unknown channels or codes are errors; a channel whose URL cannot be had here, a warning."""
    from ediops.alerts import config as alerts

    errors = alerts.problems(data)
    for key, message in errors:
        sheet.error(key, message)
    if not errors:
        for channel in alerts.parse(data).channels.values():
            if channel.resolve() is None:
                sheet.warn(f"channels.{channel.name}", channel.unset_reason())


VALIDATORS: dict[str, Callable[[dict, Sheet], None]] = {
    "peers.toml": check_peers,
    "units.toml": check_units,
    "windows.toml": check_windows,
    "settings.toml": check_settings,
    "roles.toml": check_roles,
    "hotline.toml": check_hotline,
    "contacts.toml": check_contacts,
    "alerts.toml": check_alerts,
}


# ---------------------------------------------------------------- the whole configuration


def source(name: str, config_dir: Path | None):
    """Where `name` is read from: the override directory if it has it, else the bundle."""
    if config_dir is not None and (Path(config_dir) / name).is_file():
        return Path(config_dir) / name
    return config_mod.BUNDLED / name


def check(config_dir: str | Path | None = None) -> list[Problem]:
    """Every problem of every file, in file order; warnings included (`Problem.warning`)."""
    config_dir = Path(config_dir) if config_dir else None
    problems: list[Problem] = []
    if config_dir is not None and not config_dir.is_dir():
        return [Problem(str(config_dir), "(directory)", _("--config: not a directory"))]
    if config_dir is not None:
        stray = _("not a file ediops reads (known: {known})").format(known=", ".join(VALIDATORS))
        problems += [
            Problem(str(p), "(file)", stray) for p in sorted(config_dir.glob("*.toml")) if p.name not in VALIDATORS
        ]
    files: dict[str, dict] = {}
    paths: dict[str, str] = {}
    for name in VALIDATORS:
        path = source(name, config_dir)
        paths[name] = str(path)
        if not path.is_file():
            problems.append(Problem(str(path), "(file)", _("missing")))
            continue
        try:
            files[name] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), "(file)", _("not valid TOML: {problem}").format(problem=exc)))
    for name, validate in VALIDATORS.items():
        if name in files:
            sheet = Sheet(name, paths[name], files)
            validate(files[name], sheet)
            problems.extend(sheet.problems)
    return problems
