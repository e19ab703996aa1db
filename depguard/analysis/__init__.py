"""Checks: pure functions from (graph, rules) to findings."""

from __future__ import annotations

from depguard.analysis.cycles import find_cycles
from depguard.analysis.forbidden import find_forbidden
from depguard.analysis.layers import find_violations
from depguard.config import Config, layer_rank
from depguard.graph import DependencyGraph
from depguard.model import LEVELS, Finding

SEVERITY_ORDER = {"error": 0, "warning": 1}
TYPE_ORDER = {"cycle": 0, "layer": 1, "forbidden": 2}


def analyse(graph: DependencyGraph, config: Config) -> list[Finding]:
    """Every finding at every level, cycles linked to the layer violations inside them."""
    rank = layer_rank(config)
    findings: list[Finding] = []
    for level in LEVELS:
        if level in config.cycles.levels:
            findings += find_cycles(graph, level, config.cycles, rank)
        findings += find_violations(graph, level, config)
        findings += find_forbidden(graph, level, config)
    _link(findings)
    return sorted(
        findings,
        key=lambda f: (
            TYPE_ORDER[f.type],
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
