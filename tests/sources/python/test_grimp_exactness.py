"""Exactness on a real corpus: depguard's module edges equal grimp's on django 6.1.3.

The pinned wheel is fetched (never committed) into a cache folder outside the
repository's tracked files; grimp builds its graph in this process, with the unpacked
wheel on sys.path (grimp locates the package; neither tool imports django's code).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

from depguard.sources.python.source import Options, collect

DJANGO = "django==6.1.3"
WORK = Path(os.environ.get("DEPGUARD_CORPUS_DIR", REPO / "benchmarks" / ".work" / "corpus"))


def _django_root() -> Path:
    root = WORK / "django-6.1.3"
    if (root / "django" / "__init__.py").is_file():
        return root
    wheels = WORK / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.12",
            "-q",
            "-d",
            str(wheels),
            DJANGO,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode:
        pytest.skip(f"cannot download {DJANGO}: {done.stderr.strip()[-300:]}")
    [wheel] = sorted(wheels.glob("[Dd]jango-6.1.3-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(root)
    return root


@pytest.mark.slow
def test_module_edges_equal_grimps_on_django(monkeypatch: pytest.MonkeyPatch) -> None:
    grimp = pytest.importorskip("grimp")
    root = _django_root()
    monkeypatch.syspath_prepend(str(root))
    graph = grimp.build_graph("django", cache_dir=None)
    theirs = {
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
    }
    fragment = collect([root / "django"], root, (), Options(use_cache=False))
    ours = {
        (e.source.removeprefix("module:"), e.target.removeprefix("module:")) for e in fragment.edges
    }
    assert fragment.diagnostics == []
    assert len(theirs) > 3000
    assert sorted(ours - theirs)[:20] == [] and sorted(theirs - ours)[:20] == []
    assert {n.name for n in fragment.nodes} == set(graph.modules)
