"""settings.toml's monitoring keys (docs/monitoring.md): their defaults, one place for the
daemon, `ediops health` and `ediops config check`."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "metrics_listen": "127.0.0.1:9464",  # "" turns /metrics and /healthz off
    "metrics_textfile_dir": "",  # the one-shot commands' .prom files; "": none
    # `ediops health` warns past each of these; critical past twice it (free disk: below half).
    # The replica's lag is judged by replica_healthy_lag_seconds (docs/two-sites.md).
    "health_backup_hours": 26,
    "health_disk_free_percent": 10,
}


def get(settings: dict, name: str) -> Any:
    return settings.get(name, DEFAULTS[name])


def problem(name: str, value: object) -> str | None:
    """`ediops config check`'s word on one of these keys, or None when it is sound."""
    if name == "metrics_listen":
        from ediops.monitoring.server import listen_problem

        return listen_problem(value)
    if name == "metrics_textfile_dir":
        return None if isinstance(value, str) else f'must be a folder or "", not {value!r}'
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    return None if ok else f"must be a positive number, not {value!r}"
