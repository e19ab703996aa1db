"""Graphviz DOT: layers as clusters, error cycles red and bold, violations red and dashed.

Written directly rather than through the graphviz package, whose edge() reads `a:b` as
node `a`, port `b`, and every depguard id holds a colon (`service:console`).
"""

from __future__ import annotations

from depguard.diagram import marked_edges
from depguard.graph import DependencyGraph
from depguard.model import Finding, Level


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attrs(attrs: dict[str, str]) -> str:
    return " [" + " ".join(f"{k}={quote(v)}" for k, v in attrs.items()) + "]" if attrs else ""


def render(graph: DependencyGraph, level: Level, findings: list[Finding]) -> str:
    cyclic, violating = marked_edges(findings, level)
    lines = [
        f"digraph {quote('depguard_' + level)} {{",
        '\tgraph [rankdir="BT"]',
        '\tnode [fontname="Helvetica" shape="box"]',
    ]
    by_layer: dict[str | None, list[str]] = {}
    for node in graph.nodes(level):
        by_layer.setdefault(node.layer, []).append(node.id)
    for layer in sorted(by_layer, key=graph.layer_sort_key):
        indent = "\t"
        if layer is not None:
            lines.append(f"\tsubgraph {quote('cluster_' + layer)} {{")
            lines.append(f'\t\tlabel={quote(layer)} style="rounded"')
            indent = "\t\t"
        for node_id in by_layer[layer]:
            lines.append(f"{indent}{quote(node_id)}{_attrs({'label': graph.node(node_id).name})}")
        if layer is not None:
            lines.append("\t}")
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
        lines.append(f"\t{quote(edge.source)} -> {quote(edge.target)}{_attrs(attrs)}")
    return "\n".join([*lines, "}"]) + "\n"
