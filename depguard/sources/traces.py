"""Observed calls: the service dependencies a tracing system derived from its spans.

What is read and why is user documentation: docs/sources/traces.md. The JSON is loaded
with lines (`yamlio.load_json`) and walked with `located.Located`; `drift` compares the
declared edges with the observed ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from depguard import validation, yamlio
from depguard.model import QUIET_KINDS, Diagnostic, Edge, Evidence, Fragment, node_id
from depguard.sources.files import relative, walk
from depguard.sources.located import Document, Located

SOURCE = "traces"
KIND = "observed"
_SHAPE = 'Jaeger\'s dependencies JSON: {"data": [{"parent", "child", "callCount"}, ...]}'


Entry = Located[Document]


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
        data = yamlio.load_json(text, shown)
    except yamlio.YamlError as exc:
        problems.append(Diagnostic(exc.file, exc.line, exc.message))
        return
    if (lone := yamlio.lone_surrogate(text)) is not None:  # a name no report could print
        problems.append(Diagnostic(shown, *lone))
        return
    for item in _items(Located(Document(shown, problems), data, "", getattr(data, "line", 1))):
        link = _link(item)
        if link is not None:
            yield link


def _items(top: Entry) -> Iterator[Entry]:
    """The links: the elements of `data`, or of a bare list."""
    data = top.value
    if isinstance(data, list):
        yield from top.items()
    elif not isinstance(data, dict):
        top.wrong(_SHAPE)
    elif isinstance(data.get("data"), list):
        yield from top.child("data").items()
    elif data.get("errors"):
        top.doc.problem(top.child("errors").line, f"Jaeger reported errors: {_errors(data)}")
    elif "data" in data:
        top.child("data").wrong("a list of links")
    else:
        top.problem(f'expected {_SHAPE}, got a mapping without "data"')


def _errors(data: dict[str, Any]) -> str:
    errors = data["errors"] if isinstance(data["errors"], list) else [data["errors"]]
    return "; ".join(str(e.get("msg", e)) if isinstance(e, dict) else str(e) for e in errors)


def _link(item: Entry) -> tuple[str, str, Evidence] | None:
    """(parent, child, evidence) of one link; None (and a diagnostic) when malformed."""
    if not isinstance(item.value, dict):
        item.wrong('a link {"parent", "child", "callCount"}')
        return None
    line = item.child("parent").line if "parent" in item.value else item.line
    wrong = _problems(item.value)
    for key, message in wrong:
        at = item.child(key).line if key in item.value else line
        item.doc.problem(at, f"{item.crumb(key)}: {message}")
    if wrong:
        return None
    value = item.value
    return value["parent"], value["child"], Evidence(item.doc.file, line, _text(value), SOURCE)


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
