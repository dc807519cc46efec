"""The engine's real-process fixtures (simulator, daemons) and the desk's Pilot fixtures, for
the tools' tests."""

from tests.desk.conftest import crash_log_dir, desk_db, make_app  # noqa: F401  (fixtures)
from tests.engine.conftest import world  # noqa: F401  (a fixture)
