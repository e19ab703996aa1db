"""Mermaid flowchart of a view, as GitHub renders it: layers as subgraphs (lowest at the
bottom), classes for nodes in cycles, link styles for cycle, violation and quiet edges.

Node ids are made of `[A-Za-z0-9_]` alone; labels are quoted `oneline` text whose syntax
characters are written as Mermaid's entity codes (`#quot;`), one statement a line.
"""

from __future__ import annotations

import re

from depguard.diagram.view import Options, View, build_view
from depguard.graph import DependencyGraph
from depguard.model import Finding, Level
from depguard.textsafe import oneline

LINK_STYLES = {
    "cycle": "stroke:#d00000,stroke-width:3px",
    "violation": "stroke:#d00000,stroke-width:2px,stroke-dasharray:5 4",
    "soft": "stroke:#999999,stroke-dasharray:2 3",
    "telemetry": "stroke:#b0b0b0,stroke-dasharray:6 3",
    "observed": "stroke:#2b6cb0,stroke-dasharray:2 3",
}


def _ident(node_id: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", node_id)


# a quote ends the label; `#` starts an entity code; `&` `<` `>` are HTML once drawn; a
# backtick opens a Markdown string; `%%{` a directive; brackets and braces shape nodes
_CODES = str.maketrans(
    {
        "#": "#35;",
        '"': "#quot;",
        "&": "#amp;",
        "<": "#lt;",
        ">": "#gt;",
        "`": "#96;",
        "%": "#37;",
        "[": "#91;",
        "]": "#93;",
        "{": "#123;",
        "}": "#125;",
    }
)


def _label(text: str) -> str:
    return '"' + oneline(text).translate(_CODES) + '"'


def render(graph: DependencyGraph, level: Level, findings: list[Finding]) -> str:
    return render_view(build_view(graph, level, findings, Options(show_all=True)))


def render_view(view: View) -> str:
    lines = ["flowchart BT"]
    by_layer: dict[str | None, list[int]] = {}
    for index, node in enumerate(view.nodes):
        by_layer.setdefault(node.layer, []).append(index)
    order = [layer for layer in view.layers if layer in by_layer]
    order += sorted(layer for layer in by_layer if layer is not None and layer not in order)
    for layer in [*order, None]:
        indent = "    "
        if layer is not None:
            lines.append(f"    subgraph {_ident('layer:' + layer)}[{_label(layer)}]")
            indent = "        "
        for index in by_layer.get(layer, []):
            node = view.nodes[index]
            suffix = ":::cyclic" if node.cyclic else ""
            lines.append(f"{indent}{_ident(node.id)}[{_label(node.label)}]{suffix}")
        if layer is not None:
            lines.append("    end")
    styles = []
    for index, edge in enumerate(view.edges):
        arrow = "-.->" if edge.style in ("soft", "telemetry", "observed") else "-->"
        lines.append(f"    {_ident(edge.source)} {arrow} {_ident(edge.target)}")
        if edge.style in LINK_STYLES:
            styles.append(f"    linkStyle {index} {LINK_STYLES[edge.style]}")
    lines.append("    classDef cyclic fill:#fff0f0,stroke:#d00000,stroke-width:2px")
    return "\n".join(lines + styles) + "\n"
