from __future__ import annotations

import json

from builders import service_graph
from conftest import EXAMPLES

from depguard import diagram, pipeline
from depguard.diagram import graph_json
from depguard.model import Evidence


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


def test_graph_json_keeps_one_row_a_line_whatever_the_strings_hold() -> None:
    """The JSON export encodes all rows at once and breaks lines where a row opens with
    its first key; texts that spell that opening must not break a line, and every row
    must be exactly what encoding it alone gives."""
    tricky = '}, {"source": "x"}, {"id": "y"} \u00e9 \\ "'
    graph = service_graph([("a", "b"), ("b", "c"), ("c", "a")])
    graph.edge("service", "service:a", "service:b").evidence[:] = [
        Evidence("f.yaml", line, tricky, "services") for line in (1, 2)
    ]
    text = graph_json.render(graph, "service", [])
    data = graph_json.to_data(graph, "service")
    assert json.loads(text) == data
    lines = text.splitlines()
    encode = json.JSONEncoder(ensure_ascii=False).encode
    for row in data["nodes"] + data["edges"]:
        assert "    " + encode(row) + "," in lines or "    " + encode(row) in lines
    assert len(lines) == len(data["nodes"]) + len(data["edges"]) + 7  # and 7 of structure
