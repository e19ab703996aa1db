"""A plain, non-editable install ships the rule sets, so `extends:` resolves by name."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO


def test_wheel_ships_rule_sets_and_extends_resolves_from_it(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = (tmp_path / "dist").glob("depguard-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "depguard/rules/cloud-control-plane.yaml" in names
    assert "depguard/rules/layered-app.yaml" in names
    assert "depguard/rules_schema.json" in names
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "depguard.yaml").write_text("extends: cloud-control-plane\n")
    (project / "services.yaml").write_text(
        "services:\n  scheduler: {depends_on: [cloud-api]}\n  cloud-api: {}\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import depguard, sys; print(depguard.__file__); "
            "from depguard.cli import main; sys.argv=['depguard','check','.'];"
            " main()",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.splitlines()[0].startswith(str(target)), done.stdout
    assert done.returncode == 1, done.stderr
    assert "scheduler (platform) -> cloud-api (api)" in done.stdout
