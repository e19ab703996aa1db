"""Cycles: strongly connected components, each with a few shortest witness cycles.

Error cycles are closed by the edge classes in `cycles.count` (hard edges by default).
A component that exists only once `cycles.warn` classes (soft, telemetry, monitoring)
are added is a warning, and says which class closes it. All elementary cycles are never
enumerated: their number is exponential.
"""

from __future__ import annotations

from collections.abc import Collection

from depguard.analysis.paths import Adjacency, adjacency, cyclic_components, shortest_cycles
from depguard.config import CycleOptions
from depguard.graph import DependencyGraph
from depguard.model import Finding, Hop, Level, finding_id


def cyclic_edges(
    graph: DependencyGraph, level: Level, classes: Collection[str]
) -> dict[tuple[str, str], int]:
    """Edges inside a non-trivial component (or self-loops), mapped to a component number."""
    return _cyclic(_classed(graph, level), classes)


def _classed(graph: DependencyGraph, level: Level) -> list[tuple[str, str, str]]:
    """Every edge as (source, target, class): the class is asked once per edge."""
    return [(e.source, e.target, e.edge_class) for e in graph.iter_edges(level)]


def _cyclic(
    classed: list[tuple[str, str, str]], classes: Collection[str]
) -> dict[tuple[str, str], int]:
    kept = [(u, v) for u, v, edge_class in classed if edge_class in classes]
    counted: Adjacency = {}
    for u, v in kept:
        counted.setdefault(u, []).append(v)
    # only components that hold a cycle are numbered (in the order of their sorted
    # members): a large tree has thousands of single modules, each its own component
    component: dict[str, int] = {}
    for index, members in enumerate(cyclic_components(counted)):
        for member in members:
            component[member] = index
    found: dict[tuple[str, str], int] = {}
    for u, v in kept:
        number = component.get(u)
        if number is not None and number == component.get(v):
            found[u, v] = number
    return found


def find_cycles(
    graph: DependencyGraph, level: Level, options: CycleOptions, rank: dict[str, int]
) -> list[Finding]:
    counted = set(options.count)
    classed = _classed(graph, level)
    hard = _cyclic(classed, counted)
    findings = [
        _finding(graph, level, edges, set(), options, rank, "error")
        for edges in _by_component(hard)
    ]
    warn = set(options.warn) - counted
    if warn and any(edge_class in warn for _, _, edge_class in classed):
        wider = _cyclic(classed, counted | warn)
        digraph = graph.digraph(level)
        for edges in _by_component(wider):
            # the component is new or larger only thanks to edges of a warn class
            closing = {
                e for e in edges if e not in hard and digraph.edge(*e).edge_class not in counted
            }
            if closing:
                findings.append(_finding(graph, level, edges, closing, options, rank, "warning"))
    return findings


def _by_component(cyclic: dict[tuple[str, str], int]) -> list[list[tuple[str, str]]]:
    groups: dict[int, list[tuple[str, str]]] = {}
    for edge, index in cyclic.items():
        groups.setdefault(index, []).append(edge)
    return [sorted(edges) for _, edges in sorted(groups.items())]


def _finding(
    graph: DependencyGraph,
    level: Level,
    edges: list[tuple[str, str]],
    closing: set[tuple[str, str]],
    options: CycleOptions,
    rank: dict[str, int],
    severity: str,
) -> Finding:
    digraph = graph.digraph(level)
    members = sorted({n for edge in edges for n in edge})
    upward = [e for e in edges if _is_upward(graph, level, e, rank)]
    if closing:
        # a warning is about the edges that close it: witnesses and advice start there
        order, cut = sorted(closing), sorted(closing)
    else:
        upward_set = set(upward)
        order = upward + [e for e in edges if e not in upward_set]
        cut = upward
    cycles, witnesses = witnesses_for(
        graph, level, edges, order, options.witnesses_per_component, only_first=bool(closing)
    )
    names = [graph.node(n).name for n in members]
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    rule = "cycle" if severity == "error" else "cycle-soft"
    # a self-loop (a module importing itself) is a cycle of one
    count = (
        f"{len(members)} {level}s in a cycle"
        if len(members) > 1
        else f"1 {level} in a cycle with itself"
    )
    if severity == "error":
        message = f"{count}: {shown}"
    else:
        classes = sorted({digraph.edge(*e).edge_class for e in closing})
        message = f"{count} closed only through {' and '.join(classes)} edges: {shown}"
    return Finding(
        id=finding_id("cycle", level, rule, members),
        type="cycle",
        level=level,
        severity=severity,  # type: ignore[arg-type]
        rule=rule,
        nodes=members,
        message=message,
        witnesses=witnesses,
        cut=cut,
        edges=edges,
        details={
            "members": names,
            "cyclic_edges": len(edges),
            "witnesses_capped": len(cycles) >= options.witnesses_per_component,
            "closing": sorted(f"{u} -> {v}" for u, v in closing),
        },
    )


def witnesses_for(
    graph: DependencyGraph,
    level: Level,
    edges: list[tuple[str, str]],
    first: list[tuple[str, str]],
    cap: int,
    only_first: bool = False,
) -> tuple[list[list[str]], list[list[Hop]]]:
    """Shortest cycles inside a component's `edges`, starting from the edges in `first`
    (then the rest in sorted order, unless `only_first`), as node lists and as hops."""
    edge_set = set(edges)
    members = {n for edge in edges for n in edge}
    adj = adjacency(graph.digraph(level), lambda u, v: (u, v) in edge_set, members)
    first_set = set(first)
    order = list(first) + ([] if only_first else [e for e in sorted(edges) if e not in first_set])
    cycles = shortest_cycles(adj, order, cap)
    hops = [[_hop(graph, level, a, b) for a, b in zip(c, c[1:], strict=False)] for c in cycles]
    return cycles, hops


def _is_upward(
    graph: DependencyGraph, level: Level, edge: tuple[str, str], rank: dict[str, int]
) -> bool:
    source, target = (graph.node(n).layer for n in edge)
    return (
        source is not None
        and target is not None
        and source in rank
        and target in rank
        and rank[source] < rank[target]
    )


def _hop(graph: DependencyGraph, level: Level, source: str, target: str) -> Hop:
    edge = graph.edge(level, source, target)
    return Hop(source, target, tuple(edge.evidence), edge.edge_class)
