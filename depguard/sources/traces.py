"""Observed calls: the service dependencies a tracing system derived from its spans.

`collect` reads Jaeger's dependencies JSON (what `GET /api/dependencies?endTs=..&lookback=..`
returns: `{"data": [{"parent": "frontend", "child": "cart", "callCount": 42}, ...]}`) or
a bare list of such links (the `data` array alone, which is also Zipkin's
`/api/v2/dependencies` shape). Each link is an edge `service:<parent> -> service:<child>`,
kind `observed`, strength `hard`, text `observed 42 calls` (`, 3 errors` when Zipkin's
`errorCount` is above 0; just `observed` without a `callCount`).

Decisions
- Lines. JSON parsers give no positions, so after `json.loads` has validated the text
  the file is walked once more with `json.JSONDecoder.raw_decode`, value by value: the
  top-level object's members, the `data` array's elements, each element's members. That
  yields the exact offset of every item and of its `"parent"` key, whatever the layout
  and whatever strings hold (a `"parent"` inside a service name, escapes, duplicates).
  The evidence line is the line of the item's `"parent"` key: for pretty-printed JSON
  that is the line naming the caller, for one-line JSON it is line 1. A duplicated key
  counts as `json.loads` counts it: the last one wins.
- Self-calls (parent == child) are dropped and listed in `TracesSummary.self_calls`:
  Jaeger reports them for spans within one service (in-process spans, a service calling
  its own replicas), and as edges they would be self-loops, cycles of one node that say
  nothing about how services depend on each other.
- The same link twice (in one file or in several, e.g. two time windows) is one edge
  with all its evidence.
- No nodes are written: a trace names a service but does not declare it, so the nodes
  come from the edges (and from the declaring sources, which keep their `declared_in`).
- Bad input never raises: unreadable or non-UTF-8 files, invalid JSON
  (`file:line: not valid JSON: ...` at the parser's line), a Jaeger error response
  (`"errors": [...]`), a wrong top-level shape and a malformed link (named by its index,
  `data[3].parent: expected a service name, got 3`; the link is skipped) are diagnostics.
  Unknown keys (`total`, `limit`, `source`...) are ignored.
- `discover` finds nothing: a traces file is always named in the config.

Drift: `drift(declared, observed)` compares declared service edges with observed ones;
`drift_from_edges` splits merged graph edges by the sources of their evidence and
`render_drift` writes a short plain-text report.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from depguard import validation, yamlio
from depguard.model import QUIET_KINDS, Diagnostic, Edge, Evidence, Fragment, node_id
from depguard.sources.files import relative, walk

SOURCE = "traces"
KIND = "observed"
_WHITESPACE = " \t\n\r"
_DECODER = json.JSONDecoder()
_SHAPE = 'Jaeger\'s dependencies JSON: {"data": [{"parent", "child", "callCount"}, ...]}'


@dataclass
class TracesSummary:
    links: int = 0  # well-formed links read, self-calls included
    self_calls: list[Evidence] = field(default_factory=list)


def collect(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...] = (),
    options: object = None,
    *,
    use_cache: bool = True,
) -> Fragment:
    """Read dependency links into observed edges; problems become diagnostics, never
    exceptions. `options` is accepted for the pipeline's common call and unused."""
    return collect_with_summary(paths, root, exclude, options)[0]


def collect_with_summary(
    paths: list[Path], root: Path, exclude: tuple[str, ...] = (), options: object = None
) -> tuple[Fragment, TracesSummary]:
    """`collect`, plus the number of links and the self-calls dropped."""
    fragment = Fragment(SOURCE)
    summary = TracesSummary()
    edges: dict[tuple[str, str], Edge] = {}
    seen: set[tuple[tuple[str, str], Evidence]] = set()  # a list lookup each would be O(n^2)
    for path in walk(paths, root, (".json",), exclude, fragment.diagnostics):
        shown = relative(path, root)
        fragment.files.append(shown)
        for parent, child, evidence in _read(path, shown, fragment.diagnostics):
            summary.links += 1
            if parent == child:
                summary.self_calls.append(evidence)
                continue
            key = (node_id("service", parent), node_id("service", child))
            edge = edges.setdefault(key, Edge(*key, kind=KIND, strength="hard"))
            if (key, evidence) not in seen:
                seen.add((key, evidence))
                edge.evidence.append(evidence)
    fragment.edges = list(edges.values())
    return fragment, summary


def _read(
    path: Path, shown: str, problems: list[Diagnostic]
) -> Iterator[tuple[str, str, Evidence]]:
    """(parent, child, evidence) of every well-formed link of one file."""
    try:
        text = yamlio.read_text(path, shown)
    except yamlio.YamlError as exc:
        problems.append(Diagnostic(exc.file, exc.line, exc.message))
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(Diagnostic(shown, exc.lineno, f"not valid JSON: {exc.msg}"))
        return
    except (ValueError, RecursionError) as exc:  # huge integers, absurd nesting
        problems.append(Diagnostic(shown, 1, f"not valid JSON: {exc}"))
        return
    if (lone := yamlio.lone_surrogate(text)) is not None:  # a name no report could print
        problems.append(Diagnostic(shown, *lone))
        return
    lines = _Lines(text)
    found = _items(data, text, shown, lines, problems)
    if found is None:
        return
    crumb, items = found
    for index, (item, position) in enumerate(items):
        link = _link(item, text, position, f"{crumb}[{index}]", shown, lines, problems)
        if link is not None:
            yield link


def _items(
    data: Any, text: str, shown: str, lines: _Lines, problems: list[Diagnostic]
) -> tuple[str, list[tuple[Any, int]]] | None:
    """The links and the offset of each: `data`'s elements, or a bare list's."""
    start = _skip(text, 0)
    if isinstance(data, list):
        return "", list(zip(data, _elements(text, start), strict=True))
    if not isinstance(data, dict):
        problems.append(Diagnostic(shown, 1, f"expected {_SHAPE}, got {validation.show(data)}"))
        return None
    members = _members(text, start)
    if isinstance(data.get("data"), list):
        links = _elements(text, members["data"][1])
        return "data", list(zip(data["data"], links, strict=True))
    if data.get("errors"):
        line = lines.at(members["errors"][0])
        problems.append(Diagnostic(shown, line, f"Jaeger reported errors: {_errors(data)}"))
    elif "data" in data:
        got = validation.show(data["data"])
        line = lines.at(members["data"][0])
        problems.append(Diagnostic(shown, line, f"data: expected a list of links, got {got}"))
    else:
        message = f'expected {_SHAPE}, got a mapping without "data"'
        problems.append(Diagnostic(shown, lines.at(start), message))
    return None


def _errors(data: dict[str, Any]) -> str:
    errors = data["errors"] if isinstance(data["errors"], list) else [data["errors"]]
    return "; ".join(str(e.get("msg", e)) if isinstance(e, dict) else str(e) for e in errors)


def _link(
    item: Any,
    text: str,
    position: int,
    crumb: str,
    shown: str,
    lines: _Lines,
    problems: list[Diagnostic],
) -> tuple[str, str, Evidence] | None:
    """(parent, child, evidence) of one link; None (and a diagnostic) when malformed."""
    if not isinstance(item, dict):
        got = validation.show(item)
        message = f'{crumb}: expected a link {{"parent", "child", "callCount"}}, got {got}'
        problems.append(Diagnostic(shown, lines.at(position), message))
        return None
    members = _members(text, position)
    line = lines.at(members["parent"][0] if "parent" in members else position)
    wrong = _problems(item)
    for key, message in wrong:
        at = lines.at(members[key][0]) if key in members else line
        problems.append(Diagnostic(shown, at, f"{crumb}.{key}: {message}"))
    if wrong:
        return None
    return item["parent"], item["child"], Evidence(shown, line, _text(item), SOURCE)


def _problems(item: dict[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for key in ("parent", "child"):
        value = item.get(key)
        if key not in item:
            found.append((key, "missing required key"))
        elif not isinstance(value, str) or not value.strip():
            found.append((key, f"expected a service name, got {validation.show(value)}"))
    for key in ("callCount", "errorCount"):
        value = item.get(key)
        if key in item and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            found.append((key, f"expected a whole number, got {validation.show(value)}"))
    return found


def _text(item: dict[str, Any]) -> str:
    if "callCount" not in item:
        return "observed"
    calls: int = item["callCount"]
    text = f"observed {calls} call{'' if calls == 1 else 's'}"
    errors = item.get("errorCount", 0)
    return text + (f", {errors} error{'' if errors == 1 else 's'}" if errors else "")


# ---------------------------------------------------------------- positions in JSON


class _Lines:
    """Offset -> 1-based line, by bisecting the offsets of the newlines."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in _WHITESPACE:
        position += 1
    return position


def _elements(text: str, position: int) -> Iterator[int]:
    """Offsets of the elements of the (valid) JSON array starting at `position`."""
    position = _skip(text, position + 1)
    while text[position] != "]":
        yield position
        _, position = _DECODER.raw_decode(text, position)
        position = _skip(text, position)
        if text[position] == ",":
            position = _skip(text, position + 1)


def _members(text: str, position: int) -> dict[str, tuple[int, int]]:
    """key -> (offset of the key, offset of its value) of the (valid) JSON object at
    `position`; a repeated key keeps its last occurrence, as `json.loads` does."""
    members: dict[str, tuple[int, int]] = {}
    position = _skip(text, position + 1)
    while text[position] != "}":
        key, after = _DECODER.raw_decode(text, position)
        value = _skip(text, _skip(text, after) + 1)  # past the colon
        members[key] = (position, value)
        _, position = _DECODER.raw_decode(text, value)
        position = _skip(text, position)
        if text[position] == ",":
            position = _skip(text, position + 1)
    return members


# ---------------------------------------------------------------- drift


@dataclass(frozen=True)
class Drift:
    """Service edges declared but never seen in the traces, and calls seen but never
    declared; (source, target) node ids, sorted."""

    declared_not_observed: list[tuple[str, str]]
    observed_not_declared: list[tuple[str, str]]

    @property
    def clean(self) -> bool:
        return not (self.declared_not_observed or self.observed_not_declared)


def drift(declared: set[tuple[str, str]], observed: set[tuple[str, str]]) -> Drift:
    """The two differences between declared and observed edges."""
    return Drift(sorted(declared - observed), sorted(observed - declared))


def drift_from_edges(edges: Iterable[Edge], ignore_kinds: frozenset[str] = QUIET_KINDS) -> Drift:
    """Split merged edges by the sources of their evidence, then compare.

    An edge is observed when some evidence comes from this source, declared when some
    comes from any other source; an edge merged from both is both. Only edges between
    two `service:` nodes take part (traces name services, never modules or resources),
    and no self-loops (self-calls are dropped when traces are read). Declared edges of
    `ignore_kinds` (telemetry, monitoring: exporting spans to a collector is not a call
    the traces record) are left out unless they were observed too.
    """
    declared: set[tuple[str, str]] = set()
    observed: set[tuple[str, str]] = set()
    for edge in edges:
        if not (_is_service(edge.source) and _is_service(edge.target)):
            continue
        if edge.source == edge.target:
            continue
        sources = {item.source for item in edge.evidence}
        if SOURCE in sources:
            observed.add(edge.key)
        if sources - {SOURCE} and (SOURCE in sources or edge.kind not in ignore_kinds):
            declared.add(edge.key)
    return drift(declared, observed)


def _is_service(node: str) -> bool:
    return node.startswith("service:")


def render_drift(found: Drift) -> str:
    """A short plain-text report, one edge a line."""
    if found.clean:
        return "traces match the declared dependencies: no drift\n"
    out = [
        f"traces against declared dependencies: {len(found.observed_not_declared)} observed "
        f"but not declared, {len(found.declared_not_observed)} declared but not observed"
    ]
    sections = (
        ("observed, not declared (a call nobody wrote down):", found.observed_not_declared),
        (
            "declared, not observed (stale, or not exercised while traced):",
            found.declared_not_observed,
        ),
    )
    for title, pairs in sections:
        if pairs:
            out.append(title)
            out.extend(f"  {_short(source)} -> {_short(target)}" for source, target in pairs)
    return "\n".join(out) + "\n"


def _short(node: str) -> str:
    return node.removeprefix("service:")
