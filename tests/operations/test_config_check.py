"""`ediops config check` (docs/operations.md): every problem with its file and key, exit 0 or 1;
unset token variables and missing token files are warnings; the bundled files pass."""

from __future__ import annotations

from pathlib import Path

from ediops.operations.config_check import VALIDATORS, check

BROKEN = {
    "peers.toml": """
[customs]
url = "ftp://customs"
[[issuers]]
code = "aa"
url = "http://127.0.0.1:1/issuers/AA"
cutoff = "25:00"
colour = "red"
token_env = "EDIOPS_TEST_SURELY_UNSET"
[[issuers]]
code = "AB"
url = "http://127.0.0.1:1/issuers/AB"
token_file = "/nonexistent/ab.token"
""",
    "windows.toml": """
[windows.poll-feeds]
cron = { minute = "*/99", hours = "1" }
[windows.poll-everything]
cron = { minute = "1" }
""",
    "settings.toml": 'urgent_deadline_minutes = "15"\nbackup_keep = 0\nbogus = 1\nmetrics_listen = "9464"\n',
    "roles.toml": 'default = "boss"\n[users]\nli = "duty"\nwang = "admin"\n',
    "hotline.toml": "[categories.urgent]\ntarget_minutes = -1\n[categories.gossip]\ntarget_minutes = 5\n",
    "peer.toml": "[customs]\n",
}

EXPECTED_ERRORS = [
    ("peers.toml", "customs.url"),
    ("peers.toml", "customs"),  # no token source
    ("peers.toml", "issuers[1].code"),
    ("peers.toml", "issuers[1].cutoff"),
    ("peers.toml", "issuers[1].colour"),
    ("windows.toml", "windows.poll-feeds.cron.hours"),
    ("windows.toml", "windows.poll-feeds.cron.minute"),
    ("windows.toml", "windows.poll-everything"),
    ("settings.toml", "urgent_deadline_minutes"),
    ("settings.toml", "backup_keep"),
    ("settings.toml", "bogus"),
    ("settings.toml", "metrics_listen"),  # docs/monitoring.md: host:port, or "" for none
    ("roles.toml", "default"),
    ("roles.toml", "users.wang"),
    ("hotline.toml", "categories.urgent.target_minutes"),
    ("hotline.toml", "categories.gossip"),
    ("hotline.toml", "categories.mismatch"),  # missing
    ("peer.toml", "(file)"),  # a misspelt override is not silently ignored
]


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_bundled_configuration_passes(cli):
    result = cli("config", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p for p in check() if not p.warning] == []
    assert result.stdout.splitlines()[-1].startswith("ok")


def test_every_problem_is_reported_with_its_file_and_key(tmp_path):
    folder = _write(tmp_path / "etc", BROKEN)
    problems = check(folder)
    found = {(Path(p.path).name, p.key) for p in problems if not p.warning}
    assert [e for e in EXPECTED_ERRORS if e not in found] == []
    assert all(Path(p.path).parent == folder for p in problems if Path(p.path).name in BROKEN)
    warnings = {(Path(p.path).name, p.key) for p in problems if p.warning}
    assert ("peers.toml", "issuers[1].token_env") in warnings
    assert ("peers.toml", "issuers[2].token_file") in warnings


def test_the_command_prints_each_problem_and_exits_1(cli, tmp_path):
    folder = _write(tmp_path / "etc", BROKEN)
    result = cli("--config", str(folder), "config", "check")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    for name, key in EXPECTED_ERRORS:
        assert any(line.startswith(f"{folder / name}: {key}: ") for line in lines), (name, key, result.stdout)
    assert "problem" in result.stderr and len(result.stderr.splitlines()) == 1


def test_missing_token_sources_are_warnings_only(cli, tmp_path):
    folder = _write(
        tmp_path / "etc",
        {
            "peers.toml": '[customs]\nurl = "http://127.0.0.1:1"\ntoken_env = "EDIOPS_TEST_SURELY_UNSET"\n'
            '[ministry]\nurl = "http://127.0.0.1:2"\ntoken_file = "/nonexistent/ministry.token"\n'
        },
    )
    result = cli("--config", str(folder), "config", "check", env={"EDIOPS_TEST_SURELY_UNSET": ""})
    assert result.returncode == 0, result.stdout
    assert f"{folder / 'peers.toml'}: customs.token_env: warning: " in result.stdout
    assert f"{folder / 'peers.toml'}: ministry.token_file: warning: " in result.stdout


def test_a_file_that_is_not_toml_names_its_line(tmp_path):
    folder = _write(tmp_path / "etc", {"units.toml": "[units]\nTNE = \n"})
    [problem] = [p for p in check(folder) if not p.warning]
    assert Path(problem.path) == folder / "units.toml" and "line 2" in problem.message


def test_every_file_of_the_bundle_has_a_validator():
    bundled = {p.name for p in (Path(__file__).resolve().parents[2] / "config").glob("*.toml")}
    assert bundled == set(VALIDATORS)


def test_a_roles_override_anyone_could_write_is_reported(tmp_path):
    folder = _write(tmp_path / "etc", {"roles.toml": 'default = "viewer"\n'})
    (folder / "roles.toml").chmod(0o666)
    [problem] = [p for p in check(folder) if not p.warning]
    assert (Path(problem.path).name, problem.key) == ("roles.toml", "(file)")
    assert "owned by root and writable by no one else" in problem.message
