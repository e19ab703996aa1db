"""Reporters: `render(result, options) -> str`, chosen by name from one table.

Modules load only when chosen, so a JSON run never pays for rich.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from depguard.model import Evidence, Finding, Result
from depguard.textsafe import oneline

REPORTERS: dict[str, str] = {
    "text": "depguard.report.text",
    "json": "depguard.report.json_report",
    "sarif": "depguard.report.sarif",
    "junit": "depguard.report.junit",
    "github": "depguard.report.github",
    "markdown": "depguard.report.markdown",
}


@dataclass(frozen=True)
class Options:
    color: bool = False
    width: int = 100
    command: str = "depguard check"


def render(name: str, result: Result, options: Options | None = None) -> str:
    if name not in REPORTERS:
        raise KeyError(f"unknown format {name!r}: choose from {', '.join(REPORTERS)}")
    module = importlib.import_module(REPORTERS[name])
    text: str = module.render(result, options or Options())
    return text


def primary(finding: Finding) -> Evidence | None:
    """Where a finding points: the first evidence of its first witness hop."""
    for witness in finding.witnesses:
        for hop in witness:
            if hop.evidence:
                return hop.evidence[0]
    return None


def in_root(result: Result, file: str) -> str:
    """An evidence path as seen from where depguard ran (evidence is root-relative)."""
    if not result.root or file.startswith("/"):
        return file
    return f"{result.root.rstrip('/')}/{file}"


def display(node_id: str) -> str:
    """A node id without its kind prefix, as people name it."""
    return node_id.partition(":")[2] or node_id


def shown(node_id: str) -> str:
    """`display(node_id)` as one line of visible text (`textsafe.oneline`)."""
    return oneline(display(node_id))
