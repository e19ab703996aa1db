"""Graphviz DOT: layers as clusters, error cycles red and bold, violations red and dashed."""

from __future__ import annotations

import graphviz

from depguard.diagram import marked_edges
from depguard.graph import DependencyGraph
from depguard.model import Finding, Level


def render(graph: DependencyGraph, level: Level, findings: list[Finding]) -> str:
    dot = graphviz.Digraph(
        name=f"depguard_{level}",
        graph_attr={"rankdir": "BT"},
        node_attr={"shape": "box", "fontname": "Helvetica"},
    )
    cyclic, violating = marked_edges(findings, level)
    by_layer: dict[str | None, list[str]] = {}
    for node in graph.nodes(level):
        by_layer.setdefault(node.layer, []).append(node.id)
    for layer in sorted(by_layer, key=graph.layer_sort_key):
        members = by_layer[layer]
        if layer is None:
            for node_id in members:
                dot.node(node_id, graph.node(node_id).name)
            continue
        with dot.subgraph(name=f"cluster_{layer}") as cluster:
            cluster.attr(label=layer, style="rounded")
            for node_id in members:
                cluster.node(node_id, graph.node(node_id).name)
    for edge in graph.edges(level):
        attrs: dict[str, str] = {}
        if edge.key in cyclic:
            attrs.update(color="red", penwidth="2.5")
        elif edge.key in violating:
            attrs.update(color="red", style="dashed")
        elif edge.edge_class != "hard":
            attrs.update(color="gray55", style="dotted")
        if edge.evidence:
            attrs["tooltip"] = "; ".join(e.location() for e in edge.evidence[:5])
        dot.edge(edge.source, edge.target, **attrs)
    source: str = dot.source
    return source
