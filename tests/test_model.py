from __future__ import annotations

from dataclasses import fields, replace

from depguard.model import Edge, Evidence, Finding, Node, Result, finding_id


def test_finding_ids_come_from_nodes_and_rule_only() -> None:
    a = finding_id("cycle", "service", "cycle", ["service:a", "service:b"])
    assert a == finding_id("cycle", "service", "cycle", ["service:a", "service:b"])
    assert a != finding_id("cycle", "module", "cycle", ["service:a", "service:b"])
    assert a.startswith("cycle-service-")


def test_merging_edges_keeps_every_piece_of_evidence_once() -> None:
    edge = Edge("a", "b", typing_only=True, evidence=[Evidence("x.py", 2)])
    edge.merge(Edge("a", "b", evidence=[Evidence("x.py", 2), Evidence("y.py", 1)]))
    assert edge.evidence == [Evidence("x.py", 2), Evidence("y.py", 1)]
    assert edge.typing_only is False


def test_edge_class() -> None:
    assert Edge("a", "b").edge_class == "hard"
    assert Edge("a", "b", strength="soft").edge_class == "soft"
    assert Edge("a", "b", kind="telemetry").edge_class == "telemetry"
    assert Edge("a", "b", typing_only=True).edge_class == "typing"


def _result(*severities: str, diagnostics: int = 0) -> Result:
    from depguard.model import Diagnostic

    findings = [
        Finding(
            id=str(i),
            type="cycle",
            level="service",
            severity=s,  # type: ignore
            rule="cycle",
            nodes=[],
            message="",
        )
        for i, s in enumerate(severities)
    ]
    return Result("0", "", findings, [Diagnostic("f", 1, "bad")] * diagnostics, [], [])


def test_exit_codes() -> None:
    assert _result().exit_code() == 0
    assert _result("warning").exit_code() == 0
    assert _result("warning").exit_code("warning") == 1
    assert _result("error").exit_code() == 1
    assert _result("error", diagnostics=1).exit_code() == 2


def test_merging_parallel_edges_does_not_depend_on_their_order() -> None:
    """Sources arrive in config order; the merged edge must not (baselines would churn)."""
    from itertools import permutations

    parts = [
        ("async", "soft", None, 1),
        ("startup", "hard", "service:b2", 2),
        ("runtime", "hard", "service:b1", 3),
        ("telemetry", "soft", None, 4),
    ]
    merged = set()
    for order in permutations(parts):
        edges = [
            Edge(
                "service:a",
                "service:b",
                kind,
                strength,  # type: ignore[arg-type]
                fallback=fallback,
                evidence=[Evidence("f.yaml", line, kind, "services")],
            )
            for kind, strength, fallback, line in order
        ]
        for other in edges[1:]:
            edges[0].merge(other)
        merged.add(repr(edges[0]))
    assert len(merged) == 1
    edge = merged.pop()
    assert "kind='startup'" in edge and "fallback='service:b1'" in edge


def test_placing_a_node_keeps_every_other_field() -> None:
    """`Node.placed` builds the node by hand for speed: a field added to Node and
    forgotten there would be dropped silently, so every field is set and compared."""
    values = {
        "id": "service:a",
        "kind": "service",
        "name": "a",
        "layer": "old",
        "service": "old-owner",
        "labels": (("team", "x"),),
        "entrypoint": True,
        "declared_in": Evidence("services.yaml", 3, "a:", "services"),
    }
    assert {f.name for f in fields(Node)} == set(values)  # a new field: set it above
    node = Node(**values)  # type: ignore[arg-type]
    assert node.placed("core", "owner") == replace(node, layer="core", service="owner")


def test_every_finding_type_has_one_kind_record() -> None:
    from typing import get_args

    from depguard.model import FINDING_KINDS, FindingType

    assert sorted(FINDING_KINDS) == sorted(get_args(FindingType))
    assert all(kind.type == key for key, kind in FINDING_KINDS.items())
    for field in ("code", "name", "heading", "order"):
        values = [getattr(kind, field) for kind in FINDING_KINDS.values()]
        assert len(set(values)) == len(values), field
