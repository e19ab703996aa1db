"""One dependency graph at two levels, built from every source's fragments.

Parallel edges merge into one edge with all their evidence; module edges are lifted onto
the services that own the modules, so an import can close a loop with a manifest edge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from operator import attrgetter

from depguard.model import (
    LEVELS,
    MODULE_PREFIXES,
    RESOURCE_ROLES,
    ROLE_LABEL,
    Diagnostic,
    Edge,
    Fragment,
    Level,
    Node,
    level_of_kind,
    node_id,
)


class LevelGraph:
    """One level's nodes and edges in plain dicts: successors and predecessors of each
    node, keyed by node id, holding the Edge itself.

    No graph library: every algorithm depguard runs is its own (linear, deterministic,
    able to stop early), so what is left is storage, and plain dicts are faster to fill
    and cheaper to keep than networkx's attribute dicts (and its import, a tenth of a
    second, was paid by every run, pre-commit hooks included).
    """

    __slots__ = ("nodes", "succ", "pred")

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.succ: dict[str, dict[str, Edge]] = {}
        self.pred: dict[str, dict[str, Edge]] = {}

    def __contains__(self, node_id_: object) -> bool:
        return node_id_ in self.nodes

    def put_node(self, node: Node) -> None:
        if node.id not in self.nodes:
            self.succ[node.id] = {}
            self.pred[node.id] = {}
        self.nodes[node.id] = node

    def put_edge(self, edge: Edge) -> None:
        """Add or replace the edge between its two ends (both already nodes)."""
        self.succ[edge.source][edge.target] = edge
        self.pred[edge.target][edge.source] = edge

    def has_edge(self, source: str, target: str) -> bool:
        return target in self.succ.get(source, ())

    def edge(self, source: str, target: str) -> Edge:
        return self.succ[source][target]

    def edges(self) -> Iterator[Edge]:
        """Every edge, in insertion order."""
        for targets in self.succ.values():
            yield from targets.values()

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        return sum(map(len, self.succ.values()))


class DependencyGraph:
    """Typed nodes and edges, one LevelGraph per level."""

    def __init__(self) -> None:
        self.levels: dict[Level, LevelGraph] = {level: LevelGraph() for level in LEVELS}
        self.layers: tuple[str, ...] = ()  # the rules' layer order, lowest first
        self._index: dict[str, Node] = {}  # every node by id, whatever its level

    def digraph(self, level: Level) -> LevelGraph:
        return self.levels[level]

    def add_node(self, node: Node) -> None:
        old = self._index.get(node.id)
        self.replace_node(_merge_nodes(old, node) if old else node)

    def add_edge(self, edge: Edge, level: Level) -> None:
        """Add an edge (the graph takes it over), or merge it into the parallel one."""
        self.add_edges([edge], level)

    def add_edges(self, edges: Iterable[Edge], level: Level | None = None) -> None:
        """`add_edge` for many, each at its source's level unless one is given: a loop
        here, not a call per edge (a large tree has tens of thousands)."""
        levels = self.levels
        for edge in edges:
            source, target = edge.source, edge.target
            if level is None:
                graph = levels["module" if source.startswith(MODULE_PREFIXES) else "service"]
            else:
                graph = levels[level]
            if source not in graph.nodes:
                self._implied(graph, source)
            if target not in graph.nodes:
                self._implied(graph, target)
            old = graph.succ[source].get(target)
            if old is not None:
                old.merge(edge)
            else:
                if len(edge.evidence) > 1:
                    edge.evidence.sort()
                graph.put_edge(edge)

    def _implied(self, graph: LevelGraph, end: str) -> None:
        """A node named only by an edge."""
        kind, _, name = end.partition(":")
        node = Node(id=end, kind=kind, name=name)
        graph.put_node(node)
        self._index.setdefault(end, node)

    def node(self, node_id_: str) -> Node:
        return self._index[node_id_]

    def has_node(self, node_id_: str) -> bool:
        return node_id_ in self._index

    def nodes(self, level: Level) -> list[Node]:
        nodes = self.levels[level].nodes
        return [nodes[n] for n in sorted(nodes)]

    def edge(self, level: Level, source: str, target: str) -> Edge:
        return self.levels[level].edge(source, target)

    def edges(self, level: Level) -> list[Edge]:
        return sorted(self.iter_edges(level), key=attrgetter("source", "target"))

    def iter_edges(self, level: Level) -> Iterator[Edge]:
        return self.levels[level].edges()

    def layer_sort_key(self, layer: str | None) -> tuple[int, str]:
        """Lowest layer first, unknown layers after, no layer last."""
        if layer is None:
            return (len(self.layers) + 1, "")
        return (self.layers.index(layer) if layer in self.layers else len(self.layers), layer)

    def replace_node(self, node: Node) -> None:
        self.levels[level_of_kind(node.kind)].put_node(node)
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
    role_of: Callable[[Node], str | None] | None = None,
) -> tuple[DependencyGraph, list[Diagnostic]]:
    """Merge fragments, give well-known infrastructure its role, assign layers and
    owners, lift module edges onto services."""
    graph = DependencyGraph()
    graph.layers = layers
    fragments = list(fragments)
    roles = _roles(fragments, role_of) if role_of is not None else {}
    same = _same_names(fragments, roles)
    telemetry = {same.get(n, n) for n, role in roles.items() if role == "telemetry"}
    for fragment in fragments:
        for node in fragment.nodes:
            if node.id in roles:
                node = replace(
                    node, labels=tuple(sorted({*node.labels, (ROLE_LABEL, roles[node.id])}))
                )
            if node.id in same:
                node = replace(node, id=same[node.id], kind="resource")
            graph.add_node(node)
    for fragment in fragments:
        edges = fragment.edges
        if same:
            edges = renamed_ends(edges, same)
        if telemetry:
            edges = [_quiet(e, telemetry) for e in edges]
        graph.add_edges(edges)
    _assign(graph, layer_for, owner_for)
    _lift(graph)
    if classify is not None:
        _classify(graph, classify)
    return graph, _unknown_layers(fragments, frozenset(layers))


def renamed_ends(edges: list[Edge], ids: dict[str, str]) -> list[Edge]:
    """`edges` with every end that `ids` renames (node id -> new id) renamed."""
    return [
        replace(e, source=ids.get(e.source, e.source), target=ids.get(e.target, e.target))
        if e.source in ids or e.target in ids
        else e
        for e in edges
    ]


def _same_names(fragments: list[Fragment], roles: dict[str, str]) -> dict[str, str]:
    """`service:x` -> `resource:x` where a source declared x a resource, or its role is
    one (a database): compose and Kubernetes call a database a service; one thing."""
    resources = {n.name for f in fragments for n in f.nodes if n.kind == "resource"}
    resources |= {n.name for f in fragments for n in f.nodes if roles.get(n.id) in RESOURCE_ROLES}
    return {node_id("service", name): node_id("resource", name) for name in resources}


def _roles(fragments: list[Fragment], role_of: Callable[[Node], str | None]) -> dict[str, str]:
    """node id -> role, for the nodes that are well-known infrastructure."""
    found: dict[str, str] = {}
    for fragment in fragments:
        for node in fragment.nodes:
            if node.id not in found and (role := role_of(node)) is not None:
                found[node.id] = role
    return found


def _quiet(edge: Edge, telemetry: set[str]) -> Edge:
    """An edge into telemetry is `telemetry`; one out of it (a probe, a scrape) is
    `monitoring`: neither is what the caller needs to run."""
    if edge.target in telemetry:
        return replace(edge, kind="telemetry")
    if edge.source in telemetry:
        return replace(edge, kind="monitoring")
    return edge


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
            graph.replace_node(node.placed(layer, owner))


def _lift(graph: DependencyGraph) -> None:
    """An import from a module owned by A of one owned by B is the service edge A -> B."""
    modules = graph.digraph("module")
    owner = {n: node.service for n, node in modules.nodes.items()}
    if not any(owner.values()):
        return
    lifted: dict[tuple[str, str], Edge] = {}
    for data in modules.edges():
        source, target = owner[data.source], owner[data.target]
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
        for edge in list(digraph.edges()):
            digraph.put_edge(classify(edge, digraph.nodes[edge.source], digraph.nodes[edge.target]))


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
