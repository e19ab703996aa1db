"""Graphviz DOT of a view: layers as horizontal bands (lowest at the bottom), error cycles
red and bold, violations red and dashed, soft, telemetry and observed-only edges each in a
quiet style of its own, a legend, and the evidence as tooltips.

Written directly rather than through the graphviz package, whose edge() reads `a:b` as
node `a`, port `b`, and every depguard id holds a colon (`service:console`). Every string
is a quoted ID of `oneline` text (see `quote`), so no name can end a statement.
"""

from __future__ import annotations

from depguard.diagram.view import View, build_view
from depguard.graph import DependencyGraph
from depguard.model import Finding, Level
from depguard.textsafe import oneline

EDGE_STYLES: dict[str, dict[str, str]] = {
    "cycle": {"color": "#d00000", "penwidth": "2.6"},
    "violation": {"color": "#d00000", "style": "dashed", "penwidth": "1.6"},
    "plain": {"color": "#444444"},
    "soft": {"color": "#999999", "style": "dotted"},
    "telemetry": {"color": "#b0b0b0", "style": "dashed", "arrowhead": "open"},
    "observed": {"color": "#2b6cb0", "style": "dotted"},
}
LEGEND = (
    ("cycle", "in a cycle"),
    ("violation", "upward / forbidden"),
    ("plain", "hard"),
    ("soft", "soft"),
    ("telemetry", "telemetry"),
    ("observed", "observed only"),
)


def quote(text: str) -> str:
    """A DOT quoted ID of `oneline(text)`. `&` is written `&amp;`: Graphviz reads entities
    in labels and copies entity-like text (`&x;`, `&#27;`) into SVG unescaped, which would
    not be well-formed XML. `\\` and `"` are the escapes of the DOT language itself."""
    safe = oneline(text).replace("&", "&amp;").replace("\\", "\\\\").replace('"', '\\"')
    return f'"{safe}"'


def _attrs(attrs: dict[str, str]) -> str:
    return " [" + " ".join(f"{k}={quote(v)}" for k, v in attrs.items()) + "]" if attrs else ""


def render(graph: DependencyGraph, level: Level, findings: list[Finding]) -> str:
    from depguard.diagram.view import Options

    return render_view(build_view(graph, level, findings, Options(show_all=True)))


def render_view(view: View, legend: bool = True) -> str:
    lines = [
        f"digraph {quote('depguard_' + view.level)} {{",
        '\tgraph [rankdir="BT" newrank="true" fontname="Helvetica" nodesep="0.35" ranksep="0.6"]',
        '\tnode [fontname="Helvetica" shape="box" style="rounded,filled" fillcolor="#ffffff" '
        'fontsize="11"]',
        '\tedge [fontname="Helvetica" fontsize="9"]',
    ]
    by_layer: dict[str | None, list[int]] = {}
    for index, node in enumerate(view.nodes):
        by_layer.setdefault(node.layer, []).append(index)
    order = [layer for layer in view.layers if layer in by_layer]
    order += sorted(layer for layer in by_layer if layer is not None and layer not in order)
    for band, layer in enumerate(order):
        lines.append(f"\tsubgraph {quote('cluster_layer_' + layer)} {{")
        lines.append(
            f'\t\tlabel={quote(layer)} labeljust="l" style="filled,rounded" '
            f'color="#d0d7de" fillcolor="{"#f6f8fa" if band % 2 else "#eef2f6"}"'
        )
        lines.append(f'\t\t{quote("band:" + layer)} [shape="point" style="invis" width="0"]')
        lines += _members(view, by_layer[layer], "\t\t")
        # one rank per layer: the layers read as horizontal bands
        same = " ".join(
            quote(n) for n in ["band:" + layer, *(view.nodes[i].id for i in by_layer[layer])]
        )
        lines.append(f'\t\t{{rank="same" {same}}}')
        lines.append("\t}")
    lines += _members(view, by_layer.get(None, []), "\t")
    # invisible edges between band anchors keep the layers stacked, lowest at the bottom
    for lower, upper in zip(order, order[1:], strict=False):
        lines.append(
            f'\t{quote("band:" + lower)} -> {quote("band:" + upper)} [style="invis" weight="10"]'
        )
    for edge in view.edges:
        attrs = dict(EDGE_STYLES[edge.style])
        if edge.tooltip:
            attrs["tooltip"] = edge.tooltip
        lines.append(f"\t{quote(edge.source)} -> {quote(edge.target)}{_attrs(attrs)}")
    if legend:
        lines += _legend()
    return "\n".join([*lines, "}"]) + "\n"


def _members(view: View, indexes: list[int], indent: str) -> list[str]:
    lines: list[str] = []
    groups: dict[str | None, list[int]] = {}
    for index in indexes:
        groups.setdefault(view.nodes[index].group, []).append(index)
    for group in sorted(groups, key=lambda g: (g is None, g or "")):
        inner = indent
        if group is not None:
            lines.append(f"{indent}subgraph {quote('cluster_group_' + group + str(indexes[0]))} {{")
            lines.append(f'{indent}\tlabel={quote(group)} style="dashed" color="#8c959f"')
            inner = indent + "\t"
        for index in groups[group]:
            node = view.nodes[index]
            attrs = {"label": node.label, "tooltip": node.id}
            if node.id.startswith("dangling:"):
                attrs.update(
                    label=f"{node.label}?",
                    style="dashed",
                    color="#8c959f",
                    tooltip=f"{node.label}: named in the input, not defined in it",
                )
            if node.cyclic:
                attrs.update(color="#d00000", penwidth="1.8", fillcolor="#fff0f0")
            lines.append(f"{inner}{quote(node.id)}{_attrs(attrs)}")
        if group is not None:
            lines.append(f"{indent}}}")
    return lines


def _legend() -> list[str]:
    lines = [
        '\tsubgraph "cluster_legend" {',
        '\t\tlabel="legend" fontsize="10" style="dashed" color="#8c959f"',
        '\t\tnode [shape="plaintext" style="" fontsize="9" width="0" height="0"]',
    ]
    for index, (style, text) in enumerate(LEGEND):
        lines.append(f'\t\t"legend:{index}a" [label=""]')
        lines.append(f'\t\t"legend:{index}b" [label={quote(text)}]')
        attrs = dict(EDGE_STYLES[style])
        lines.append(f'\t\t"legend:{index}a" -> "legend:{index}b"{_attrs(attrs)}')
    lines.append("\t}")
    return lines
