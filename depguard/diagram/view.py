"""What a diagram shows: a view of one level of the graph, cut down for people.

Every renderer (DOT, Mermaid, SVG, HTML) draws the same view, so a focus, a collapse or
the cycles-only filter means the same thing in every format.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from depguard.graph import DependencyGraph, LevelGraph
from depguard.model import Finding, Level, Node

LARGE = 300  # nodes: above this the default view keeps only cycles, and says so


@dataclass(frozen=True)
class ViewNode:
    id: str
    label: str
    layer: str | None
    group: str | None  # a cluster inside the layer: the owning service or the package
    cyclic: bool = False


@dataclass(frozen=True)
class ViewEdge:
    source: str
    target: str
    style: str  # cycle | violation | soft | telemetry | observed | plain
    tooltip: str


@dataclass
class View:
    level: Level
    layers: tuple[str, ...]
    nodes: list[ViewNode] = field(default_factory=list)
    edges: list[ViewEdge] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    focus: str | None = None
    depth: int = 1
    cycles_only: bool = False
    collapse: str | None = None  # "service", or a package depth such as "2"
    show_all: bool = False


def build_view(
    graph: DependencyGraph, level: Level, findings: list[Finding], options: Options | None = None
) -> View:
    options = options or Options()
    digraph = graph.digraph(level)
    cyclic_nodes = {
        n
        for f in findings
        if f.type == "cycle" and f.level == level and f.severity == "error"
        for n in f.nodes
    }
    cycle_edges = {
        (h.source, h.target)
        for f in findings
        if f.type == "cycle" and f.level == level and f.severity == "error"
        for w in f.witnesses
        for h in w
    }
    cycle_edges |= {
        e
        for f in findings
        if f.type == "cycle" and f.level == level and f.severity == "error"
        for e in f.edges
    }
    violating = {
        (h.source, h.target)
        for f in findings
        if f.type != "cycle" and f.level == level and f.severity == "error"
        for w in f.witnesses
        for h in w
    }
    keep = set(digraph.nodes)
    view = View(level=level, layers=graph.layers)
    if options.focus:
        keep = _around(digraph, _resolve(graph, level, options.focus), options.depth)
    cycles_only = options.cycles_only
    if (
        not cycles_only
        and not options.focus
        and not options.show_all
        and len(keep) > LARGE
        and options.collapse is None
    ):
        cycles_only = True
        view.notes.append(
            f"{len(keep)} nodes: showing only the nodes in cycles; "
            "--all shows everything, --focus NODE --depth N a neighbourhood, "
            "--collapse 2 packages"
        )
    if cycles_only:
        keep &= cyclic_nodes
    group_of = _grouping(graph, level, options.collapse)
    packages = {digraph.nodes[n].name.rpartition(".")[0] for n in keep}
    nodes: dict[str, ViewNode] = {}
    for node_id in sorted(keep):
        node = digraph.nodes[node_id]
        target = group_of(node_id)
        if target not in nodes:
            label = target.partition(":")[2] if target != node_id else node.name
            nodes[target] = ViewNode(
                target,
                label,
                node.layer,
                _group(node, level, target != node_id, packages),
                node_id in cyclic_nodes,
            )
        elif node_id in cyclic_nodes and not nodes[target].cyclic:
            old = nodes[target]
            nodes[target] = ViewNode(old.id, old.label, old.layer, old.group, True)
    view.nodes = list(nodes.values())
    merged: dict[tuple[str, str], ViewEdge] = {}
    for edge in graph.edges(level):
        if edge.source not in keep or edge.target not in keep:
            continue
        u, v = group_of(edge.source), group_of(edge.target)
        if u == v and edge.source != edge.target:
            continue
        style = (
            "cycle"
            if edge.key in cycle_edges
            else "violation"
            if edge.key in violating
            else _quiet_style(edge.kind, edge.edge_class, edge.evidence)
        )
        tip = "; ".join(f"{e.location()} {e.text}" for e in edge.evidence[:4])
        found = merged.get((u, v))
        if found is None or _rank(style) < _rank(found.style):
            merged[(u, v)] = ViewEdge(u, v, style, tip)
    view.edges = [merged[key] for key in sorted(merged)]
    return view


def _group(node: Node, level: Level, collapsed: bool, packages: set[str]) -> str | None:
    """Modules cluster by the service that owns them, else by their package (a package's
    own `__init__` sits with its modules)."""
    if level != "module" or collapsed:
        return None
    if node.service:
        return f"service {node.service}"
    if node.name in packages:
        return node.name
    return node.name.rpartition(".")[0] or None


_ORDER = ("cycle", "violation", "plain", "observed", "soft", "telemetry")


def _rank(style: str) -> int:
    return _ORDER.index(style)


def _quiet_style(kind: str, edge_class: str, evidence: object) -> str:
    sources = {e.source for e in evidence}  # type: ignore[attr-defined]
    if sources == {"traces"}:
        return "observed"
    if edge_class in ("telemetry", "monitoring"):
        return "telemetry"
    if edge_class in ("soft", "typing"):
        return "soft"
    return "plain"


def _resolve(graph: DependencyGraph, level: Level, name: str) -> str:
    digraph = graph.digraph(level)
    if name in digraph:
        return name
    matches: list[str] = sorted(n for n in digraph.nodes if n.partition(":")[2] == name)
    if not matches:
        raise FocusError(f"--focus {name}: no such node at the {level} level")
    return matches[0]


class FocusError(ValueError):
    """--focus names no node."""


def _around(digraph: LevelGraph, start: str, depth: int) -> set[str]:
    """Nodes within `depth` hops of `start`, following edges both ways."""
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        node, hops = queue.popleft()
        if hops == depth:
            continue
        for other in [*digraph.succ[node], *digraph.pred[node]]:
            if other not in seen:
                seen.add(other)
                queue.append((other, hops + 1))
    return seen


def _grouping(graph: DependencyGraph, level: Level, collapse: str | None) -> Callable[[str], str]:
    """Map a node to what it is drawn as: itself, its package at a depth, or its service."""
    if collapse is None or level != "module":
        return lambda node_id: node_id
    if collapse == "service":

        def by_service(node_id: str) -> str:
            owner = graph.node(node_id).service
            return f"service:{owner}" if owner else node_id

        return by_service
    depth = int(collapse)

    def by_package(node_id: str) -> str:
        kind, _, name = node_id.partition(":")
        return f"{kind}:{'.'.join(name.split('.')[:depth])}"

    return by_package
