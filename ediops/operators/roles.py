"""Operator roles from the configuration's roles.toml: which actions each role may take.

The check lives in the domain (`operator_action`, `require`), so every door (desk key,
command line, palette) is held to it; the desk only greys out what the domain would refuse.
The audited actor is always the OS user; the role only decides what that user may do."""

from __future__ import annotations

import dataclasses
import functools
from typing import Callable

from ediops.i18n import _
from ediops.errors import InputError, Refused

ACTIONS = frozenset(
    {
        "forward",  # an urgent licence to customs now
        "phone",  # the issuer's phone confirmation of an urgent licence
        "escalate",
        "resolve",  # a finding, with a note
        "ticket",  # every hotline ticket change: new, note, wait, route, resolve, close, reopen
        "run",  # a window now
        "pause",
        "resume",
        "resend",  # a licence or acknowledgement again, with a reason (docs/resend.md)
        "alert-ack",
        "hold",  # a licence on legal hold, or its release (docs/retention.md)
        "archive",  # licences past retention into the archive files
    }
)
SUPERVISOR_ONLY = frozenset({"hold", "archive"})
ROLES: dict[str, frozenset[str]] = {
    "duty": ACTIONS - SUPERVISOR_ONLY,
    # The hotline takes customs' "no electronic data" calls (not-received): it may resend.
    "hotline": frozenset({"ticket", "phone", "resend"}),
    "supervisor": ACTIONS,
    "viewer": frozenset(),
}
DEFAULT_ROLE = "viewer"  # read-only is the safe side for an OS user nobody listed
# The roles under which the engine acts on its own account (e.g. noting customs' answer to a
# resend on its ticket, actor "engine"): never what an operator's door passes.
SYSTEM = {"default": "supervisor"}


def role_for(roles_config: dict, user: str) -> str:
    """The user's role: `[users]` entry, else `default`, else viewer."""
    role = (roles_config.get("users") or {}).get(user, roles_config.get("default", DEFAULT_ROLE))
    if role not in ROLES:
        raise InputError(
            _("roles.toml: unknown role {role!r} (known: {known})").format(role=role, known=", ".join(sorted(ROLES)))
        )
    return role


def may(role: str, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown operator action {action!r}")  # a typo must not read as a refusal
    return action in ROLES[role]


def require(roles_config: dict, user: str, action: str) -> None:
    """Refuses `action` (nothing changed, nothing audited) unless `user`'s role allows it."""
    role = role_for(roles_config, user)
    if not may(role, action):
        raise Refused(f"{user} ({role}) may not {action}")


def operator_action(action: str) -> Callable:
    """Decorates a domain action `fn(db, ..., actor=..., ...)`: callers must pass `roles=` (the
    configuration's roles.toml) and the role is checked before the function touches the store."""

    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def checked(*args, roles: dict, actor: str, **kwargs):
            require(roles, actor, action)
            return fn(*args, actor=actor, **kwargs)

        return checked

    return wrap


def granting(config, user: str, role: str):
    """`config` with `user` given `role` (the demo's own operator; tests): a copy, never the files."""
    if role not in ROLES:
        raise InputError(_("unknown role {role!r} (known: {known})").format(role=role, known=", ".join(sorted(ROLES))))
    users = dict(config.roles.get("users") or {}, **{user: role})
    return dataclasses.replace(config, roles={**config.roles, "users": users})
