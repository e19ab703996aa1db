"""The JSON report: the result as data, and the way back for `depguard report`.

Names stay exactly as read (JSON escapes what it must); only lone surrogates, from file
names that are not UTF-8, are written as escapes so that the text encodes as UTF-8.
"""

from __future__ import annotations

import json
from typing import Any

from depguard.model import (
    Coverage,
    Diagnostic,
    Evidence,
    Finding,
    FixedEntry,
    GraphStats,
    Hop,
    Result,
    Summary,
)
from depguard.textsafe import json_text

FORMAT_VERSION = 1


def to_data(result: Result) -> dict[str, Any]:
    errors = sum(1 for f in result.findings if f.severity == "error")
    return {
        "version": result.version,
        "format": FORMAT_VERSION,
        "root": result.root,
        "summary": {
            "new": result.summary.new,
            "baselined": result.summary.baselined,
            "fixed": result.summary.fixed,
            "errors": errors,
            "warnings": len(result.findings) - errors,
            "diagnostics": len(result.diagnostics),
        },
        "findings": [_finding(f) for f in result.findings],
        "fixed": [
            {"id": f.id, "type": f.type, "level": f.level, "message": f.message}
            for f in result.fixed
        ],
        "stale_edges": result.stale_edges,
        "diagnostics": [
            {"file": d.file, "line": d.line, "message": d.message} for d in result.diagnostics
        ],
        "graph": {s.level: {"nodes": s.nodes, "edges": s.edges} for s in result.stats},
        "sources": list(result.sources),
        "files": {source: list(files) for source, files in result.files.items()},
        "notes": [{"file": d.file, "line": d.line, "message": d.message} for d in result.notes],
        "skipped": dict(sorted(result.skipped.items())),
        "unused_selectors": sorted(result.unused_selectors),
        "coverage": {
            "sources": result.coverage.sources,
            "no_evidence": result.coverage.no_evidence,
            "dangling": result.coverage.dangling,
            "declared_not_observed": result.coverage.declared_not_observed,
            "observed_not_declared": result.coverage.observed_not_declared,
        },
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "type": f.type,
        "level": f.level,
        "severity": f.severity,
        "new": f.new,
        "rule": f.rule,
        "nodes": list(f.nodes),
        "message": f.message,
        "witnesses": [[_hop(h) for h in w] for w in f.witnesses],
        "cut": [list(edge) for edge in f.cut],
        "related": sorted(f.related),
        "details": f.details,
    }


def _hop(hop: Hop) -> dict[str, Any]:
    return {
        "source": hop.source,
        "target": hop.target,
        "class": hop.edge_class,
        "evidence": [_evidence(e) for e in hop.evidence],
    }


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"file": e.file, "line": e.line, "text": e.text, "source": e.source}


def render(result: Result, options: object = None) -> str:
    return json_text(json.dumps(to_data(result), indent=2, ensure_ascii=False)) + "\n"


def from_data(data: dict[str, Any]) -> Result:
    """A saved JSON result, back as a Result (KeyError/TypeError on a wrong shape)."""
    findings = [
        Finding(
            id=f["id"],
            type=f["type"],
            level=f["level"],
            severity=f["severity"],
            rule=f["rule"],
            nodes=list(f["nodes"]),
            message=f["message"],
            new=bool(f["new"]),
            witnesses=[
                [
                    Hop(
                        h["source"],
                        h["target"],
                        tuple(Evidence(**e) for e in h["evidence"]),
                        h.get("class", "hard"),
                    )
                    for h in w
                ]
                for w in f["witnesses"]
            ],
            cut=[(u, v) for u, v in f.get("cut", [])],
            related=list(f.get("related", [])),
            details=dict(f.get("details", {})),
        )
        for f in data["findings"]
    ]
    summary = data["summary"]
    return Result(
        version=data["version"],
        root=str(data.get("root", "")),
        findings=findings,
        diagnostics=[
            Diagnostic(d["file"], d["line"], d["message"]) for d in data.get("diagnostics", [])
        ],
        stats=[
            GraphStats(level, s["nodes"], s["edges"]) for level, s in data.get("graph", {}).items()
        ],
        sources=list(data.get("sources", [])),
        summary=Summary(summary["new"], summary["baselined"], summary["fixed"]),
        fixed=[FixedEntry(**f) for f in data.get("fixed", [])],
        stale_edges=int(data.get("stale_edges", 0)),
        skipped=dict(data.get("skipped", {})),
        unused_selectors=[str(s) for s in data.get("unused_selectors", [])],
        coverage=Coverage(**data.get("coverage", {})),
        files={str(k): [str(f) for f in v] for k, v in data.get("files", {}).items()},
        notes=[Diagnostic(d["file"], d["line"], d["message"]) for d in data.get("notes", [])],
    )
