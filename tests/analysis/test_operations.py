"""Blast radius, cold-start order, fallbacks, isolation, planes and where to cut."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from builders import service_graph
from conftest import EXAMPLES

from depguard.analysis import analyse
from depguard.analysis.operations import (
    bootstrap_cycles,
    cut_edges,
    impact,
    shared_fate,
    start_order,
)
from depguard.config import parse

Run = Callable[..., Any]


def names(nodes: list[Any]) -> list[str]:
    return [a.node.split(":")[1] for a in nodes]


def test_hard_paths_fail_and_soft_paths_degrade() -> None:
    graph = service_graph(
        [
            ("web", "api"),
            ("api", "db"),
            ("report", "api", {"strength": "soft"}),
            ("cron", "report"),
            ("api", "metrics", {"kind": "telemetry"}),
        ]
    )
    answer = impact(graph, "service:db")
    assert names(answer.failed) == ["api", "web"]
    assert names(answer.degraded) == ["cron", "report"]
    assert answer.failed[1].path == ("service:web", "service:api", "service:db")


def test_a_healthy_fallback_turns_failure_into_degradation() -> None:
    graph = service_graph(
        [("web", "auth", {"fallback": "service:breakglass"}), ("breakglass", "vault")]
    )
    assert names(impact(graph, "service:auth").failed) == []
    assert names(impact(graph, "service:auth").degraded) == ["web"]
    # a fallback that needs the failing node shares its fate
    graph = service_graph(
        [("web", "auth", {"fallback": "service:breakglass"}), ("breakglass", "auth")]
    )
    assert names(impact(graph, "service:auth").failed) == ["breakglass", "web"]
    [finding] = shared_fate(graph)
    assert finding.type == "fallback" and "needs it" in finding.message


def test_start_order_is_waves_over_needed_edges() -> None:
    graph = service_graph(
        [("api", "db"), ("web", "api"), ("web", "cdn"), ("api", "collector", {"kind": "telemetry"})]
    )
    order = start_order(graph)
    assert order.waves == [
        ["service:cdn", "service:collector", "service:db"],
        ["service:api"],
        ["service:web"],
    ]
    assert order.cycles == [] and order.blocked == []


def test_a_bootstrap_cycle_blocks_its_members_and_their_dependents() -> None:
    graph = service_graph(
        [
            ("scheduler", "api"),
            ("api", "platform", {"kind": "startup"}),
            ("platform", "scheduler", {"kind": "startup"}),
            ("web", "api"),
            ("api", "db"),
        ],
        layers={"platform": "platform", "scheduler": "platform", "api": "api"},
        order=("platform", "api"),
    )
    order = start_order(graph)
    assert order.blocked == ["service:api", "service:platform", "service:scheduler", "service:web"]
    [cycle] = order.cycles
    assert cycle.cut == [("service:scheduler", "service:api")]  # the upward edge


def test_cut_prefers_upward_then_soft_then_fewest_lines() -> None:
    graph = service_graph([("a", "b"), ("b", "a", {"strength": "soft"})])
    assert cut_edges(
        graph, "service", [("service:a", "service:b"), ("service:b", "service:a")]
    ) == [("service:b", "service:a")]
    graph = service_graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "a"), ("a", "b")])
    # parallel edges merged: a->b and c->a carry two lines each, b->c one
    chosen = cut_edges(
        graph,
        "service",
        [("service:a", "service:b"), ("service:b", "service:c"), ("service:c", "service:a")],
    )
    assert chosen == [("service:b", "service:c")]


def test_the_data_plane_rule_and_isolation_come_from_the_rules() -> None:
    config = parse(
        {
            "forbidden": [
                {
                    "name": "planes",
                    "from": ["label:plane=data"],
                    "to": ["label:plane=control"],
                    "transitive": True,
                    "strengths": ["hard"],
                }
            ],
            "isolated": [{"name": "status", "nodes": ["status"], "watches": ["api"]}],
        }
    )
    graph = service_graph([("status", "cache"), ("cache", "api"), ("status", "cdn")])
    findings = analyse(graph, config)
    assert [(f.type, f.rule, f.nodes) for f in findings] == [
        ("forbidden", "isolation: status", ["service:status", "service:api"])
    ]
    assert bootstrap_cycles(graph) == []


def test_impact_on_the_cloud_example(run_cli: Run) -> None:
    result = run_cli("impact", "cloud-api", EXAMPLES / "cloud-control-plane", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    fails = {n.split(":")[1] for n in (a["node"] for a in data["fails"])}
    assert {
        "console",
        "serverless-functions",
        "ocr",
        "captcha",
        "microservice-platform",
        "audio-content-security",
    } <= fails
    assert "vm-dataplane" not in fails
    assert data["entrypoints_down"] == ["service:console"]
    text = run_cli("impact", "cloud-api", EXAMPLES / "cloud-control-plane").stdout
    assert "console  [entry point]   via console -> cloud-api" in text
    unknown = run_cli("impact", "cloud-apj", EXAMPLES / "cloud-control-plane")
    assert unknown.exit_code == 2 and "did you mean cloud-api" in unknown.stderr


def test_order_refuses_on_the_broken_example_and_starts_the_fixed_one(run_cli: Run) -> None:
    broken = run_cli("order", EXAMPLES / "cloud-control-plane")
    assert broken.exit_code == 1
    assert "break scheduler -> cloud-api, which closes:" in broken.stdout
    assert "scheduler -> cloud-api  deploy/k8s/platform.yaml:22" in broken.stdout
    fixed = run_cli("order", EXAMPLES / "cloud-control-plane-fixed")
    assert fixed.exit_code == 0
    assert fixed.stdout.splitlines()[0].startswith("cold-start order")
    assert "scheduler (platform)" in fixed.stdout
    data = json.loads(run_cli("order", EXAMPLES / "cloud-control-plane-fixed", "-f", "json").stdout)
    assert data["blocked"] == [] and len(data["waves"]) >= 3


def test_check_reports_bootstrap_isolation_and_fallback_on_the_broken_example_only(
    run_cli: Run,
) -> None:
    broken = json.loads(run_cli("check", EXAMPLES / "cloud-control-plane", "-f", "json").stdout)
    kinds = {(f["type"], f["rule"]) for f in broken["findings"]}
    assert ("bootstrap", "bootstrap") in kinds and ("fallback", "fallback") in kinds
    assert ("forbidden", "isolation: break-glass access outlives the core") in kinds
    assert ("forbidden", "status page stays out of the core") in kinds
    fixed = json.loads(
        run_cli("check", EXAMPLES / "cloud-control-plane-fixed", "-f", "json").stdout
    )
    assert not [f for f in fixed["findings"] if f["severity"] == "error"]
