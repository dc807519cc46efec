"""Configuration: the bundled `config/` TOML files, each replaced whole by a file of the
same name in `--config DIR`. Tokens come from the environment or a token file, never TOML."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

from ediops.i18n import _
from ediops.errors import InputError

# The repository's config/ installs as the package ediops.defaults (pyproject.toml), so an
# installed program finds its bundled files wherever pip put them: a folder, as setuptools
# installs it (`importlib.resources` would import zipfile for it, ~3 ms before the desk's first
# frame; bench/NOTES.md).
BUNDLED = Path(find_spec("ediops.defaults").submodule_search_locations[0])


def read_toml(name: str, config_dir: str | Path | None = None) -> dict:
    """`name` from the override directory if it has it, else from the bundle."""
    for folder in ([Path(config_dir)] if config_dir else []) + [BUNDLED]:
        path = folder / name
        if path.is_file():
            try:
                return tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise InputError(f"{path}: {exc}") from None
    raise InputError(_("config file {name} not found in {value}").format(name=name, value=config_dir or BUNDLED))


def read_roles(config_dir: Path | None) -> dict:
    """roles.toml decides what the invoking OS user may do, so one from `--config DIR` counts only
    when no desk user could have written it: owned by root and writable by no one else. Anyone may
    pass `--config`; nobody grants themselves a role with it (docs/ssh.md)."""
    path = Path(config_dir) / "roles.toml" if config_dir else None
    if path is not None and path.is_file():
        info = path.stat()
        if info.st_uid != 0 or info.st_mode & 0o022:
            raise InputError(
                f"{path}: roles are read only from a file owned by root and writable by no one else "
                f"(this one: uid {info.st_uid}, mode {info.st_mode & 0o777:04o})"
            )
    return read_toml("roles.toml", config_dir)


@dataclass(frozen=True)
class Peer:
    """A peer the centre calls: base URL and where its bearer token comes from."""

    name: str
    url: str
    token_env: str | None = None
    token_file: str | None = None

    def token(self) -> str:
        """The bearer token (docs/safeguards.md): a token file's first line, surrounding whitespace
        stripped, the rest ignored; visible ASCII only. A bad one is a configuration error that
        names its source, never its value."""
        if self.token_env and os.environ.get(self.token_env):
            return _checked_token(os.environ[self.token_env].strip(), f"peer {self.name}: ${self.token_env}")
        if self.token_file:
            try:
                with open(self.token_file, "rb") as handle:
                    first = handle.readline(MAX_TOKEN_BYTES + 1)
            except OSError as exc:
                raise InputError(
                    f"peer {self.name}: cannot read token file {self.token_file}: {exc.strerror}"
                ) from None
            try:
                text = first.decode("ascii").strip()
            except UnicodeDecodeError:
                text = None
            return _checked_token(text, f"peer {self.name}: token file {self.token_file}")
        raise InputError(
            _("peer {name}: no token (set {value})").format(
                name=self.name, value=self.token_env or "token_env or token_file"
            )
        )


MAX_TOKEN_BYTES = 4096
_TOKEN = re.compile(r"[\x21-\x7e]+")


def _checked_token(token: str | None, source: str) -> str:
    from ediops.secrets import remember

    if not token or len(token) > MAX_TOKEN_BYTES or not _TOKEN.fullmatch(token):
        raise InputError(
            _("{source}: the token must be one line of visible ASCII characters (value not shown)").format(
                source=source
            )
        )
    remember(token)
    return token


@dataclass(frozen=True)
class Issuer(Peer):
    code: str = ""
    cutoff: str = "17:00"
    display_name: str = ""


@dataclass(frozen=True)
class Config:
    directory: Path | None
    customs: Peer | None
    ministry: Peer | None
    issuers: tuple[Issuer, ...]
    units: dict[str, str]
    windows: dict[str, dict]
    settings: dict
    roles: dict
    bureaus: tuple[Peer, ...] = field(default_factory=tuple)

    def issuer(self, code: str) -> Issuer | None:
        return next((i for i in self.issuers if i.code == code), None)

    def setting(self, name: str):
        return self.settings[name]


def _peer(name: str, table: dict, source: str) -> Peer:
    if not isinstance(table, dict) or not table.get("url"):
        raise InputError(_("{source}: peer {name} needs a url").format(source=source, name=name))
    return Peer(
        name=name,
        url=str(table["url"]).rstrip("/"),
        token_env=table.get("token_env"),
        token_file=table.get("token_file"),
    )


def load(config_dir: str | Path | None = None) -> Config:
    config_dir = Path(config_dir) if config_dir else None
    if config_dir is not None and not config_dir.is_dir():
        raise InputError(_("--config {config_dir}: not a directory").format(config_dir=config_dir))
    peers = read_toml("peers.toml", config_dir)
    issuers = []
    for i, table in enumerate(peers.get("issuers", []), 1):
        code = table.get("code")
        if not (isinstance(code, str) and len(code) == 2 and code.isascii() and code.isupper()):
            raise InputError(_("peers.toml: issuers entry {i}: code must be two capital letters").format(i=i))
        base = _peer(f"issuer {code}", table, "peers.toml")
        issuers.append(
            Issuer(
                name=base.name,
                url=base.url,
                token_env=base.token_env,
                token_file=base.token_file,
                code=code,
                cutoff=table.get("cutoff", "17:00"),
                display_name=table.get("name", code),
            )
        )
    bureaus = tuple(_peer(f"bureau {b.get('code')}", b, "peers.toml") for b in peers.get("bureaus", []))
    units = read_toml("units.toml", config_dir).get("units", {})
    return Config(
        directory=config_dir,
        customs=_peer("customs", peers["customs"], "peers.toml") if "customs" in peers else None,
        ministry=_peer("ministry", peers["ministry"], "peers.toml") if "ministry" in peers else None,
        issuers=tuple(issuers),
        units={str(k): str(v) for k, v in units.items()},
        windows=read_toml("windows.toml", config_dir).get("windows", {}),
        settings=read_toml("settings.toml", config_dir),
        roles=read_roles(config_dir),
        bureaus=bureaus,
    )
