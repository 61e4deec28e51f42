from __future__ import annotations

import pytest

from config.loader import load_directory, load_policy
from config.settings import CONFIG_DIR


@pytest.fixture(scope="session")
def policy():
    return load_policy(CONFIG_DIR)


@pytest.fixture(scope="session")
def directory():
    return load_directory(CONFIG_DIR)
