"""The linear searches behind the operational analyses agree with networkx on random graphs."""

from __future__ import annotations

import heapq

import networkx as nx
from builders import service_graph
from hypothesis import given, settings
from hypothesis import strategies as st

from depguard.analysis.operations import _chains, _cost, bootstrap_cycles, cut_edges
from depguard.analysis.paths import (
    Adjacency,
    bfs_parents,
    cyclic_components,
    path_to,
    strong_components,
)
from depguard.graph import DependencyGraph

NODES = [f"n{i}" for i in range(8)]
pairs = st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)), max_size=30)


def adjacency_of(edges: list[tuple[str, str]]) -> Adjacency:
    adj: Adjacency = {n: [] for n in NODES}
    for u, v in sorted(set(edges)):
        adj[u].append(v)
    return adj


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_components_equal_networkx_and_come_sinks_first(edges: list[tuple[str, str]]) -> None:
    found = strong_components(adjacency_of(edges))
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(NODES)
    assert sorted(map(sorted, found)) == sorted(
        map(sorted, nx.strongly_connected_components(graph))
    )
    position = {n: i for i, members in enumerate(found) for n in members}
    for u, v in edges:  # a component is listed after every component it reaches
        assert position[v] <= position[u]


@settings(max_examples=300, deadline=None)
@given(pairs, st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)), max_size=8))
def test_chains_are_shortest_paths_exactly_when_one_exists(
    edges: list[tuple[str, str]], queries: list[tuple[str, str]]
) -> None:
    adj = adjacency_of(edges)
    graph = nx.DiGraph(edges)
    graph.add_nodes_from(NODES)
    for (start, end), chain in zip(queries, _chains(adj, queries), strict=True):
        if not nx.has_path(graph, start, end):
            assert chain is None
            continue
        assert chain is not None and chain[0] == start and chain[-1] == end
        assert len(chain) - 1 == nx.shortest_path_length(graph, start, end)
        assert all(graph.has_edge(a, b) for a, b in zip(chain, chain[1:], strict=False))


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_cutting_the_advised_edges_leaves_no_cycle(edges: list[tuple[str, str]]) -> None:
    graph = service_graph(edges)
    named = [(f"service:{u}", f"service:{v}") for u, v in set(edges)]
    cut = cut_edges(graph, "service", named, limit=len(named))
    assert len(set(cut)) == len(cut) and set(cut) <= set(named)
    rest = nx.DiGraph(sorted(set(named) - set(cut)))
    assert nx.is_directed_acyclic_graph(rest)
    cyclic = [c for c in bootstrap_cycles(graph) if c.cut]
    expected = [
        sorted(c)
        for c in nx.strongly_connected_components(nx.DiGraph(named))
        if len(c) > 1 or any(u == v for u, v in named if u in c)
    ]
    assert sorted(c.nodes for c in cyclic) == sorted(expected)


def plain_cut_edges(
    graph: DependencyGraph, named: list[tuple[str, str]], limit: int
) -> list[tuple[str, str]]:
    """The greedy as first written: the components are found again after every cut, and
    each cycle comes from a whole breadth-first search."""
    adj: Adjacency = {}
    for u, v in sorted(set(named)):
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
        u, v = min((u, v) for u in members for v in sub[u])
        nodes = [u, u] if u == v else [u, *path_to(bfs_parents(sub, v), u)]
        cycle = list(zip(nodes, nodes[1:], strict=False))
        best = min(cycle, key=lambda e: _cost(graph, "service", e, rank))
        chosen.append(best)
        adj[best[0]].remove(best[1])
        sub[best[0]].remove(best[1])
        for rest in cyclic_components(sub):
            heapq.heappush(pending, rest)
    return chosen


MANY = [f"n{i}" for i in range(10)]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(MANY), st.sampled_from(MANY)), max_size=50),
    st.dictionaries(st.sampled_from(MANY), st.sampled_from(["low", "mid", "high"])),
    st.integers(min_value=1, max_value=60),
)
def test_cuts_are_those_of_the_plain_greedy(
    edges: list[tuple[str, str]], layers: dict[str, str], limit: int
) -> None:
    """Going on with a component that a cut left whole, and stopping each search at its
    end, pick exactly the edges the plain greedy picks, in the same order."""
    graph = service_graph(edges, layers, ("low", "mid", "high"))  # repeats: more evidence
    named = [(f"service:{u}", f"service:{v}") for u, v in edges]
    assert cut_edges(graph, "service", named, limit) == plain_cut_edges(graph, named, limit)
