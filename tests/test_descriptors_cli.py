"""Each descriptor fixture through the command line: `depguard graph DIR --level service
--format json` gives the expected edges with evidence at the right file and line, and a
default `check` treats a telemetry-only loop as a warning."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

FIXTURES = REPO / "tests" / "fixtures"
Run = Callable[..., Any]


def project(tmp_path: Path, fixture: str, source: str) -> Path:
    shutil.copytree(FIXTURES / fixture, tmp_path / "system" / "deploy")
    (tmp_path / "system" / "depguard.yaml").write_text(f"sources:\n  - {source}: deploy\n")
    return tmp_path / "system"


def graph(run_cli: Run, folder: Path) -> dict[str, Any]:
    result = run_cli("graph", folder, "--level", "service", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def edges(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(e["source"].split(":", 1)[1], e["target"].split(":", 1)[1]): e for e in data["edges"]}


def test_the_compose_shop(run_cli: Run, tmp_path: Path) -> None:
    found = edges(graph(run_cli, project(tmp_path, "compose/shop", "compose")))
    orders_db = found[("orders", "db")]
    # depends_on (startup) and a connection string (runtime): one edge, both lines
    assert orders_db["strength"] == "hard"
    assert [(e["file"], e["line"]) for e in orders_db["evidence"]] == [
        ("deploy/compose.yaml", 61),
        ("deploy/compose.yaml", 62),
        ("deploy/compose.yaml", 64),
    ]
    assert "Password=***" in orders_db["evidence"][0]["text"]
    assert found[("frontend", "recommendations")]["strength"] == "soft"  # required: false
    assert found[("catalog", "otel-collector")]["kind"] == "telemetry"
    assert found[("orders", "payments")]["evidence"][0]["file"] == "deploy/config/orders.env"


def test_the_kubernetes_shop_frontend_calls_its_backends(run_cli: Run, tmp_path: Path) -> None:
    found = edges(graph(run_cli, project(tmp_path, "kubernetes/shop", "kubernetes")))
    backends = {target for source, target in found if source == "frontend"}
    assert len(backends) >= 6
    assert all(
        e["file"].endswith(".yaml") and e["line"] > 0
        for key in found
        for e in found[key]["evidence"]
    )


def test_the_bank_shares_one_config_map_and_never_calls_itself(
    run_cli: Run, tmp_path: Path
) -> None:
    found = edges(graph(run_cli, project(tmp_path, "kubernetes/bank", "kubernetes")))
    assert found and all(source != target for source, target in found)
    assert any("ConfigMap" in e["text"] for key in found for e in found[key]["evidence"])


def test_the_init_container_wait_is_a_startup_edge(run_cli: Run, tmp_path: Path) -> None:
    found = edges(graph(run_cli, project(tmp_path, "kubernetes/init-wait", "kubernetes")))
    assert any(e["kind"] == "startup" and e["strength"] == "hard" for e in found.values())


def test_a_collector_loop_is_no_error_by_default(run_cli: Run, tmp_path: Path) -> None:
    folder = project(tmp_path, "kubernetes/collector", "kubernetes")
    result = run_cli("check", folder, "--format", "json")
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["summary"]["errors"] == 0
    warnings = [f for f in report["findings"] if f["type"] == "cycle"]
    assert warnings and all(f["severity"] == "warning" for f in warnings)
    assert "telemetry" in warnings[0]["message"]
    # counting telemetry makes it an error
    (folder / "depguard.yaml").write_text(
        "sources:\n  - kubernetes: deploy\ncycles: {count: [hard, soft, telemetry, monitoring]}\n"
    )
    assert run_cli("check", folder).exit_code == 1


@pytest.mark.parametrize("name", ["payments"])
def test_backstage_and_traces_drift(run_cli: Run, tmp_path: Path, name: str) -> None:
    shutil.copytree(FIXTURES / "backstage" / name, tmp_path / "catalog")
    shutil.copy(FIXTURES / "traces" / name / "dependencies.json", tmp_path)
    (tmp_path / "depguard.yaml").write_text(
        "sources:\n  - backstage: catalog\n  - traces: dependencies.json\n"
    )
    report = json.loads(run_cli("check", tmp_path, "--format", "json").stdout)
    assert report["coverage"]["observed_not_declared"] == ["checkout -> ledger"]
    assert report["coverage"]["declared_not_observed"] == ["refund-worker -> payment-gateway"]


def test_unknown_kinds_are_skipped_and_counted(run_cli: Run, tmp_path: Path) -> None:
    folder = project(tmp_path, "kubernetes/shop", "kubernetes")
    result = run_cli("check", folder, "--format", "json")
    assert result.exit_code == 0, result.stderr
    skipped = json.loads(result.stdout)["skipped"]
    assert skipped.get("kubernetes ServiceAccount", 0) >= 1
    assert "Skipped (content depguard does not use)" in run_cli("check", folder).stdout


def test_labels_from_compose_and_kubernetes_assign_layers(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  api:\n    labels: {tier: core}\n    environment: {UI_URL: 'http://web:80'}\n"
        "  web:\n    labels: {tier: edge}\n"
    )
    (tmp_path / "k8s.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\n"
        "  labels: {tier: core}\nspec:\n  template:\n    metadata:\n      labels: {app: w}\n"
        "    spec:\n      containers:\n        - name: w\n          env:\n"
        "            - {name: UI_URL, value: 'http://web:80'}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n"
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
        "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n"
        "      containers: [{name: web}]\n"
    )
    (tmp_path / "depguard.yaml").write_text(
        "sources:\n  - compose: compose.yaml\n  - kubernetes: k8s.yaml\n"
        "layers:\n  - {name: core, match: ['label:tier=core']}\n"
        "  - {name: edge, match: ['label:tier=edge']}\n"
    )
    report = json.loads(run_cli("check", tmp_path, "--format", "json").stdout)
    upward = sorted(f["nodes"][0] for f in report["findings"] if f["type"] == "layer")
    assert upward == ["service:api", "service:worker"]
