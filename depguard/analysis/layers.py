"""Layer violations: an edge from a lower layer up to a higher one, or between two
members of an independent layer. Hard edges are errors; soft and quiet edges are
warnings, since the dependent survives without them; typing-only imports are ignored."""

from __future__ import annotations

from depguard.config import Config, Layer, name_matches
from depguard.graph import DependencyGraph
from depguard.model import Edge, Finding, Hop, Level, Node, Severity, finding_id

RULE = "layers"


def find_violations(graph: DependencyGraph, level: Level, config: Config) -> list[Finding]:
    layers = {layer.name: layer for layer in config.layers}
    rank = {layer.name: index for index, layer in enumerate(config.layers)}
    findings: list[Finding] = []
    if not rank:
        return findings
    nodes = graph.digraph(level).nodes
    # each node's rank looked up once, not once per edge (a large tree has 44,451 edges)
    ranked = {n: rank[node.layer] for n, node in nodes.items() if node.layer in rank}
    # in any order: `analyse` sorts every finding (sorting a large tree's edges first cost
    # more than the rest of this check)
    for edge in graph.iter_edges(level):
        source_rank, target_rank = ranked.get(edge.source), ranked.get(edge.target)
        if source_rank is None or target_rank is None:
            continue
        if edge.source == edge.target or edge.typing_only:
            continue  # a typing-only import never runs, so it cannot break a layer
        source, target = nodes[edge.source], nodes[edge.target]
        assert source.layer is not None and target.layer is not None
        if source_rank < target_rank:
            why = f"layer {source.layer} must not depend on higher layer {target.layer}"
            findings.append(_finding(level, edge, source, target, why, "upward"))
        elif (
            source.layer == target.layer
            and layers[source.layer].independent
            and _member(source, layers[source.layer]) != _member(target, layers[target.layer])
        ):
            why = f"layer {source.layer} is independent: its members must not depend on each other"
            findings.append(_finding(level, edge, source, target, why, "independent"))
    return findings


def _member(node: Node, layer: Layer) -> str:
    """What independence is about: a service, or the sub-package a module glob names."""
    if node.kind == "module" and node.service:
        return f"service:{node.service}"
    if node.kind == "module":
        for pattern in layer.match:
            if pattern.endswith(".*") and name_matches(pattern, node.name):
                rest = node.name[len(pattern) - 1 :]
                return pattern[:-1] + rest.split(".", 1)[0] if rest else pattern[:-2]
    return node.id


def _finding(level: Level, edge: Edge, source: Node, target: Node, why: str, kind: str) -> Finding:
    severity: Severity = "error" if edge.edge_class == "hard" else "warning"
    return Finding(
        id=finding_id("layer", level, RULE, [source.id, target.id]),
        type="layer",
        level=level,
        severity=severity,
        rule=RULE,
        nodes=[source.id, target.id],
        message=f"{source.name} ({source.layer}) -> {target.name} ({target.layer}): {why}",
        witnesses=[[Hop(edge.source, edge.target, tuple(edge.evidence), edge.edge_class)]],
        cut=[edge.key],
        details={
            "violation": kind,
            "source_layer": source.layer,
            "target_layer": target.layer,
            "edge_class": edge.edge_class,
        },
    )
