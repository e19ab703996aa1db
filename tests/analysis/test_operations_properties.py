"""The linear searches behind the operational analyses agree with networkx on random graphs."""

from __future__ import annotations

from collections import deque

import networkx as nx
from builders import service_graph
from hypothesis import given, settings
from hypothesis import strategies as st

from depguard.analysis.operations import _chains, _cost, bootstrap_cycles, cut_edges
from depguard.analysis.paths import Adjacency, strong_components
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
    """The greedy spelled out on networkx: after every cut, the cyclic components of what
    is left are found again and the smallest (by its sorted members) is cut next, through
    a shortest cycle from its smallest edge (breadth first over sorted successors)."""
    left = set(named)
    rank = {name: index for index, name in enumerate(graph.layers)}
    chosen: list[tuple[str, str]] = []
    while len(chosen) < limit:
        rest = nx.DiGraph(sorted(left))
        cyclic = sorted(
            sorted(c)
            for c in nx.strongly_connected_components(rest)
            if len(c) > 1 or any(rest.has_edge(n, n) for n in c)
        )
        if not cyclic:
            break
        members = cyclic[0]
        succ = {a: sorted(b for b in rest.successors(a) if b in members) for a in members}
        u, v = min((a, b) for a in members for b in succ[a])
        parents: dict[str, str | None] = {v: None}
        queue = deque([v])
        while u not in parents:
            at = queue.popleft()
            for nxt in succ[at]:
                if nxt not in parents:
                    parents[nxt] = at
                    queue.append(nxt)
        back = [u]
        while (step := parents[back[-1]]) is not None:
            back.append(step)
        nodes = [u, u] if u == v else [u, *reversed(back)]
        cycle = list(zip(nodes, nodes[1:], strict=False))
        best = min(cycle, key=lambda e: _cost(graph, "service", e, rank))
        chosen.append(best)
        left.discard(best)
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
