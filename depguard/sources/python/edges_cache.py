"""A cache of each file's resolved edges, for the runs that find most files unchanged:
their import statements are then neither read back nor resolved again.

How a file's imports resolve depends on which other modules exist, so the whole cache is
keyed by the tree's module set (names, files, packages or not), the options that change
resolution and the code that resolved them; a module added or removed, and the run
resolves everything again from the per-file statement cache (`cache.py`). Inside that
key a file's edges hold while its size and modification time do, or while its content
does (a checkout touches files without changing them). A file with an input
problem has no entry, so its problem is reported on every run. JSON, never pickle,
written atomically; a damaged file is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from depguard import __version__
from depguard.sources.python.cache import read_files, write_files
from depguard.sources.python.modules import Module

FORMAT = 2
TARGETS = ("module:", "external:")

# One module's edges, in memory, in a worker's answer and in the file alike:
# [target node id, typing_only, deferred, [line, text, line, text, ...]]
EdgeRow = list[Any]
# A file's entry: [size, mtime_ns, content digest ("" without a cache), its edge rows]
Entry = list[Any]


def modules_key(modules: dict[str, Module], options: tuple[object, ...], code: bytes) -> str:
    """What resolution depends on: the module set, the options and the code (its source,
    from the caller)."""
    key = hashlib.blake2b(digest_size=16)
    key.update(f"{FORMAT}|{__version__}|{options!r}\n".encode())
    key.update(code)
    for name in sorted(modules):
        module = modules[name]
        key.update(
            f"{name}\0{module.shown}\0{module.is_package:d}{module.is_folder:d}\n".encode(
                "utf-8", "surrogatepass"
            )
        )
    return key.hexdigest()


def load(path: Path, key: str) -> dict[str, Entry]:
    """Module name -> entry for `key`; empty when missing, stale or damaged."""
    entries = read_files(path, key)
    return entries if _well_formed(entries) else {}


def save(path: Path, key: str, entries: dict[str, Entry]) -> None:
    write_files(path, key, entries)


def _well_formed(entries: dict[str, Any]) -> bool:
    """Every entry and row of the right shape and types; lines and texts are checked in
    one pass at the end (a large tree has a hundred thousand of them)."""
    lines: list[Any] = []
    texts: list[Any] = []
    for entry in entries.values():
        if not (
            type(entry) is list
            and len(entry) == 4
            and type(entry[0]) is int
            and type(entry[1]) is int
            and type(entry[2]) is str
            and type(entry[3]) is list
        ):
            return False
        for row in entry[3]:
            if not (
                type(row) is list
                and len(row) == 4
                and type(row[0]) is str
                and row[0].startswith(TARGETS)
                and type(row[1]) is bool
                and type(row[2]) is bool
                and type(row[3]) is list
                and row[3]
                and len(row[3]) % 2 == 0
            ):
                return False
            lines += row[3][0::2]
            texts += row[3][1::2]
    return set(map(type, lines)) <= {int} and set(map(type, texts)) <= {str}
