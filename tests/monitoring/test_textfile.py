"""docs/monitoring.md: a one-shot command's outcome for node_exporter's textfile collector."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from ediops.monitoring import textfile
from tests.monitoring import prom


def _values(path) -> dict[str, float]:
    text = path.read_text(encoding="utf-8")
    return {s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples}


def test_a_failure_keeps_the_last_success(tmp_path):
    path = textfile.write(tmp_path, "backup", ok=True, started=1000.0, finished=1003.5)
    assert path.name == "ediops_backup.prom"
    first = _values(path)
    assert first["ediops_command_success"] == 1 and first["ediops_command_duration_seconds"] == 3.5
    assert first["ediops_command_last_success_timestamp_seconds"] == 1003.5
    textfile.write(tmp_path, "backup", ok=False, started=2000.0, finished=2001.0)
    failed = _values(path)
    assert failed["ediops_command_success"] == 0 and failed["ediops_command_last_run_timestamp_seconds"] == 2001
    assert failed["ediops_command_last_success_timestamp_seconds"] == 1003.5
    assert [p.name for p in tmp_path.iterdir()] == ["ediops_backup.prom"]  # no temporary file left


def test_ediops_check_writes_its_outcome_and_promtool_takes_it(db, cli, tmp_path):
    folder = tmp_path / "textfiles"
    folder.mkdir()
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text(f'metrics_textfile_dir = "{folder}"\n', encoding="utf-8")
    done = cli("check", "--config", str(config))
    assert done.returncode == 0, done.stderr
    written = folder / "ediops_check.prom"
    assert _values(written)["ediops_command_success"] == 1
    checked = prom.check_metrics(written.read_text(encoding="utf-8"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
