"""A cache of the resolved module edges of a whole tree, for the run that finds nothing
changed: then no import statement is read back, resolved or grouped again.

The key covers every module (name, file, package or not) with the size and modification
time of its file, and the options that change resolution. Any difference, or any input
problem, and the run takes the per-file path (`cache.py`) instead. JSON, never pickle,
written atomically; a damaged file is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
from itertools import repeat
from pathlib import Path
from typing import Any

from depguard import __version__
from depguard.fsutil import atomic_write
from depguard.model import Edge, Evidence
from depguard.sources.python.modules import Module

FORMAT = 1
SOURCE = "python"
PREFIX = "module:"


def tree_key(
    modules: dict[str, Module],
    stats: dict[str, os.stat_result],
    options: tuple[object, ...],
    code: bytes,
) -> str:
    """What the edges depend on: the modules, their files' size and time, the options,
    and the code that read them (its source, from the caller)."""
    key = hashlib.blake2b(digest_size=16)
    key.update(f"{FORMAT}|{__version__}|{options!r}\n".encode())
    key.update(code)
    for name in sorted(modules):
        module = modules[name]
        stat = stats.get(module.shown)
        size, mtime = (stat.st_size, stat.st_mtime_ns) if stat else (-1, -1)
        key.update(
            f"{name}\0{module.shown}\0{module.is_package:d}{module.is_folder:d}\0{size}\0{mtime}\n".encode(
                "utf-8", "surrogatepass"
            )
        )
    return key.hexdigest()


def load(path: Path, key: str, modules: dict[str, Module]) -> tuple[list[Edge], set[str]] | None:
    """The cached edges and external names for `key`, or None (missing, stale, damaged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return _decode(data["edges"], modules), {str(e) for e in data["externals"]}
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None


def save(path: Path, key: str, edges: list[Edge], externals: set[str]) -> None:
    """Write the edges grouped by importer (whose file every evidence line shares)."""
    by_source: dict[str, list[Any]] = {}
    for edge in edges:
        flat: list[Any] = []
        for evidence in edge.evidence:
            flat += (evidence.line, evidence.text)
        by_source.setdefault(edge.source[len(PREFIX) :], []).append(
            [edge.target, edge.typing_only, edge.deferred, flat]
        )
    data = {"key": key, "externals": sorted(externals), "edges": list(by_source.items())}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(data, separators=(",", ":")))
    except OSError:
        pass  # a read-only checkout still gets its answer, just not a cache


def _decode(rows: list[Any], modules: dict[str, Module]) -> list[Edge]:
    edges = []
    lines: list[Any] = []  # every evidence line and text, checked at once at the end
    texts: list[Any] = []
    for name, targets in rows:
        shown = modules[name].shown
        source = PREFIX + name
        for target, typing_only, deferred, flat in targets:
            if not (
                type(target) is str
                and type(typing_only) is bool
                and type(deferred) is bool
                and flat
                and len(flat) % 2 == 0
            ):
                raise TypeError("damaged edge")
            at, said = flat[0::2], flat[1::2]
            lines += at
            texts += said
            evidence = list(map(Evidence, repeat(shown), at, said, repeat(SOURCE)))
            edges.append(Edge(source, target, "import", "hard", typing_only, deferred, evidence))
    if not set(map(type, lines)) <= {int}:
        raise TypeError("damaged edge")
    "".join(texts)  # raises TypeError unless every text is a string
    return edges
