"""Writing outputs so that nothing already written is ever half-replaced."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path


def write_output(target: str | None, text: str) -> None:
    """Write to stdout (None or '-'), or atomically to a regular file.

    A path that exists and is not a regular file (a FIFO, a device such as /dev/null) is
    written in place: renaming over a device would replace it for the whole machine.
    """
    if target in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(target)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
        return
    atomic_write(path, text)


def atomic_write(path: Path, text: str) -> None:
    """A temporary file beside the target, flushed, then renamed over it."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Binary output (PNG, PDF) the same way: a temporary file, then a rename."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
