from __future__ import annotations

from depguard.config import (
    Config,
    Layer,
    ServiceFacts,
    edge_classifier,
    layer_for,
    owner_for,
    parse,
)
from depguard.graph import build
from depguard.model import Edge, Evidence, Fragment, Node


def module_fragment() -> Fragment:
    fragment = Fragment("python")
    for name in ("api.views", "api.auth", "console.pages"):
        fragment.nodes.append(Node(id=f"module:{name}", kind="module", name=name))
    fragment.edges += [
        Edge(
            "module:api.views",
            "module:console.pages",
            kind="import",
            evidence=[Evidence("src/api/views.py", 7, "from console import pages", "python")],
        ),
        Edge(
            "module:api.views",
            "module:api.auth",
            kind="import",
            evidence=[Evidence("src/api/views.py", 3, "from api import auth", "python")],
        ),
    ]
    return fragment


def manifest_fragment() -> Fragment:
    fragment = Fragment("services")
    fragment.nodes += [
        Node(id="service:console", kind="service", name="console", layer="top"),
        Node(id="service:api", kind="service", name="api"),
    ]
    fragment.edges.append(
        Edge(
            "service:console",
            "service:api",
            evidence=[Evidence("services.yaml", 4, "calls", "services")],
        )
    )
    return fragment


CONFIG = Config(
    layers=(Layer(name="bottom", match=("api",)), Layer(name="top")),
    services={"api": ServiceFacts(code=("api.*",)), "console": ServiceFacts(code=("console.*",))},
)


def make(*fragments: Fragment, config: Config = CONFIG):  # type: ignore[no-untyped-def]
    return build(
        fragments,
        layer_for(config),
        owner_for(config),
        edge_classifier(config),
        tuple(layer.name for layer in config.layers),
    )


def test_imports_are_lifted_onto_the_owning_services_with_their_lines() -> None:
    graph, problems = make(module_fragment(), manifest_fragment())
    assert problems == []
    lifted = graph.edge("service", "service:api", "service:console")
    assert lifted.kind == "import"
    assert [e.location() for e in lifted.evidence] == ["src/api/views.py:7"]
    # an import inside one service is no service edge
    assert not graph.digraph("service").has_edge("service:api", "service:api")


def test_lifted_import_and_manifest_edge_close_a_loop() -> None:
    graph, _ = make(module_fragment(), manifest_fragment())
    service = graph.digraph("service")
    assert service.has_edge("service:console", "service:api")
    assert service.has_edge("service:api", "service:console")


def test_modules_take_their_owner_and_its_layer() -> None:
    graph, _ = make(module_fragment(), manifest_fragment())
    node = graph.node("module:console.pages")
    assert (node.service, node.layer) == ("console", "top")
    assert graph.node("module:api.auth").layer == "bottom"


def test_parallel_edges_from_two_sources_merge_into_one_with_all_evidence() -> None:
    first, second = manifest_fragment(), manifest_fragment()
    second.source = "compose"
    second.edges = [
        Edge(
            "service:console",
            "service:api",
            kind="startup",
            strength="soft",
            evidence=[Evidence("compose.yaml", 9, "depends_on", "compose")],
        )
    ]
    graph, _ = make(first, second)
    edge = graph.edge("service", "service:console", "service:api")
    assert [e.location() for e in edge.evidence] == ["compose.yaml:9", "services.yaml:4"]
    assert edge.strength == "hard"  # as strong as its strongest part
    assert graph.digraph("service").number_of_edges() == 1


def test_nodes_named_only_by_an_edge_exist_implicitly() -> None:
    fragment = Fragment("services", edges=[Edge("service:a", "resource:db")])
    graph, _ = make(fragment, config=Config())
    assert graph.node("resource:db").kind == "resource"


def test_a_declared_layer_the_rules_do_not_know_is_a_diagnostic() -> None:
    fragment = Fragment(
        "services",
        nodes=[
            Node(
                id="service:a",
                kind="service",
                name="a",
                layer="middle",
                declared_in=Evidence("services.yaml", 3),
            )
        ],
    )
    _, problems = make(fragment)
    assert [str(p) for p in problems] == [
        "services.yaml:3: a: unknown layer 'middle' (layers: bottom, top)"
    ]


def test_edge_rules_reclassify_edges() -> None:
    config = parse(
        {
            "edges": [
                {"match": {"from": "console", "to": "ap*"}, "kind": "async", "strength": "soft"}
            ]
        }
    )
    graph, _ = make(manifest_fragment(), config=config)
    edge = graph.edge("service", "service:console", "service:api")
    assert (edge.kind, edge.strength) == ("async", "soft")


def test_a_service_named_like_a_declared_resource_is_that_resource() -> None:
    manifest = Fragment(
        "services",
        nodes=[Node(id="resource:db", kind="resource", name="db")],
        edges=[Edge("service:api", "resource:db", evidence=[Evidence("services.yaml", 3)])],
    )
    compose = Fragment(
        "compose",
        nodes=[Node(id="service:db", kind="service", name="db")],
        edges=[Edge("service:api", "service:db", evidence=[Evidence("compose.yaml", 9)])],
    )
    graph, _ = make(manifest, compose, config=Config())
    assert [n.id for n in graph.nodes("service")] == ["resource:db", "service:api"]
    edge = graph.edge("service", "service:api", "resource:db")
    assert [e.location() for e in edge.evidence] == ["compose.yaml:9", "services.yaml:3"]
