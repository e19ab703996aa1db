"""A cache of scanned imports keyed by file content, so a warm run parses nothing.

Size and modification time are the fast path; when they differ the content hash decides.
The cache lives in the user's cache folder, never in the analysed repository (whose
files a pull request writes). It is JSON (never pickle), written atomically, so two runs
at once each leave a whole file and a corrupt one is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from depguard import user_cache

if TYPE_CHECKING:
    from depguard.sources.python.scanner import ImportStatement

FORMAT = 1
FOLDER = "python"  # in the user's cache folder
KEEP = 64  # trees per kind of cache: the newest are kept

Record = list[Any]  # [line, module, names, level, typing_only, deferred, text]


def encode(statements: list[ImportStatement]) -> list[Record]:
    return [
        [s.line, s.module, list(s.names), s.level, s.typing_only, s.deferred, s.text]
        for s in statements
    ]


def decode(records: list[Record]) -> list[ImportStatement]:
    """Records back into statements; TypeError or ValueError when one is damaged."""
    from depguard.sources.python.scanner import ImportStatement  # see source._scan_file

    statements = [ImportStatement(a, b, tuple(c), d, e, f, g) for a, b, c, d, e, f, g in records]
    for s in statements:  # a damaged cache must be rescanned, not crash the resolver
        "".join(s.names)  # raises TypeError unless every name is a string
        if not (
            type(s.line) is int
            and type(s.module) is str
            and type(s.level) is int
            and type(s.typing_only) is bool
            and type(s.deferred) is bool
            and type(s.text) is str
        ):
            raise TypeError("damaged record")
    return statements


class ScanCache:
    """file (root-relative) -> (size, mtime_ns, content digest, imports)."""

    def __init__(self, path: Path | None, scanner_version: str) -> None:
        self.path = path
        self.key = f"{FORMAT}:{scanner_version}"
        self.entries: dict[str, list[Any]] = {}
        self.dirty = False
        if path is not None:
            self.entries = self._read(path)

    def _read(self, path: Path) -> dict[str, list[Any]]:
        # keep only well-formed entries: [size, mtime_ns, digest, records]
        return {
            k: v
            for k, v in read_files(path, self.key).items()
            if isinstance(v, list)
            and len(v) == 4
            and isinstance(v[0], int)
            and isinstance(v[1], int)
            and isinstance(v[2], str)
            and isinstance(v[3], list)
        }

    def fresh(self, shown: str, stat: os.stat_result) -> list[ImportStatement] | None:
        entry = self.entries.get(shown)
        if entry and entry[0] == stat.st_size and entry[1] == stat.st_mtime_ns:
            try:
                return decode(entry[3])
            except (IndexError, TypeError, ValueError):
                return None
        return None

    def digest_of(self, shown: str) -> str:
        entry = self.entries.get(shown)
        return str(entry[2]) if entry else ""

    def by_content(self, shown: str, content_digest: str) -> list[ImportStatement] | None:
        entry = self.entries.get(shown)
        if entry and entry[2] == content_digest:
            try:
                return decode(entry[3])
            except (IndexError, TypeError, ValueError):
                return None
        return None

    def store(
        self, shown: str, stat: os.stat_result, content_digest: str, records: list[Record]
    ) -> None:
        if self.path is None:
            return  # --no-cache: nothing will be written
        self.entries[shown] = [stat.st_size, stat.st_mtime_ns, content_digest, records]
        self.dirty = True

    def touch(self, shown: str, stat: os.stat_result) -> None:
        """The content is as cached, only the size or time changed (a fresh checkout)."""
        entry = self.entries.get(shown)
        if self.path is not None and entry:
            self.entries[shown] = [stat.st_size, stat.st_mtime_ns, entry[2], entry[3]]
            self.dirty = True

    def save(self, keep: set[str]) -> None:
        """Write what is current (entries for vanished files dropped); failures are harmless."""
        if self.path is None:
            return
        if not self.dirty and set(self.entries) <= keep:
            return
        write_files(self.path, self.key, {k: v for k, v in self.entries.items() if k in keep})


def read_files(path: Path, key: str) -> dict[str, Any]:
    """The `files` of a cache file written for `key`; empty when missing, stale or not
    JSON (each cache checks its own entries)."""
    raw = user_cache.read(path)
    if raw is None:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        return {}
    if not isinstance(data, dict) or data.get("key") != key:
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def write_files(path: Path, key: str, files: dict[str, Any]) -> None:
    """A cache file, atomically; the oldest beyond `KEEP` of its kind are dropped, so a
    CI machine that checks out to a new folder each time does not fill the disk."""
    user_cache.write(path, json.dumps({"key": key, "files": files}, separators=(",", ":")))
    kind = re.escape(path.name.split("-", 1)[0])
    user_cache.drop_oldest(path.parent, re.compile(rf"{kind}-[0-9a-f]{{16}}\.json"), KEEP)


def cache_path(identity: str, kind: str = "python") -> Path:
    """`KIND-HASH.json` in the user's cache folder (never in the analysed repository):
    per-file imports (`python`) or edges (`edges`) of one tree, by `identity`."""
    name = hashlib.blake2b(identity.encode(), digest_size=8).hexdigest()
    return user_cache.folder(FOLDER) / f"{kind}-{name}.json"
