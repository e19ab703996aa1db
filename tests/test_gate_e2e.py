"""The CI gate end to end, as a team adopting depguard would meet it, in a git repository.

Runs the installed `depguard` command in a subprocess so that exit codes, files on disk
and the baseline's bytes are exactly what CI would see.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

DEPGUARD = [sys.executable, "-m", "depguard"]

CONFIG = """\
layers:
  - {name: data, match: [db]}
  - {name: core, match: [orders, billing, auth]}
  - {name: edge, match: [web]}
baseline: depguard-baseline.json
sources:
  - services: services.yaml
"""

SERVICES = """\
services:
  web:
    depends_on: [orders, auth]
  orders:
    depends_on: [db, billing]
  billing:
    depends_on:
      - orders        # the old, accepted loop: billing <-> orders
  auth:
    depends_on: [db]
"""


def depguard(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*DEPGUARD, *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "ci@example.invalid")
    git(tmp_path, "config", "user.name", "ci")
    (tmp_path / "depguard.yaml").write_text(CONFIG)
    (tmp_path / "services.yaml").write_text(SERVICES)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "system with an old cycle")
    return tmp_path


def test_the_gate_fails_only_on_new_cycles_and_ratchets_down(repo: Path) -> None:
    # without a baseline the old cycle fails the build
    assert depguard(repo, "check", "--no-baseline").returncode == 1

    # 1. accept today's state; check passes and says what it hides
    written = depguard(repo, "baseline")
    assert written.returncode == 0, written.stderr
    baseline_file = repo / "depguard-baseline.json"
    data = json.loads(baseline_file.read_text())
    assert data["cyclic_edges"]["service"] == [
        ["service:billing", "service:orders"],
        ["service:orders", "service:billing"],
    ]
    passed = depguard(repo, "check")
    assert passed.returncode == 0, passed.stdout
    # the cycle, and the same loop as a bootstrap cycle (no cold start)
    assert "2 known findings hidden, --no-baseline to show" in passed.stdout

    # 2. a new manifest dependency closes a new loop through auth: the check fails,
    #    naming the new edge and a witness through it
    services = repo / "services.yaml"
    services.write_text(SERVICES.replace("    depends_on: [db]\n", "    depends_on: [db, web]\n"))
    failed = depguard(repo, "check")
    assert failed.returncode == 1
    assert "auth -> web" in failed.stdout
    assert "web  -> auth" in failed.stdout or "web -> auth" in failed.stdout
    report = json.loads(depguard(repo, "check", "--format", "json").stdout)
    [new] = [f for f in report["findings"] if f["new"] and f["type"] == "cycle"]
    assert "service:auth -> service:web" in new["details"]["new_edges"]
    first_hop = new["witnesses"][0][0]
    assert (first_hop["source"], first_hop["target"]) == ("service:auth", "service:web")
    assert first_hop["evidence"][0]["line"] == 10
    services.write_text(SERVICES)

    # 3. moving lines and adding blank lines changes no finding
    moved = "\n\n# reordered\n" + SERVICES.replace("services:\n", "services:\n\n\n")
    services.write_text(moved)
    assert depguard(repo, "check").returncode == 0

    # 4. the old cycle is fixed: the check passes and reports it fixed
    services.write_text(
        SERVICES.replace(
            "      - orders        # the old, accepted loop: billing <-> orders\n", "      - db\n"
        )
    )
    fixed = depguard(repo, "check")
    assert fixed.returncode == 0
    assert "Fixed since the baseline" in fixed.stdout
    assert "depguard baseline --prune" in fixed.stdout

    # 5. --prune shrinks the baseline and never adds
    before = baseline_file.stat().st_size
    pruned = depguard(repo, "baseline", "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert baseline_file.stat().st_size < before
    assert json.loads(baseline_file.read_text())["findings"] == []
    assert json.loads(depguard(repo, "check", "--format", "json").stdout)["summary"] == {
        "new": 0,
        "baselined": 0,
        "fixed": 0,
        "errors": 0,
        "warnings": 0,
        "diagnostics": 0,
    }


def test_a_corrupt_baseline_exits_2_and_a_failed_run_never_touches_it(repo: Path) -> None:
    baseline_file = repo / "depguard-baseline.json"
    baseline_file.write_text('{"version": 1, "findings": [')
    result = depguard(repo, "check")
    assert result.returncode == 2
    assert result.stderr.startswith("depguard-baseline.json:1: not valid JSON")
    # a broken input stops `depguard baseline` before it writes anything
    assert depguard(repo, "baseline").returncode == 2
    good = depguard(repo, "baseline", "--output", "good.json")
    assert good.returncode == 0
    saved = (repo / "good.json").read_bytes()
    (repo / "services.yaml").write_text("services: [\n")
    assert depguard(repo, "baseline", "--output", "good.json").returncode == 2
    assert (repo / "good.json").read_bytes() == saved


def test_report_re_renders_a_saved_result(repo: Path, tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    assert depguard(repo, "check", "--no-baseline", "-f", "json", "-o", str(saved)).returncode == 1
    text = depguard(repo, "report", str(saved), "--format", "text")
    assert text.returncode == 1
    direct = depguard(repo, "check", "--no-baseline")
    assert text.stdout == direct.stdout
    broken = tmp_path / "broken.json"
    broken.write_text('{"findings": 3}')
    bad = depguard(repo, "report", str(broken))
    assert bad.returncode == 2 and bad.stderr.startswith(f"{broken.as_posix()}:1: not a depguard")


@pytest.mark.slow
def test_pre_commit_try_repo_fails_on_a_cycle_then_passes(repo: Path) -> None:
    """The real pre-commit, installing this project as a hook repository."""
    if (
        shutil.which("pre-commit") is None
        and not (Path(sys.executable).parent / "pre-commit").exists()
    ):
        pytest.skip("pre-commit is not installed")
    exe = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"), "NO_COLOR": "1"}

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [exe, "try-repo", str(REPO), "depguard", "--all-files"],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=900,
        )

    (repo / "depguard.yaml").write_text(CONFIG.replace("baseline: depguard-baseline.json\n", ""))
    first = hook()
    assert first.returncode == 1, first.stdout + first.stderr
    assert "billing" in first.stdout and "orders" in first.stdout
    (repo / "services.yaml").write_text(
        SERVICES.replace(
            "      - orders        # the old, accepted loop: billing <-> orders\n", "      - db\n"
        )
    )
    second = hook()
    assert second.returncode == 0, second.stdout + second.stderr
