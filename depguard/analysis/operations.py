"""Operational questions asked during an outage, answered from the graph before one.

- impact: what fails when a node fails (hard paths), what only degrades (soft paths);
- order: cold-start waves, or the bootstrap cycles that make a cold start impossible;
- fallbacks that share fate with what they route around;
- where to cut a cycle: a small edge set whose removal breaks it, upward edges first.

Every search is breadth-first, Kahn's algorithm or Tarjan's over adjacency lists, linear
in the graph; where to cut costs one search of a component per edge chosen, and fallbacks
are checked in one reachability pass. On 100,000 services and 1,000,000 edges each answer
takes seconds (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from depguard.analysis.paths import (
    Adjacency,
    bfs_parents,
    cyclic_components,
    path_to,
    strong_components,
)
from depguard.graph import DependencyGraph
from depguard.model import Edge, Finding, Hop, Level, finding_id

# edges a running service needs: startup and runtime, not telemetry, config or async
NOT_NEEDED_TO_RUN = frozenset({"telemetry", "monitoring", "config", "async", "observed"})
CUT_LIMIT = 50  # edges to break named per bootstrap cycle; a huge tangle needs a redesign
ENDS_PER_PASS = 8192  # bits per reachability set: bounds its memory on huge graphs


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
    successors = digraph.succ
    for u in sorted(successors):  # dependents in order: deterministic paths
        for edge in successors[u].values():
            preds[edge.target].append((u, edge))
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
    preds: dict[str, list[tuple[str, Edge]]], start: str, keep: Callable[[str, Edge], bool]
) -> dict[str, str | None]:
    parents: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for u, edge in preds[node]:
            if u not in parents and keep(u, edge):
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
    needs = needed_adjacency(graph, level)
    waiting = {n: 0 for n in needs}
    dependents: dict[str, list[str]] = {n: [] for n in needs}
    for node, targets in needs.items():
        for target in targets:
            if target != node:
                waiting[node] += 1
                dependents[target].append(node)
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
        order.cycles = bootstrap_cycles(graph, level, needs)
    return order


def bootstrap_cycles(
    graph: DependencyGraph, level: Level = "service", needs: Adjacency | None = None
) -> list[Finding]:
    """Cycles of needed edges: from cold, none of their members can start first.

    `needs` is `needed_adjacency(graph, level)` when the caller already has it."""
    adj = needs if needs is not None else needed_adjacency(graph, level)
    findings = []
    for members in cyclic_components(adj):
        inside = set(members)
        sub = {u: [v for v in adj[u] if v in inside] for u in members}
        edges = [(u, v) for u in members for v in sub[u]]
        cut = cut_edges(graph, level, edges, limit=CUT_LIMIT)
        # one witness per edge to break: the loop that edge closes
        witnesses = [_witness(graph, level, sub, e) for e in (cut or edges[:1])]
        names = ", ".join(graph.node(n).name for n in members)
        breaks = "; ".join(f"{graph.node(u).name} -> {graph.node(v).name}" for u, v in cut)
        if len(cut) >= CUT_LIMIT:
            breaks += f" and more (the first {CUT_LIMIT} shown)"
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


def needed_adjacency(graph: DependencyGraph, level: Level) -> Adjacency:
    """Sorted successor lists over the needed edges, every node of the level a key."""
    adj: Adjacency = {n: [] for n in graph.digraph(level).nodes}
    for edge in graph.iter_edges(level):
        if needed(edge):
            adj[edge.source].append(edge.target)
    for targets in adj.values():
        targets.sort()
    return adj


def _witness(
    graph: DependencyGraph, level: Level, adj: Adjacency, first: tuple[str, str]
) -> list[Hop]:
    u, v = first
    parents = bfs_parents(adj, v)
    cycle = [u, *path_to(parents, u)] if u in parents else [u, v]
    return _hops(graph, level, cycle)


def _hops(graph: DependencyGraph, level: Level, path: list[str]) -> list[Hop]:
    hops = []
    for a, b in zip(path, path[1:], strict=False):
        edge = graph.edge(level, a, b)
        hops.append(Hop(a, b, tuple(edge.evidence), edge.edge_class))
    return hops


# ---------------------------------------------------------------- where to cut


def cut_edges(
    graph: DependencyGraph, level: Level, edges: Iterable[tuple[str, str]], limit: int = 50
) -> list[tuple[str, str]]:
    """A small set of edges whose removal leaves the component acyclic (at most `limit`).

    Greedy: while a strongly connected component remains, take a shortest cycle through
    its smallest edge and remove that cycle's best edge to cut: an upward edge by the
    layers, then a soft one, then the one with the fewest evidence lines (the fewest
    imports to move). Not minimum (that is NP-hard), but small, and every pick says why
    it is a good place to cut.

    Each pick costs a search that stops at the cycle's end, and one more that stops as
    soon as the cut edge's head still reaches its target: then the component is still
    strongly connected (every path through the cut edge has a way round it) and is cut
    again at once, as the smallest pending component. Only a component that falls apart
    is split into components again. On sympy (10 cuts in a component of 4,906 edges,
    and eight small ones) this took the cut searches from 21 ms to 6 ms.
    """
    adj: Adjacency = {}
    for u, v in sorted(set(edges)):
        adj.setdefault(u, []).append(v)
        adj.setdefault(v, [])
    rank = {name: index for index, name in enumerate(graph.layers)}
    chosen: list[tuple[str, str]] = []
    pending = cyclic_components(adj)
    heapq.heapify(pending)
    while pending and len(chosen) < limit:
        members = heapq.heappop(pending)
        inside = set(members)
        sub = {u: [v for v in adj[u] if v in inside] for u in members}
        while len(chosen) < limit:
            # the smallest edge inside: members and successors are sorted, and in a
            # strongly connected component every member has a successor inside
            u = members[0]
            v = sub[u][0]
            nodes = [u, u] if u == v else [u, *path_to(bfs_parents(sub, v, until=u), u)]
            cycle = list(zip(nodes, nodes[1:], strict=False))
            head, tail = best = min(cycle, key=lambda e: _cost(graph, level, e, rank))
            chosen.append(best)
            adj[head].remove(tail)
            sub[head].remove(tail)
            whole = len(members) > 1 if head == tail else tail in bfs_parents(sub, head, until=tail)
            if not whole:
                for rest in cyclic_components(sub):
                    heapq.heappush(pending, rest)
                break
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


# ---------------------------------------------------------------- fallbacks


def shared_fate(
    graph: DependencyGraph, level: Level = "service", needs: Adjacency | None = None
) -> list[Finding]:
    """A fallback that needs, directly or through a chain, the very node it stands in for.

    `needs` is `needed_adjacency(graph, level)` when the caller already has it."""
    adj = needs if needs is not None else needed_adjacency(graph, level)
    routes = sorted(
        ((e, e.fallback) for e in graph.iter_edges(level) if e.fallback in adj),
        key=lambda route: route[0].key,
    )
    chains = _chains(adj, [(fallback, e.target) for e, fallback in routes if fallback])
    findings = []
    for (edge, fallback), chain in zip(routes, chains, strict=True):
        if chain is None or fallback is None:
            continue
        hops = [Hop(edge.source, edge.target, tuple(edge.evidence), edge.edge_class)]
        hops += _hops(graph, level, chain)
        names = " -> ".join(graph.node(n).name for n in chain)
        findings.append(
            Finding(
                id=finding_id("fallback", level, "fallback", [edge.source, edge.target, fallback]),
                type="fallback",
                level=level,
                severity="error",
                rule="fallback",
                nodes=[edge.source, edge.target, fallback],
                message=f"{graph.node(edge.source).name} falls back to "
                f"{graph.node(fallback).name} when {graph.node(edge.target).name} "
                f"is down, but the fallback needs it: {names}",
                witnesses=[hops],
            )
        )
    return findings


def _chains(adj: Adjacency, queries: list[tuple[str, str]]) -> list[list[str] | None]:
    """For each (start, end), a shortest path start -> end over `adj`, or None.

    One pass over the condensation, sinks first, gives every component a bit set of the
    ends it reaches; a path is then searched only where it exists, and only through nodes
    that reach its end. Ends are taken in chunks to bound the size of the bit sets.
    """
    components = strong_components(adj)
    component = {n: i for i, members in enumerate(components) for n in members}
    answers: list[list[str] | None] = [None] * len(queries)
    ends = sorted({end for _, end in queries})
    for chunk in range(0, len(ends), ENDS_PER_PASS):
        bit = {end: 1 << i for i, end in enumerate(ends[chunk : chunk + ENDS_PER_PASS])}
        reach = [0] * len(components)
        for i, members in enumerate(components):
            bits = 0
            for u in members:
                bits |= bit.get(u, 0)
                for v in adj[u]:
                    bits |= reach[component[v]]
            reach[i] = bits
        for q, (start, end) in enumerate(queries):
            mask = bit.get(end, 0)
            if mask and reach[component[start]] & mask:
                answers[q] = _path(adj, (start, end), component, reach, mask)
    return answers


def _path(
    adj: Adjacency,
    query: tuple[str, str],
    component: dict[str, int],
    reach: list[int],
    mask: int,
) -> list[str]:
    """Breadth-first from start to end (reachable), only through nodes that lead there."""
    start, end = query
    parents: dict[str, str | None] = {start: None}
    queue = deque([start])
    while end not in parents:
        u = queue.popleft()
        for v in adj[u]:
            if v not in parents and reach[component[v]] & mask:
                parents[v] = u
                queue.append(v)
    return path_to(parents, end)
