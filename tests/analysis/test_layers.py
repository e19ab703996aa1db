from __future__ import annotations

from builders import service_graph

from depguard.analysis.layers import find_violations
from depguard.config import Config, Layer
from depguard.graph import DependencyGraph
from depguard.model import Edge, Evidence, Node

CONFIG = Config(
    layers=(
        Layer(name="infra"),
        Layer(name="api"),
        Layer(name="products", independent=True),
        Layer(name="console"),
    )
)
LAYERS = {
    "db": "infra",
    "api": "api",
    "ocr": "products",
    "captcha": "products",
    "console": "console",
}


def test_downward_edges_are_fine() -> None:
    graph = service_graph([("console", "api"), ("api", "db"), ("ocr", "api")], LAYERS)
    assert find_violations(graph, "service", CONFIG) == []


def test_an_upward_edge_is_an_error_with_its_evidence() -> None:
    graph = service_graph([("api", "db"), ("api", "console")], LAYERS)
    [finding] = find_violations(graph, "service", CONFIG)
    assert finding.severity == "error"
    assert finding.nodes == ["service:api", "service:console"]
    assert finding.message == (
        "api (api) -> console (console): layer api must not depend on higher layer console"
    )
    assert finding.witnesses[0][0].evidence[0].line == 2


def test_a_soft_upward_edge_is_a_warning() -> None:
    graph = service_graph([("db", "api", {"strength": "soft"})], LAYERS)
    [finding] = find_violations(graph, "service", CONFIG)
    assert finding.severity == "warning"


def test_members_of_an_independent_layer_must_not_depend_on_each_other() -> None:
    graph = service_graph([("ocr", "captcha")], LAYERS)
    [finding] = find_violations(graph, "service", CONFIG)
    assert finding.details["violation"] == "independent"


def test_unlayered_nodes_are_not_checked() -> None:
    graph = service_graph([("db", "status-page")], LAYERS)
    assert find_violations(graph, "service", CONFIG) == []


def test_independent_modules_are_grouped_by_the_package_their_glob_names() -> None:
    config = Config(layers=(Layer(name="features", match=("app.features.*",), independent=True),))
    graph = DependencyGraph()
    for name in ("app.features.a.x", "app.features.a.y", "app.features.b"):
        graph.add_node(Node(id=f"module:{name}", kind="module", name=name, layer="features"))
    for source, target in (
        ("app.features.a.x", "app.features.a.y"),
        ("app.features.a.x", "app.features.b"),
    ):
        graph.add_edge(
            Edge(
                f"module:{source}",
                f"module:{target}",
                kind="import",
                evidence=[Evidence("x.py", 1)],
            ),
            "module",
        )
    [finding] = find_violations(graph, "module", config)
    assert finding.nodes == ["module:app.features.a.x", "module:app.features.b"]


def test_typing_only_imports_never_violate_a_layer() -> None:
    graph = service_graph([("api", "console", {"typing_only": True})], LAYERS)
    assert find_violations(graph, "service", CONFIG) == []
