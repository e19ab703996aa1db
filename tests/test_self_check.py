"""depguard on depguard: its own layers (in pyproject.toml) hold, and a planted violation fails.

cli > pipeline > reports and diagrams > analysis > graph > config > sources > foundation.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def depguard(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "depguard", *args, "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The package and its config in a folder of their own (a repository root)."""
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(REPO / "depguard", tmp_path / "depguard")
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_depguard_keeps_its_own_layers() -> None:
    result = depguard("check", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout


def test_every_depguard_module_sits_in_a_layer() -> None:
    """A new module outside every layer would escape the check: place it in one."""
    result = depguard("graph", "--level", "module", "--format", "json", cwd=REPO)
    nodes = json.loads(result.stdout)["nodes"]
    assert len(nodes) > 40
    assert [n["id"] for n in nodes if not n.get("layer")] == []


def test_a_planted_upward_import_fails_the_check(copy: Path) -> None:
    graph = copy / "depguard" / "graph.py"
    graph.write_text(graph.read_text() + "\nimport depguard.report  # planted\n")
    result = depguard("check", cwd=copy)
    assert result.returncode == 1
    assert "depguard.graph (graph) -> depguard.report (output)" in result.stdout
    assert "depguard/graph.py:" in result.stdout


def test_a_planted_rule_breach_in_the_sources_fails_the_check(copy: Path) -> None:
    files = copy / "depguard" / "sources" / "files.py"
    files.write_text(files.read_text() + "\nfrom depguard import config  # planted\n")
    result = depguard("check", cwd=copy)
    assert result.returncode == 1
    assert "sources read files; they do not know the rules" in result.stdout
