"""Small graphs for tests, written as edge lists."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from depguard.graph import DependencyGraph
from depguard.model import Edge, Evidence, Fragment, Node


def service_graph(
    edges: Sequence[tuple[str, str] | tuple[str, str, dict[str, Any]]],
    layers: dict[str, str] | None = None,
    order: tuple[str, ...] = (),
) -> DependencyGraph:
    """A service-level graph; each edge's evidence is `services.yaml:<its index + 1>`."""
    graph = DependencyGraph()
    graph.layers = order
    names = sorted({n for e in edges for n in e[:2]} | set(layers or {}))
    for name in names:
        graph.add_node(
            Node(id=f"service:{name}", kind="service", name=name, layer=(layers or {}).get(name))
        )
    for index, item in enumerate(edges):
        source, target = item[0], item[1]
        extra: dict[str, Any] = item[2] if len(item) > 2 else {}
        graph.add_edge(
            Edge(
                f"service:{source}",
                f"service:{target}",
                evidence=[Evidence("services.yaml", index + 1, f"{source}->{target}", "services")],
                **extra,
            ),
            "service",
        )
    return graph


EdgeRow = tuple[str, str, str, str]


def short(node: str) -> str:
    return node.removeprefix("service:")


def edge_rows(fragment: Fragment) -> set[EdgeRow]:
    """(source, target, kind, strength) of every edge, service prefixes dropped."""
    return {(short(e.source), short(e.target), e.kind, e.strength) for e in fragment.edges}


def edge_evidence(fragment: Fragment, source: str, target: str, kind: str) -> list[tuple[str, str]]:
    """(file:line, text) of every evidence item of one edge."""
    (edge,) = [
        e
        for e in fragment.edges
        if (short(e.source), short(e.target), e.kind) == (source, target, kind)
    ]
    return [(ev.location(), ev.text) for ev in edge.evidence]


def messages(fragment: Fragment) -> list[str]:
    return [str(d) for d in fragment.diagnostics]
