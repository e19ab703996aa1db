from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import REPO

from depguard import graph
from depguard.model import Edge, Evidence, Fragment
from depguard.sources import backstage, discovery, traces
from depguard.sources.traces import Drift, drift, drift_from_edges, render_drift

FIXTURES = REPO / "tests" / "fixtures"
TRACES = FIXTURES / "traces" / "payments"
CATALOG = FIXTURES / "backstage" / "payments"

EdgeRow = tuple[str, str, str, str]


def short(node: str) -> str:
    return node.removeprefix("service:")


def edges(fragment: Fragment) -> set[EdgeRow]:
    return {(short(e.source), short(e.target), e.kind, e.strength) for e in fragment.edges}


def evidence(fragment: Fragment, source: str, target: str) -> list[tuple[str, str]]:
    (edge,) = [e for e in fragment.edges if (short(e.source), short(e.target)) == (source, target)]
    return [(ev.location(), ev.text) for ev in edge.evidence]


def messages(fragment: Fragment) -> list[str]:
    return [str(d) for d in fragment.diagnostics]


def read(root: Path, *names: str) -> tuple[Fragment, traces.TracesSummary]:
    return traces.collect_with_summary([root / n for n in names], root)


OBSERVED = {
    ("storefront", "checkout", "observed", "hard"),
    ("checkout", "fraud-check", "observed", "hard"),
    ("checkout", "payment-gateway", "observed", "hard"),
    ("checkout", "ledger", "observed", "hard"),
    ("payment-gateway", "ledger", "observed", "hard"),
    ("payment-gateway", "notifications", "observed", "hard"),
    ("refund-worker", "ledger", "observed", "hard"),
}


# ---------------------------------------------------------------- reading links


def test_jaegers_dependencies_json_gives_observed_edges() -> None:
    fragment, summary = read(TRACES, "dependencies.json")
    assert fragment.diagnostics == []
    assert fragment.files == ["dependencies.json"]
    assert edges(fragment) == OBSERVED
    assert fragment.nodes == []
    # the self-call ledger -> ledger is dropped, and counted
    assert summary.links == 8
    assert [(ev.location(), ev.text) for ev in summary.self_calls] == [
        ("dependencies.json:39", "observed 2622 calls")
    ]


def test_the_evidence_line_is_the_line_naming_the_parent() -> None:
    fragment, _ = read(TRACES, "dependencies.json")
    assert evidence(fragment, "storefront", "checkout") == [
        ("dependencies.json:4", "observed 1520 calls")
    ]
    assert evidence(fragment, "checkout", "ledger") == [
        ("dependencies.json:19", "observed 87 calls")
    ]
    assert evidence(fragment, "refund-worker", "ledger") == [
        ("dependencies.json:34", "observed 12 calls")
    ]
    assert {ev.source for e in fragment.edges for ev in e.evidence} == {"traces"}


def test_a_bare_list_on_one_line_gives_line_1() -> None:
    fragment, summary = read(TRACES, "dependencies.min.json")
    assert fragment.diagnostics == []
    assert edges(fragment) == OBSERVED
    assert {ev.location() for e in fragment.edges for ev in e.evidence} == {
        "dependencies.min.json:1"
    }
    assert len(summary.self_calls) == 1


def test_the_same_link_in_two_files_is_one_edge_with_both_evidence() -> None:
    fragment = traces.collect([TRACES], TRACES)
    assert fragment.files == ["dependencies.json", "dependencies.min.json"]
    assert edges(fragment) == OBSERVED
    assert evidence(fragment, "checkout", "ledger") == [
        ("dependencies.json:19", "observed 87 calls"),
        ("dependencies.min.json:1", "observed 87 calls"),
    ]


def test_lines_are_exact_whatever_the_layout(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "deps.json",
        """
        {"note": "a \\"parent\\": \\"decoy\\" in a string", "data": "replaced below",
         "data": [
          {"child": "b",
           "callCount": 1, "meta": {"parent": "nested"},
           "parent": "a"}, {"parent": "c", "child": "d", "callCount": 2},
          {
            "parent": "e\\u0022f",
            "child": "g", "callCount": 3, "errorCount": 1
          }
         ]}
        """,
    )
    fragment, _ = read(tmp_path, "deps.json")
    assert fragment.diagnostics == []
    assert [
        (e.source, e.target, e.evidence[0].line, e.evidence[0].text) for e in fragment.edges
    ] == [
        ("service:a", "service:b", 5, "observed 1 call"),
        ("service:c", "service:d", 5, "observed 2 calls"),
        ('service:e"f', "service:g", 7, "observed 3 calls, 1 error"),
    ]


def test_a_link_without_a_call_count_is_observed(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write("deps.json", '[{"parent": "a", "child": "b", "source": "jaeger"}]')
    fragment, _ = read(tmp_path, "deps.json")
    assert evidence(fragment, "a", "b") == [("deps.json:1", "observed")]


def test_discover_finds_nothing(tmp_path: Path) -> None:
    (tmp_path / "deps.json").write_text("[]")
    assert discovery.paths("traces", tmp_path) == []


# ---------------------------------------------------------------- bad input


def test_bad_json_is_a_diagnostic_at_the_parsers_line(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write("a.json", '{\n  "data": [\n    {"parent": "a",}\n  ]\n}\n')
    (tmp_path / "b.json").write_bytes(b'[{"parent": "\xff"}]')
    write("c.json", '[{"parent": "x", "child": "y", "callCount": 1}]')
    fragment, _ = read(tmp_path, "a.json", "b.json", "c.json")
    assert messages(fragment) == [
        "a.json:3: not valid JSON: Expecting property name enclosed in double quotes",
        "b.json:1: not UTF-8 text (byte 0xff)",
    ]
    assert edges(fragment) == {("x", "y", "observed", "hard")}


def test_wrong_shapes_are_diagnostics_naming_the_item(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write("top.json", '"dependencies"\n')
    write("nodata.json", '{"links": []}\n')
    write("datanull.json", '{\n  "total": 0,\n  "data": null\n}\n')
    write(
        "error.json",
        '{"data": null,\n "errors": [{"code": 500, "msg": "no storage configured"}]}\n',
    )
    write(
        "items.json",
        """
        {"data": [
          ["frontend", "cart"],
          {"parent": 3, "child": "cart", "callCount": 1},
          {"parent": "frontend", "callCount": 1},
          {"parent": "frontend", "child": "",
           "callCount": "42"},
          {"parent": "frontend", "child": "cart", "callCount": true},
          {"parent": "frontend", "child": "cart", "callCount": -1},
          {"parent": "frontend", "child": "cart", "callCount": 5}
        ]}
        """,
    )
    fragment, summary = read(
        tmp_path, "top.json", "nodata.json", "datanull.json", "error.json", "items.json"
    )
    shape = 'Jaeger\'s dependencies JSON: {"data": [{"parent", "child", "callCount"}, ...]}'
    assert messages(fragment) == [  # files are read in sorted order
        "datanull.json:3: data: expected a list of links, got nothing",
        "error.json:2: Jaeger reported errors: no storage configured",
        'items.json:2: data[0]: expected a link {"parent", "child", "callCount"}, got a list',
        "items.json:3: data[1].parent: expected a service name, got 3",
        "items.json:4: data[2].child: missing required key",
        "items.json:5: data[3].child: expected a service name, got ''",
        "items.json:6: data[3].callCount: expected a whole number, got '42'",
        "items.json:7: data[4].callCount: expected a whole number, got true",
        "items.json:8: data[5].callCount: expected a whole number, got -1",
        f'nodata.json:1: expected {shape}, got a mapping without "data"',
        f"top.json:1: expected {shape}, got 'dependencies'",
    ]
    assert summary.links == 1
    assert evidence(fragment, "frontend", "cart") == [("items.json:9", "observed 5 calls")]


# ---------------------------------------------------------------- drift


def test_drift_is_the_two_set_differences_sorted() -> None:
    declared = {("service:b", "service:c"), ("service:a", "service:b"), ("service:x", "service:y")}
    observed = {("service:a", "service:b"), ("service:z", "service:a"), ("service:c", "service:a")}
    assert drift(declared, observed) == Drift(
        declared_not_observed=[("service:b", "service:c"), ("service:x", "service:y")],
        observed_not_declared=[("service:c", "service:a"), ("service:z", "service:a")],
    )
    assert drift(declared, declared).clean


def _edge(source: str, target: str, *sources: str, kind: str = "runtime") -> Edge:
    evidence = [Evidence(f"{s}.file", 1, "", s) for s in sources]
    return Edge(source, target, kind=kind, evidence=evidence)


def test_drift_from_edges_splits_by_the_sources_of_the_evidence() -> None:
    found = drift_from_edges(
        [
            _edge("service:a", "service:b", "services", "traces"),  # both: no drift
            _edge("service:a", "service:c", "compose"),
            _edge("service:c", "service:a", "traces"),
            _edge("service:a", "resource:db", "backstage"),  # traces never see resources
            _edge("module:x", "module:y", "python"),
            _edge("service:a", "service:a", "services"),  # self-loops are never observed
            _edge("service:a", "service:otel", "compose", kind="telemetry"),
            _edge("service:b", "service:otel", "compose", "traces", kind="observed"),
        ]
    )
    assert found == Drift(
        declared_not_observed=[("service:a", "service:c")],
        observed_not_declared=[("service:c", "service:a")],
    )
    everything = drift_from_edges(
        [_edge("service:a", "service:otel", "compose", kind="telemetry")], ignore_kinds=frozenset()
    )
    assert everything.declared_not_observed == [("service:a", "service:otel")]


def test_the_payments_catalog_against_its_traces() -> None:
    catalog = backstage.collect([CATALOG], CATALOG)
    observed = traces.collect([TRACES / "dependencies.json"], TRACES)
    built, _ = graph.build([catalog, observed], lambda _: None, lambda _: None)
    found = drift_from_edges(built.edges("service"))
    assert found == Drift(
        declared_not_observed=[("service:refund-worker", "service:payment-gateway")],
        observed_not_declared=[("service:checkout", "service:ledger")],
    )
    assert render_drift(found) == (
        "traces against declared dependencies: 1 observed but not declared, "
        "1 declared but not observed\n"
        "observed, not declared (a call nobody wrote down):\n"
        "  checkout -> ledger\n"
        "declared, not observed (stale, or not exercised while traced):\n"
        "  refund-worker -> payment-gateway\n"
    )


def test_render_drift_without_drift() -> None:
    assert render_drift(drift(set(), set())) == (
        "traces match the declared dependencies: no drift\n"
    )
    only_observed = render_drift(drift(set(), {("service:a", "service:b")}))
    assert "declared, not observed" not in only_observed
    assert only_observed.endswith("observed, not declared (a call nobody wrote down):\n  a -> b\n")
