"""A populated store and the real DeskApp on a fixed clock for the inspection screen's tests."""

from __future__ import annotations

from datetime import timedelta

from ediops import config as config_mod
from ediops import store
from ediops.hotline import settings as hotline_config, tickets as hotline
from ediops.inspection import reports as inspection
from ediops.clock import Clock

from tests.inspection.reports import NOW, certificate, declaration, report
from tests.conftest import ANYONE

HOTLINE = hotline_config.load()  # the bundled hotline settings, passed as the desk and CLI pass theirs

HOSTILE = "[/] [bold]Evil[/bold] \x1b]0;pwned\x07\u202eCo"
BUREAUS = """
[[bureaus]]
code = "3100"
url = "http://127.0.0.1:2/bureaus/3100"
token_env = "EDIOPS_TEST_BUREAU_TOKEN"

[[bureaus]]
code = "4700"
url = "http://127.0.0.1:2/bureaus/4700"
token_env = "EDIOPS_TEST_BUREAU_TOKEN"

[[bureaus]]
code = "5100"
url = "http://127.0.0.1:2/bureaus/5100"
token_env = "EDIOPS_TEST_BUREAU_TOKEN"
"""


def populate(db_path) -> None:
    db = store.connect(db_path)
    inspection.load_reports(
        db,
        None,
        [
            report(
                "2002-07-01",
                [
                    declaration("direct", 3),
                    declaration("manual", 2, fee="2.50"),
                    declaration("kiosk", 4, code="3302000009", name=HOSTILE),
                ],
                [certificate(f"CO-47-{i}") for i in range(4)] + [certificate("CO-47-9", "paper")],
            ),
            report(
                "2002-07-02",
                [declaration("direct", 2), declaration("pre_entry", 1, code="3302000003", name="Cixi Bearings")],
            ),
            report("2002-07-03", [declaration("browser", 5, code="3302000004", name="Yuyao Lamps")]),
            report(
                "2002-07-02",
                [
                    declaration("direct", 6, code="3101000001", name="Pudong Optics"),
                    declaration("pre_entry", 3, code="3101000002", agent=True, name="Bund Agency", fee="15.00"),
                ],
                [certificate("CO-31-1", code="3101000001")],
                bureau="3100",
            ),
            report("2002-06-28", [declaration("manual", 9)]),
        ],
        now=NOW,
        source="test",
    )
    ticket = hotline.open_ticket(
        db,
        settings=HOTLINE,
        caller="Wang",
        phone="0574-8700",
        org="Cixi Bearings",
        category="software",
        priority=None,
        text="client cannot send",
        roles=ANYONE,
        actor="bob",
        now=NOW - timedelta(hours=30),
    )
    hotline.route_ticket(
        db, ticket, settings=HOTLINE, to="vendor-jiucheng", roles=ANYONE, actor="bob", now=NOW - timedelta(hours=26)
    )
    db.close()


def config_with_bureaus(tmp_path):
    """The bundled config with bureaus 3100, 4700 and 5100 in place of the bundled ones."""
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    bundled = (config_mod.BUNDLED / "peers.toml").read_text(encoding="utf-8")
    (folder / "peers.toml").write_text(bundled.split("[[bureaus]]")[0] + BUREAUS, encoding="utf-8")
    return config_mod.load(folder)


def make_app(db_path, tmp_path):
    from ediops.screens.shell.app import DeskApp

    return DeskApp(
        db_path=db_path,
        config=config_with_bureaus(tmp_path),
        clock=Clock(NOW, frozen=True),
        actor="alice",
        role="duty",
        poll_seconds=3600,
    )


async def settle(pilot, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
