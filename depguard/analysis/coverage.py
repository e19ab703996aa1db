"""Evidence coverage: which sources said anything about each service.

A service with no outgoing edge is listed as having no evidence: silence in the inputs is
not proof that it depends on nothing. References to services that are not in the input
(a Kubernetes address naming a Service no manifest defines) are listed as dangling.
"""

from __future__ import annotations

from depguard.graph import DependencyGraph
from depguard.model import ROLE_LABEL, Coverage


def coverage(graph: DependencyGraph) -> Coverage:
    digraph = graph.digraph("service")
    sources: dict[str, list[str]] = {}
    silent: list[str] = []
    dangling: list[str] = []
    for node in graph.nodes("service"):
        if node.kind == "dangling":
            continue
        found = sorted({e.source for edge in digraph.succ[node.id].values() for e in edge.evidence})
        if node.kind == "service":
            sources[node.name] = found
            if not found and (ROLE_LABEL, "telemetry") not in node.labels:  # a sink: it needs none
                silent.append(node.name)
    for edge in graph.edges("service"):
        if edge.target.startswith("dangling:"):
            where = edge.evidence[0].location() if edge.evidence else "?"
            dangling.append(
                f"{edge.source.partition(':')[2]} -> {edge.target.partition(':')[2]} ({where})"
            )
    report = Coverage(sources=sources, no_evidence=silent, dangling=dangling)
    if any(e.source == "traces" for edge in graph.iter_edges("service") for e in edge.evidence):
        from depguard.sources.traces import drift_from_edges

        drift = drift_from_edges(graph.edges("service"))
        report.declared_not_observed = [_pair(p) for p in drift.declared_not_observed]
        report.observed_not_declared = [_pair(p) for p in drift.observed_not_declared]
    return report


def _pair(pair: tuple[str, str]) -> str:
    return f"{pair[0].partition(':')[2]} -> {pair[1].partition(':')[2]}"
