"""Desk roles from config/roles.toml: what each role's action keys may do.

The audited actor is always the OS user; the role only decides which keys work."""

from __future__ import annotations

from ediops.errors import InputError, Refused

ACTIONS = frozenset({"forward", "phone", "escalate", "resolve", "ticket", "window", "resend"})
ROLES: dict[str, frozenset[str]] = {
    "duty": frozenset({"forward", "phone", "escalate", "resolve", "ticket", "window", "resend"}),
    # The hotline takes customs' "no electronic data" calls (not-received): it may resend.
    "hotline": frozenset({"ticket", "phone", "resend"}),
    "supervisor": ACTIONS,
    "viewer": frozenset(),
}


def role_for(roles_config: dict, user: str) -> str:
    """The user's role: `[users]` entry, else `default`, else viewer (read-only is the safe side)."""
    role = (roles_config.get("users") or {}).get(user, roles_config.get("default", "viewer"))
    if role not in ROLES:
        raise InputError(f"roles.toml: unknown role {role!r} (known: {', '.join(sorted(ROLES))})")
    return role


def may(role: str, action: str) -> bool:
    return action in ROLES[role]


def require(roles_config: dict, user: str, action: str) -> None:
    """Refuse `action` unless `user`'s role allows it (every door: desk and command line)."""
    role = role_for(roles_config, user)
    if not may(role, action):
        raise Refused(f"{user} ({role}) may not {action}")
