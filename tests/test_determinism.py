"""Same input, same bytes: reruns, other hash seeds and other file orders change nothing.

Baselines and committed reports must never churn, so every format is compared byte for
byte across fresh processes (PYTHONHASHSEED varies set and dict-of-set orders).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES

OUTPUTS = {
    "check.json": ["check", "--no-baseline", "-f", "json"],
    "check.sarif": ["check", "--no-baseline", "-f", "sarif"],
    "check.md": ["check", "--no-baseline", "-f", "markdown"],
    "graph.json": ["graph", "--level", "service", "--format", "json"],
    "modules.json": ["graph", "--level", "module", "--format", "json"],
    "service.dot": ["diagram", "-f", "dot", "--level", "service"],
    "service.mmd": ["diagram", "-f", "mermaid", "--level", "service"],
    "module.dot": ["diagram", "-f", "dot", "--level", "module"],
}


def outputs(project: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    found = {}
    for name, args in OUTPUTS.items():
        result = subprocess.run(
            [sys.executable, "-m", "depguard", *args, "--no-cache", str(project)],
            cwd=project,
            capture_output=True,
            env=env,
            timeout=120,
        )
        assert result.returncode in (0, 1), result.stderr.decode()
        found[name] = result.stdout
    return found


def prepared(target: Path, backwards: bool) -> Path:
    """The cloud example with its Kubernetes documents spread over several files; with
    `backwards`, its sources are listed in reverse and the files are written in reverse
    order (so folder listings differ too)."""
    shutil.copytree(EXAMPLES / "cloud-control-plane", target)
    config_path = target / "depguard.yaml"
    config = yaml.safe_load(config_path.read_text())
    if backwards:
        config["sources"] = config["sources"][::-1]
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    k8s = target / "deploy" / "k8s"
    documents = (k8s / "platform.yaml").read_text().split("\n---\n")
    (k8s / "platform.yaml").unlink()
    order = list(range(len(documents)))
    for index in reversed(order) if backwards else order:
        (k8s / f"part-{index:02d}.yaml").write_text(documents[index])
    return target


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return outputs(prepared(tmp_path_factory.mktemp("first") / "cloud", False), "0")


def test_reports_and_diagrams_are_not_empty(first: dict[str, bytes]) -> None:
    assert all(first.values())
    assert b"bootstrap" in first["check.json"] and b"->" in first["service.mmd"]


def test_a_second_run_with_another_hash_seed_is_byte_identical(
    first: dict[str, bytes], tmp_path: Path
) -> None:
    again = outputs(prepared(tmp_path / "cloud", False), "4242")
    assert [n for n in OUTPUTS if again[n] != first[n]] == []


def test_files_in_another_order_give_the_same_bytes(
    first: dict[str, bytes], tmp_path: Path
) -> None:
    again = outputs(prepared(tmp_path / "cloud", True), "random")
    differ = [n for n in OUTPUTS if again[n] != first[n]]
    assert differ == []
