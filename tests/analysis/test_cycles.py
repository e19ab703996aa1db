from __future__ import annotations

import random
from typing import Any

from builders import service_graph

from depguard.analysis.cycles import cyclic_edges, find_cycles
from depguard.config import CycleOptions

OPTIONS = CycleOptions()


def names(witness: list[Any]) -> list[str]:
    return [h.source.split(":")[1] for h in witness] + [witness[-1].target.split(":")[1]]


def test_acyclic_graph_has_no_findings() -> None:
    graph = service_graph([("a", "b"), ("b", "c"), ("a", "c")])
    assert find_cycles(graph, "service", OPTIONS, {}) == []


def test_a_component_is_one_finding_with_its_members() -> None:
    graph = service_graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    [finding] = find_cycles(graph, "service", OPTIONS, {})
    assert finding.type == "cycle" and finding.severity == "error"
    assert finding.nodes == ["service:a", "service:b", "service:c"]
    assert [names(w) for w in finding.witnesses] == [["a", "b", "c", "a"]]


def test_every_hop_of_a_witness_carries_its_evidence() -> None:
    graph = service_graph([("a", "b"), ("b", "a")])
    [finding] = find_cycles(graph, "service", OPTIONS, {})
    hops = finding.witnesses[0]
    assert [(h.evidence[0].file, h.evidence[0].line) for h in hops] == [
        ("services.yaml", 1),
        ("services.yaml", 2),
    ]


def test_a_self_loop_is_a_cycle() -> None:
    graph = service_graph([("a", "a"), ("a", "b")])
    [finding] = find_cycles(graph, "service", OPTIONS, {})
    assert finding.nodes == ["service:a"]
    assert names(finding.witnesses[0]) == ["a", "a"]
    assert finding.message == "1 service in a cycle with itself: a"
    [soft] = find_cycles(service_graph([("a", "a", {"strength": "soft"})]), "service", OPTIONS, {})
    assert soft.message == "1 service in a cycle with itself closed only through soft edges: a"


def test_witnesses_are_shortest_cycles_deduplicated_by_rotation() -> None:
    # two loops share a and b: a-b-a and a-b-c-a
    graph = service_graph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a")])
    [finding] = find_cycles(graph, "service", OPTIONS, {})
    assert sorted(names(w) for w in finding.witnesses) == [["a", "b", "a"], ["b", "c", "a", "b"]]


def test_upward_edges_start_the_witnesses_and_are_named_as_the_cut() -> None:
    graph = service_graph([("api", "db"), ("db", "api")], layers={"db": "infra", "api": "app"})
    [finding] = find_cycles(graph, "service", OPTIONS, {"infra": 0, "app": 1})
    assert finding.cut == [("service:db", "service:api")]
    assert names(finding.witnesses[0]) == ["db", "api", "db"]


def test_soft_edges_do_not_close_an_error_cycle_but_give_a_warning() -> None:
    graph = service_graph([("a", "b"), ("b", "a", {"strength": "soft"})])
    [finding] = find_cycles(graph, "service", OPTIONS, {})
    assert finding.severity == "warning"
    assert "soft" in finding.message
    assert finding.cut == [("service:b", "service:a")]


def test_telemetry_loop_is_a_warning_that_names_its_class() -> None:
    graph = service_graph(
        [("app", "collector", {"kind": "telemetry"}), ("collector", "app", {"kind": "monitoring"})]
    )
    [finding] = find_cycles(graph, "service", OPTIONS, {})
    assert finding.severity == "warning"
    assert "monitoring and telemetry" in finding.message


def test_typing_only_edges_close_nothing_by_default() -> None:
    graph = service_graph([("a", "b"), ("b", "a", {"typing_only": True})])
    assert find_cycles(graph, "service", OPTIONS, {}) == []


def test_counted_classes_are_configurable() -> None:
    graph = service_graph([("a", "b"), ("b", "a", {"typing_only": True})])
    options = CycleOptions(count=("hard", "typing"))
    [finding] = find_cycles(graph, "service", options, {})
    assert finding.severity == "error"


def test_a_hard_cycle_inside_a_soft_one_is_reported_once_each() -> None:
    graph = service_graph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a", {"strength": "soft"})])
    findings = find_cycles(graph, "service", OPTIONS, {})
    assert [(f.severity, f.nodes) for f in findings] == [
        ("error", ["service:a", "service:b"]),
        ("warning", ["service:a", "service:b", "service:c"]),
    ]
    # the warning's witnesses go through the soft edge that closes it
    assert all(any(h.edge_class == "soft" for h in w) for w in findings[1].witnesses)


def test_witnesses_are_capped_on_a_large_component() -> None:
    rng = random.Random(7)
    edges: list[tuple[str, str]] = [(f"n{i}", f"n{(i + 1) % 300}") for i in range(300)]
    edges += [(f"n{rng.randrange(300)}", f"n{rng.randrange(300)}") for _ in range(900)]
    graph = service_graph(edges)
    [finding] = find_cycles(graph, "service", CycleOptions(witnesses_per_component=4), {})
    assert len(finding.nodes) == 300
    assert len(finding.witnesses) == 4
    assert finding.details["witnesses_capped"] is True


def test_same_graph_same_findings_whatever_the_insertion_order() -> None:
    edges: list[tuple[str, str]] = [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("c", "b"),
        ("d", "a"),
        ("a", "d"),
    ]
    first = find_cycles(service_graph(edges), "service", OPTIONS, {})
    second = find_cycles(service_graph(list(reversed(edges))), "service", OPTIONS, {})
    assert [(f.id, [names(w) for w in f.witnesses]) for f in first] == [
        (f.id, [names(w) for w in f.witnesses]) for f in second
    ]


def test_cyclic_edges_are_exactly_the_edges_inside_components() -> None:
    graph = service_graph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "c")])
    assert set(cyclic_edges(graph, "service", {"hard"})) == {
        ("service:a", "service:b"),
        ("service:b", "service:a"),
        ("service:c", "service:c"),
    }
