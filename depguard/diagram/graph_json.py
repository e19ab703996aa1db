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
    """One node or edge a line: readable in a diff, and written by json's C encoder (an
    indented dump falls back to the pure-Python one, seconds on a large tree)."""
    data = to_data(graph, level)
    # one encoder for every row: json.dumps with options builds a new one per call
    encode = json.JSONEncoder(ensure_ascii=False).encode

    def rows(items: list[dict[str, Any]]) -> str:
        if not items:
            return "[]"
        dumped = ",\n    ".join(map(encode, items))
        return "[\n    " + dumped + "\n  ]"

    return (
        f'{{\n  "level": {json.dumps(level)},\n  "nodes": {rows(data["nodes"])},\n'
        f'  "edges": {rows(data["edges"])}\n}}\n'
    )
