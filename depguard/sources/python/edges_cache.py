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
from itertools import accumulate, chain, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from depguard import __version__
from depguard.model import MODULE_PREFIXES
from depguard.sources.python.cache import read_files, write_files
from depguard.sources.python.modules import Module

FORMAT = 3

# One module's edges, in a scan's answer and in the table alike, as columns:
# [targets, flags, spans, lines, texts] (EDGE_COLUMNS)
ModuleEdges = list[list[Any]]
# A file's entry: [size, mtime_ns, content digest ("" without a cache), its edges]
Entry = list[Any]

# The file holds one list per field, not one nested list per edge: a large tree has tens
# of thousands of edges, and flat lists of one type parse faster and are checked in a
# few passes in C (homeassistant: 0.06 s to read and check nested rows, 0.03 s columns).
PER_MODULE = {"modules": str, "sizes": int, "mtimes": int, "digests": str, "counts": int}
PER_EDGE = {"targets": str, "flags": int, "spans": int}  # flags: typing_only | deferred << 1
PER_LINE = {"lines": int, "texts": str}
COLUMNS = {**PER_MODULE, **PER_EDGE, **PER_LINE}
EDGE_COLUMNS = (*PER_EDGE, *PER_LINE)  # the lists of a ModuleEdges, in order
FLAGS = ((False, False), (True, False), (False, True), (True, True))


class Table:
    """Every module's stamp and edges, sorted by module name: a module's `counts` edges
    follow the previous module's, and an edge's `spans` import lines the previous
    edge's. A table is read, or built by appending; its starts are worked out once, when
    first asked for, so it is not appended to after that."""

    def __init__(self, columns: dict[str, list[Any]] | None = None) -> None:
        self.columns = columns or {name: [] for name in COLUMNS}
        self.modules: list[str] = self.columns["modules"]
        self.index = dict(zip(self.modules, range(len(self.modules)), strict=True))
        self._edge_starts: list[int] = []
        self._line_starts: list[int] = []

    def __len__(self) -> int:
        return len(self.modules)

    def unchanged(self, name: str, size: int, mtime_ns: int) -> bool:
        i = self.index.get(name)
        return i is not None and (
            self.columns["sizes"][i] == size and self.columns["mtimes"][i] == mtime_ns
        )

    def digest(self, name: str) -> str | None:
        """The content digest a module was cached with, or None."""
        i = self.index.get(name)
        return None if i is None else self.columns["digests"][i]

    def entry(self, name: str) -> Entry | None:
        """One module's entry as a scan gives it, or None."""
        i = self.index.get(name)
        if i is None:
            return None
        c = self.columns
        return [c["sizes"][i], c["mtimes"][i], c["digests"][i], self._edges_in_columns(i)]

    def add_all(self, names: list[str], entries: list[Entry]) -> None:
        """Append modules (in name order, after those already here), a column at a time:
        a cold run adds tens of thousands of edges."""
        c = self.columns
        c["modules"] += names
        for field, column in enumerate(("sizes", "mtimes", "digests")):
            c[column] += map(itemgetter(field), entries)
        edges = list(map(itemgetter(3), entries))
        c["counts"] += map(len, map(itemgetter(0), edges))
        for field, column in enumerate(EDGE_COLUMNS):
            c[column] += chain.from_iterable(map(itemgetter(field), edges))

    def copy(self, other: Table, name: str) -> None:
        """Append a module as `other` holds it (names must come in order)."""
        i, c, o = other.index[name], self.columns, other.columns
        for column in PER_MODULE:
            c[column].append(o[column][i])
        for column, values in zip(EDGE_COLUMNS, other._edges_in_columns(i), strict=True):
            c[column] += values

    def edge_starts(self) -> list[int]:
        """Where each module's edges start, and the end: one more than there are modules."""
        if not self._edge_starts:
            self._edge_starts = list(accumulate(self.columns["counts"], initial=0))
        return self._edge_starts

    def line_starts(self) -> list[int]:
        """Where each edge's import lines start, and the end."""
        if not self._line_starts:
            self._line_starts = list(accumulate(self.columns["spans"], initial=0))
        return self._line_starts

    def _edges_in_columns(self, i: int) -> ModuleEdges:
        """Module `i`'s edges: its slice of each per-edge and per-line column."""
        edge_starts, line_starts = self.edge_starts(), self.line_starts()
        first, last = edge_starts[i], edge_starts[i + 1]
        begin, end = line_starts[first], line_starts[last]
        c = self.columns
        return [c[n][first:last] for n in PER_EDGE] + [c[n][begin:end] for n in PER_LINE]


def merged(old: Table, kept: list[str], fresh: dict[str, Entry]) -> Table:
    """A table of the modules `kept` as `old` holds them and the `fresh` entries."""
    table = Table()
    if not kept:  # a cold run: every module scanned, added column by column
        names = sorted(fresh)
        table.add_all(names, [fresh[name] for name in names])
        return table
    for name in sorted({*kept, *fresh}):
        entry = fresh.get(name)
        if entry is None:
            table.copy(old, name)
        else:
            table.add_all([name], [entry])
    return table


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


def load(path: Path, key: str) -> Table:
    """The table written for `key`; empty when missing, stale or damaged."""
    columns = read_files(path, key)
    return Table(columns) if _well_formed(columns) else Table()


def save(path: Path, key: str, table: Table) -> None:
    write_files(path, key, table.columns)


def _well_formed(columns: dict[str, Any]) -> bool:
    """Every column a list of its one type and of the right length, names sorted and
    unique, counts and flags in range, targets module or external ids (module level)."""
    if columns.keys() != COLUMNS.keys() or not all(type(v) is list for v in columns.values()):
        return False
    if not all(set(map(type, columns[name])) <= {kind} for name, kind in COLUMNS.items()):
        return False
    modules, counts, spans = columns["modules"], columns["counts"], columns["spans"]
    sizes = {name: len(modules) for name in PER_MODULE}
    sizes |= {name: sum(counts) for name in PER_EDGE} | {name: sum(spans) for name in PER_LINE}
    return (
        all(len(columns[name]) == size for name, size in sizes.items())
        and min(counts, default=0) >= 0
        and min(spans, default=1) >= 1
        and set(columns["flags"]) <= {0, 1, 2, 3}
        and all(map(str.__lt__, modules, modules[1:]))
        and all(map(str.startswith, columns["targets"], repeat(MODULE_PREFIXES)))
    )
