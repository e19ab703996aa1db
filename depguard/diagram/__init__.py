"""Graph exports: `render(graph, level, findings) -> str`, chosen by name."""

from __future__ import annotations

import importlib

from depguard.graph import DependencyGraph
from depguard.model import Finding, Level

FORMATS: dict[str, str] = {
    "json": "depguard.diagram.graph_json",
    "dot": "depguard.diagram.dot",
    "mermaid": "depguard.diagram.mermaid",
}


def render(name: str, graph: DependencyGraph, level: Level, findings: list[Finding]) -> str:
    module = importlib.import_module(FORMATS[name])
    text: str = module.render(graph, level, findings)
    return text


def marked_edges(
    findings: list[Finding], level: Level
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Edges on an error cycle's witnesses, and edges that violate a layer or rule."""
    cyclic = {
        (h.source, h.target)
        for f in findings
        if f.type == "cycle" and f.level == level and f.severity == "error"
        for w in f.witnesses
        for h in w
    }
    violating = {
        (h.source, h.target)
        for f in findings
        if f.type != "cycle" and f.level == level and f.severity == "error"
        for w in f.witnesses
        for h in w
    }
    return cyclic, violating
