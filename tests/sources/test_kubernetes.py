from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import REPO

from depguard.model import Fragment
from depguard.sources import discovery, kubernetes

FIXTURES = REPO / "tests" / "fixtures" / "kubernetes"
SHOP = FIXTURES / "shop"
BANK = FIXTURES / "bank"
INIT_WAIT = FIXTURES / "init-wait"
COLLECTOR = FIXTURES / "collector"
RENDERED = FIXTURES / "rendered" / "helm-template.yaml"
LIST = FIXTURES / "list"

from builders import EdgeRow, messages, short  # noqa: E402
from builders import edge_evidence as evidence  # noqa: E402
from builders import edge_rows as edges  # noqa: E402


def runtime(source: str, *targets: str) -> set[EdgeRow]:
    return {(source, target, "runtime", "hard") for target in targets}


# ---------------------------------------------------------------- building manifests


def workload(
    name: str,
    *,
    kind: str = "Deployment",
    namespace: str = "default",
    labels: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    containers: list[dict[str, Any]] | None = None,
    init: list[dict[str, Any]] | None = None,
    pod: dict[str, Any] | None = None,
    spec: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A workload whose pods carry `app: <name>` (or `labels`)."""
    if containers is None:
        variables = [{"name": k, "value": v} for k, v in (env or {}).items()]
        containers = [{"name": "main", "image": f"example.org/{name}:1", "env": variables}]
    pod_spec: dict[str, Any] = {"containers": containers, **(pod or {})}
    if init is not None:
        pod_spec["initContainers"] = init
    meta = {"name": name, "namespace": namespace}
    pod_labels = labels or {"app": name}
    if kind == "Pod":
        return {"kind": "Pod", "metadata": {**meta, "labels": pod_labels}, "spec": pod_spec}
    template = {"metadata": {"labels": pod_labels}, "spec": pod_spec}
    return {"kind": kind, "metadata": meta, "spec": {"template": template, **(spec or {})}}


def service(
    name: str, selector: dict[str, str] | None = None, namespace: str = "default", **spec: Any
) -> dict[str, Any]:
    body = {"selector": selector if selector is not None else {"app": name}, **spec}
    return {"kind": "Service", "metadata": {"name": name, "namespace": namespace}, "spec": body}


def config_map(name: str, data: dict[str, str], namespace: str = "default") -> dict[str, Any]:
    return {"kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace}, "data": data}


def manifest(*docs: dict[str, Any]) -> str:
    """Documents as a YAML stream (JSON is YAML)."""
    return "".join(f"---\n{json.dumps(doc, indent=1)}\n" for doc in docs)


def scan(tmp_path: Path, *docs: dict[str, Any]) -> Fragment:
    (tmp_path / "m.yaml").write_text(manifest(*docs), encoding="utf-8")
    return kubernetes.collect([tmp_path / "m.yaml"], tmp_path)


def summarise(tmp_path: Path, *docs: dict[str, Any]) -> kubernetes.KubernetesSummary:
    (tmp_path / "m.yaml").write_text(manifest(*docs), encoding="utf-8")
    return kubernetes.collect_with_summary([tmp_path / "m.yaml"], tmp_path)[1]


# ---------------------------------------------------------------- (1) the shop


def test_the_shop_gives_exactly_these_edges() -> None:
    fragment = kubernetes.collect([SHOP], SHOP)
    assert fragment.diagnostics == []
    assert edges(fragment) == {
        # every DNS form; productcatalogservice and cartservice are Services whose
        # Deployments are called catalog and carts
        *runtime(
            "frontend",
            "catalog",
            "currencyservice",
            "carts",
            "recommendationservice",
            "shippingservice",
            "checkoutservice",
            "adservice",
            "sessions/redis",
            "dangling:shoppingassistantservice",
        ),
        *runtime(
            "checkoutservice",
            "catalog",
            "shippingservice",
            "paymentservice",
            "email-sender",
            "currencyservice",
            "carts",
        ),
        *runtime("carts", "data/redis"),
        *runtime("recommendationservice", "catalog"),
        *runtime("loadgenerator", "frontend"),
    }


def test_the_shop_edges_point_at_the_exact_lines() -> None:
    fragment = kubernetes.collect([SHOP], SHOP)
    assert evidence(fragment, "frontend", "catalog", "runtime") == [
        ("frontend.yaml:31", "env PRODUCT_CATALOG_SERVICE_ADDR=productcatalogservice:3550")
    ]
    assert evidence(fragment, "frontend", "shippingservice", "runtime") == [
        (
            "frontend.yaml:42",
            "env SHIPPING_SERVICE_ADDR=shippingservice.shop.svc.cluster.local:50051",
        )
    ]
    assert evidence(fragment, "frontend", "sessions/redis", "runtime") == [
        ("frontend.yaml:51", "env SESSION_REDIS_ADDR=redis.sessions.svc.cluster.local:6379")
    ]
    assert evidence(fragment, "carts", "data/redis", "runtime") == [
        ("services.yaml:47", "env REDIS_ADDR=redis-cart.data:6379")
    ]
    assert evidence(fragment, "checkoutservice", "email-sender", "runtime") == [
        ("services.yaml:159", "env EMAIL_SERVICE_ADDR=emailservice:5000")
    ]
    assert evidence(fragment, "frontend", "dangling:shoppingassistantservice", "runtime") == [
        ("frontend.yaml:49", "env SHOPPING_ASSISTANT_SERVICE_ADDR=shoppingassistantservice:80")
    ]
    assert {ev.source for e in fragment.edges for ev in e.evidence} == {"kubernetes"}


def test_the_shop_nodes_are_qualified_only_where_names_clash() -> None:
    fragment = kubernetes.collect([SHOP], SHOP)
    nodes = {n.id: n for n in fragment.nodes}
    assert sorted(n.name for n in fragment.nodes if n.kind == "service") == [
        "adservice",
        "carts",
        "catalog",
        "checkoutservice",
        "currencyservice",
        "data/redis",
        "email-sender",
        "frontend",
        "loadgenerator",
        "paymentservice",
        "recommendationservice",
        "sessions/redis",
        "shippingservice",
    ]
    dangling = nodes["dangling:shoppingassistantservice"]
    assert (dangling.kind, dangling.name) == ("dangling", "shoppingassistantservice")
    frontend = nodes["service:frontend"]
    # template labels, overlaid by the Deployment's own (tier: web beats tier: edge)
    assert frontend.labels == (
        ("app", "frontend"),
        ("app.kubernetes.io/part-of", "shop"),
        ("image", "example.org/shop/frontend:1.4.0"),
        ("kubernetes.kind", "Deployment"),
        ("kubernetes.namespace", "shop"),
        ("tier", "web"),
    )
    assert frontend.declared_in is not None
    assert frontend.declared_in.location() == "frontend.yaml:4"
    assert frontend.declared_in.text == "Deployment frontend"
    redis = nodes["service:data/redis"]
    assert redis.declared_in is not None
    assert (redis.declared_in.location(), redis.label("app.kubernetes.io/component")) == (
        "data.yaml:6",
        "cache",
    )
    assert fragment.files == ["data.yaml", "frontend.yaml", "namespaces.yaml", "services.yaml"]


def test_the_shop_counts_what_it_skips() -> None:
    fragment, summary = kubernetes.collect_with_summary([SHOP], SHOP)
    assert summary.skipped_kinds == {
        "HorizontalPodAutoscaler": 1,
        "Namespace": 3,
        "PodDisruptionBudget": 1,
        "ServiceAccount": 1,
    }
    assert summary.objects == {"Deployment": 13, "Ingress": 1, "Service": 13}
    assert summary.documents == 33
    assert summary.secret_refs == 1  # SESSION_SECRET
    assert (summary.missing_config_maps, summary.unbacked_services, summary.duplicates) == (
        [],
        [],
        [],
    )
    assert fragment.diagnostics == []


def test_user_names_and_external_hosts_are_not_edges() -> None:
    fragment = kubernetes.collect([SHOP], SHOP)
    targets = {short(e.target) for e in fragment.edges}
    # OTEL_SERVICE_NAME=frontend, ENV_PLATFORM=gcp, PAYMENT_PROVIDER_URL (api.stripe.com)
    assert not [t for t in targets if "stripe" in t or t == "dangling:gcp"]
    assert not [e for e in fragment.edges if e.source == e.target]


# ---------------------------------------------------------------- (2) the bank


BANK_APIS = ("userservice", "balancereader", "ledgerwriter", "accounts-db")


def shared(source: str, *targets: str) -> set[tuple[str, str, str, str]]:
    return {(source, t, "shared-config", "soft") for t in targets}


def test_the_bank_shares_one_config_map_and_never_calls_itself() -> None:
    """Every workload loads every address of bank-config with envFrom: each call it
    allows is possible, not certain (soft); frontend's own configMapKeyRef is hard."""
    fragment = kubernetes.collect([BANK], BANK)
    assert fragment.diagnostics == []
    assert edges(fragment) == {
        *shared("frontend", "userservice", "balancereader", "ledgerwriter", "accounts-db"),
        *runtime("frontend", "contacts"),  # configMapKeyRef: this workload's own choice
        *shared("userservice", "balancereader", "ledgerwriter", "accounts-db"),
        *shared("balancereader", "userservice", "ledgerwriter", "accounts-db", "ledger-db"),
        *shared("ledgerwriter", "userservice", "balancereader", "accounts-db", "ledger-db"),
        *shared("contacts", "userservice", "balancereader", "ledgerwriter", "accounts-db"),
    }
    # userservice names itself in bank-config, ledger-db in ledger-db-config
    assert not [e for e in fragment.edges if e.source == e.target]
    assert not [e for e in fragment.edges if short(e.source) in ("ledger-db", "accounts-db")]


def test_the_bank_evidence_names_the_config_map_and_its_key() -> None:
    fragment = kubernetes.collect([BANK], BANK)
    assert evidence(fragment, "contacts", "accounts-db", "shared-config") == [
        ("apps.yaml:108", "envFrom ConfigMap bank-config"),
        (
            "config.yaml:13",
            "envFrom ConfigMap bank-config ACCOUNTS_DB_URI="
            "postgresql://accounts-admin:***@accounts-db:5432/accounts-db",
        ),
    ]
    assert evidence(fragment, "ledgerwriter", "ledger-db", "shared-config") == [
        ("apps.yaml:89", "envFrom ConfigMap ledger-db-config"),
        (
            "config.yaml:28",
            "envFrom ConfigMap ledger-db-config "
            "SPRING_DATASOURCE_URL=jdbc:postgresql://ledger-db:5432/postgresdb",
        ),
    ]
    assert evidence(fragment, "frontend", "contacts", "runtime") == [
        ("apps.yaml:20", "env CONTACTS_API_ADDR=contacts:8080 via ConfigMap frontend-routes"),
        ("config.yaml:37", "ConfigMap frontend-routes contacts=contacts:8080"),
    ]
    texts = " ".join(ev.text for e in fragment.edges for ev in e.evidence)
    assert "accounts-pwd" not in texts


def test_the_bank_summary() -> None:
    _, summary = kubernetes.collect_with_summary([BANK], BANK)
    assert summary.objects == {"ConfigMap": 3, "Deployment": 5, "Service": 7, "StatefulSet": 2}
    assert summary.secret_refs == 1  # JWT_SECRET
    assert summary.skipped_kinds == {}


# ---------------------------------------------------------------- (3) waiting to start


def test_init_containers_that_wait_make_startup_edges() -> None:
    fragment = kubernetes.collect([INIT_WAIT], INIT_WAIT)
    assert fragment.diagnostics == []
    assert edges(fragment) == {
        ("api", "postgres", "startup", "hard"),  # nslookup, pg_isready -h $(DB_HOST)
        ("api", "redis", "startup", "hard"),  # nc -z -w 2 redis 6379
        ("api", "auth", "startup", "hard"),  # wget in a multi-line script
        ("api", "dangling:rabbitmq", "startup", "hard"),  # waits for what is not there
        ("api", "postgres", "runtime", "hard"),  # env, the pod DNS of postgres-0 and -1
        ("api", "auth", "runtime", "hard"),
        ("schema-migrate", "postgres", "startup", "hard"),  # a Job's main container waits
        ("nightly-report", "api", "runtime", "hard"),  # a CronJob
    }


def test_wait_evidence_is_the_line_of_the_command() -> None:
    fragment = kubernetes.collect([INIT_WAIT], INIT_WAIT)
    assert evidence(fragment, "api", "postgres", "startup") == [
        (
            "app.yaml:16",
            "initContainer wait-for-db command: "
            "until nslookup postgres; do echo waiting for db; sleep 2; done",
        ),
        # a literal block: the line inside it; $(DB_HOST) expanded
        (
            "app.yaml:33",
            "initContainer migrate args: until pg_isready -h postgres-0.postgres-headless "
            "-p 5432; do",
        ),
    ]
    assert evidence(fragment, "api", "auth", "startup") == [
        ("app.yaml:36", "initContainer migrate args: wget -qO- http://auth:8080/healthz")
    ]
    assert evidence(fragment, "api", "redis", "startup") == [
        (
            "app.yaml:21",
            "initContainer wait-for-cache args: until nc -z -w 2 redis 6379; do sleep 1; done",
        )
    ]
    assert evidence(fragment, "api", "postgres", "runtime") == [
        ("app.yaml:29", "env DB_HOST=postgres-0.postgres-headless"),
        ("app.yaml:43", "env DATABASE_URL=postgres://api:***@postgres:5432/api"),
        (
            "app.yaml:45",
            "env REPLICA_URL="
            "postgres://postgres-1.postgres-headless.default.svc.cluster.local:5432/api",
        ),
    ]
    assert evidence(fragment, "nightly-report", "api", "runtime") == [
        ("app.yaml:171", "env REPORT_API=http://api:8080/reports")
    ]


@pytest.mark.parametrize(
    "script",
    [
        "until nslookup db; do sleep 2; done",
        "until getent hosts db; do sleep 1; done",
        "until pg_isready -h db -p 5432 -U postgres; do sleep 1; done",
        "nc -z -w 2 db 5432",
        "until nc -zv db 5432; do sleep 1; done",
        "until redis-cli -h db ping; do sleep 1; done",
        "mysqladmin ping --host=db --silent",
        "wget -qO- http://db:8080/health",
        "curl -sf db:8080/healthz",
        "until curl -fsS http://db.default.svc.cluster.local/ready; do sleep 3; done",
        "timeout 60 sh -c 'until echo > /dev/tcp/db/5432; do sleep 1; done'",
        "wait-for-it db:5432 -t 60",
        "/usr/local/bin/wait-for-it -h db -p 5432",
        "host -t A db",
        "dig +short @10.96.0.10 db.default.svc.cluster.local",
        "ping -c 1 db",
        "until nslookup $DB; do sleep 1; done",
        "until nslookup ${DB}; do sleep 1; done",
        "until nslookup ${MISSING:-db}; do sleep 1; done",
        "until nslookup $(DB); do sleep 1; done",
    ],
)
def test_wait_loops_are_startup_edges(tmp_path: Path, script: str) -> None:
    init = [
        {
            "name": "wait",
            "image": "busybox",
            "command": ["sh", "-c", script],
            "env": [{"name": "DB", "value": "db"}],
        }
    ]
    fragment = scan(tmp_path, workload("app", init=init), workload("db"), service("db"))
    assert fragment.diagnostics == []
    # the init container's own DB=db is no edge: DB is not an address-like name
    assert edges(fragment) == {("app", "db", "startup", "hard")}


@pytest.mark.parametrize(
    "script",
    [
        "echo hello; sleep 5",
        "df -h /",
        "psql -U db -c 'select 1'",  # a user name, not the host
        "echo $UNKNOWN",
        "getent hosts",
    ],
)
def test_scripts_that_name_no_host(tmp_path: Path, script: str) -> None:
    init = [{"name": "i", "image": "busybox", "command": ["sh", "-c", script]}]
    fragment = scan(tmp_path, workload("app", init=init), workload("db"), service("db"))
    assert fragment.edges == []


def test_main_container_arguments(tmp_path: Path) -> None:
    container = {
        "name": "main",
        "image": "example.org/app:1",
        "command": ["/app", "--db-url=postgres://db/app"],
        "args": ["--cache-host", "cache", "--otlp-endpoint", "collector:4317", "--name", "api"],
    }
    fragment = scan(
        tmp_path,
        workload("app", containers=[container]),
        *(workload(name) for name in ("db", "cache", "collector", "api")),
        *(service(name) for name in ("db", "cache", "collector", "api")),
    )
    assert edges(fragment) == {
        ("app", "db", "runtime", "hard"),
        ("app", "cache", "runtime", "hard"),  # a bare name given to a --*-host flag
        ("app", "collector", "telemetry", "soft"),  # classified by the flag name
    }


def test_a_wait_in_the_main_container_is_a_startup_edge(tmp_path: Path) -> None:
    container = {
        "name": "main",
        "image": "example.org/app:1",
        "command": ["sh", "-c"],
        "args": [
            "while ! (echo > /dev/tcp/queue/5672) 2>/dev/null; do sleep 1; done\n"
            "exec app --db=postgres://admin:hunter2@db/app"
        ],
    }
    fragment = scan(
        tmp_path,
        workload("app", containers=[container]),
        *(workload(n) for n in ("queue", "db")),
        *(service(n) for n in ("queue", "db")),
    )
    assert edges(fragment) == {
        ("app", "queue", "startup", "hard"),
        ("app", "db", "runtime", "hard"),
    }
    (text,) = [t for _, t in evidence(fragment, "app", "db", "runtime")]
    assert text == "container main args: exec app --db=postgres://admin:***@db/app"


# ---------------------------------------------------------------- (4) the collector


def test_the_collector_edges_are_telemetry_and_soft() -> None:
    fragment = kubernetes.collect([COLLECTOR], COLLECTOR)
    assert fragment.diagnostics == []
    collector = "opentelemetry-collector"
    assert edges(fragment) == {
        # every service exports to the collector (the Service otel-collector)
        *{(s, collector, "telemetry", "soft") for s in ("frontend", "checkout", "payments")},
        ("cart", collector, "telemetry", "soft"),  # --otlp-endpoint=otel-collector:4317
        # the collector probes, scrapes and exports: observation, not dependencies
        *{(collector, s, "telemetry", "soft") for s in ("checkout", "payments", "cart")},
        (collector, "frontend", "telemetry", "soft"),  # PROBE_URL in its env
        (collector, "jaeger", "telemetry", "soft"),
        # the real calls stay runtime and hard
        ("frontend", "checkout", "runtime", "hard"),
        ("checkout", "payments", "runtime", "hard"),
        ("checkout", "cart", "runtime", "hard"),
    }


def test_the_collector_config_lines_are_exact() -> None:
    fragment = kubernetes.collect([COLLECTOR], COLLECTOR)
    volume = ("observability.yaml:67", "volume config ConfigMap otel-collector-config")
    assert evidence(fragment, "opentelemetry-collector", "checkout", "telemetry") == [
        volume,
        (
            "observability.yaml:17",
            "ConfigMap otel-collector-config config.yaml: - endpoint: http://checkout:8080/healthz",
        ),
    ]
    assert evidence(fragment, "opentelemetry-collector", "cart", "telemetry") == [
        volume,
        (
            "observability.yaml:25",
            "ConfigMap otel-collector-config config.yaml: - targets: ['cart:9464']",
        ),
    ]
    assert evidence(fragment, "opentelemetry-collector", "jaeger", "telemetry") == [
        volume,
        (
            "observability.yaml:28",
            "ConfigMap otel-collector-config config.yaml: endpoint: jaeger-collector:4317",
        ),
    ]
    assert evidence(fragment, "cart", "opentelemetry-collector", "telemetry") == [
        ("apps.yaml:81", "container cart args: --otlp-endpoint=otel-collector:4317")
    ]
    # a commented-out endpoint is no reference, dangling or not
    assert not [n for n in fragment.nodes if n.kind == "dangling"]
    _, summary = kubernetes.collect_with_summary([COLLECTOR], COLLECTOR)
    assert summary.field_refs == 1  # K8S_NODE_NAME


# ---------------------------------------------------------------- (5) rendered output on stdin


RENDERED_EDGES = {
    ("release-name-shop-web", "release-name-shop-api", "runtime", "hard"),
    ("release-name-shop-api", "release-name-redis-master", "runtime", "hard"),
    ("release-name-shop-test-connection", "release-name-shop-web", "startup", "hard"),
}


def test_rendered_helm_output_is_read_from_stdin(tmp_path: Path) -> None:
    stream = io.BytesIO(RENDERED.read_bytes())
    fragment, summary = kubernetes.collect_with_summary([Path("-")], tmp_path, stdin=stream)
    assert fragment.diagnostics == []
    assert fragment.files == ["<stdin>"]
    assert edges(fragment) == RENDERED_EDGES
    assert evidence(fragment, "release-name-shop-web", "release-name-shop-api", "runtime") == [
        ("<stdin>:90", "envFrom ConfigMap release-name-shop-web"),
        (
            "<stdin>:17",
            "envFrom ConfigMap release-name-shop-web API_URL=http://release-name-shop-api:8080",
        ),
    ]
    assert evidence(fragment, "release-name-shop-api", "release-name-redis-master", "runtime") == [
        ("<stdin>:70", "env REDIS_HOST=release-name-redis-master")
    ]
    nodes = {n.name: n for n in fragment.nodes}
    declared = nodes["release-name-shop-api"].declared_in
    assert declared is not None
    assert declared.location() == "<stdin>:55"
    assert declared.text == (
        "Deployment release-name-shop-api (# Source: shop/templates/deployment-api.yaml)"
    )
    # ten documents, one of them empty (a disabled template); a ServiceAccount skipped
    assert summary.documents == 10
    assert summary.skipped_kinds == {"ServiceAccount": 1}


def test_dash_reads_the_process_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = SimpleNamespace(buffer=io.BytesIO(RENDERED.read_bytes()))
    monkeypatch.setattr(sys, "stdin", fake)
    # the pipeline joins paths onto the root: root/- means stdin too
    fragment = kubernetes.collect([tmp_path / "-"], tmp_path)
    assert edges(fragment) == RENDERED_EDGES


def test_stdin_that_is_not_text(tmp_path: Path) -> None:
    fragment = kubernetes.collect([Path("-")], tmp_path, stdin=io.BytesIO(b"kind: \xff\n"))
    assert messages(fragment) == ["<stdin>:1: not UTF-8 text (byte 0xff)"]
    fragment = kubernetes.collect([Path("-")], tmp_path, stdin=io.BytesIO(b"a: 1\n\x00"))
    assert messages(fragment) == ["<stdin>:2: contains a NUL byte: not a text file"]


# ---------------------------------------------------------------- (6) kind: List


def test_a_kind_list_is_unpacked() -> None:
    fragment, summary = kubernetes.collect_with_summary([LIST], LIST)
    assert fragment.diagnostics == []
    assert edges(fragment) == {
        ("web", "api", "runtime", "hard"),  # api.prod
        ("api", "postgres", "runtime", "hard"),  # db, an ExternalName for postgres.data
        ("api", "dangling:search.data.svc", "runtime", "hard"),
    }
    assert evidence(fragment, "api", "postgres", "runtime") == [
        ("cluster-dump.yaml:37", "envFrom ConfigMap api-env"),
        ("cluster-dump.yaml:57", "envFrom ConfigMap api-env DB_HOST=db"),
    ]
    assert evidence(fragment, "web", "api", "runtime") == [
        ("cluster-dump.yaml:22", "env API_URL=http://api.prod:8080")
    ]
    nodes = {n.name: n for n in fragment.nodes}
    assert nodes["postgres"].declared_in is not None
    assert nodes["postgres"].declared_in.location() == "cluster-dump.yaml:62"
    assert summary.objects == {
        "ConfigMap": 1,
        "Deployment": 2,
        "Ingress": 1,
        "Service": 3,
        "StatefulSet": 1,
    }
    assert summary.skipped_kinds == {}


# ---------------------------------------------------------------- names and DNS


def dns_cluster() -> list[dict[str, Any]]:
    """Namespace a: api (Service) -> api-server, db-headless -> StatefulSet db.
    Namespace b: api -> b-api (the same labels as a's), workers -> a Pod w1."""
    return [
        workload("api-server", namespace="a", labels={"app": "api"}),
        service("api", {"app": "api"}, "a"),
        workload("db", kind="StatefulSet", namespace="a", spec={"serviceName": "db-headless"}),
        service("db-headless", {"app": "db"}, "a", clusterIP="None"),
        workload("b-api", namespace="b", labels={"app": "api"}),
        service("api", {"app": "api"}, "b"),
        workload(
            "worker", kind="Pod", namespace="b", pod={"hostname": "w1", "subdomain": "workers"}
        ),
        service("workers", {"app": "worker"}, "b", clusterIP="None"),
    ]


@pytest.mark.parametrize(
    ("host", "target"),
    [
        ("api", "api-server"),  # the caller's namespace only: never b-api
        ("api.a", "api-server"),
        ("api.a.svc", "api-server"),
        ("api.a.svc.cluster.local", "api-server"),
        ("API.A.SVC.CLUSTER.LOCAL.", "api-server"),
        ("api.b", "b-api"),
        ("api.b.svc.cluster.local", "b-api"),
        ("db-headless", "db"),  # a headless Service
        ("db-0.db-headless", "db"),  # StatefulSet pod DNS
        ("db-1.db-headless.a", "db"),
        ("db-2.db-headless.a.svc.cluster.local", "db"),
        ("w1.workers.b", "worker"),  # a pod's hostname and subdomain
        ("w1.workers.b.svc.cluster.local", "worker"),
        ("workers", "dangling:workers"),  # b's Service is not visible as a short name
        ("nothing.a.svc.cluster.local", "dangling:nothing.a.svc.cluster.local"),
        ("nothing.b", "dangling:nothing.b"),  # b is a namespace of the input
        ("nothing.elsewhere", None),
        ("api.example.com", None),
        ("api.a.svc.corp.example", None),  # a custom cluster domain is not recognised
        ("10.0.0.1", None),
    ],
)
def test_dns_names_resolve_through_services(tmp_path: Path, host: str, target: str | None) -> None:
    caller = workload("caller", namespace="a", env={"TARGET_ADDR": f"{host}:80"})
    fragment = scan(tmp_path, caller, *dns_cluster())
    assert fragment.diagnostics == []
    expected = set() if target is None else {("caller", target, "runtime", "hard")}
    assert edges(fragment) == expected


def test_a_selector_needs_every_pair_and_the_same_namespace(tmp_path: Path) -> None:
    fragment = scan(
        tmp_path,
        workload("caller", env={"API_URL": "http://api"}),
        workload("stable", labels={"app": "api", "track": "stable"}),
        workload("canary", labels={"app": "api", "track": "canary"}),
        workload("other", labels={"app": "api", "track": "stable"}, namespace="other"),
        service("api", {"app": "api", "track": "stable"}),
    )
    assert edges(fragment) == {("caller", "stable", "runtime", "hard")}
    fragment = scan(
        tmp_path,
        workload("caller", env={"API_URL": "http://all"}),
        workload("stable", labels={"app": "api", "track": "stable"}),
        workload("canary", labels={"app": "api", "track": "canary"}),
        service("all", {"app": "api"}),
    )
    # the versions behind one Service are one node, named as callers address them
    assert edges(fragment) == runtime("caller", "all")
    (node,) = [n for n in fragment.nodes if n.name == "all"]
    assert ("kubernetes.workloads", "canary,stable") in node.labels


def test_services_that_stand_for_no_workload(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        workload("caller", env={"A_URL": "http://manual", "B_URL": "http://nobody"}),
        service("manual", {}),  # no selector: endpoints managed by hand
        service("nobody", {"app": "gone"}),
        service("outside", type="ExternalName", externalName="db.example.com"),
        workload("other", env={"ME": "http://outside", "LOOP": "http://loop"}),
        service("loop", type="ExternalName", externalName="loop.default.svc"),
    )
    fragment, summary = kubernetes.collect_with_summary([path], tmp_path)
    assert fragment.diagnostics == []
    assert fragment.edges == []  # every name is a Service of the input: none dangles
    assert summary.unbacked_services == ["default/manual", "default/nobody"]


def _write(tmp_path: Path, *docs: dict[str, Any]) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(manifest(*docs), encoding="utf-8")
    return path


def test_names_clashing_in_one_namespace_name_the_kind(tmp_path: Path) -> None:
    fragment = scan(
        tmp_path,
        workload("db", kind="StatefulSet", labels={"app": "db"}),
        workload("db", kind="Deployment", labels={"app": "db-tools"}),
        workload("db", namespace="other"),
        workload("web", env={"DB_HOST": "db"}),
        service("db", {"app": "db"}),
    )
    assert sorted(n.name for n in fragment.nodes) == [
        "default/deployment/db",
        "default/statefulset/db",
        "other/db",
        "web",
    ]
    assert edges(fragment) == {("web", "default/statefulset/db", "runtime", "hard")}


def test_the_last_definition_wins(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        workload("web", env={"API_URL": "http://old"}),
        workload("web", env={"API_URL": "http://new"}),
        *(workload(n) for n in ("old", "new")),
        *(service(n) for n in ("old", "new")),
    )
    fragment, summary = kubernetes.collect_with_summary([path], tmp_path)
    assert edges(fragment) == {("web", "new", "runtime", "hard")}
    assert summary.duplicates == ["Deployment default/web"]
    assert [n.name for n in fragment.nodes].count("web") == 1


# ---------------------------------------------------------------- variables


def test_variables_expand_as_the_kubelet_expands_them(tmp_path: Path) -> None:
    env = [
        {"name": "API_URL", "value": "http://$(API_HOST):80"},  # defined later: not expanded
        {"name": "API_HOST", "value": "api"},
        {"name": "DB_URL", "value": "postgres://$(DB_HOST):5432/x"},  # from envFrom
        {"name": "LITERAL", "value": "http://$$(API_HOST)"},  # $$ escapes
        {"name": "ORDERS_URL", "value": "http://$(ORDERS_HOST)/v1"},
    ]
    container = {
        "name": "main",
        "image": "x",
        "env": env,
        "envFrom": [{"configMapRef": {"name": "hosts"}}],
    }
    fragment = scan(
        tmp_path,
        workload("app", containers=[container]),
        config_map("hosts", {"DB_HOST": "db", "ORDERS_HOST": "orders:8080"}),
        *(workload(n) for n in ("api", "db", "orders")),
        *(service(n) for n in ("api", "db", "orders")),
    )
    assert edges(fragment) == runtime("app", "api", "db", "orders")
    texts = {ev.text for e in fragment.edges for ev in e.evidence}
    assert "env API_HOST=api" in texts
    assert "env DB_URL=postgres://$(DB_HOST):5432/x (= postgres://db:5432/x)" in texts


def test_env_beats_env_from_and_a_secret_hides_a_value(tmp_path: Path) -> None:
    container = {
        "name": "main",
        "image": "x",
        "envFrom": [
            {"configMapRef": {"name": "first"}},
            {"configMapRef": {"name": "second"}, "prefix": "NEW_"},
            {"secretRef": {"name": "credentials"}},
        ],
        "env": [
            {"name": "CACHE_URL", "value": "redis://cache-b"},
            {"name": "QUEUE_URL", "valueFrom": {"secretKeyRef": {"name": "s", "key": "q"}}},
            {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
        ],
    }
    path = _write(
        tmp_path,
        workload("app", containers=[container]),
        config_map("first", {"CACHE_URL": "redis://cache-a", "QUEUE_URL": "amqp://queue"}),
        config_map("second", {"SEARCH_URL": "http://search"}),
        *(workload(n) for n in ("cache-a", "cache-b", "queue", "search")),
        *(service(n) for n in ("cache-a", "cache-b", "queue", "search")),
    )
    fragment, summary = kubernetes.collect_with_summary([path], tmp_path)
    assert edges(fragment) == runtime("app", "cache-b", "search")
    assert evidence(fragment, "app", "search", "runtime")[1][1] == (
        "envFrom ConfigMap second NEW_SEARCH_URL=http://search"
    )
    assert (summary.secret_refs, summary.field_refs) == (2, 1)


@pytest.mark.parametrize(
    ("key", "value", "dangling"),
    [
        ("CART_ADDR", "cartservice:7070", "cartservice"),
        ("DB_HOST", "accounts-db", "accounts-db"),
        ("PGHOST", "pg", "pg"),
        ("SOMETHING", "search.data.svc.cluster.local:9200", "search.data.svc.cluster.local"),
        ("SOMETHING", "search.data:9200", "search.data"),  # data: a namespace of the input
        ("SOMETHING", "search.other:9200", None),
        ("SOMETHING", "cartservice:7070", None),  # not an address-like name
        ("CACHE_BACKEND", "redis", None),  # a choice of cache, not a host
        ("PAYMENT_URL", "https://api.stripe.com/v1", None),
        ("UPSTREAM", "10.0.0.7:80", None),
        ("DB_HOST", "localhost", None),
        ("API_URL", "http://localhost:8080", None),
        ("DB_HOST", "db.abc123.eu-west-1.rds.amazonaws.com", None),
    ],
)
def test_dangling_references(tmp_path: Path, key: str, value: str, dangling: str | None) -> None:
    fragment = scan(tmp_path, workload("app", env={key: value}), config_map("settings", {}, "data"))
    assert fragment.diagnostics == []
    expected = set() if dangling is None else {("app", f"dangling:{dangling}", "runtime", "hard")}
    assert edges(fragment) == expected
    assert [n.id for n in fragment.nodes if n.kind == "dangling"] == (
        [] if dangling is None else [f"dangling:{dangling}"]
    )


def test_telemetry_variables_are_soft(tmp_path: Path) -> None:
    fragment = scan(
        tmp_path,
        workload("app", env={"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://otel:4318/v1/traces"}),
        workload("otel"),
        service("otel"),
    )
    assert edges(fragment) == {("app", "otel", "telemetry", "soft")}


def test_mounted_config_maps_honour_items(tmp_path: Path) -> None:
    volumes = [
        {
            "name": "conf",
            "configMap": {"name": "nginx", "items": [{"key": "default.conf", "path": "d"}]},
        },
        {"name": "all", "projected": {"sources": [{"configMap": {"name": "extra"}}]}},
    ]
    fragment, summary = kubernetes.collect_with_summary(
        [
            _write(
                tmp_path,
                workload("proxy", pod={"volumes": volumes}),
                config_map(
                    "nginx",
                    {
                        "default.conf": "location / {\n  proxy_pass http://web:8080;\n}\n",
                        "unused.conf": "proxy_pass http://unused:8080;",
                    },
                ),
                config_map("extra", {"app.ini": "[db]\nhost = db\n; host = old-db\n"}),
                *(workload(n) for n in ("web", "unused", "db")),
                *(service(n) for n in ("web", "unused", "db")),
            )
        ],
        tmp_path,
    )
    assert edges(fragment) == runtime("proxy", "web", "db")
    assert summary.missing_config_maps == []


def test_missing_config_maps_are_listed_not_errors(tmp_path: Path) -> None:
    container = {
        "name": "main",
        "image": "x",
        "envFrom": [{"configMapRef": {"name": "absent"}}],
        "env": [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "present", "key": "b"}}}],
    }
    path = _write(
        tmp_path,
        workload(
            "app",
            containers=[container],
            pod={"volumes": [{"name": "v", "configMap": {"name": "gone"}}]},
        ),
        config_map("present", {"a": "1"}),
    )
    fragment, summary = kubernetes.collect_with_summary([path], tmp_path)
    assert fragment.diagnostics == []
    assert summary.missing_config_maps == ["default/absent", "default/gone", "default/present[b]"]


def test_long_lines_are_scanned_in_part(tmp_path: Path) -> None:
    value = "x" * 5000 + " http://api:80"
    path = _write(
        tmp_path,
        workload("app", env={"LONG_URL": "http://api:80 " + "y" * 5000, "TAIL_URL": value}),
        workload("api"),
        service("api"),
    )
    fragment, summary = kubernetes.collect_with_summary([path], tmp_path)
    assert edges(fragment) == {("app", "api", "runtime", "hard")}
    assert summary.truncated_lines == 2
    (text,) = [t for _, t in evidence(fragment, "app", "api", "runtime")]
    assert len(text) < 200


# ---------------------------------------------------------------- bad input


DEPLOYMENT = """\
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
        - name: c
          env:
            - {name: A, value: a}
            - {name: B, value: b}
            - name: PORT
              value: 8080
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: [x\n", "m.yaml:1: YAML syntax error"),
        ("- a\n- b\n", "m.yaml:1: expected a Kubernetes object (a mapping), got a list"),
        ("just text\n", "m.yaml:1: expected a Kubernetes object (a mapping), got 'just text'"),
        ("metadata: {name: x}\n", "m.yaml:1: kind: missing required key"),
        ("kind: 3\n", "m.yaml:1: kind: expected a string, got 3"),
        ("kind: Deployment\n", "m.yaml:1: metadata: missing required key"),
        ("kind: Service\nmetadata: [x]\n", "m.yaml:2: metadata: expected a mapping, got a list"),
        (
            "kind: Service\nmetadata: {namespace: x}\n",
            "m.yaml:2: metadata.name: missing required key",
        ),
        (
            "kind: Service\nmetadata: {name: 5}\n",
            "m.yaml:2: metadata.name: expected a string, got 5",
        ),
        (
            "kind: Service\nmetadata:\n  name: s\n  labels: {version: 2}\n",
            "m.yaml:4: metadata.labels.version: expected a string, got 2",
        ),
        (
            "kind: Service\nmetadata: {name: s}\nspec:\n  selector: [app]\n",
            "m.yaml:4: spec.selector: expected a mapping, got a list",
        ),
        (
            "kind: ConfigMap\nmetadata: {name: c}\ndata:\n  PORT: 8080\n",
            "m.yaml:4: data.PORT: expected a string, got 8080",
        ),
        (
            "kind: Deployment\nmetadata: {name: d}\nspec: {}\n",
            "m.yaml:3: spec.template: missing required key",
        ),
        (
            "kind: Deployment\nmetadata: {name: d}\n"
            "spec: {template: {spec: {containers: {a: 1}}}}\n",
            "m.yaml:3: spec.template.spec.containers: expected a list, got a mapping",
        ),
        (
            "kind: Pod\nmetadata: {name: p}\nspec: {}\n",
            "m.yaml:3: spec.containers: missing required key",
        ),
        (
            "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - image: x\n",
            "m.yaml:5: spec.containers[0].name: missing required key",
        ),
        (
            DEPLOYMENT,
            "m.yaml:12: spec.template.spec.containers[0].env[2].value: expected a string, got 8080",
        ),
        (
            "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      env:\n"
            "        - name: A\n          valueFrom: {configMapKeyRef: {name: m}}\n",
            "m.yaml:8: spec.containers[0].env[0].valueFrom.configMapKeyRef.key: "
            "missing required key",
        ),
        ("kind: List\nitems: 3\n", "m.yaml:2: items: expected a list, got 3"),
        (
            "kind: List\nitems:\n  - metadata: {name: x}\n",
            "m.yaml:3: items[0].kind: missing required key",
        ),
        ("kind: Service\nkind: Pod\n", "m.yaml:2: duplicate key 'kind' (first at line 1)"),
        ("a: &a [*a]\n", "m.yaml:1: an alias refers to the node that holds it"),
        ("kind: !!python/object:os.system {}\n", "m.yaml:1: unsupported YAML tag"),
        (b"kind: Service\nmetadata: {name: \xff}\n", "m.yaml:2: not UTF-8 text (byte 0xff)"),
        (b"kind: Service\n\x00\n", "m.yaml:2: contains a NUL byte: not a text file"),
    ],
)
def test_bad_input_is_a_diagnostic_never_an_exception(
    tmp_path: Path, text: str | bytes, message: str
) -> None:
    path = tmp_path / "m.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    fragment = kubernetes.collect([path], tmp_path)
    assert len(fragment.diagnostics) == 1, messages(fragment)
    assert messages(fragment)[0].startswith(message)


def test_an_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 8):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    path = tmp_path / "m.yaml"
    path.write_text("kind: Service\n" + "\n".join(lines) + "\n", encoding="utf-8")
    fragment = kubernetes.collect([path], tmp_path)
    assert messages(fragment) == [
        "m.yaml:1: aliases expand to more than 1,000,000 nodes (alias bomb?)"
    ]


def test_a_broken_document_does_not_hide_the_others(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "m.yaml",
        """
        kind: Service
        metadata: {name: api}
        spec: {selector: {app: api}}
        ---
        kind: Service
        metadata: {name: [unclosed
        ---
        - not an object
        ---
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
                - name: web
                  env:
                    - {name: API_URL, value: "http://api:80"}
        ---
        kind: Deployment
        metadata: {name: api-server}
        spec: {template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c}]}}}
        """,
    )
    fragment = kubernetes.collect([tmp_path / "m.yaml"], tmp_path)
    assert [d.line for d in fragment.diagnostics] == [6, 8]
    assert messages(fragment)[1] == (
        "m.yaml:8: expected a Kubernetes object (a mapping), got a list"
    )
    assert edges(fragment) == {("web", "api-server", "runtime", "hard")}
    assert evidence(fragment, "web", "api-server", "runtime") == [
        ("m.yaml:18", "env API_URL=http://api:80")
    ]


def test_windows_line_endings_keep_lines_exact(tmp_path: Path) -> None:
    text = manifest(workload("web", env={"API_URL": "http://api"}), workload("api"), service("api"))
    (tmp_path / "m.yaml").write_bytes(text.replace("\n", "\r\n").encode())
    fragment = kubernetes.collect([tmp_path / "m.yaml"], tmp_path)
    lines = text.split("\n")
    ((location, _),) = evidence(fragment, "web", "api", "runtime")
    line = int(location.rpartition(":")[2])
    assert '"value": "http://api"' in lines[line - 1]


def test_yaml_directives_stay_with_their_document(tmp_path: Path) -> None:
    text = (
        "%YAML 1.1\n# comment\n---\n"
        + json.dumps(service("api"))
        + "\n...\n%YAML 1.1\n---\n"
        + json.dumps(workload("api"))
        + "\n---\n"
        + json.dumps(workload("web", env={"API_URL": "http://api"}))
        + "\n"
    )
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    fragment = kubernetes.collect([tmp_path / "m.yaml"], tmp_path)
    assert fragment.diagnostics == []
    assert edges(fragment) == {("web", "api", "runtime", "hard")}
    assert evidence(fragment, "web", "api", "runtime")[0][0] == "m.yaml:10"


def test_a_missing_path_is_a_diagnostic(tmp_path: Path) -> None:
    fragment = kubernetes.collect([tmp_path / "absent.yaml"], tmp_path)
    assert messages(fragment) == ["absent.yaml:0: cannot read: No such file or directory"]


# ---------------------------------------------------------------- files


def test_helm_charts_and_kustomizations_are_skipped(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "k8s/app.yaml",
        manifest(workload("web", env={"API_URL": "http://api"}), workload("api"), service("api")),
    )
    write("k8s/kustomization.yaml", "resources: [app.yaml]\n")
    write("k8s/chart/Chart.yaml", "apiVersion: v2\nname: shop\n")
    write("k8s/chart/values.yaml", "replicas: 2\n")
    write("k8s/chart/templates/deploy.yaml", "replicas: {{ .Values.replicas }}\n")
    fragment, summary = kubernetes.collect_with_summary([tmp_path / "k8s"], tmp_path)
    assert fragment.diagnostics == []
    assert fragment.files == ["k8s/app.yaml"]
    assert edges(fragment) == {("web", "api", "runtime", "hard")}
    assert summary.helm_charts == ["k8s/chart"]
    assert summary.skipped_kinds == {"Kustomization": 1}


def test_excluded_files_are_not_read(tmp_path: Path, write: Callable[[str, str], Path]) -> None:
    write("k8s/app.yaml", manifest(workload("web", env={"API_URL": "http://api"})))
    write("k8s/api.yaml", manifest(workload("api"), service("api")))
    write("k8s/notes.txt", "not yaml\n")
    fragment = kubernetes.collect([tmp_path / "k8s"], tmp_path, exclude=("k8s/api.yaml",))
    assert fragment.files == ["k8s/app.yaml"]
    # api.yaml was not read: the address names nothing of the input
    assert edges(fragment) == {("web", "dangling:api", "runtime", "hard")}


def test_discover_finds_manifests_by_content_in_any_folder(tmp_path: Path) -> None:
    assert discovery.paths("kubernetes", tmp_path) == []
    manifest = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
    for name in (
        "kubernetes-manifests/a.yaml",
        "deploy/kubernetes/b.yml",
        "platform/kube/c.json",
        "app.yaml",
        ".hidden/d.yaml",
        "node_modules/e.yaml",
        "vendor/f.yaml",
        "venv/lib/site-packages/pkg/h.yaml",
        "env/pyvenv-test/i.yaml",
        "charts/shop/templates/g.yaml",
        "k8s/kustomization.yaml",
        "k8s/patch.yaml",
        "notes/config.yaml",
        "catalog/catalog-info.yaml",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(manifest)
    (tmp_path / "platform/kube/c.json").write_text('{"apiVersion": "v1", "kind": "Service"}')
    (tmp_path / "notes/config.yaml").write_text("kind: notes\nversion: 1\n")  # no apiVersion
    (tmp_path / "catalog/catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
    )
    (tmp_path / "charts/shop/Chart.yaml").write_text("apiVersion: v2\nname: shop\n")
    (tmp_path / "env/pyvenv.cfg").write_text("home = /usr/bin\n")  # a virtual environment
    (tmp_path / "k8s/kustomization.yaml").write_text(
        "resources: [../app.yaml]\npatches: [{path: patch.yaml}]\n"
    )
    found = discovery.discover("kubernetes", tmp_path)
    assert found.groups == [
        [
            tmp_path / "app.yaml",
            tmp_path / "deploy/kubernetes/b.yml",
            tmp_path / "kubernetes-manifests/a.yaml",
            tmp_path / "platform/kube/c.json",
        ]
    ]
    assert [(d.file, d.message.split(":")[0]) for d in found.notes] == [
        ("charts/shop/Chart.yaml", "a Helm chart"),
        ("k8s/kustomization.yaml", "not applied"),
    ]
    assert "helm template charts/shop | depguard check --kubernetes -" in found.notes[0].message
    assert "patches patch.yaml" in found.notes[1].message


def test_collect_takes_the_pipelines_arguments() -> None:
    with_options = kubernetes.collect([SHOP], SHOP, (), None)
    assert edges(with_options) == edges(kubernetes.collect([SHOP], SHOP))
    assert edges(with_options) == edges(kubernetes.collect_with_summary([SHOP], SHOP)[0])
    assert kubernetes.SOURCE == "kubernetes"


@pytest.mark.slow
def test_a_50_megabyte_stream_completes(tmp_path: Path) -> None:
    block = """\
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-{i}
  namespace: ns-{ns}
spec:
  template:
    metadata:
      labels: {{app: svc-{i}}}
    spec:
      containers:
        - name: main
          image: example.org/svc:{i}
          env:
            - name: NEXT_ADDR
              value: "svc-{next}:8080"
            - name: DATABASE_URL
              value: "postgres://app:pw@db.ns-{ns}.svc.cluster.local:5432/app"
            - name: OTEL_EXPORTER_OTLP_ENDPOINT
              value: "http://otel-collector.observability:4317"
---
apiVersion: v1
kind: Service
metadata: {{name: svc-{i}, namespace: ns-{ns}}}
spec:
  selector: {{app: svc-{i}}}
"""
    path = tmp_path / "big.yaml"
    count = 0
    with path.open("w", encoding="utf-8") as out:
        size = 0
        while size < 50_000_000:
            text = block.format(i=count, next=count + 1, ns=count // 1000)
            out.write(text)
            size += len(text)
            count += 1
    fragment, summary = kubernetes.collect_with_summary([path], tmp_path)
    assert fragment.diagnostics == []
    assert summary.objects == {"Deployment": count, "Service": count}
    # svc-i calls svc-(i+1) by its short name: a miss where i+1 is in the next namespace
    missing = {i + 1 for i in range(count) if (i + 1) // 1000 != i // 1000 or i + 1 == count}
    calls = [e for e in fragment.edges if e.target.startswith("service:")]
    assert len(calls) == count - len(missing)
    namespaces = range(count // 1000 + 1)
    assert {e.target for e in fragment.edges if e.target.startswith("dangling:")} == {
        f"dangling:svc-{n}" for n in missing
    } | {f"dangling:db.ns-{ns}.svc.cluster.local" for ns in namespaces}


def test_the_commands_a_note_suggests_quote_the_repositorys_names(tmp_path: Path) -> None:
    """A folder named by the analysed repository is an argument, never shell code."""
    chart = tmp_path / "charts" / "x;$(touch pwned)"
    chart.mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: x\n")
    (notes,) = [discovery.discover("kubernetes", tmp_path).notes]
    assert "helm template 'charts/x;$(touch pwned)' | depguard check" in notes[0].message
