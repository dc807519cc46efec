"""alerts.toml: channels (where an Apprise URL comes from) and rules (codes, steps, repeats).

A URL never sits in a committed file: `url_env` or `url_file`, or `url` only for one that holds
no secret. A channel whose source is unset is not an error of the file: it is reported (once)
as a warning, and its notifications are not sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import os
from dataclasses import dataclass
from pathlib import Path

from ediops.alerts import ALERT_UNDELIVERED, STORE_UNWRITABLE, URGENT_AT_RISK
from ediops.config import read_toml
from ediops.errors import InputError

if TYPE_CHECKING:
    from ediops.config import Config

FILE = "alerts.toml"
CHANNEL_KEYS = {"url_env", "url_file", "url"}
RULE_KEYS = {"codes", "steps", "repeat_minutes"}
STEP_KEYS = {"after_minutes", "notify"}


def known_codes() -> frozenset[str]:
    """Every code an alert rule may name: the findings of docs/findings.md, docs/inspection.md, and the alerts' own."""
    from ediops.inspection.rules import INSPECTION_CODES
    from ediops.licensing.rules import CODES

    return frozenset((*CODES, *INSPECTION_CODES, URGENT_AT_RISK, ALERT_UNDELIVERED, STORE_UNWRITABLE))


@dataclass(frozen=True)
class Channel:
    name: str
    url_env: str | None = None
    url_file: str | None = None
    url: str | None = None

    @property
    def source(self) -> str:
        """Where the URL comes from, fit for a log line (never the URL itself)."""
        if self.url_env:
            return f"${self.url_env}"
        if self.url_file:
            return f"file {self.url_file}"
        return "alerts.toml url"

    def resolve(self) -> str | None:
        """The Apprise URL, or None when its variable is unset or its file missing."""
        if self.url_env:
            value = os.environ.get(self.url_env, "").strip()
            if value:
                return value
        if self.url_file:
            try:
                lines = Path(self.url_file).read_text(encoding="utf-8").splitlines()
            except OSError:
                return None
            return lines[0].strip() if lines and lines[0].strip() else None
        if self.url:
            return self.url.strip() or None
        return None

    def unset_reason(self) -> str:
        if self.url_env and not self.url_file:
            return f"channel {self.name}: {self.url_env} is not set"
        if self.url_file:
            return f"channel {self.name}: URL file {self.url_file} is missing or empty"
        return f"channel {self.name}: no URL"


@dataclass(frozen=True)
class Step:
    after_minutes: float
    notify: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    number: int  # 1-based, in file order
    codes: tuple[str, ...]
    steps: tuple[Step, ...]
    repeat_minutes: float
    key: str = ""  # names the rule in the store: its codes (so reordering the file keeps open alerts)


@dataclass(frozen=True)
class Alerts:
    channels: dict[str, Channel]
    rules: tuple[Rule, ...]

    def codes(self) -> frozenset[str]:
        return frozenset(code for rule in self.rules for code in rule.codes)

    def rule(self, key: str) -> Rule | None:
        return next((r for r in self.rules if r.key == key), None)


def problems(data: dict) -> list[tuple[str, str]]:
    """Every error of an alerts.toml as (key, message); empty when the file is sound."""
    return [(key, message) for key, message in (p.split(": ", 1) for p in _problems(data))]


def _problems(data: dict) -> list[str]:
    found: list[str] = []
    channels = data.get("channels", {})
    for key in sorted(set(data) - {"channels", "rules"}):
        found.append(f"{key}: unknown key")
    if not isinstance(channels, dict):
        return found + ["channels: must be a table of channels"]
    for name, table in channels.items():
        if not isinstance(table, dict):
            found.append(f"channels.{name}: must be a table")
            continue
        for key in sorted(set(table) - CHANNEL_KEYS):
            found.append(f"channels.{name}.{key}: unknown key")
        sources = [k for k in ("url_env", "url_file", "url") if k in table]
        if not sources:
            found.append(f"channels.{name}: needs url_env, url_file or url")
        for key in sources:
            if not isinstance(table[key], str) or not table[key].strip():
                found.append(f"channels.{name}.{key}: must be a non-empty string")
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        return found + ["rules: must be an array of tables ([[rules]])"]
    codes = known_codes()
    for n, rule in enumerate(rules, 1):
        where = f"rules[{n}]"
        if not isinstance(rule, dict):
            found.append(f"{where}: must be a table")
            continue
        for key in sorted(set(rule) - RULE_KEYS):
            found.append(f"{where}.{key}: unknown key")
        rule_codes = rule.get("codes")
        if not isinstance(rule_codes, list) or not rule_codes:
            found.append(f"{where}.codes: must be a non-empty list of codes")
        else:
            found += [f"{where}.codes: unknown code {c!r}" for c in rule_codes if c not in codes]
        repeat = rule.get("repeat_minutes", 0)
        if isinstance(repeat, bool) or not isinstance(repeat, (int, float)) or repeat < 0:
            found.append(f"{where}.repeat_minutes: must be a number of minutes >= 0")
        steps = rule.get("steps")
        if not isinstance(steps, list) or not steps:
            found.append(f"{where}.steps: must be a non-empty list of steps")
            continue
        previous = -1.0
        for k, step in enumerate(steps, 1):
            at = f"{where}.steps[{k}]"
            if not isinstance(step, dict):
                found.append(f"{at}: must be a table")
                continue
            for key in sorted(set(step) - STEP_KEYS):
                found.append(f"{at}.{key}: unknown key")
            after = step.get("after_minutes")
            if isinstance(after, bool) or not isinstance(after, (int, float)) or after < 0:
                found.append(f"{at}.after_minutes: must be a number of minutes >= 0")
            elif after < previous:
                found.append(f"{at}.after_minutes: steps must be in order of after_minutes")
            else:
                previous = float(after)
            notify = step.get("notify")
            if not isinstance(notify, list) or not notify:
                found.append(f"{at}.notify: must be a non-empty list of channel names")
            else:
                found += [f"{at}.notify: unknown channel {c!r}" for c in notify if c not in channels]
    return found


def parse(data: dict) -> Alerts:
    errors = problems(data)
    if errors:
        first = ": ".join(errors[0])
        raise InputError(
            f"{FILE}: {first}" + (f" (and {len(errors) - 1} more; see ediops config check)" if len(errors) > 1 else "")
        )
    channels = {
        name: Channel(name, url_env=t.get("url_env"), url_file=t.get("url_file"), url=t.get("url"))
        for name, t in data.get("channels", {}).items()
    }
    rules, keys = [], set()
    for n, r in enumerate(data.get("rules", []), 1):
        key = ",".join(r["codes"])
        key = next(k for k in (key, *(f"{key}#{i}" for i in range(2, n + 2))) if k not in keys)  # same codes twice
        keys.add(key)
        rules.append(
            Rule(
                number=n,
                codes=tuple(r["codes"]),
                steps=tuple(Step(float(s["after_minutes"]), tuple(s["notify"])) for s in r["steps"]),
                repeat_minutes=float(r.get("repeat_minutes", 0)),
                key=key,
            )
        )
    return Alerts(channels, tuple(rules))


def load(config: Config) -> Alerts:
    """The alerts configuration of a loaded Config (its --config directory, else the bundle)."""
    return parse(read_toml(FILE, config.directory))
