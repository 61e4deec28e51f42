"""Files beside the store (letters, decisions, materials): written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_whole(path: Path, data: bytes) -> None:
    """Written to a temporary file in the same directory, flushed to disk, then renamed over `path`: a
    reader sees the old whole file or the new whole file, never half of one, even across a crash. The
    rows that point at a file are written after it, so a row always has its file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as tmp:
        tmp.write(data)
        tmp.flush()
        os.fsync(tmp.fileno())
    os.replace(tmp.name, path)
