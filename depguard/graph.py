"""One dependency graph at two levels, built from every source's fragments.

Parallel edges merge into one edge with all their evidence; module edges are lifted onto
the services that own the modules, so an import can close a loop with a manifest edge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from operator import attrgetter

import networkx as nx

from depguard.model import LEVELS, Diagnostic, Edge, Fragment, Level, Node, level_of_kind, node_id


class DependencyGraph:
    """Typed nodes and edges on one networkx DiGraph per level."""

    def __init__(self) -> None:
        self.levels: dict[Level, nx.DiGraph] = {level: nx.DiGraph() for level in LEVELS}
        self.layers: tuple[str, ...] = ()  # the rules' layer order, lowest first
        # every node by id, whatever its level: analyses ask for nodes by the hundred
        # thousand, and a networkx node-view lookup costs several calls each
        self._index: dict[str, Node] = {}

    def digraph(self, level: Level) -> nx.DiGraph:
        return self.levels[level]

    def add_node(self, node: Node) -> None:
        old = self._index.get(node.id)
        self._put(_merge_nodes(old, node) if old else node)

    def _put(self, node: Node) -> None:
        self.levels[level_of_kind(node.kind)].add_node(node.id, node=node)
        self._index[node.id] = node

    def add_edge(self, edge: Edge, level: Level) -> None:
        """Add an edge (the graph takes it over), or merge it into the parallel one."""
        graph = self.levels[level]
        for end in (edge.source, edge.target):
            if end not in graph:
                kind, _, name = end.partition(":")
                node = Node(id=end, kind=kind, name=name)
                graph.add_node(end, node=node)
                self._index.setdefault(end, node)
        if graph.has_edge(edge.source, edge.target):
            graph.edges[edge.source, edge.target]["edge"].merge(edge)
        else:
            if len(edge.evidence) > 1:
                edge.evidence.sort()
            graph.add_edge(edge.source, edge.target, edge=edge)

    def node(self, node_id_: str) -> Node:
        return self._index[node_id_]

    def has_node(self, node_id_: str) -> bool:
        return node_id_ in self._index

    def nodes(self, level: Level) -> list[Node]:
        return [self._index[n] for n in sorted(self.levels[level])]

    def edge(self, level: Level, source: str, target: str) -> Edge:
        found: Edge = self.levels[level].edges[source, target]["edge"]
        return found

    def edges(self, level: Level) -> list[Edge]:
        return sorted(self.iter_edges(level), key=attrgetter("source", "target"))

    def iter_edges(self, level: Level) -> Iterator[Edge]:
        # adjacency() hands out networkx's own dicts: a third of the cost of edges(data=)
        for _, targets in self.levels[level].adjacency():
            for data in targets.values():
                yield data["edge"]

    def layer_sort_key(self, layer: str | None) -> tuple[int, str]:
        """Lowest layer first, unknown layers after, no layer last."""
        if layer is None:
            return (len(self.layers) + 1, "")
        return (self.layers.index(layer) if layer in self.layers else len(self.layers), layer)

    def replace_node(self, node: Node) -> None:
        self.levels[level_of_kind(node.kind)].nodes[node.id]["node"] = node
        self._index[node.id] = node


def _merge_nodes(old: Node, new: Node) -> Node:
    """The same node from two sources: keep what either knows."""
    return replace(
        old,
        layer=old.layer or new.layer,
        service=old.service or new.service,
        labels=tuple(sorted((dict(new.labels) | dict(old.labels)).items())),
        entrypoint=old.entrypoint or new.entrypoint,
        declared_in=old.declared_in or new.declared_in,
    )


EdgeRule = Callable[[Edge, Node, Node], Edge]


def build(
    fragments: Iterable[Fragment],
    layer_for: Callable[[Node], str | None],
    owner_for: Callable[[str], str | None],
    classify: EdgeRule | None = None,
    layers: tuple[str, ...] = (),
) -> tuple[DependencyGraph, list[Diagnostic]]:
    """Merge fragments, assign layers and owners, lift module edges onto services."""
    graph = DependencyGraph()
    graph.layers = layers
    fragments = list(fragments)
    same = _same_names(fragments)
    for fragment in fragments:
        for node in fragment.nodes:
            if node.id in same:
                node = replace(node, id=same[node.id], kind="resource")
            graph.add_node(node)
    for fragment in fragments:
        for edge in fragment.edges:
            if edge.source in same or edge.target in same:
                edge = replace(
                    edge,
                    source=same.get(edge.source, edge.source),
                    target=same.get(edge.target, edge.target),
                )
            graph.add_edge(edge, level_of_kind(edge.source.partition(":")[0]))
    _assign(graph, layer_for, owner_for)
    _lift(graph)
    if classify is not None:
        _classify(graph, classify)
    return graph, _unknown_layers(fragments, frozenset(layers))


def _same_names(fragments: list[Fragment]) -> dict[str, str]:
    """`service:x` -> `resource:x` where a source declared x a resource: compose and
    Kubernetes call a database a service, a manifest may call it a resource; one thing."""
    resources = {n.name for f in fragments for n in f.nodes if n.kind == "resource"}
    return {node_id("service", name): node_id("resource", name) for name in resources}


def _assign(
    graph: DependencyGraph,
    layer_for: Callable[[Node], str | None],
    owner_for: Callable[[str], str | None],
) -> None:
    for node in graph.nodes("service"):
        if node.kind != "dangling":  # a name nobody defined belongs to no layer
            graph.replace_node(replace(node, layer=layer_for(node)))
    for node in graph.nodes("module"):
        owner = node.service or owner_for(node.name)
        layer = layer_for(replace(node, layer=None) if node.layer else node)
        if layer is None and owner is not None:
            owner_id = node_id("service", owner)
            if graph.has_node(owner_id):
                layer = graph.node(owner_id).layer
        if (owner, layer) != (node.service, node.layer):
            graph.replace_node(replace(node, service=owner, layer=layer))


def _lift(graph: DependencyGraph) -> None:
    """An import from a module owned by A of one owned by B is the service edge A -> B."""
    modules = graph.digraph("module")
    owner = {n: data["node"].service for n, data in modules.nodes(data=True)}
    if not any(owner.values()):
        return
    lifted: dict[tuple[str, str], Edge] = {}
    for u, v, data in modules.edges(data="edge"):
        source, target = owner[u], owner[v]
        if source is None or target is None or source == target:
            continue
        key = (node_id("service", source), node_id("service", target))
        edge = lifted.get(key)
        if edge is None:
            lifted[key] = Edge(
                key[0],
                key[1],
                "import",
                data.strength,
                data.typing_only,
                data.deferred,
                list(data.evidence),
            )
        else:  # fold by hand: Edge.merge re-sorts the evidence each time
            edge.evidence.extend(data.evidence)
            edge.strength = "hard" if "hard" in (edge.strength, data.strength) else "soft"
            edge.typing_only = edge.typing_only and data.typing_only
            edge.deferred = edge.deferred and data.deferred
    for (source, target), edge in sorted(lifted.items()):
        for end in (source, target):
            if not graph.has_node(end):
                graph.add_node(Node(id=end, kind="service", name=end.partition(":")[2]))
        graph.add_edge(edge, "service")


def _classify(graph: DependencyGraph, classify: EdgeRule) -> None:
    for level in LEVELS:
        digraph = graph.digraph(level)
        for u, v, data in digraph.edges(data=True):
            data["edge"] = classify(
                data["edge"], digraph.nodes[u]["node"], digraph.nodes[v]["node"]
            )


def _unknown_layers(fragments: list[Fragment], known: frozenset[str]) -> list[Diagnostic]:
    """A source that declares a layer the rules do not define is an input problem (with
    no layers in the rules at all, declared layers simply have no order to check)."""
    if not known:
        return []
    problems = []
    for fragment in fragments:
        for node in fragment.nodes:
            if node.layer and node.layer not in known and node.declared_in is not None:
                problems.append(
                    Diagnostic(
                        node.declared_in.file,
                        node.declared_in.line,
                        f"{node.name}: unknown layer {node.layer!r} (layers: "
                        f"{', '.join(sorted(known))})",
                    )
                )
    return problems
