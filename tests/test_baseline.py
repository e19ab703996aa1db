"""The baseline file and the gate's rule, on small graphs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import service_graph

from depguard import analysis, baseline
from depguard.config import Config
from depguard.graph import DependencyGraph
from depguard.model import Result, Summary


def check(graph: DependencyGraph, known: baseline.Baseline | None = None) -> Result:
    # bootstrap findings follow the same edge rule; these tests look at cycle findings
    findings = [f for f in analysis.analyse(graph, Config()) if f.type == "cycle"]
    result = Result("0", "", findings, [], [], [], Summary(new=len(findings)))
    if known is not None:
        baseline.apply(result, graph, known, cap=10)
    return result


def accept(graph: DependencyGraph) -> baseline.Baseline:
    return baseline.from_findings(check(graph).findings)


OLD = [("a", "b"), ("b", "a"), ("b", "c")]


def test_a_cycle_made_only_of_baseline_edges_is_not_new() -> None:
    known = accept(service_graph(OLD))
    result = check(service_graph(OLD), known)
    assert [f.new for f in result.findings] == [False]
    assert (result.summary.new, result.summary.baselined) == (0, 1)
    assert result.exit_code() == 0


def test_a_new_cyclic_edge_makes_the_component_new_with_a_witness_through_it() -> None:
    known = accept(service_graph(OLD))
    # c -> a closes a new loop a -> b -> c -> a inside the same (grown) component
    result = check(service_graph([*OLD, ("c", "a")]), known)
    [finding] = result.findings
    assert finding.new
    assert finding.details["new_edges"] == ["service:b -> service:c", "service:c -> service:a"]
    first = finding.witnesses[0]
    assert [(h.source, h.target) for h in first] == [
        ("service:b", "service:c"),
        ("service:c", "service:a"),
        ("service:a", "service:b"),
    ]
    assert result.exit_code() == 1


def test_a_shrunk_component_with_a_new_id_stays_known() -> None:
    known = accept(service_graph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a")]))
    result = check(service_graph([("a", "b"), ("b", "a")]), known)
    [finding] = result.findings
    assert finding.id not in known.entries  # the id changed with the members...
    assert not finding.new  # ...but every cyclic edge was cyclic before
    assert [f.id for f in result.fixed] == list(known.entries)
    assert result.stale_edges == 2


def test_a_separate_new_cycle_is_new_and_the_old_one_is_not() -> None:
    known = accept(service_graph(OLD))
    result = check(service_graph([*OLD, ("x", "y"), ("y", "x")]), known)
    assert sorted((f.nodes[0], f.new) for f in result.findings) == [
        ("service:a", False),
        ("service:x", True),
    ]


def test_reasons_survive_a_rewrite_and_output_is_sorted_and_stable(tmp_path: Path) -> None:
    graph = service_graph([*OLD, ("x", "y"), ("y", "x")])
    first = accept(graph)
    some_id = sorted(first.entries)[0]
    data = json.loads(baseline.dumps(first))
    data["findings"][0]["reason"] = "accepted until the Q3 redesign"
    path = tmp_path / "depguard-baseline.json"
    path.write_text(json.dumps(data))
    again = baseline.from_findings(check(graph).findings, baseline.load(path))
    assert again.entries[some_id].reason == "accepted until the Q3 redesign"
    assert baseline.dumps(again) == baseline.dumps(baseline.load(path))
    assert baseline.dumps(again) == baseline.dumps(again)


def test_prune_only_removes() -> None:
    old = accept(service_graph([*OLD, ("x", "y"), ("y", "x")]))
    now = accept(service_graph([*OLD, ("p", "q"), ("q", "p")]))
    pruned = baseline.prune(old, now)
    assert set(pruned.entries) == set(old.entries) & set(now.entries)
    assert pruned.cyclic["service"] == {("service:a", "service:b"), ("service:b", "service:a")}


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "{",
            "depguard-baseline.json:1: not valid JSON: Expecting property name enclosed in "
            "double quotes",
        ),
        (
            '{"version": 7}',
            "depguard-baseline.json:1: unknown baseline version 7 (this depguard reads version 1)",
        ),
        ("[1, 2]", "depguard-baseline.json:1: not a depguard baseline (no 'version' key)"),
        (
            '{\n "version": 1,\n "findings": [\n  {"id": "x"},\n  {"id": "x"}\n ]\n}',
            "depguard-baseline.json:5: duplicate finding id x",
        ),
        (
            '{"version": 1, "findings": [{"type": "cycle"}]}',
            "depguard-baseline.json:1: not a depguard baseline ('id')",
        ),
        (
            '{"version": 1, "cyclic_edges": {"galaxy": []}}',
            "depguard-baseline.json:1: not a depguard baseline (unknown level 'galaxy' in "
            "cyclic_edges)",
        ),
    ],
)
def test_a_corrupt_baseline_is_refused_with_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "depguard-baseline.json"
    path.write_text(text)
    with pytest.raises(baseline.BaselineError) as caught:
        baseline.load(path)
    assert str(caught.value) == message.replace("depguard-baseline.json", path.as_posix())
