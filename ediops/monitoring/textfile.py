"""The outcome of a command that runs once (backup, archive, restore, check) for node_exporter's
textfile collector (docs/monitoring.md): `ediops_<command>.prom` in `metrics_textfile_dir`,
written whole under a temporary name and renamed, so the collector never reads half a file.

A failure keeps the time of the last success the file held, so an alert on its age holds."""

from __future__ import annotations

from pathlib import Path

COMMANDS = ("backup", "archive", "restore", "check")
LAST_SUCCESS = "ediops_command_last_success_timestamp_seconds"


def _previous_success(path: Path) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    try:
        for family in text_string_to_metric_families(path.read_text(encoding="utf-8")):
            for sample in family.samples:
                if sample.name == LAST_SUCCESS:
                    return float(sample.value)
    except (OSError, ValueError):
        pass
    return 0.0


def write(folder: str | Path, command: str, *, ok: bool, started: float, finished: float) -> Path:
    """Writes the command's outcome; `started` and `finished` are wall-clock seconds."""
    from prometheus_client import CollectorRegistry, Gauge, write_to_textfile

    path = Path(folder) / f"ediops_{command}.prom"
    registry = CollectorRegistry()
    labels = {"command": command}

    def gauge(name: str, text: str, value: float) -> None:
        Gauge(name, text, ["command"], registry=registry).labels(**labels).set(value)

    gauge("ediops_command_last_run_timestamp_seconds", "When the command last ended.", finished)
    gauge("ediops_command_success", "1 when its last run succeeded, else 0.", 1.0 if ok else 0.0)
    gauge("ediops_command_duration_seconds", "How long its last run took.", max(finished - started, 0.0))
    gauge(LAST_SUCCESS, "When it last succeeded (0: never).", finished if ok else _previous_success(path))
    write_to_textfile(str(path), registry)
    return path
