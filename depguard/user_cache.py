"""The user's cache folder: the only place depguard keeps anything between runs.

Nothing is ever kept in, or read back from, the analysed repository: a file committed
there (a pull request's) must not be able to stand in for what a scan would find. The
folder is $XDG_CACHE_HOME/depguard, else ~/.cache/depguard, one subfolder per cache.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from depguard.fsutil import atomic_write

MAX_ENTRY_BYTES = 1024 * 1024 * 1024  # the edges of a huge monorepo; more is damage


def folder(kind: str) -> Path:
    """Where the entries of one cache are kept."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "depguard" / kind


def read(path: Path) -> bytes | None:
    """An entry's bytes; None when it is missing, or is a link, a pipe, a device or
    absurdly large (never read or written through: see `write`)."""
    try:
        if not stat.S_ISDIR(os.lstat(path.parent).st_mode):
            return None  # the cache's own folder is a link (see `write`)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def write(path: Path, data: str | bytes) -> None:
    """Replace an entry atomically (a link or a pipe in its place is replaced, never
    written through); a folder that cannot be written costs the speed-up, not the run."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not stat.S_ISDIR(os.lstat(path.parent).st_mode):
            return  # the cache's own folder is a link: keep nothing rather than follow it
        atomic_write(path, data)
    except OSError:
        pass


def drop_oldest(where: Path, names: re.Pattern[str], keep: int) -> None:
    """Keep the `keep` newest entries whose names match `names`. An entry gone already
    (another run pruning at once) is no error."""
    entries: list[tuple[int, str]] = []
    try:
        with os.scandir(where) as listing:
            for item in listing:
                if names.fullmatch(item.name) and item.is_file(follow_symlinks=False):
                    try:
                        entries.append((item.stat(follow_symlinks=False).st_mtime_ns, item.name))
                    except FileNotFoundError:
                        continue
        for _, name in sorted(entries, reverse=True)[keep:]:
            (where / name).unlink(missing_ok=True)
    except OSError:
        pass
