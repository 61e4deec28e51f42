"""Test-wide setup: every test run gets its own var/ directory, so nothing touches a developer's data."""

from __future__ import annotations

import os
import tempfile

os.environ["XIUFU_ENV"] = "test"
os.environ["XIUFU_VAR_DIR"] = tempfile.mkdtemp(prefix="xiufu-test-var-")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("XIUFU_DATABASE_URL", None)
