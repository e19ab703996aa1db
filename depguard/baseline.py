"""The baseline and the gate: old, accepted findings pass; new ones fail.

A baseline holds finding ids (with an optional `reason` that survives rewrites) and, per
level, the edges that were cyclic. The gate's rule is exact and polynomial: a new cycle
exists exactly when some edge that is cyclic now was not cyclic in the baseline, so a
cycle made only of baseline edges already existed, whatever its id has become. Edges
are kept per kind of cycle (error, warning, bootstrap), and the rule is applied to each
kind on its own: an edge that was cyclic in another kind proves nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from depguard import yamlio
from depguard.analysis.cycles import witnesses_for
from depguard.fsutil import InputError, read_input
from depguard.graph import DependencyGraph
from depguard.model import LEVELS, Finding, FixedEntry, Result
from depguard.validation import show

VERSION = 1
DEFAULT_NAME = "depguard-baseline.json"
Pair = tuple[str, str]


class BaselineError(Exception):
    """A baseline that cannot be trusted: `file:line: message`."""


@dataclass(frozen=True)
class Entry:
    id: str
    type: str
    level: str
    message: str
    reason: str = ""


@dataclass
class Baseline:
    entries: dict[str, Entry] = field(default_factory=dict)
    # per level, edges inside error cycles and inside warning (soft) cycles
    cyclic: dict[str, set[Pair]] = field(default_factory=dict)
    soft_cyclic: dict[str, set[Pair]] = field(default_factory=dict)
    # per level, edges inside bootstrap cycles (needed edges); None in a baseline written
    # before they were kept, whose bootstrap findings are compared with `cyclic` instead
    bootstrap: dict[str, set[Pair]] | None = None

    def edges(self, severity: str, level: str, type_: str = "cycle") -> set[Pair]:
        return self._table(severity, type_).get(level, set())

    def _table(self, severity: str, type_: str) -> dict[str, set[Pair]]:
        if type_ == "bootstrap" and self.bootstrap is not None:
            return self.bootstrap
        return self.cyclic if severity == "error" else self.soft_cyclic


# ---------------------------------------------------------------- reading and writing


def load(path: Path) -> Baseline:
    shown = _shown(path)
    if not os.path.lexists(path):
        raise BaselineError(f"{shown}:0: baseline not found (write one with `depguard baseline`)")
    try:
        text = read_input(path, shown).decode("utf-8")
    except InputError as exc:
        raise BaselineError(f"{shown}:0: cannot read the baseline: {exc.message}") from None
    except UnicodeDecodeError as exc:
        raise BaselineError(f"{shown}:0: cannot read the baseline: {exc.reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{shown}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # huge integers, absurd nesting
        raise BaselineError(f"{shown}:1: not valid JSON: {exc}") from None
    if (lone := yamlio.lone_surrogate(text)) is not None:  # text no report could print
        raise BaselineError(f"{shown}:{lone[0]}: {lone[1]}")
    try:
        return _parse(data, shown, text)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BaselineError(f"{shown}:1: not a depguard baseline ({exc})") from None


def _shown(path: Path) -> str:
    """The path as the user would type it: relative to here when below here."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, RuntimeError, OSError):  # elsewhere, or a link loop (3.11 raises)
        return path.as_posix()


def _parse(data: Any, shown: str, text: str) -> Baseline:
    if not isinstance(data, dict) or "version" not in data:
        raise BaselineError(f"{shown}:1: not a depguard baseline (no 'version' key)")
    if data["version"] != VERSION or type(data["version"]) is not int:  # not true, not 1.0
        line = _line_of(text, '"version"')
        raise BaselineError(
            f"{shown}:{line}: unknown baseline version "
            f"{data['version']!r} (this depguard reads version {VERSION})"
        )
    baseline = Baseline()
    findings = data.get("findings", [])
    if not isinstance(findings, list):
        raise ValueError(f"findings: expected a list, got {show(findings)}")
    for index, item in enumerate(findings):
        if not isinstance(item, dict):
            raise ValueError(f"findings[{index}]: expected a mapping, got {show(item)}")
        for key in ("id", "type", "level", "message", "reason"):
            if key in item and not isinstance(item[key], str):
                raise ValueError(
                    f"findings[{index}].{key}: expected a string, got {show(item[key])}"
                )
        entry = Entry(
            id=str(item["id"]),
            type=str(item.get("type", "")),
            level=str(item.get("level", "")),
            message=str(item.get("message", "")),
            reason=str(item.get("reason", "")),
        )
        if entry.id in baseline.entries:
            raise BaselineError(
                f"{shown}:{_line_of(text, entry.id, nth=2)}: duplicate finding id {entry.id}"
            )
        baseline.entries[entry.id] = entry
    tables = [("cyclic_edges", baseline.cyclic), ("soft_cyclic_edges", baseline.soft_cyclic)]
    if "bootstrap_edges" in data:  # absent from a baseline written before they were kept
        baseline.bootstrap = {}
        tables.append(("bootstrap_edges", baseline.bootstrap))
    for key, table in tables:
        levels = data.get(key, {})
        if not isinstance(levels, dict):
            raise ValueError(f"{key}: expected a mapping from level to edges, got {show(levels)}")
        for level, pairs in levels.items():
            if level not in LEVELS:
                raise ValueError(f"unknown level {level!r} in {key}")
            if not isinstance(pairs, list):
                raise ValueError(f"{key}.{level}: expected a list of edges, got {show(pairs)}")
            for index, pair in enumerate(pairs):
                if not (
                    isinstance(pair, list)
                    and len(pair) == 2
                    and all(isinstance(n, str) for n in pair)
                ):
                    got = json.dumps(pair, ensure_ascii=False)
                    raise ValueError(
                        f"{key}.{level}[{index}]: expected a pair of node ids, got {got}"
                    )
            table[level] = {(u, v) for u, v in pairs}
    return baseline


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    start = -1
    for _ in range(nth):
        start = text.find(needle, start + 1)
        if start < 0:
            return 1
    return text.count("\n", 0, start) + 1


def dumps(baseline: Baseline) -> str:
    """Sorted and pretty, so that a rewrite of the same state is byte-identical."""
    findings = []
    for entry in sorted(baseline.entries.values(), key=lambda e: e.id):
        item = {"id": entry.id, "type": entry.type, "level": entry.level, "message": entry.message}
        if entry.reason:
            item["reason"] = entry.reason
        findings.append(item)

    def edges(table: dict[str, set[Pair]]) -> dict[str, list[list[str]]]:
        return {level: [list(p) for p in sorted(table.get(level, set()))] for level in LEVELS}

    data = {
        "version": VERSION,
        "tool": "depguard",
        "findings": findings,
        "cyclic_edges": edges(baseline.cyclic),
        "soft_cyclic_edges": edges(baseline.soft_cyclic),
        "bootstrap_edges": edges(baseline._table("error", "bootstrap")),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- building


def from_findings(findings: list[Finding], previous: Baseline | None = None) -> Baseline:
    """The baseline of the current state; reasons written by people are kept."""
    reasons = {i: e.reason for i, e in (previous.entries.items() if previous else []) if e.reason}
    baseline = Baseline(bootstrap={})
    for f in findings:
        baseline.entries[f.id] = Entry(f.id, f.type, f.level, f.message, reasons.get(f.id, ""))
        if f.type in ("cycle", "bootstrap"):
            table = baseline._table(f.severity, f.type)
            table.setdefault(f.level, set()).update(f.edges)
    return baseline


def prune(previous: Baseline, current: Baseline) -> Baseline:
    """Only ever remove: entries and edges that are no longer present."""
    return Baseline(
        entries={i: e for i, e in previous.entries.items() if i in current.entries},
        cyclic={
            lvl: edges & current.cyclic.get(lvl, set()) for lvl, edges in previous.cyclic.items()
        },
        soft_cyclic={
            lvl: edges & current.soft_cyclic.get(lvl, set())
            for lvl, edges in previous.soft_cyclic.items()
        },
        bootstrap={
            lvl: edges & current.edges("error", lvl, "bootstrap")
            for lvl, edges in previous._table("error", "bootstrap").items()
        },
    )


# ---------------------------------------------------------------- the gate


def apply(result: Result, graph: DependencyGraph, baseline: Baseline, cap: int) -> None:
    """Mark each finding new or known, list fixed entries, count stale edges.

    A cycle is new when its component holds an edge that was not cyclic in the baseline;
    its witnesses then start from those new edges. Other findings are new when their id
    is not in the baseline.
    """
    for finding in result.findings:
        if finding.type in ("cycle", "bootstrap"):
            # the same exact rule for each kind of cycle, against the edges of its kind
            known = baseline.edges(finding.severity, finding.level, finding.type)
            fresh = [e for e in finding.edges if e not in known]
            finding.new = bool(fresh)
            if fresh:
                finding.details["new_edges"] = [f"{u} -> {v}" for u, v in fresh]
                _, finding.witnesses = witnesses_for(
                    graph, finding.level, finding.edges, fresh, cap
                )
        else:
            finding.new = finding.id not in baseline.entries
    present = {f.id for f in result.findings}
    result.fixed = [
        FixedEntry(e.id, e.type, e.level, e.message)
        for e in sorted(baseline.entries.values(), key=lambda e: e.id)
        if e.id not in present
    ]
    now = from_findings(result.findings)
    tables = [("error", "cycle", baseline.cyclic), ("warning", "cycle", baseline.soft_cyclic)]
    if baseline.bootstrap is not None:
        tables.append(("error", "bootstrap", baseline.bootstrap))
    result.stale_edges = sum(
        len(edges - now.edges(severity, level, type_))
        for severity, type_, table in tables
        for level, edges in table.items()
    )
    result.summary.new = sum(1 for f in result.findings if f.new)
    result.summary.baselined = len(result.findings) - result.summary.new
    result.summary.fixed = len(result.fixed)
