from __future__ import annotations

from conftest import EXAMPLES

from depguard import diagram, pipeline


def _render(fmt: str) -> str:
    result, graph = pipeline.run(EXAMPLES / "cloud-control-plane")
    return diagram.export(fmt, graph, "service", result.findings)


def test_dot_draws_layers_as_clusters_and_cycle_edges_red() -> None:
    dot = _render("dot")
    assert 'subgraph "cluster_layer_api" {' in dot
    assert '"service:auth" -> "service:console" [color="#d00000" penwidth="2.6"' in dot
    # telemetry edges are quiet and dashed
    assert '"service:console" -> "service:monitoring" [color="#b0b0b0" style="dashed"' in dot
    # every endpoint is quoted whole: `service:x` is never read as node `service`, port x
    assert all(line.count('"') >= 4 for line in dot.splitlines() if " -> " in line)


def test_mermaid_puts_layers_lowest_first_and_styles_cycle_links() -> None:
    text = _render("mermaid")
    subgraphs = [line.split("[")[1] for line in text.splitlines() if "subgraph" in line]
    assert subgraphs == ['"infra"]', '"platform"]', '"api"]', '"products"]', '"console"]']
    assert "linkStyle" in text and "stroke:#d00" in text
