"""The desk's commands: `ediops desk` (one per operator, e.g. over SSH) and `ediops demo`
(simulated peers and a scheduler leader around a desk)."""

from __future__ import annotations

import gc

from ediops.i18n import _

LONG_RUNNING = {"desk", "demo"}


def _run_desk(ctx, *, role: str | None = None, stops_on_quit: str | None = None) -> int:
    # No collection until the first frame is composed (DeskApp._started): each pass walked every
    # object Textual's import and the home screen had made, 45-57 ms of the first frame's
    # 0.34-0.41 s (bench/NOTES.md, "Names and the first frame").
    gc.disable()
    try:
        return _desk(ctx, role=role, stops_on_quit=stops_on_quit)
    finally:
        gc.enable()  # whatever happened before the first frame


def _desk(ctx, *, role: str | None, stops_on_quit: str | None) -> int:
    from ediops.views import connection
    from ..shell.app import DeskApp

    path = ctx.db_path or connection.default_path()
    if not connection.is_migrated(path):  # migrate before the screen opens (checked without sqlite-utils)
        from ediops.cli import data_file_mode

        connection.migrate(path, mode=data_file_mode(ctx.config.settings))
    from ediops.monitoring import logs
    from ..shell.terminal import crash_log_path

    logs.setup(file=crash_log_path().with_name("desk.log"))  # JSON lines, as every process (docs/monitoring.md)
    app = DeskApp(
        db_path=path,
        config=ctx.config,
        clock=ctx.clock,
        actor=ctx.actor,
        role=role,
        stops_on_quit=stops_on_quit,
        ascii=ctx.ascii,
    )
    app.run()
    return 0 if app.return_code in (None, 0, 129) else app.return_code


def desk(ctx, args) -> int:
    return _run_desk(ctx)


def demo(ctx, args) -> int:
    from ediops.demo import STOPS, demo_session

    # The person running the demo is its supervisor on data the demo made (a scratch file, or a
    # --db file that did not exist yet); on an existing data file roles.toml decides as always.
    own_data = ctx.db_path is None or not ctx.db_path.exists()
    with demo_session(ctx, tuple(args.fault)) as path:
        ctx.db_path = path
        return _run_desk(ctx, role="supervisor" if own_data else None, stops_on_quit=STOPS)


def register(sub, common) -> None:
    sub.add_parser(
        "desk",
        parents=[common],
        help=_("the terminal desk (one per operator, e.g. over SSH)"),
        description=_("The operations desk. Keys: ? shows them all; q quits."),
    ).set_defaults(func=desk)
    demo_parser = sub.add_parser(
        "demo",
        parents=[common],
        help=_("simulated peers, a scheduler leader and the desk on a fresh data file"),
        description=_(
            "Starts simulated peers on loopback and a scheduler leader, runs the desk, "
            "and stops all it started on exit (the desk asks before it quits)."
        ),
    )
    demo_parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SWITCH",
        help=_("a simulator fault besides the demo's own, e.g. down=customs (see `ediops simulate --help`)"),
    )
    demo_parser.set_defaults(func=demo)
