"""The codebase holds itself to what it asks of others: lint, types, a fresh schema."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import REPO

from depguard.config import json_schema


def _tool(name: str) -> list[str]:
    if shutil.which(name) is None and not (REPO / ".venv" / "bin" / name).exists():
        pytest.skip(f"{name} is not installed")
    return [sys.executable, "-m", name]


def test_ruff_is_clean() -> None:
    done = subprocess.run(
        [*_tool("ruff"), "check", "depguard", "tests"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_is_clean() -> None:
    done = subprocess.run(
        [*_tool("ruff"), "format", "--check", "depguard", "tests"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_is_clean() -> None:
    done = subprocess.run([*_tool("mypy")], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_is_clean_on_the_tests() -> None:
    """The tests too: a helper typed loosely hides a test that checks nothing."""
    done = subprocess.run(
        [*_tool("mypy"), "--strict", "tests"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_shipped_schema_is_up_to_date() -> None:
    shipped = (REPO / "depguard" / "rules_schema.json").read_text(encoding="utf-8")
    assert shipped == json_schema(), "run: depguard schema -o depguard/rules_schema.json"
