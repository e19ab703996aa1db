"""pydeps' JSON as an input, and pydeps run as the collector."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES

from depguard import pipeline
from depguard.config import open_project
from depguard.sources import pydeps


def pydeps_json(root: Path) -> str:
    """The shape `pydeps PKG --show-deps --no-output --max-bacon 0` prints (indent 4)."""
    data = {
        "__main__": {"bacon": 0, "imports": ["app", "app.a"], "name": "__main__", "path": None},
        "app": {
            "bacon": 1,
            "imported_by": ["__main__", "app.a"],
            "imports": ["app.a"],
            "name": "app",
            "path": str(root / "app" / "__init__.py"),
        },
        "app.a": {
            "bacon": 1,
            "imported_by": ["app"],
            "imports": ["app", "yaml"],
            "name": "app.a",
            "path": str(root / "app" / "a.py"),
        },
        "yaml": {
            "bacon": 2,
            "imported_by": ["app.a"],
            "name": "yaml",
            "path": "/usr/lib/python3/site-packages/yaml/__init__.py",
        },
    }
    return json.dumps(data, indent=4)


def test_pydeps_json_gives_module_edges_with_the_json_line_as_evidence(tmp_path: Path) -> None:
    (tmp_path / "deps.json").write_text(pydeps_json(tmp_path))
    fragment = pydeps.collect([tmp_path / "deps.json"], tmp_path)
    assert fragment.diagnostics == []
    assert sorted(n.id for n in fragment.nodes) == ["module:app", "module:app.a"]
    found = {(e.source, e.target): e.evidence[0] for e in fragment.edges}
    assert set(found) == {("module:app", "module:app.a"), ("module:app.a", "module:app")}
    line = found[("module:app.a", "module:app")].line
    assert (tmp_path / "deps.json").read_text().splitlines()[line - 1].strip() == '"app",'


def test_a_broken_pydeps_file_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "deps.json").write_text('{"app": {"imports": [}')
    (tmp_path / "list.json").write_text("[1]")
    fragment = pydeps.collect([tmp_path], tmp_path)
    assert [(d.file, d.line) for d in fragment.diagnostics] == [("deps.json", 1), ("list.json", 1)]


def test_pydeps_json_from_a_config_finds_the_cycle(tmp_path: Path) -> None:
    (tmp_path / "deps.json").write_text(pydeps_json(tmp_path))
    (tmp_path / "depguard.yaml").write_text("sources:\n  - pydeps: deps.json\n")
    result, _ = pipeline.analyse(open_project(tmp_path))
    assert [f.message for f in result.findings] == ["2 modules in a cycle: app, app.a"]


@pytest.mark.slow
def test_pydeps_as_collector_sees_the_runtime_imports_the_scanner_sees(tmp_path: Path) -> None:
    if shutil.which("pydeps") is None:
        pytest.skip("pydeps is not installed")
    example = tmp_path / "python-layers"
    shutil.copytree(EXAMPLES / "python-layers", example)
    ours, graph = pipeline.run(example, use_cache=False)
    scanned = {(e.source, e.target) for e in graph.edges("module") if not e.typing_only}
    (example / "depguard.yaml").write_text(
        "extends: layered-app\nsources:\n  - python: {packages: [shop], collector: pydeps}\n"
    )
    theirs, pydeps_graph = pipeline.run(example, use_cache=False)
    assert theirs.diagnostics == []
    seen = {(e.source, e.target) for e in pydeps_graph.edges("module")}
    # pydeps also records an edge to every parent package of what is imported
    assert scanned <= seen
    assert {f.message for f in ours.findings} <= {f.message for f in theirs.findings} | {
        f.message for f in ours.findings if f.type == "layer"
    }
