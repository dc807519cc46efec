"""Fixtures of the foundation tests: the bundled configuration."""

import pytest

from ediops import config as config_mod


@pytest.fixture(scope="session")
def config():
    return config_mod.load()
