"""The gate's rule on random small graphs, checked against brute force.

What the baseline keys on (`depguard/baseline.py`): per level, the (source, target)
pairs of the edges inside error cycles (`cyclic_edges`), inside warning cycles
(`soft_cyclic_edges`) and inside bootstrap cycles (`bootstrap_edges`), each set apart.
`apply` marks a cycle or bootstrap finding new exactly when one of its edges is missing
from the set of its kind; ids, members' names and line numbers play no part.

The property, per kind of cycle, stated over elementary cycles and computed by brute force
(`networkx.simple_cycles` on graphs of at most 6 nodes, self-loops included, a cycle
identified by its set of (source, target) pairs, so neither its members' names, the
finding id nor any line number enters):

- error: C(G) = the elementary cycles of G's hard edges (the default `cycles.count`;
  typing-only edges are never hard);
- warning: C(G) = the elementary cycles of G's hard, soft and telemetry edges (the
  default `cycles.warn` added) that lie in a strongly connected component of those edges
  holding a soft or telemetry edge: the component a warning finding reports;
- bootstrap: C(G) = the elementary cycles of G's needed edges (hard, of a kind that
  runs: not `config`).

Then, with G0 the baselined graph and G1 the graph checked now:

1. a finding of a kind is new exactly when it holds (all of its edges are the finding's
   edges) a cycle of C(G1) that is not in C(G0); so the run has a new finding of that
   kind exactly when C(G1) is not a subset of C(G0): "a new cycle exists exactly when
   the new graph has a cycle the old one lacked";
2. its `new_edges` are exactly its edges that lie on no cycle of C(G0), and its first
   witness starts from one of them.

G1 is built from its edges in another order than G0, so every edge's evidence line
moves; the baseline goes through its file (`dumps`, then `load`).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import networkx as nx
from builders import service_graph
from hypothesis import example, given, settings
from hypothesis import strategies as st

from depguard import analysis, baseline
from depguard.config import Config
from depguard.graph import DependencyGraph
from depguard.model import Finding, Result, Summary

EXAMPLES_GATE = 500

NODES = [f"n{i}" for i in range(6)]
Pair = tuple[str, str]
# edge flavours: hard config edges count for cycles but are not needed to start,
# telemetry edges close only warning cycles, typing-only edges close none
FLAVOURS: dict[str, dict[str, object]] = {
    "hard": {},
    "soft": {"strength": "soft"},
    "telemetry": {"kind": "telemetry"},
    "config": {"kind": "config"},
    "typing": {"typing_only": True},
}
HARD = {"hard", "config"}
WARN = {"soft", "telemetry"}
NEEDED = {"hard"}
Spec = dict[Pair, str]  # edge -> flavour

edge_specs = st.dictionaries(
    st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)),
    st.sampled_from(sorted(FLAVOURS)),
    max_size=12,
)
few_edges = st.dictionaries(
    st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)),
    st.sampled_from(sorted(FLAVOURS)),
    max_size=3,
)


def build(spec: Spec, reverse: bool = False) -> DependencyGraph:
    rows: list[tuple[str, str] | tuple[str, str, dict[str, object]]] = [
        (u, v, FLAVOURS[flavour]) for (u, v), flavour in sorted(spec.items(), reverse=reverse)
    ]
    return service_graph(rows)


def findings_of(graph: DependencyGraph) -> list[Finding]:
    return [f for f in analysis.analyse(graph, Config()) if f.type in ("cycle", "bootstrap")]


def sid(pair: Pair) -> Pair:
    return (f"service:{pair[0]}", f"service:{pair[1]}")


def cycles(edges: set[Pair]) -> set[frozenset[Pair]]:
    graph = nx.DiGraph(list(edges))
    return {frozenset(zip(c, [*c[1:], c[0]], strict=True)) for c in nx.simple_cycles(graph)}


def cycle_sets(spec: Spec) -> dict[str, set[frozenset[Pair]]]:
    """C(G) per kind of cycle, as the module docstring defines."""
    named = {sid(pair): flavour for pair, flavour in spec.items()}
    wide = {e for e, f in named.items() if f in HARD | WARN}
    component = {}
    for index, members in enumerate(nx.strongly_connected_components(nx.DiGraph(list(wide)))):
        component.update(dict.fromkeys(members, index))
    closed_softly = {
        component[u] for (u, v), f in named.items() if f in WARN and component[u] == component[v]
    }
    return {
        "error": cycles({e for e, f in named.items() if f in HARD}),
        "warning": {c for c in cycles(wide) if component[next(iter(c))[0]] in closed_softly},
        "bootstrap": cycles({e for e, f in named.items() if f in NEEDED}),
    }


def family(finding: Finding) -> str:
    return "bootstrap" if finding.type == "bootstrap" else finding.severity


def gate(old: Spec, new: Spec) -> Result:
    """`depguard check --baseline` on `new`, with the baseline written from `old`."""
    known = baseline.from_findings(findings_of(build(old)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / baseline.DEFAULT_NAME
        path.write_text(baseline.dumps(known), encoding="utf-8")
        known = baseline.load(path)
    graph = build(new, reverse=True)
    findings = findings_of(graph)
    result = Result("0", "", findings, [], [], [], Summary(new=len(findings)))
    baseline.apply(result, graph, known, cap=10)
    return result


def check_gate(old: Spec, new: Spec) -> None:
    before, after = cycle_sets(old), cycle_sets(new)
    result = gate(old, new)
    for name in ("error", "warning", "bootstrap"):
        ours = [f for f in result.findings if family(f) == name]
        expected_new = not after[name] <= before[name]
        assert any(f.new for f in ours) == expected_new, (name, ours)
        for finding in ours:
            edges = set(finding.edges)
            held = {c for c in after[name] if c <= edges}
            assert held, "every finding holds a cycle of its kind"
            assert finding.new == bool(held - before[name]), (name, finding)
            on_old_cycles = {e for c in before[name] for e in c}
            fresh = sorted(e for e in finding.edges if e not in on_old_cycles)
            if finding.new:
                assert finding.details["new_edges"] == [f"{u} -> {v}" for u, v in fresh]
                first = finding.witnesses[0][0]
                assert (first.source, first.target) in fresh
            else:
                assert not fresh


# found by this property: the baseline kept only error and warning cyclic edges, and
# compared bootstrap findings with the error ones, so a loop that was a cycle through a
# `config` edge hid the bootstrap cycle it became when that edge turned `runtime`
NO_COLD_START_BEFORE = {("n0", "n1"): "hard", ("n1", "n0"): "config"}
NO_COLD_START_AFTER = {("n0", "n1"): "hard", ("n1", "n0"): "hard"}


@settings(max_examples=EXAMPLES_GATE, deadline=None)
@given(edge_specs, edge_specs)
@example(NO_COLD_START_BEFORE, NO_COLD_START_AFTER)
@example({("n0", "n0"): "config"}, {("n0", "n0"): "hard"})
@example({("n0", "n1"): "hard", ("n1", "n0"): "soft"}, {("n0", "n1"): "hard", ("n1", "n0"): "hard"})
@example({("n0", "n1"): "hard", ("n1", "n0"): "hard"}, {("n0", "n1"): "hard", ("n1", "n0"): "soft"})
def test_a_new_cycle_is_reported_exactly_when_the_new_graph_has_a_cycle_the_old_one_lacked(
    old: Spec, new: Spec
) -> None:
    check_gate(old, new)


@settings(max_examples=EXAMPLES_GATE, deadline=None)
@given(edge_specs, st.data())
def test_the_rule_holds_when_the_new_graph_grows_or_shrinks_the_old_one(
    old: Spec, data: st.DataObject
) -> None:
    """The realistic case: the old graph with a few edges added, removed or re-flavoured."""
    new = dict(old)
    for pair in data.draw(st.lists(st.sampled_from(sorted(old)), max_size=3)) if old else []:
        new.pop(pair, None)
    new.update(data.draw(few_edges))
    check_gate(old, new)


def test_a_loop_that_becomes_a_bootstrap_cycle_is_a_new_bootstrap_finding() -> None:
    result = gate(NO_COLD_START_BEFORE, NO_COLD_START_AFTER)
    [cycle] = [f for f in result.findings if f.type == "cycle"]
    [bootstrap] = [f for f in result.findings if f.type == "bootstrap"]
    assert not cycle.new  # the same hard cycle as before
    assert bootstrap.new  # but a cold start was possible before, and is not now
    assert bootstrap.details["new_edges"] == [
        "service:n0 -> service:n1",
        "service:n1 -> service:n0",
    ]
    assert result.exit_code() == 1


def test_a_baseline_written_before_bootstrap_edges_were_kept_hides_what_it_hid() -> None:
    """Without `bootstrap_edges` in the file, bootstrap findings are compared with the
    error cyclic edges, as before: upgrading never turns an old finding new."""
    known = baseline.from_findings(findings_of(build(NO_COLD_START_AFTER)))
    legacy = json.loads(baseline.dumps(known))
    del legacy["bootstrap_edges"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / baseline.DEFAULT_NAME
        path.write_text(json.dumps(legacy), encoding="utf-8")
        loaded = baseline.load(path)
    assert loaded.bootstrap is None
    graph = build(NO_COLD_START_AFTER)
    findings = findings_of(graph)
    result = Result("0", "", findings, [], [], [], Summary(new=len(findings)))
    baseline.apply(result, graph, loaded, cap=10)
    assert [f.new for f in result.findings] == [False, False]
    assert result.stale_edges == 0
    rewritten = json.loads(baseline.dumps(baseline.prune(loaded, known)))
    assert rewritten["bootstrap_edges"] == json.loads(baseline.dumps(known))["bootstrap_edges"]
