"""The linear searches behind the operational analyses agree with networkx on random graphs."""

from __future__ import annotations

import networkx as nx
from builders import service_graph
from hypothesis import given, settings
from hypothesis import strategies as st

from depguard.analysis.operations import _chains, bootstrap_cycles, cut_edges
from depguard.analysis.paths import Adjacency, strong_components

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
