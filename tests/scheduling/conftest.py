"""Real daemons and the simulator as processes, always stopped: tests/engine's `world`."""

from tests.engine.conftest import world as world  # noqa: F401 - the fixture, shared
