"""The README's gate workflow, run verbatim, and the config typos that would weaken it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO, depguard_process

DEPGUARD = [sys.executable, "-m", "depguard"]
CYCLE = "services:\n  a: {depends_on: [b]}\n  b: {depends_on: [a]}\n  c: {}\n"


def readme_snippet() -> list[str]:
    """The commands of the README's "adopts depguard with a baseline" block, as written."""
    text = (REPO / "README.md").read_text()
    start = text.index("A codebase that already has cycles adopts depguard with a baseline:")
    block = re.search(r"```sh\n(.*?)```", text[start:], re.DOTALL)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def shell(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """One README line in a shell, with the `depguard` this suite tests first on PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-c", line],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": path, "NO_COLOR": "1"},
    )


def test_the_readme_ci_snippet_passes_then_fails_on_a_new_cycle(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "services.yaml").write_text(CYCLE)
    lines = readme_snippet()
    assert [line.split()[:2] for line in lines] == [["depguard", "baseline"], ["depguard", "check"]]
    baseline, check = (shell(line, tmp_path) for line in lines)
    assert baseline.returncode == 0, baseline.stderr
    assert (tmp_path / "depguard-baseline.json").is_file()
    assert check.returncode == 0, check.stdout + check.stderr
    assert "known findings hidden" in check.stdout
    assert "using the baseline depguard-baseline.json" in check.stderr
    (tmp_path / "services.yaml").write_text(
        CYCLE.replace("c: {}", "c: {depends_on: [c2]}\n  c2: {depends_on: [c]}")
    )
    again = shell(lines[1], tmp_path)
    assert again.returncode == 1, again.stdout + again.stderr
    assert "2 services in a cycle: c, c2" in again.stdout
    no_baseline = shell("depguard check --no-baseline", tmp_path)
    assert no_baseline.returncode == 1 and "using the baseline" not in no_baseline.stderr


run = depguard_process


def test_a_selector_of_the_users_config_that_matches_nothing_is_an_input_problem(
    tmp_path: Path,
) -> None:
    (tmp_path / "services.yaml").write_text(CYCLE.replace("c: {}", "status-page: {}"))
    (tmp_path / "depguard.yaml").write_text(
        "sources: [{services: services.yaml}]\n"
        "layers:\n"
        "  - {name: core, match: [a, b]}\n"
        "  - {name: edge, match: [statuspage]}\n"
        "forbidden:\n"
        "  - {name: x, from: [status-page], to: [layer:core, consol]}\n"
        "isolated:\n"
        "  - {name: y, nodes: [status-pag*], watches: [layer:core]}\n"
    )
    result = run(tmp_path, "check")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "depguard.yaml:4: layers[1].match: 'statuspage' matches no node (a typo?)",
        "depguard.yaml:6: forbidden[0].to: 'consol' matches no node (a typo?)",
    ]


def test_selectors_of_a_shipped_rule_set_that_match_nothing_are_listed_as_unused(
    tmp_path: Path,
) -> None:
    (tmp_path / "services.yaml").write_text("services:\n  console: {}\n  cloud-api: {}\n")
    (tmp_path / "depguard.yaml").write_text(
        "extends: cloud-control-plane\nsources: [{services: services.yaml}]\n"
    )
    result = run(tmp_path, "check", "--format", "json")
    assert result.returncode == 0, result.stderr
    unused = json.loads(result.stdout)["unused_selectors"]
    assert "status-page" in unused and "console" not in unused
