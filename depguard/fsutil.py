"""Writing outputs so that nothing already written is ever half-replaced, and reading
and fingerprinting the files a run depends on."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path


def write_output(target: str | Path | None, data: str | bytes) -> None:
    """Write to stdout (None or '-'), or atomically to a regular file.

    A path that exists and is not a regular file (a FIFO, a device such as /dev/null,
    /dev/stdout) is written in place: renaming over a device would replace it for the
    whole machine.
    """
    if target is None or str(target) == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
        return
    path = Path(target)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with open(path, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        return
    atomic_write(path, data)


def atomic_write(path: Path, data: str | bytes) -> None:
    """A temporary file beside the target, flushed, then renamed over it.

    The old file's permissions are kept. Any failure, Ctrl-C included, removes the
    temporary file and leaves the old one whole.
    """
    import tempfile  # with shutil and random: a warm run that writes no file never needs it

    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode("utf-8") if isinstance(data, str) else data)
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


def read_bytes(path: str) -> bytes:
    """A file's bytes in three kinds of system call, against the eight or so of
    `Path.read_bytes` (reading homeassistant's 7,978 files: 0.11 s -> 0.045 s)."""
    fd = os.open(path, os.O_RDONLY)  # not inherited by child processes (PEP 446)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def digest(data: bytes) -> str:
    """A file content's fingerprint, as every cache keys content."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
