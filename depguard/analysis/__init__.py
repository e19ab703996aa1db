"""Checks: pure functions from (graph, rules) to findings."""

from __future__ import annotations

from depguard.analysis.cycles import find_cycles
from depguard.analysis.forbidden import find_forbidden
from depguard.analysis.layers import find_violations
from depguard.analysis.operations import (
    bootstrap_cycles,
    cut_edges,
    needed_adjacency,
    shared_fate,
)
from depguard.config import Config, layer_rank
from depguard.graph import DependencyGraph
from depguard.model import FINDING_KINDS, LEVELS, Finding

SEVERITY_ORDER = {"error": 0, "warning": 1}


def analyse(graph: DependencyGraph, config: Config) -> list[Finding]:
    """Every finding at every level, cycles linked to the layer violations inside them."""
    rank = layer_rank(config)
    findings: list[Finding] = []
    for level in LEVELS:
        if level in config.cycles.levels:
            for cycle in find_cycles(graph, level, config.cycles, rank):
                if cycle.severity == "error":  # where to cut: upward, then soft, then cheap
                    cycle.cut = cut_edges(graph, level, cycle.edges, limit=10)
                findings.append(cycle)
        findings += find_violations(graph, level, config)
        findings += find_forbidden(graph, level, config)
    needs = needed_adjacency(graph, "service")  # both questions ask it of the same edges
    findings += bootstrap_cycles(graph, "service", needs)
    findings += shared_fate(graph, "service", needs)
    _link(findings)
    return sorted(
        findings,
        key=lambda f: (
            FINDING_KINDS[f.type].order,
            SEVERITY_ORDER[f.severity],
            f.level != "service",
            f.message,
            f.id,
        ),
    )


def _link(findings: list[Finding]) -> None:
    """A cycle that crosses layers contains a violation: name each from the other."""
    layer_by_edge = {(f.level, *f.nodes): f for f in findings if f.type == "layer"}
    for cycle in (f for f in findings if f.type == "cycle"):
        for u, v in cycle.cut:
            violation = layer_by_edge.get((cycle.level, u, v))
            if violation is not None:
                cycle.related.append(violation.id)
                violation.related.append(cycle.id)
