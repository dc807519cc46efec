"""The engine's real-process fixtures (simulator, daemons) for the hardening tests."""

from tests.engine.conftest import world  # noqa: F401  (a fixture)
