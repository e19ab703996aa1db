"""Breadth-first paths and cycles: linear per search, deterministic by sorted adjacency."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from depguard.graph import LevelGraph

Adjacency = dict[str, list[str]]


def adjacency(
    graph: LevelGraph, keep: Callable[[str, str], bool], members: set[str] | None = None
) -> Adjacency:
    """Sorted successor lists over the edges `keep` accepts (within `members` if given)."""
    adj: Adjacency = {}
    for u in graph.nodes if members is None else members:
        adj[u] = sorted(
            v for v in graph.succ[u] if (members is None or v in members) and keep(u, v)
        )
    return adj


def bfs_parents(
    adj: Adjacency, start: str, stop: Iterable[str] = (), until: str | None = None
) -> dict[str, str | None]:
    """Parent pointers of a breadth-first search; nodes in `stop` are reached, not expanded.

    With `until`, the search ends as soon as that node is reached: its path is already
    the one a whole search would give (a node's parent is set when it is first seen)."""
    blocked = set(stop)
    parents: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        if u in blocked and u != start:
            continue
        for v in adj.get(u, ()):
            if v not in parents:
                parents[v] = u
                if v == until:
                    return parents
                queue.append(v)
    return parents


def path_to(parents: dict[str, str | None], end: str) -> list[str]:
    path = [end]
    while (step := parents[path[-1]]) is not None:
        path.append(step)
    return path[::-1]


def canonical(cycle: list[str]) -> tuple[str, ...]:
    """A cycle (without its repeated last node) rotated to start at its smallest node."""
    start = cycle.index(min(cycle))
    return tuple(cycle[start:] + cycle[:start])


def shortest_cycles(
    adj: Adjacency, edges: Iterable[tuple[str, str]], cap: int, budget: int | None = None
) -> list[list[str]]:
    """For each edge in order, a shortest cycle through it, deduplicated by rotation.

    Each cycle is `[u, v, ..., u]`. One BFS per distinct edge head, cached; at most `cap`
    cycles and `budget` edges tried, so a huge component stays cheap.
    """
    budget = budget if budget is not None else max(20 * cap, 200)
    found: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    searches: dict[str, dict[str, str | None]] = {}
    for tried, (u, v) in enumerate(edges):
        if len(found) >= cap or tried >= budget:
            break
        if u == v:
            cycle = [u, u]
        else:
            parents = searches.get(v)
            if parents is None:
                parents = searches[v] = bfs_parents(adj, v)
            if u not in parents:
                continue
            cycle = [u, *path_to(parents, u)]
        key = canonical(cycle[:-1])
        if key not in seen:
            seen.add(key)
            found.append(cycle)
    return found


def strong_components(adj: Adjacency) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively, sinks first.

    Every component comes after all the components it reaches: the order a reachability
    pass over the condensation needs, and one networkx does not promise.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in adj:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(adj[root]))]
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(adj.get(succ, ()))))
                    break
                if succ in on_stack and index[succ] < low[node]:
                    low[node] = index[succ]
            else:  # every successor seen: node is done
                work.pop()
                if work and low[node] < low[work[-1][0]]:
                    low[work[-1][0]] = low[node]
                if low[node] == index[node]:
                    component = []
                    while (member := stack.pop()) != node:
                        on_stack.discard(member)
                        component.append(member)
                    on_stack.discard(node)
                    component.append(node)
                    found.append(component)
    return found


def cyclic_components(adj: Adjacency) -> list[list[str]]:
    """The components that hold a cycle (two nodes or more, or a self-loop), sorted."""
    return sorted(
        sorted(members)
        for members in strong_components(adj)
        if len(members) > 1 or members[0] in adj.get(members[0], ())
    )
