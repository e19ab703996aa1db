"""SARIF 2.1.0 for code scanning: one rule per finding type, results at the evidence.

`partialFingerprints` carry the finding id, so code scanning tracks a finding across
commits however its lines move; `baselineState` says new or unchanged. Messages, which
code scanning shows, hold `oneline` text; properties keep names exactly, as data.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from depguard.model import FINDING_KINDS, Evidence, Finding, Result
from depguard.report import Options, display, in_root, primary
from depguard.textsafe import json_text, oneline

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/depguard/depguard"
_LINK_SYNTAX = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]"})


def render(result: Result, options: Options) -> str:
    rule_ids = list(FINDING_KINDS)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "depguard",
                "version": result.version,
                "informationUri": INFO_URI,
                "rules": [_rule(kind) for kind in rule_ids],
            }
        },
        "results": [_result(result, f, rule_ids.index(f.type)) for f in result.findings],
        "columnKind": "unicodeCodePoints",
    }
    if result.diagnostics:
        run["invocations"] = [
            {
                "executionSuccessful": False,
                "toolExecutionNotifications": [
                    {
                        "level": "error",
                        "message": {"text": _text(d.message)},
                        "locations": [_location(result, Evidence(d.file, d.line))],
                    }
                    for d in result.diagnostics
                ],
            }
        ]
    else:
        run["invocations"] = [{"executionSuccessful": True}]
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def _rule(kind: str) -> dict[str, Any]:
    found = FINDING_KINDS[kind]
    code, name, help_text = found.code, found.name, found.help
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": name.replace("-", " ")},
        "fullDescription": {"text": help_text},
        "help": {"text": help_text, "markdown": f"**{name}**: {help_text}"},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["architecture", "dependencies"]},
    }


def _result(result: Result, finding: Finding, index: int) -> dict[str, Any]:
    where = primary(finding)
    related: list[dict[str, Any]] = []
    for witness in finding.witnesses[:3]:
        for hop in witness:
            for evidence in hop.evidence[:1]:
                location = _location(result, evidence)
                location["id"] = len(related) + 1
                location["message"] = {"text": f"{_name(hop.source)} -> {_name(hop.target)}"}
                related.append(location)
    item: dict[str, Any] = {
        "ruleId": FINDING_KINDS[finding.type].code,
        "ruleIndex": index,
        "level": finding.severity,
        "message": {"text": _message(finding)},
        "partialFingerprints": {"depguardFindingId/v1": finding.id},
        "baselineState": "new" if finding.new else "unchanged",
        "properties": {
            "findingId": finding.id,
            "level": finding.level,
            "nodes": list(finding.nodes),
        },
    }
    if where is not None:
        item["locations"] = [_location(result, where)]
    if related:
        item["relatedLocations"] = related
    return item


def _message(finding: Finding) -> str:
    lines = [_text(finding.message)]
    if finding.witnesses:
        hops = finding.witnesses[0]
        lines.append(" -> ".join([_name(h.source) for h in hops] + [_name(hops[-1].target)]))
    return "\n".join(lines)


def _text(text: str) -> str:
    """Plain message text: one line, and `\\ [ ]` escaped, which SARIF reads as the
    syntax of embedded links (`[text](uri)`)."""
    return oneline(text).translate(_LINK_SYNTAX)


def _name(node_id: str) -> str:
    return _text(display(node_id))


def _location(result: Result, evidence: Evidence) -> dict[str, Any]:
    # a URI reference: percent-encoded (a control character, `%` or `:` in a name too)
    uri = quote(in_root(result, evidence.file), errors="backslashreplace")
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if evidence.line >= 1:
        physical["region"] = {"startLine": evidence.line}
    return {"physicalLocation": physical}
