from __future__ import annotations

from builders import service_graph

from depguard import validation
from depguard.analysis.forbidden import find_forbidden
from depguard.config import Config, Forbidden, Layer

LAYERS = {"db": "infra", "api": "api", "auth": "api"}
LAYER_DEFS = (Layer(name="infra"), Layer(name="api"))


def rule(**fields: object) -> Config:
    base = {"name": "status page stays out", "from": ("status",), "to": ("layer:api",)}
    return Config(layers=LAYER_DEFS, forbidden=(validation.parse(Forbidden, base | fields),))


def chain(finding) -> list[str]:  # type: ignore[no-untyped-def]
    hops = finding.witnesses[0]
    return [h.source.split(":")[1] for h in hops] + [hops[-1].target.split(":")[1]]


def test_a_direct_rule_fires_on_a_direct_edge_only() -> None:
    graph = service_graph([("status", "proxy"), ("proxy", "api")], LAYERS)
    assert find_forbidden(graph, "service", rule()) == []
    graph = service_graph([("status", "api")], LAYERS)
    [finding] = find_forbidden(graph, "service", rule())
    assert finding.message == "status page stays out: status -> api"


def test_a_transitive_rule_shows_the_shortest_chain() -> None:
    graph = service_graph(
        [("status", "cdn"), ("cdn", "proxy"), ("proxy", "api"), ("status", "proxy")], LAYERS
    )
    [finding] = find_forbidden(graph, "service", rule(transitive=True))
    assert chain(finding) == ["status", "proxy", "api"]
    assert finding.nodes == ["service:status", "service:api"]
    assert "through status -> proxy -> api" in finding.message


def test_a_chain_stops_at_the_first_forbidden_target() -> None:
    graph = service_graph([("status", "api"), ("api", "auth")], LAYERS)
    findings = find_forbidden(graph, "service", rule(transitive=True))
    assert [chain(f) for f in findings] == [["status", "api"]]


def test_rules_can_ignore_soft_edges() -> None:
    graph = service_graph([("status", "api", {"strength": "soft"})], LAYERS)
    assert len(find_forbidden(graph, "service", rule())) == 1
    assert find_forbidden(graph, "service", rule(strengths=["hard"])) == []


def test_globs_and_labels_select_sources() -> None:
    graph = service_graph([("status-eu", "api"), ("status-us", "db")], LAYERS)
    findings = find_forbidden(graph, "service", rule(**{"from": ["status-*"]}))
    assert [f.nodes[0] for f in findings] == ["service:status-eu"]


def test_ids_do_not_depend_on_the_chain() -> None:
    short = service_graph([("status", "api")], LAYERS)
    long = service_graph([("status", "cdn"), ("cdn", "api")], LAYERS)
    config = rule(transitive=True)
    assert (
        find_forbidden(short, "service", config)[0].id
        == find_forbidden(long, "service", config)[0].id
    )
