"""Reporters: `render(result, options) -> str`, chosen by name from one table.

Modules load only when chosen, so a JSON run never pays for rich.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from depguard.model import Result

REPORTERS: dict[str, str] = {
    "text": "depguard.report.text",
    "json": "depguard.report.json_report",
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


def display(node_id: str) -> str:
    """A node id without its kind prefix, as people name it."""
    return node_id.partition(":")[2] or node_id
