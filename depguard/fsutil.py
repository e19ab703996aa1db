"""Writing outputs so that nothing already written is ever half-replaced, and reading
the files a run depends on as untrusted input: only regular files, of bounded size, and
only inside the folders the run may read (the repository, and what the command line
allows)."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

# What one input file (a manifest, a config, a trace, a baseline, a saved result) may
# weigh. Rendered Kubernetes charts of large systems are a few megabytes.
MAX_INPUT_BYTES = 64 * 1024 * 1024

# The folders this run may read (real paths), or None where no run set them (a library
# call, a unit test): see `confine`.
_allowed: tuple[str, ...] | None = None


class InputError(Exception):
    """An input file that is not read: outside the allowed folders, not a regular file,
    too large, or unreadable."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


def repository_root(path: Path) -> Path:
    """The repository PATH belongs to: the first folder upwards holding `.git`; PATH's
    own folder where there is none."""
    start = Path(os.path.abspath(path))
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return start


def confine(folders: Iterable[Path] | None) -> None:
    """From now on, read input only inside `folders` (None: anywhere). Each is resolved
    once, so a link inside them that leads out is caught by comparing real paths."""
    global _allowed
    _allowed = None if folders is None else tuple(os.path.realpath(f) for f in folders)


def is_inside(path: Path | str, folders: Iterable[str]) -> bool:
    """Whether the real path of `path` (links followed) is one of `folders` or under one."""
    real = os.path.realpath(path)
    return any(real == top or real.startswith(top.rstrip(os.sep) + os.sep) for top in folders)


def outside(path: Path | str) -> bool:
    """Whether this run may not read `path`: it leaves the allowed folders (absolute,
    `..`, or through a link)."""
    return _allowed is not None and not is_inside(path, _allowed)


OUTSIDE = (
    "outside the repository: not read (an option on the command line, --allow-read "
    "FOLDER, allows another folder)"
)


def read_input(
    path: Path | str, shown: str, limit: int | None = None, *, head: bool = False
) -> bytes:
    """An input file's bytes; InputError unless it is a regular file inside the allowed
    folders and at most `limit` bytes (MAX_INPUT_BYTES). `head`: the first `limit`
    bytes of a larger file instead (a look at what a file holds).

    It is opened without blocking (opening a named pipe for reading would wait for a
    writer forever) and checked on the open descriptor, so that a link swapped for a
    device between a check and the read is still refused.
    """
    limit = MAX_INPUT_BYTES if limit is None else limit
    if outside(path):
        raise InputError(shown, 0, OUTSIDE)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(shown, 0, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(shown, 0, f"{kind_of(info.st_mode)}, not a regular file: not read")
        if info.st_size > limit and not head:
            raise InputError(shown, 0, _too_large(info.st_size, limit))
        chunks = []
        size = 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit and not head:  # it grew while being read
            raise InputError(shown, 0, _too_large(size, limit))
    except OSError as exc:
        raise InputError(shown, 0, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return b"".join(chunks)[:limit]


def _too_large(size: int, limit: int) -> str:
    return f"{size:,} bytes is over the {limit:,}-byte limit for an input file: not read"


def kind_of(mode: int) -> str:
    """What a file that is not regular is, as a person would say it."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


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
