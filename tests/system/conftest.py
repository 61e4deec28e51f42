"""The whole system as `make run` starts it, one copy per test module (devstack.start_stack)."""

from __future__ import annotations

import pytest

from devstack import start_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with start_stack(tmp_path_factory.mktemp("system-var")) as s:
        yield s
