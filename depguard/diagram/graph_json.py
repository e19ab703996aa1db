"""The graph as JSON: nodes sorted by id, edges by (source, target)."""

from __future__ import annotations

import json
from typing import Any

from depguard.graph import DependencyGraph
from depguard.model import Finding, Level


def to_data(graph: DependencyGraph, level: Level) -> dict[str, Any]:
    return {
        "level": level,
        "nodes": [
            {
                "id": n.id,
                "kind": n.kind,
                "name": n.name,
                "layer": n.layer,
                "service": n.service,
                "labels": dict(n.labels),
                "entrypoint": n.entrypoint,
            }
            for n in graph.nodes(level)
        ],
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "kind": e.kind,
                "strength": e.strength,
                "typing_only": e.typing_only,
                "deferred": e.deferred,
                "evidence": [
                    {"file": v.file, "line": v.line, "text": v.text, "source": v.source}
                    for v in e.evidence
                ],
            }
            for e in graph.edges(level)
        ],
    }


def render(graph: DependencyGraph, level: Level, findings: list[Finding]) -> str:
    return json.dumps(to_data(graph, level), indent=2, ensure_ascii=False) + "\n"
