"""Golden outputs for every example, reviewed as diffs.

Regenerate after an intended change with:
    DEPGUARD_UPDATE_GOLDENS=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, REPO

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("DEPGUARD_UPDATE_GOLDENS"))
OUTPUTS = {
    "check.txt": ("check", "--format", "text"),
    "check.json": ("check", "--format", "json"),
    "check.sarif": ("check", "--format", "sarif"),
    "check.junit.xml": ("check", "--format", "junit"),
    "check.github": ("check", "--format", "github"),
    "check.md": ("check", "--format", "markdown"),
    "graph.json": ("graph", "--format", "json"),
    "graph.module.json": ("graph", "--level", "module", "--format", "json"),
    "graph.dot": ("graph", "--format", "dot"),
    "graph.mmd": ("graph", "--format", "mermaid"),
}
CASES = [
    (example.name, name)
    for example in sorted(EXAMPLES.iterdir())
    if example.is_dir()
    for name in OUTPUTS
]


@pytest.mark.parametrize("example, output", CASES)
def test_golden(run_cli: Callable[..., Any], example: str, output: str) -> None:
    result = run_cli(*OUTPUTS[output], f"examples/{example}", cwd=REPO)
    assert result.exit_code in (0, 1), result.stderr
    golden = GOLDEN / example / output
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}: run with DEPGUARD_UPDATE_GOLDENS=1"
    assert result.stdout == golden.read_text(encoding="utf-8")
