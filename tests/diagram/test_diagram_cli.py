"""`depguard diagram`: formats by suffix, focus, cycles-only, collapse, large graphs, and
SVG with no Graphviz installed."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from builders import service_graph
from conftest import EXAMPLES

from depguard.diagram.view import LARGE, Options, build_view
from depguard.model import Finding

Run = Callable[..., Any]
BROKEN = EXAMPLES / "cloud-control-plane"


def test_svg_renders_with_no_dot_on_path(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    target = tmp_path / "cloud.svg"
    result = run_cli("diagram", BROKEN, "--output", target)
    assert result.exit_code == 0, result.stderr
    svg = target.read_text()
    root = ET.fromstring(svg.encode())  # well-formed
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"console", "cloud-api", "auth", "scheduler", "container-platform"} <= texts
    assert svg.count('stroke="#d00000"') >= 5  # the cycle's edges, red


def test_png_without_dot_says_how_to_get_it(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = run_cli("diagram", BROKEN, "--output", tmp_path / "x.png")
    assert result.exit_code == 2
    assert "apt-get install graphviz" in result.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="no system Graphviz")
def test_png_with_dot(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("diagram", BROKEN, "--output", tmp_path / "x.png")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "x.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_html_is_one_self_contained_file(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    target = tmp_path / "report.html"
    assert run_cli("diagram", BROKEN, "--output", target).exit_code == 0
    page = target.read_text()
    assert "<svg" in page and 'id="filter"' in page and "<table" in page
    assert "status page stays out of the core" in page
    assert not re.search(r"""(src|href)=["']https?:""", page)  # nothing from the network
    assert "<link" not in page and "@import" not in page


def test_dot_and_mermaid_by_suffix(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("diagram", BROKEN, "-o", tmp_path / "g.dot").exit_code == 0
    assert (tmp_path / "g.dot").read_text().startswith('digraph "depguard_service"')
    assert run_cli("diagram", BROKEN, "-o", tmp_path / "g.mmd").exit_code == 0
    text = (tmp_path / "g.mmd").read_text()
    assert text.startswith("flowchart BT") and ":::cyclic" in text


def test_an_unknown_suffix_is_a_usage_error(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("diagram", BROKEN, "-o", tmp_path / "g.jpeg")
    assert result.exit_code == 2 and "cannot tell the format" in result.stderr


def test_focus_keeps_the_neighbourhood(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("diagram", BROKEN, "--focus", "status-page", "-o", tmp_path / "f.dot")
    assert result.exit_code == 0
    text = (tmp_path / "f.dot").read_text()
    assert '"service:status-page"' in text and '"service:cloud-api"' in text
    assert '"service:ocr"' not in text
    bad = run_cli("diagram", BROKEN, "--focus", "nope", "-o", tmp_path / "f.dot")
    assert bad.exit_code == 2 and "--focus nope" in bad.stderr


def test_layers_are_bands_lowest_first() -> None:
    graph = service_graph(
        [("api", "db"), ("web", "api")],
        layers={"db": "infra", "api": "core", "web": "edge"},
        order=("infra", "core", "edge"),
    )
    from depguard.diagram.dot import render_view

    text = render_view(build_view(graph, "service", []))
    assert (
        text.index('"cluster_layer_infra"')
        < text.index('"cluster_layer_core"')
        < text.index('"cluster_layer_edge"')
    )
    assert '"band:infra" -> "band:core" [style="invis"' in text
    assert 'rank="same"' in text


def _cycle(nodes: list[str]) -> Finding:
    return Finding(
        id="c",
        type="cycle",
        level="service",
        severity="error",
        rule="cycle",
        nodes=[f"service:{n}" for n in nodes],
        message="",
        edges=[
            (f"service:{a}", f"service:{b}")
            for a, b in zip(nodes, [*nodes[1:], nodes[0]], strict=False)
        ],
    )


def test_cycles_only_and_the_large_graph_default() -> None:
    edges: list[Any] = [(f"s{i}", f"s{i + 1}") for i in range(LARGE + 10)]
    edges += [("a", "b"), ("b", "a")]
    graph = service_graph(edges)
    findings = [_cycle(["a", "b"])]
    view = build_view(graph, "service", findings)
    assert {n.label for n in view.nodes} == {"a", "b"}
    assert view.notes and "--all" in view.notes[0]
    everything = build_view(graph, "service", findings, Options(show_all=True))
    assert len(everything.nodes) == LARGE + 13
    small = service_graph([("a", "b"), ("b", "a"), ("b", "c")])
    assert {
        n.label for n in build_view(small, "service", findings, Options(cycles_only=True)).nodes
    } == {"a", "b"}


def test_collapse_modules_to_packages(tmp_path: Path, run_cli: Run) -> None:
    target = tmp_path / "p.dot"
    result = run_cli("diagram", EXAMPLES / "python-layers", "--collapse", "2", "-o", target)
    assert result.exit_code == 0, result.stderr
    text = target.read_text()
    assert '"module:shop.services"' in text and '"module:shop.services.pricing"' not in text


@pytest.mark.parametrize("example", ["cloud-control-plane", "python-layers"])
def test_mermaid_is_structurally_valid(run_cli: Run, tmp_path: Path, example: str) -> None:
    """Not Mermaid's own parser (it needs a browser DOM): the rules GitHub's renderer
    rejects us for: balanced subgraph/end, declared ids, link styles that exist."""
    target = tmp_path / "g.mmd"
    assert run_cli("diagram", EXAMPLES / example, "-o", target).exit_code == 0
    lines = target.read_text().splitlines()
    assert lines[0] == "flowchart BT"
    depth = 0
    declared: set[str] = set()
    links = 0
    for line in lines[1:]:
        text = line.strip()
        if text.startswith("subgraph "):
            depth += 1
        elif text == "end":
            depth -= 1
            assert depth >= 0
        elif match := re.fullmatch(r"(n_\w+)\[\"[^\"]*\"\](:::\w+)?", text):
            assert match.group(1) not in declared
            declared.add(match.group(1))
        elif match := re.fullmatch(r"(n_\w+) (-->|-\.->) (n_\w+)", text):
            assert {match.group(1), match.group(3)} <= declared
            links += 1
        elif match := re.fullmatch(r"linkStyle (\d+) [\w:#,.\- ]+", text):
            assert int(match.group(1)) < links
        else:
            assert text.startswith("classDef "), text
    assert depth == 0 and declared and links
