"""Operational questions asked during an outage, answered from the graph before one.

- impact: what fails when a node fails (hard paths), what only degrades (soft paths);
- order: cold-start waves, or the bootstrap cycles that make a cold start impossible;
- fallbacks that share fate with what they route around;
- where to cut a cycle: a small edge set whose removal breaks it, upward edges first.

All searches are breadth-first or Kahn's algorithm over adjacency lists: linear in the
graph, so a 100,000-node service graph stays interactive.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from depguard.analysis.paths import Adjacency, bfs_parents, path_to
from depguard.graph import DependencyGraph
from depguard.model import Edge, Finding, Hop, Level, finding_id

# edges a running service needs: startup and runtime, not telemetry, config or async
NOT_NEEDED_TO_RUN = frozenset({"telemetry", "monitoring", "config", "async", "observed"})


def needed(edge: Edge) -> bool:
    """Does the dependent stop without the target? Hard, not typing-only, a kind that runs."""
    return edge.edge_class == "hard" and edge.kind not in NOT_NEEDED_TO_RUN


# ---------------------------------------------------------------- impact


@dataclass(frozen=True)
class Affected:
    node: str
    path: tuple[str, ...]  # from the affected node to the failed one, hop by hop
    entrypoint: bool


@dataclass
class Impact:
    node: str
    failed: list[Affected] = field(default_factory=list)
    degraded: list[Affected] = field(default_factory=list)


def impact(graph: DependencyGraph, failing: str, level: Level = "service") -> Impact:
    """Reverse reachability: hard paths fail, paths with a soft hop only degrade.

    A hard dependency with a fallback that is still healthy counts as soft: the escape
    route carries the dependent. A fallback that fails too does not help.
    """
    digraph = graph.digraph(level)
    preds: dict[str, list[tuple[str, Edge]]] = {n: [] for n in digraph.nodes}
    for u, v, edge in digraph.edges(data="edge"):
        preds[v].append((u, edge))
    for items in preds.values():
        items.sort(key=lambda item: item[0])
    failed = _failed(preds, failing)
    result = Impact(failing)
    # shortest hard chains for the failed ones, shortest chains of any kind for the rest
    hard_parent = _reverse_bfs(preds, failing, lambda u, e: u in failed)
    any_parent = _reverse_bfs(preds, failing, lambda u, e: True)
    for node in sorted(failed - {failing}):
        result.failed.append(_affected(graph, node, hard_parent))
    for node in sorted(set(any_parent) - failed):
        result.degraded.append(_affected(graph, node, any_parent))
    return result


def _failed(preds: dict[str, list[tuple[str, Edge]]], failing: str) -> set[str]:
    """Nodes with a needed edge to a failed node whose fallback (if any) failed too."""
    failed = {failing}
    waiting: dict[str, list[str]] = {}  # fallback -> dependents waiting on it
    queue = deque([failing])
    while queue:
        down = queue.popleft()
        candidates = [
            u
            for u, edge in preds[down]
            if needed(edge)
            and (edge.fallback is None or edge.fallback in failed or _wait(waiting, edge, u))
        ]
        candidates += waiting.pop(down, [])
        for u in candidates:
            if u not in failed:
                failed.add(u)
                queue.append(u)
    return failed


def _wait(waiting: dict[str, list[str]], edge: Edge, dependent: str) -> bool:
    assert edge.fallback is not None
    waiting.setdefault(edge.fallback, []).append(dependent)
    return False


def _reverse_bfs(
    preds: dict[str, list[tuple[str, Edge]]], start: str, keep: object
) -> dict[str, str | None]:
    parents: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for u, edge in preds[node]:
            if u not in parents and keep(u, edge):  # type: ignore[operator]
                parents[u] = node
                queue.append(u)
    return parents


def _affected(graph: DependencyGraph, node: str, parents: dict[str, str | None]) -> Affected:
    chain = [node]
    while (step := parents[chain[-1]]) is not None:
        chain.append(step)
    return Affected(node, tuple(chain), graph.node(node).entrypoint)


# ---------------------------------------------------------------- cold-start order


@dataclass
class StartOrder:
    waves: list[list[str]] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # cannot start: in or behind a cycle
    cycles: list[Finding] = field(default_factory=list)


def start_order(graph: DependencyGraph, level: Level = "service") -> StartOrder:
    """Kahn's algorithm in waves: a node starts once everything it needs has started."""
    digraph = graph.digraph(level)
    waiting = {n: 0 for n in digraph.nodes}
    dependents: dict[str, list[str]] = {n: [] for n in digraph.nodes}
    for u, v, edge in digraph.edges(data="edge"):
        if needed(edge) and u != v:
            waiting[u] += 1
            dependents[v].append(u)
    rank = {name: index for index, name in enumerate(graph.layers)}
    order = StartOrder()
    wave = sorted(
        (n for n, count in waiting.items() if count == 0),
        key=lambda n: (rank.get(graph.node(n).layer or "", -1), n),
    )
    while wave:
        order.waves.append(wave)
        following: list[str] = []
        for node in wave:
            for dependent in dependents[node]:
                waiting[dependent] -= 1
                if waiting[dependent] == 0:
                    following.append(dependent)
        wave = sorted(following, key=lambda n: (rank.get(graph.node(n).layer or "", -1), n))
    order.blocked = sorted(n for n, count in waiting.items() if count > 0)
    if order.blocked:
        order.cycles = bootstrap_cycles(graph, level)
    return order


def bootstrap_cycles(graph: DependencyGraph, level: Level = "service") -> list[Finding]:
    """Cycles of needed edges: from cold, none of their members can start first."""
    import networkx as nx

    digraph = graph.digraph(level)
    kept = [(u, v) for u, v, e in digraph.edges(data="edge") if needed(e)]
    counted = nx.DiGraph(kept)
    findings = []
    for members in sorted(sorted(c) for c in nx.strongly_connected_components(counted)):
        inside = set(members)
        edges = sorted((u, v) for u, v in kept if u in inside and v in inside)
        if len(members) == 1 and (members[0], members[0]) not in edges:
            continue
        cut = cut_edges(graph, level, edges, limit=len(edges))
        # one witness per edge to break: the loop that edge closes
        witnesses = [_witness(graph, level, edges, e) for e in (cut or edges[:1])]
        names = ", ".join(graph.node(n).name for n in members)
        breaks = "; ".join(f"{graph.node(u).name} -> {graph.node(v).name}" for u, v in cut)
        findings.append(
            Finding(
                id=finding_id("bootstrap", level, "bootstrap", members),
                type="bootstrap",
                level=level,
                severity="error",
                rule="bootstrap",
                nodes=members,
                edges=edges,
                cut=cut,
                witnesses=witnesses,
                message=f"no cold start for {names}: each needs another to be up first; "
                f"break {breaks}",
            )
        )
    return findings


def _witness(
    graph: DependencyGraph, level: Level, edges: list[tuple[str, str]], first: tuple[str, str]
) -> list[Hop]:
    adj: Adjacency = {}
    for u, v in edges:
        adj.setdefault(u, []).append(v)
    for targets in adj.values():
        targets.sort()
    u, v = first
    parents = bfs_parents(adj, v)
    cycle = [u, *path_to(parents, u)] if u in parents else [u, v]
    hops = []
    for a, b in zip(cycle, cycle[1:], strict=False):
        edge = graph.edge(level, a, b)
        hops.append(Hop(a, b, tuple(edge.evidence), edge.edge_class))
    return hops


# ---------------------------------------------------------------- where to cut


def cut_edges(
    graph: DependencyGraph, level: Level, edges: Iterable[tuple[str, str]], limit: int = 50
) -> list[tuple[str, str]]:
    """A small set of edges whose removal leaves the component acyclic.

    Greedy: while a cycle remains, take a shortest one and remove its best edge to cut:
    an upward edge by the layers, then a soft one, then the one with the fewest evidence
    lines (the fewest imports to move). Not minimum (that is NP-hard), but small, and
    every pick says why it is a good place to cut.
    """
    remaining = set(edges)
    rank = {name: index for index, name in enumerate(graph.layers)}
    chosen: list[tuple[str, str]] = []
    while remaining and len(chosen) < limit:
        cycle = _some_cycle(remaining)
        if cycle is None:
            break
        best = min(cycle, key=lambda e: _cost(graph, level, e, rank))
        chosen.append(best)
        remaining.discard(best)
    return chosen


def _cost(
    graph: DependencyGraph, level: Level, edge: tuple[str, str], rank: dict[str, int]
) -> tuple[int, int, int, tuple[str, str]]:
    source, target = graph.node(edge[0]).layer, graph.node(edge[1]).layer
    upward = (
        source is not None
        and target is not None
        and source in rank
        and target in rank
        and rank[source] < rank[target]
    )
    data = graph.edge(level, *edge)
    return (0 if upward else 1, 0 if data.edge_class != "hard" else 1, len(data.evidence), edge)


def _some_cycle(edges: set[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """A shortest cycle through the smallest edge that is on one, or None."""
    adj: Adjacency = {}
    for u, v in edges:
        adj.setdefault(u, []).append(v)
    for targets in adj.values():
        targets.sort()
    for u, v in sorted(edges):
        if u == v:
            return [(u, v)]
        parents = bfs_parents(adj, v)
        if u in parents:
            nodes = [u, *path_to(parents, u)]
            return list(zip(nodes, nodes[1:], strict=False))
    return None


# ---------------------------------------------------------------- fallbacks


def shared_fate(graph: DependencyGraph, level: Level = "service") -> list[Finding]:
    """A fallback that needs, directly or through a chain, the very node it stands in for."""
    digraph = graph.digraph(level)
    adj: Adjacency = {n: [] for n in digraph.nodes}
    for u, v, edge in digraph.edges(data="edge"):
        if needed(edge):
            adj[u].append(v)
    for targets in adj.values():
        targets.sort()
    findings = []
    for edge in graph.edges(level):
        if edge.fallback is None or edge.fallback not in adj:
            continue
        parents = bfs_parents(adj, edge.fallback)
        if edge.target not in parents:
            continue
        chain = path_to(parents, edge.target)
        hops = [Hop(edge.source, edge.target, tuple(edge.evidence), edge.edge_class)]
        for a, b in zip(chain, chain[1:], strict=False):
            step = graph.edge(level, a, b)
            hops.append(Hop(a, b, tuple(step.evidence), step.edge_class))
        names = " -> ".join(graph.node(n).name for n in chain)
        findings.append(
            Finding(
                id=finding_id(
                    "fallback", level, "fallback", [edge.source, edge.target, edge.fallback]
                ),
                type="fallback",
                level=level,
                severity="error",
                rule="fallback",
                nodes=[edge.source, edge.target, edge.fallback],
                message=f"{graph.node(edge.source).name} falls back to "
                f"{graph.node(edge.fallback).name} when {graph.node(edge.target).name} "
                f"is down, but the fallback needs it: {names}",
                witnesses=[hops],
            )
        )
    return findings
