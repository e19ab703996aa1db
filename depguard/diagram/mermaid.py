"""Mermaid flowchart: layers as subgraphs, classes for cycle and violation edges."""

from __future__ import annotations

import re

from depguard.diagram import marked_edges
from depguard.graph import DependencyGraph
from depguard.model import Finding, Level


def _ident(node_id: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", node_id)


def _label(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


def render(graph: DependencyGraph, level: Level, findings: list[Finding]) -> str:
    cyclic, violating = marked_edges(findings, level)
    lines = ["flowchart BT"]
    by_layer: dict[str | None, list[str]] = {}
    for node in graph.nodes(level):
        by_layer.setdefault(node.layer, []).append(node.id)
    for layer in sorted(by_layer, key=graph.layer_sort_key):
        indent = "    "
        if layer is not None:
            lines.append(f"    subgraph {_ident('layer:' + layer)}[{_label(layer)}]")
            indent = "        "
        for node_id in by_layer[layer]:
            lines.append(f"{indent}{_ident(node_id)}[{_label(graph.node(node_id).name)}]")
        if layer is not None:
            lines.append("    end")
    styles = []
    for index, edge in enumerate(graph.edges(level)):
        arrow = "-.->" if edge.edge_class != "hard" else "-->"
        lines.append(f"    {_ident(edge.source)} {arrow} {_ident(edge.target)}")
        if edge.key in cyclic:
            styles.append(f"    linkStyle {index} stroke:#d00,stroke-width:3px")
        elif edge.key in violating:
            styles.append(f"    linkStyle {index} stroke:#d00,stroke-dasharray:4 3")
    return "\n".join(lines + styles) + "\n"
