"""First contact: zero-config runs on repositories laid out as real ones are, from the
command line (fixtures in tests/fixtures/first_contact, each copied out of this
repository so that no config above it is found)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import depguard_process

FIXTURES = Path(__file__).parent / "fixtures" / "first_contact"


def clone(name: str, tmp_path: Path) -> Path:
    """The fixture as a fresh clone: its own repository, no config above it."""
    repo = tmp_path / name
    shutil.copytree(FIXTURES / name, repo)
    (repo / ".git").mkdir()
    return repo


def run(repo: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return depguard_process(repo, *args, timeout=120, stdin=stdin)


def graph(repo: Path, *args: str) -> set[tuple[str, str, str]]:
    done = run(repo, "graph", "--format", "json", "--level", "service", *args)
    assert done.returncode == 0, done.stderr
    return {(e["source"], e["target"], e["kind"]) for e in json.loads(done.stdout)["edges"]}


@pytest.mark.parametrize("command", [["check"], ["order"], ["graph"], ["diagram", "-f", "dot"]])
def test_nothing_found_is_not_a_pass(tmp_path: Path, command: list[str]) -> None:
    repo = clone("empty", tmp_path)
    done = run(repo, *command, ".")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "nothing to check: found no Python package, compose file" in done.stderr


def test_a_typo_in_path_is_not_a_pass(tmp_path: Path) -> None:
    repo = clone("k8s-other-folder", tmp_path)
    done = run(repo, "check", "kubernetes-manifest")
    assert done.returncode == 2
    assert "no such file or folder" in done.stderr


def test_manifests_in_any_folder_are_found_and_listed(tmp_path: Path) -> None:
    repo = clone("k8s-nested-folders", tmp_path)
    done = run(repo, "check", ".", "--format", "json")
    assert done.returncode == 0, done.stderr
    files = json.loads(done.stdout)["files"]["kubernetes"]
    assert {Path(f).parent.as_posix() for f in files} == {"deploy/kubernetes", "platform/kube"}


def test_path_can_be_the_manifests_folder_or_one_manifest(tmp_path: Path) -> None:
    repo = clone("k8s-other-folder", tmp_path)
    whole = graph(repo, ".")
    assert whole and graph(repo, "kubernetes-manifests") == whole
    one = run(repo, "check", "kubernetes-manifests/cartservice.yaml", "--format", "json")
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["files"] == {"kubernetes": ["cartservice.yaml"]}
    single = clone("single-manifest", tmp_path)
    assert run(single, "check", "app.yaml").returncode == 1  # its hard cycle, found


def test_a_helm_chart_is_noted_with_the_command_that_reads_it(tmp_path: Path) -> None:
    repo = clone("helm-chart", tmp_path)
    done = run(repo, "check", ".")
    assert done.returncode == 2  # the chart is all there is: nothing was read
    assert "charts/shop/Chart.yaml:0: note: a Helm chart" in done.stderr
    assert "helm template charts/shop | depguard check --kubernetes -" in done.stderr


def test_a_kustomization_reads_its_resources_and_notes_its_patches(tmp_path: Path) -> None:
    repo = clone("kustomize", tmp_path)
    done = run(repo, "check", ".", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert "k8s/overlays/prod/replicas-patch.yaml" not in data["files"]["kubernetes"]
    noted = {n["file"]: n["message"] for n in data["notes"]}
    assert (
        "not applied: patches replicas-patch.yaml" in noted["k8s/overlays/prod/kustomization.yaml"]
    )
    assert ("web", "api", "runtime") in {
        (s.split(":")[1], t.split(":")[1], k) for s, t, k in graph(repo, ".")
    }


def test_independent_compose_projects_stay_apart(tmp_path: Path) -> None:
    repo = clone("two-compose-projects", tmp_path)
    edges = graph(repo, ".")
    assert {(s.split(":")[1], t.split(":")[1]) for s, t, _ in edges} == {
        ("blog/web", "blog/db"),
        ("shop/web", "shop/db"),
    }


def classes(repo: Path) -> tuple[set[tuple[str, str, str]], dict[str, str | None]]:
    """Each edge with the class that decides whether it closes a cycle, and each
    node's role."""
    done = run(repo, "graph", "--format", "json", "--level", "service", ".")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    quiet = ("telemetry", "monitoring")
    edges = {
        (e["source"], e["target"], e["kind"] if e["kind"] in quiet else e["strength"])
        for e in data["edges"]
    }
    return edges, {n["id"]: n["labels"].get("depguard.role") for n in data["nodes"]}


def test_the_same_system_in_compose_and_kubernetes_gives_the_same_graph_and_verdict(
    tmp_path: Path,
) -> None:
    compose, kubernetes = clone("otel-compose", tmp_path), clone("otel-kubernetes", tmp_path)
    assert classes(compose) == classes(kubernetes)
    edges, roles = classes(compose)
    assert roles["service:otel-collector"] == roles["service:jaeger"] == "telemetry"
    assert roles["resource:checkout-db"] == "datastore"
    assert roles["resource:redis-cart"] == "cache"
    # the collector's probes and every export: quiet, never hard
    assert ("service:otel-collector", "service:frontend", "monitoring") in edges
    assert ("service:frontend", "service:otel-collector", "telemetry") in edges
    assert not {e for e in edges if "otel-collector" in e[0] + e[1] and e[2] == "hard"}
    verdicts = [run(repo, "check", ".", "--format", "json") for repo in (compose, kubernetes)]
    assert [v.returncode for v in verdicts] == [0, 0]
    summaries = [json.loads(v.stdout)["summary"] for v in verdicts]
    assert summaries[0] == summaries[1]
    assert summaries[0]["errors"] == 0


def test_datastores_caches_and_brokers_are_resources_by_image(tmp_path: Path) -> None:
    repo = clone("datastores-by-image", tmp_path)
    _, roles = classes(repo)
    assert {node: role for node, role in roles.items() if role} == {
        "resource:mongo": "datastore",
        "resource:postgres": "datastore",
        "resource:redis": "cache",
        "resource:memcached": "cache",
        "resource:kafka": "broker",
        "resource:zookeeper": "broker",
    }
    done = run(repo, "check", ".", "--format", "json")
    assert done.returncode == 0, done.stderr
    silent = json.loads(done.stdout)["coverage"]["no_evidence"]
    assert not {"mongo", "redis", "kafka"} & set(silent)  # a datastore needs nothing


def test_the_config_overrides_and_extends_the_shipped_table(tmp_path: Path) -> None:
    repo = clone("datastores-by-image", tmp_path)
    (repo / "depguard.yaml").write_text(
        "infrastructure:\n"
        "  - {role: service, names: [redis]}  # our own proxy, whatever its image\n"
        "  - {role: telemetry, names: [worker]}\n"
    )
    _, roles = classes(repo)
    assert "service:redis" in roles and roles["service:redis"] is None
    assert roles["service:worker"] == "telemetry"
    assert roles["resource:mongo"] == "datastore"  # the shipped table still applies


def test_versions_behind_one_service_are_one_node_and_entry_points_are_found(
    tmp_path: Path,
) -> None:
    repo = clone("versioned-deployments", tmp_path)
    done = run(repo, "graph", "--format", "json", "--level", "service", ".")
    data = json.loads(done.stdout)
    assert {(e["source"], e["target"], e["strength"]) for e in data["edges"]} == {
        ("service:productpage", "service:details", "hard"),
        ("service:productpage", "service:reviews", "hard"),
        ("service:reviews", "service:ratings", "hard"),
    }
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["service:reviews"]["labels"]["kubernetes.workloads"] == (
        "reviews-v1,reviews-v2,reviews-v3"
    )
    assert [n for n, node in nodes.items() if node["entrypoint"]] == ["service:productpage"]
    impact = run(repo, "impact", "reviews", ".")
    assert impact.returncode == 0, impact.stderr
    assert "productpage" in impact.stdout


def test_an_address_only_a_shared_config_map_gives_is_possible_not_certain(
    tmp_path: Path,
) -> None:
    repo = clone("shared-configmap", tmp_path)
    done = run(repo, "graph", "--format", "json", "--level", "service", ".")
    edges = {(e["source"], e["target"]): e for e in json.loads(done.stdout)["edges"]}
    hard = {pair for pair, e in edges.items() if e["strength"] == "hard"}
    assert hard == {("service:orders", "service:payments")}  # its own env says so
    assert {e["kind"] for pair, e in edges.items() if pair not in hard} == {"shared-config"}
    check = run(repo, "check", ".", "--format", "json")
    assert check.returncode == 0, check.stderr
    summary = json.loads(check.stdout)["summary"]
    assert (summary["errors"], summary["warnings"]) == (0, 1)


def test_published_compose_ports_are_entry_points(tmp_path: Path) -> None:
    repo = clone("otel-compose", tmp_path)
    done = run(repo, "graph", "--format", "json", "--level", "service", ".")
    entries = [n["id"] for n in json.loads(done.stdout)["nodes"] if n["entrypoint"]]
    assert "service:frontend" in entries
    assert "service:cart" not in entries


def test_an_unset_key_outside_an_address_is_a_note_not_a_failure(tmp_path: Path) -> None:
    repo = tmp_path / "chat"
    (repo / ".git").mkdir(parents=True)
    (repo / "compose.yaml").write_text(
        "services:\n"
        "  bot:\n"
        "    image: example/bot\n"
        "    environment:\n"
        "      OPENAI_API_KEY: ${OPENAI_API_KEY}\n"
        "      API_URL: http://api:8080\n"
        "  api: {image: example/api}\n"
    )
    done = run(repo, "check", ".")
    assert done.returncode == 0, done.stderr
    assert "compose.yaml:5: note: variable OPENAI_API_KEY is not set" in done.stderr
    (repo / "compose.yaml").write_text(
        "services:\n  bot:\n    environment: {API_URL: 'http://${API_HOST}:8080'}\n"
    )
    failed = run(repo, "check", ".")
    assert failed.returncode == 2  # an address the graph cannot resolve: incomplete
    assert "compose.yaml:3: variable API_HOST is not set" in failed.stderr


STREAM = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: example/web, env: [{name: API_URL, value: "http://api:8080"}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - {name: api, image: example/api, env: [{name: WEB_URL, value: "http://web"}]}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: api}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}}
"""


def test_a_rendered_stream_is_read_from_stdin(tmp_path: Path) -> None:
    """`kustomize build . | depguard check --kubernetes -`, and the config's `-`."""
    repo = clone("helm-chart", tmp_path)  # a chart, which only a rendered stream reads
    done = run(repo, "check", ".", "--kubernetes", "-", "--format", "json", stdin=STREAM)
    assert done.returncode == 1, done.stderr  # web <-> api, found in the stream
    data = json.loads(done.stdout)
    assert data["files"] == {"kubernetes": ["<stdin>"]}
    assert {f["type"] for f in data["findings"]} >= {"cycle"}
    (repo / "depguard.yaml").write_text('sources:\n  - kubernetes: "-"\n')
    configured = run(repo, "check", ".", stdin=STREAM)
    assert configured.returncode == 1, configured.stderr
    assert "<stdin>:10" in configured.stdout


def test_impact_finds_the_node_at_whichever_level_has_it(tmp_path: Path) -> None:
    repo = tmp_path / "mixed"
    (repo / "shop").mkdir(parents=True)
    (repo / ".git").mkdir()
    (repo / "shop" / "__init__.py").write_text("")
    (repo / "shop" / "core.py").write_text("")
    (repo / "shop" / "web.py").write_text("from shop import core\n")
    (repo / "compose.yaml").write_text("services:\n  front: {depends_on: [back]}\n  back: {}\n")
    service = run(repo, "impact", "back", ".")
    assert service.returncode == 0, service.stderr
    assert "front" in service.stdout
    module = run(repo, "impact", "shop.core", ".")
    assert module.returncode == 0, module.stderr
    assert "shop.web" in module.stdout
    missing = run(repo, "impact", "nowhere", ".")
    assert missing.returncode == 2


def test_alternative_manifests_of_one_object_are_read_once_with_a_note(tmp_path: Path) -> None:
    repo = tmp_path / "alt"
    for folder in ("deploy/staging", "deploy/prod"):
        (repo / folder).mkdir(parents=True)
        (repo / folder / "app.yaml").write_text(STREAM)
    (repo / ".git").mkdir()
    (repo / "deploy" / "kustomization.yaml").write_text(
        "resources: [prod/app.yaml, https://github.com/example/base?ref=v1]\n"
    )
    done = run(repo, "check", ".", "--format", "json")
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert data["graph"]["service"] == {"nodes": 2, "edges": 2}
    notes = [f"{n['file']}:{n['line']}: {n['message']}" for n in data["notes"]]
    assert (
        "deploy/staging/app.yaml:3: Deployment default/web is defined again"
        " (first at deploy/prod/app.yaml:3)" in " ".join(notes)
    )
    assert any("remote resource https://github.com/example/base?ref=v1" in n for n in notes)


def test_env_file_supplies_what_dot_env_lacks(tmp_path: Path) -> None:
    repo = tmp_path / "app"
    (repo / ".git").mkdir(parents=True)
    (repo / "compose.yaml").write_text(
        "services:\n  web:\n    environment: {API_URL: 'http://${API_HOST}:8080'}\n  api: {}\n"
    )
    assert run(repo, "check", ".").returncode == 2  # the address is incomplete
    secrets = tmp_path / "ci.env"  # outside the repository: named, so it may be read
    secrets.write_text("API_HOST=api\n")
    done = run(
        repo, "graph", ".", "--format", "json", "--level", "service", "--env-file", str(secrets)
    )
    assert done.returncode == 0, done.stderr
    edges = {(e["source"], e["target"]) for e in json.loads(done.stdout)["edges"]}
    assert edges == {("service:web", "service:api")}


# Every fixture's exact service graph (caller, callee, the class that decides whether
# the edge closes a cycle) and the exit status of a zero-config check: each set was
# checked against the fixture's EXPECTED.md.
EXPECTED: dict[str, tuple[int, set[tuple[str, str, str]]]] = {
    "datastores-by-image": (
        0,
        {
            ("api", "kafka", "hard"),
            ("api", "memcached", "hard"),
            ("api", "mongo", "hard"),
            ("api", "postgres", "hard"),
            ("api", "redis", "hard"),
            ("kafka", "zookeeper", "hard"),
            ("worker", "kafka", "hard"),
            ("worker", "postgres", "hard"),
            ("worker", "redis", "hard"),
        },
    ),
    "empty": (
        2,
        set(),
    ),
    "helm-chart": (
        2,
        set(),
    ),
    "k8s-nested-folders": (
        0,
        {
            ("catalogue", "catalogue-db", "hard"),
            ("front-end", "catalogue", "hard"),
            ("front-end", "orders", "hard"),
            ("orders", "orders-db", "hard"),
            ("orders", "rabbitmq", "soft"),
        },
    ),
    "k8s-other-folder": (
        0,
        {
            ("cartservice", "redis-cart", "hard"),
            ("frontend", "cartservice", "hard"),
            ("frontend", "productcatalogservice", "hard"),
        },
    ),
    "kustomize": (
        0,
        {
            ("web", "api", "hard"),
        },
    ),
    "otel-compose": (
        0,
        {
            ("cart", "otel-collector", "telemetry"),
            ("cart", "redis-cart", "hard"),
            ("checkout", "cart", "hard"),
            ("checkout", "checkout-db", "hard"),
            ("checkout", "otel-collector", "telemetry"),
            ("frontend", "cart", "hard"),
            ("frontend", "checkout", "hard"),
            ("frontend", "otel-collector", "telemetry"),
            ("otel-collector", "cart", "monitoring"),
            ("otel-collector", "frontend", "monitoring"),
            ("otel-collector", "jaeger", "telemetry"),
        },
    ),
    "otel-kubernetes": (
        0,
        {
            ("cart", "otel-collector", "telemetry"),
            ("cart", "redis-cart", "hard"),
            ("checkout", "cart", "hard"),
            ("checkout", "checkout-db", "hard"),
            ("checkout", "otel-collector", "telemetry"),
            ("frontend", "cart", "hard"),
            ("frontend", "checkout", "hard"),
            ("frontend", "otel-collector", "telemetry"),
            ("otel-collector", "cart", "monitoring"),
            ("otel-collector", "frontend", "monitoring"),
            ("otel-collector", "jaeger", "telemetry"),
        },
    ),
    "shared-configmap": (
        0,
        {
            ("orders", "payments", "hard"),
            ("orders", "users", "soft"),
            ("payments", "orders", "soft"),
            ("payments", "users", "soft"),
            ("users", "orders", "soft"),
            ("users", "payments", "soft"),
        },
    ),
    "single-manifest": (
        1,
        {
            ("gateway", "orders", "hard"),
            ("inventory", "orders", "hard"),
            ("orders", "inventory", "hard"),
        },
    ),
    "two-compose-projects": (
        0,
        {
            ("blog/web", "blog/db", "hard"),
            ("shop/web", "shop/db", "hard"),
        },
    ),
    "versioned-deployments": (
        0,
        {
            ("productpage", "details", "hard"),
            ("productpage", "reviews", "hard"),
            ("reviews", "ratings", "hard"),
        },
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_fixture_gives_exactly_its_expected_graph_and_verdict(
    tmp_path: Path, name: str
) -> None:
    code, expected = EXPECTED[name]
    repo = clone(name, tmp_path)
    assert run(repo, "check", ".").returncode == code
    done = run(repo, "graph", "--format", "json", "--level", "service", ".")
    if not expected:
        assert done.returncode == 2  # nothing to read is never a pass
        return
    quiet = ("telemetry", "monitoring")
    edges = {
        (
            e["source"].split(":", 1)[1],
            e["target"].split(":", 1)[1],
            e["kind"] if e["kind"] in quiet else e["strength"],
        )
        for e in json.loads(done.stdout)["edges"]
    }
    assert edges == expected
