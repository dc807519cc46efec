"""The engine's real-process fixtures (a world of free ports, the simulator) for these tests too."""

from tests.engine.conftest import world  # noqa: F401  (a fixture)
