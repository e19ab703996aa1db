"""Graph exports (`export(name, graph, level, findings) -> str`, chosen by name) and
diagrams: a view (view.py) drawn as DOT, Mermaid, SVG/PNG/PDF (render.py) or HTML."""

from __future__ import annotations

import importlib

from depguard.graph import DependencyGraph
from depguard.model import Finding, Level

FORMATS: dict[str, str] = {
    "json": "depguard.diagram.graph_json",
    "dot": "depguard.diagram.dot",
    "mermaid": "depguard.diagram.mermaid",
}


def export(name: str, graph: DependencyGraph, level: Level, findings: list[Finding]) -> str:
    module = importlib.import_module(FORMATS[name])
    text: str = module.render(graph, level, findings)
    return text
