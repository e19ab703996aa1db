"""Small graphs for tests, written as edge lists."""

from __future__ import annotations

from depguard.graph import DependencyGraph
from depguard.model import Edge, Evidence, Node


def service_graph(
    edges: list[tuple[str, str] | tuple[str, str, dict[str, object]]],
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
        extra = item[2] if len(item) > 2 else {}  # type: ignore[misc]
        graph.add_edge(
            Edge(
                f"service:{source}",
                f"service:{target}",
                evidence=[Evidence("services.yaml", index + 1, f"{source}->{target}", "services")],
                **extra,
            ),  # type: ignore[arg-type]
            "service",
        )
    return graph
