"""The pure parts of alerting: alerts.toml's checks, when steps are due, what a message says,
and that a channel's URL never shows in an error."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ediops import config as config_mod
from ediops.alerts import channels, config, message, schedule
from ediops.clock import SHANGHAI
from ediops.errors import InputError
from ediops.operations import config_check
from ediops.text import has_controls
from tests.alerts.harness import HOSTILE

T = datetime(2000, 10, 9, 10, 0, tzinfo=SHANGHAI)
RULE = config.Rule(
    1,
    ("URGENT_OVERDUE",),
    (config.Step(0, ("duty",)), config.Step(10, ("duty", "supervisor"))),
    repeat_minutes=30,
    key="URGENT_OVERDUE",
)


def test_the_bundled_alerts_toml_is_valid_and_names_its_channels_unset(monkeypatch):
    for name in ("EDIOPS_ALERT_DUTY_URL", "EDIOPS_ALERT_SUPERVISOR_URL"):
        monkeypatch.delenv(name, raising=False)
    alerts = config.load(config_mod.load())
    assert {"URGENT_AT_RISK", "URGENT_OVERDUE", "FEED_UNREACHABLE", "CUSTOMS_UNACKED", "ACK_UNDELIVERED"} <= (
        alerts.codes()
    )
    found = [str(p) for p in config_check.check(None) if p.path.endswith("alerts.toml")]
    assert [f.split("alerts.toml: ")[1] for f in found] == [
        "channels.duty: warning: channel duty: EDIOPS_ALERT_DUTY_URL is not set",
        "channels.supervisor: warning: channel supervisor: EDIOPS_ALERT_SUPERVISOR_URL is not set",
    ]


def test_config_check_names_an_unknown_channel_or_code_as_an_error(tmp_path):
    (tmp_path / "alerts.toml").write_text(
        '[channels.duty]\nurl_env = "X"\n[[rules]]\ncodes = ["URGENT_LATE"]\n'
        'steps = [{ after_minutes = 0, notify = ["pager"] }]\n'
    )
    found = [p for p in config_check.check(tmp_path) if p.path.endswith("alerts.toml")]
    assert {(p.key, p.message, p.warning) for p in found} == {
        ("rules[1].codes", "unknown code 'URGENT_LATE'", False),
        ("rules[1].steps[1].notify", "unknown channel 'pager'", False),
    }


def test_unknown_channels_codes_and_keys_are_errors_naming_their_key():
    data = {
        "channels": {"duty": {"url_env": "X"}, "bare": {}, "odd": {"url": "json://h", "colour": "red"}},
        "rules": [{"codes": ["URGENT_OVERDUE", "NO_SUCH_CODE"], "steps": [{"after_minutes": 0, "notify": ["pager"]}]}],
        "extra": 1,
    }
    found = [": ".join(p) for p in config.problems(data)]
    assert "extra: unknown key" in found
    assert "channels.bare: needs url_env, url_file or url" in found
    assert "channels.odd.colour: unknown key" in found
    assert "rules[1].codes: unknown code 'NO_SUCH_CODE'" in found
    assert "rules[1].steps[1].notify: unknown channel 'pager'" in found
    with pytest.raises(InputError, match="alerts.toml: "):
        config.parse(data)


def test_url_file_first_line_is_the_url(tmp_path):
    path = tmp_path / "duty.url"
    path.write_text("  json://127.0.0.1:9/x  \nignored\n")
    assert config.Channel("duty", url_file=str(path)).resolve() == "json://127.0.0.1:9/x"
    assert config.Channel("duty", url_file=str(tmp_path / "missing")).resolve() is None


def test_steps_are_due_in_order_and_repeats_follow_the_last():
    progress = schedule.first_due(RULE, T, escalated=False)
    sends, progress = schedule.plan(RULE, T, progress, T)
    assert [(s.step, s.round, s.channels) for s in sends] == [(1, 0, ("duty",))]
    assert progress.next_due_at == T + timedelta(minutes=10)
    assert schedule.plan(RULE, T, progress, T + timedelta(minutes=9))[0] == []
    sends, progress = schedule.plan(RULE, T, progress, T + timedelta(minutes=10))
    assert [(s.step, s.round) for s in sends] == [(2, 0)] and sends[0].channels == ("duty", "supervisor")
    sends, progress = schedule.plan(RULE, T, progress, T + timedelta(minutes=41))
    assert [(s.step, s.round, s.due_at) for s in sends] == [(2, 1, T + timedelta(minutes=40))]


def test_a_leader_down_across_steps_sends_every_step_but_only_the_latest_repeat():
    progress = schedule.first_due(RULE, T, escalated=False)
    sends, progress = schedule.plan(RULE, T, progress, T + timedelta(minutes=125))
    assert [(s.step, s.round) for s in sends] == [(1, 0), (2, 0), (2, 3)]  # repeats at 40, 70, 100
    assert progress.next_due_at == T + timedelta(minutes=130)


def test_an_escalated_alert_starts_at_the_last_step():
    progress = schedule.first_due(RULE, T, escalated=True)
    sends, _ = schedule.plan(RULE, T, progress, T)
    assert [(s.step, s.channels) for s in sends] == [(2, ("duty", "supervisor"))]
    sends, _ = schedule.plan(RULE, T, schedule.Progress(-1, 0, T), T)  # escalated while open
    assert [s.step for s in sends] == [2]


def test_a_digest_lists_every_alert_once_with_what_since_when_and_its_id():
    items = [
        {"alert_id": i, "code": "FEED_LATE", "subject": f"issuer:A{i}", "issuer": f"A{i}", "since": T.isoformat()}
        for i in range(40)
    ]
    items.append({**items[0], "step": 2})
    for item in items:
        item.setdefault("step", 1)
    title, body = message.digest(items, {})
    assert title == "ediops: 40 alerts (FEED_LATE 40)"
    assert body.count("[alert ") == 40 and "issuer A7" in body and "since 2000-10-09 10:00 CST" in body


def test_hostile_text_is_cleaned_from_messages():
    item = {
        "alert_id": 3,
        "code": "URGENT_OVERDUE",
        "subject": "licence:00-AA-000101",
        "licence_no": "00-AA-000101",
        "issuer": "AA",
        "since": T.isoformat(),
        "step": 2,
        "escalated_by": "alice",
        "escalated_reason": "customs says \x1b]0;x\x07 no data \u202e",
    }
    title, body = message.digest([item], {"00-AA-000101": HOSTILE})
    for text in (title, *body.splitlines()):
        assert not has_controls(text)
    assert "[bold red]Evil[/]" in body and "escalated by alice: customs says  no data" in body


def test_a_url_never_shows_in_an_error():
    url = "mailtos://ops:S3cretPass@mail.example.com?to=duty@example.com&apikey=abcdef123456"
    text = f"failed to send to {url} (S3cretPass, abcdef123456, ops:S3cretPass@mail.example.com)"
    redacted = channels.redact(text, url)
    assert "S3cretPass" not in redacted and "abcdef123456" not in redacted and "***" in redacted
    assert channels.redact("A Connection error occurred", "json://u@h:1/x") == "A Connection error occurred"
