from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO

from depguard import config
from depguard.model import Fragment, Node
from depguard.sources import backstage, discovery
from depguard.sources.backstage import EntityRef, parse_ref

PAYMENTS = REPO / "tests" / "fixtures" / "backstage" / "payments"

EdgeRow = tuple[str, str, str]


def short(node: str) -> str:
    return node.removeprefix("service:")


def edges(fragment: Fragment) -> set[EdgeRow]:
    return {(short(e.source), short(e.target), e.kind) for e in fragment.edges}


def evidence(fragment: Fragment, source: str, target: str) -> list[tuple[str, str]]:
    """(file:line, text) of every evidence item of one edge."""
    (edge,) = [e for e in fragment.edges if (short(e.source), short(e.target)) == (source, target)]
    return [(ev.location(), ev.text) for ev in edge.evidence]


def node(fragment: Fragment, id_: str) -> Node:
    (found,) = [n for n in fragment.nodes if n.id == id_]
    return found


def messages(fragment: Fragment) -> list[str]:
    return [str(d) for d in fragment.diagnostics]


def read(root: Path, *names: str) -> tuple[Fragment, backstage.BackstageSummary]:
    return backstage.collect_with_summary([root / n for n in names], root)


COMPONENT = """
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
spec:
  {spec}
"""


# ---------------------------------------------------------------- the payments catalog


def test_the_payments_catalog_gives_exactly_these_edges() -> None:
    fragment = backstage.collect([PAYMENTS], PAYMENTS)
    assert fragment.diagnostics == []
    assert edges(fragment) == {
        # dependsOn
        ("storefront", "checkout", "runtime"),
        ("checkout", "resource:orders-db", "runtime"),
        ("checkout", "fraud-check", "runtime"),
        ("fraud-check", "resource:orders-db", "runtime"),  # a bare name: the Resource
        ("payment-gateway", "resource:payments-queue", "runtime"),
        ("refund-worker", "resource:payments-queue", "runtime"),
        ("ledger", "resource:ledger-db", "runtime"),
        # consumesApis joined with providesApis
        ("checkout", "payment-gateway", "runtime"),
        ("refund-worker", "payment-gateway", "runtime"),
        ("payment-gateway", "ledger", "runtime"),
        ("refund-worker", "ledger", "runtime"),
        # dependencyOf on notifications: the reverse edge
        ("payment-gateway", "notifications", "runtime"),
    }
    assert {e.strength for e in fragment.edges} == {"hard"}
    assert {ev.source for e in fragment.edges for ev in e.evidence} == {"backstage"}


def test_the_payments_catalog_gives_components_and_resources_as_nodes() -> None:
    fragment = backstage.collect([PAYMENTS], PAYMENTS)
    assert sorted(n.id for n in fragment.nodes) == [
        "resource:ledger-db",
        "resource:orders-db",
        "resource:payments-queue",
        "service:checkout",
        "service:fraud-check",
        "service:ledger",
        "service:notifications",
        "service:payment-gateway",
        "service:refund-worker",
        "service:storefront",
    ]
    assert {n.layer for n in fragment.nodes} == {None}
    gateway = node(fragment, "service:payment-gateway")
    assert gateway.declared_in is not None
    assert (gateway.declared_in.location(), gateway.declared_in.text) == (
        "services/payments/catalog-info.yaml:4",
        "Component payment-gateway",
    )


def test_a_folder_means_its_catalog_info_files_at_any_depth() -> None:
    fragment = backstage.collect([PAYMENTS], PAYMENTS)
    assert fragment.files == [
        "catalog-info.yaml",
        "services/checkout/catalog-info.yaml",
        "services/ledger/catalog-info.yml",
        "services/notifications/catalog-info.yaml",
        "services/payments/catalog-info.yaml",
        "web/catalog-info.yaml",
    ]  # services/payments/openapi.yaml is not an entity file


def test_evidence_is_the_exact_list_item() -> None:
    fragment = backstage.collect([PAYMENTS], PAYMENTS)
    checkout = "services/checkout/catalog-info.yaml"
    assert evidence(fragment, "storefront", "checkout") == [
        ("web/catalog-info.yaml:15", "dependsOn component:checkout")
    ]
    assert evidence(fragment, "checkout", "resource:orders-db") == [
        (f"{checkout}:15", "dependsOn resource:orders-db")
    ]
    assert evidence(fragment, "fraud-check", "resource:orders-db") == [
        (f"{checkout}:39", "dependsOn orders-db")
    ]
    # the reverse edge is evidenced where dependencyOf is written
    assert evidence(fragment, "payment-gateway", "notifications") == [
        ("services/notifications/catalog-info.yaml:12", "dependencyOf component:payment-gateway")
    ]


def test_an_api_join_has_evidence_from_both_ends() -> None:
    fragment = backstage.collect([PAYMENTS], PAYMENTS)
    payments = "services/payments/catalog-info.yaml"
    assert evidence(fragment, "checkout", "payment-gateway") == [
        ("services/checkout/catalog-info.yaml:18", "consumesApis payments-api"),
        (f"{payments}:13", "providesApis payments-api"),
    ]
    assert evidence(fragment, "payment-gateway", "ledger") == [
        (f"{payments}:15", "consumesApis api:ledger-api"),
        ("services/ledger/catalog-info.yml:13", "providesApis ledger-api"),
    ]
    # a flow list: both items are on line 52
    assert evidence(fragment, "refund-worker", "ledger")[0] == (
        f"{payments}:52",
        "consumesApis ledger-api",
    )


def test_labels_come_from_metadata_and_spec() -> None:
    fragment = backstage.collect([PAYMENTS], PAYMENTS)
    assert dict(node(fragment, "service:checkout").labels) == {
        "tier": "core",
        "backstage.io/system": "payments",
        "backstage.io/owner": "payments-team",
        "backstage.io/lifecycle": "production",
        "backstage.io/type": "service",
        "backstage.io/tags": "java,pci",
    }
    storefront = node(fragment, "service:storefront")
    # group:default/web-team shown as Backstage shows it: default kind and namespace omitted
    assert storefront.label("backstage.io/owner") == "web-team"
    assert storefront.label("backstage.io/tags") == "customer-facing,web"
    assert storefront.label("backstage.io/system") == "shop"
    assert node(fragment, "service:fraud-check").label("backstage.io/owner") == "user:ada"
    assert dict(node(fragment, "resource:orders-db").labels) == {
        "backstage.io/system": "payments",
        "backstage.io/owner": "payments-team",
        "backstage.io/type": "database",
    }


def test_label_selectors_of_the_rules_pick_backstage_nodes() -> None:
    fragment = backstage.collect([PAYMENTS], PAYMENTS)

    def picked(selector: str) -> list[str]:
        return sorted(n.name for n in fragment.nodes if config.matches(selector, n, lambda _: None))

    assert picked("label:backstage.io/system=shop") == ["storefront"]
    assert picked("label:backstage.io/tags=*pci*") == ["checkout", "payment-gateway"]
    assert len(picked("label:backstage.io/system=payments")) == 9


def test_the_summary_counts_what_is_not_a_node() -> None:
    _, summary = backstage.collect_with_summary([PAYMENTS], PAYMENTS)
    assert summary.entities == {"Component": 7, "Resource": 3, "API": 3}
    assert summary.skipped == {"Location": 1, "Domain": 1, "System": 1, "Group": 1, "User": 1}
    assert [(ev.location(), ev.text) for ev in summary.unresolved_apis] == [
        ("services/payments/catalog-info.yaml:16", "consumesApis fx-rates-api")
    ]
    assert summary.ignored_refs == []


# ---------------------------------------------------------------- finding files


def test_discover_skips_hidden_folders_and_node_modules(tmp_path: Path) -> None:
    for name in (
        "catalog-info.yaml",
        "b/catalog-info.yml",
        "a/deep/er/catalog-info.yaml",
        ".github/catalog-info.yaml",
        "node_modules/lib/catalog-info.yaml",
        "a/other.yaml",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("kind: Group\nmetadata: {name: x}\n")
    assert discovery.paths("backstage", tmp_path) == [
        tmp_path / "a/deep/er/catalog-info.yaml",
        tmp_path / "b/catalog-info.yml",
        tmp_path / "catalog-info.yaml",
    ]


def test_excluded_paths_are_not_read_and_named_files_are_read_whatever_their_name(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write("a/catalog-info.yaml", COMPONENT.format(name="a", spec="dependsOn: [component:b]"))
    write("vendor/catalog-info.yaml", "{broken")
    write("entities.yaml", COMPONENT.format(name="b", spec="type: service"))
    fragment = backstage.collect(
        [tmp_path, tmp_path / "entities.yaml"], tmp_path, exclude=("vendor/**",)
    )
    assert fragment.diagnostics == []
    assert fragment.files == ["a/catalog-info.yaml", "entities.yaml"]
    assert edges(fragment) == {("a", "b", "runtime")}


# ---------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("text", "default_kind", "expected"),
    [
        ("orders-db", None, EntityRef(None, "default", "orders-db")),
        ("resource:orders-db", None, EntityRef("resource", "default", "orders-db")),
        ("Resource:shop/orders-db", None, EntityRef("resource", "shop", "orders-db")),
        ("shop/payments-api", "api", EntityRef("api", "shop", "payments-api")),
        ("payments-api", "API", EntityRef("api", "default", "payments-api")),
        # a slash before the colon: no kind, as in Backstage's parseEntityRef
        ("ns/a:b", "api", EntityRef("api", "ns", "a:b")),
    ],
)
def test_entity_references_parse_as_backstage_parses_them(
    text: str, default_kind: str | None, expected: EntityRef
) -> None:
    assert parse_ref(text, default_kind) == expected


@pytest.mark.parametrize("text", ["component:", ":x", "ns/", "/x", "component:/x"])
def test_malformed_references_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not an entity reference"):
        parse_ref(text)


def test_kinds_and_names_are_case_insensitive(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "catalog-info.yaml",
        """
        kind: component
        metadata: {name: Web}
        spec:
          dependsOn: [Component:API-Server, RESOURCE:Cache]
        ---
        kind: COMPONENT
        metadata: {name: api-server}
        spec: {providesApis: [API:Rest]}
        ---
        kind: Component
        metadata: {name: mobile}
        spec: {consumesApis: [rest]}
        ---
        kind: resource
        metadata: {name: cache}
        """,
    )
    fragment, summary = read(tmp_path, "catalog-info.yaml")
    assert fragment.diagnostics == []
    # the node keeps the spelling of metadata.name
    assert edges(fragment) == {
        ("Web", "api-server", "runtime"),
        ("Web", "resource:cache", "runtime"),
        ("mobile", "api-server", "runtime"),
    }
    assert summary.entities == {"Component": 3, "Resource": 1}


def test_references_default_to_the_namespace_of_their_entity_and_clashing_names_are_qualified(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "catalog-info.yaml",
        """
        kind: Component
        metadata: {name: orders, namespace: shop}
        spec:
          dependsOn: [component:billing, component:default/billing, resource:db]
        ---
        kind: Component
        metadata: {name: billing, namespace: shop}
        ---
        kind: Component
        metadata: {name: billing}
        spec: {dependsOn: [resource:db]}
        """,
    )
    fragment, _ = read(tmp_path, "catalog-info.yaml")
    assert fragment.diagnostics == []
    assert edges(fragment) == {
        ("orders", "shop/billing", "runtime"),
        ("orders", "default/billing", "runtime"),
        ("orders", "resource:shop/db", "runtime"),
        ("default/billing", "resource:default/db", "runtime"),
    }
    assert sorted(n.name for n in fragment.nodes) == ["default/billing", "orders", "shop/billing"]


def test_a_bare_dependency_is_a_component_unless_only_a_resource_has_that_name(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "catalog-info.yaml",
        """
        kind: Component
        metadata: {name: api}
        spec: {dependsOn: [db, cache, auth, both]}
        ---
        kind: Resource
        metadata: {name: db}
        ---
        kind: Resource
        metadata: {name: both}
        ---
        kind: Component
        metadata: {name: both}
        """,
    )
    fragment, _ = read(tmp_path, "catalog-info.yaml")
    assert edges(fragment) == {
        ("api", "resource:db", "runtime"),
        ("api", "cache", "runtime"),  # not in the input: a component
        ("api", "auth", "runtime"),
        ("api", "both", "runtime"),
    }


def test_references_to_kinds_without_nodes_are_ignored_and_listed(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "catalog-info.yaml",
        """
        kind: Component
        metadata: {name: api}
        spec:
          dependsOn: [system:payments, api:rest]
          consumesApis: [component:web]
          providesApis: [resource:db]
        """,
    )
    fragment, summary = read(tmp_path, "catalog-info.yaml")
    assert (fragment.diagnostics, fragment.edges) == ([], [])
    assert [(ev.line, ev.text) for ev in summary.ignored_refs] == [
        (6, "providesApis resource:db"),
        (4, "dependsOn system:payments"),
        (4, "dependsOn api:rest"),
        (5, "consumesApis component:web"),
    ]


def test_parallel_statements_merge_and_self_consumption_is_no_edge(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "catalog-info.yaml",
        """
        kind: Component
        metadata: {name: web}
        spec:
          dependsOn: [component:api]
          consumesApis: [rest]
        ---
        kind: Component
        metadata: {name: api}
        spec:
          dependencyOf: [component:web]
          providesApis: [rest, admin]
          consumesApis: [admin]
          dependsOn: [component:api]
        """,
    )
    fragment, summary = read(tmp_path, "catalog-info.yaml")
    assert evidence(fragment, "web", "api") == [
        ("catalog-info.yaml:4", "dependsOn component:api"),
        ("catalog-info.yaml:5", "consumesApis rest"),
        ("catalog-info.yaml:11", "providesApis rest"),
        ("catalog-info.yaml:10", "dependencyOf component:web"),
    ]
    # consuming its own API is no edge; a written dependsOn on itself is kept
    assert edges(fragment) == {("web", "api", "runtime"), ("api", "api", "runtime")}
    assert evidence(fragment, "api", "api") == [("catalog-info.yaml:13", "dependsOn component:api")]
    assert summary.unresolved_apis == []


# ---------------------------------------------------------------- bad input


def test_bad_documents_are_diagnostics_and_the_rest_is_read(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "catalog-info.yaml",
        """
        - a list
        ---
        apiVersion: backstage.io/v1alpha1
        metadata: {name: nokind}
        ---
        kind: Component
        metadata: {title: no name}
        ---
        kind: Component
        metadata: [x]
        ---
        kind: 3
        metadata: {name: x}
        ---
        kind: Component
        metadata:
          name: api
          labels: {tier: 1}
          tags: web
        spec:
          system: {name: payments}
          dependsOn: component:db
          dependencyOf:
            - 7
            - "component:"
            - component:web
        ---
        kind: Resource
        metadata: {name: db}
        spec: [dependsOn]
        ---
        kind: Component
        metadata: {name: api}
        ---
        apiVersion: example.com/v9
        kind: Pipeline
        metadata: {name: nightly}
        ---
        """,
    )
    fragment, summary = read(tmp_path, "catalog-info.yaml")
    assert messages(fragment) == [
        "catalog-info.yaml:1: document 1: expected an entity (a mapping), got a list",
        "catalog-info.yaml:3: document 2: kind: missing required key",
        "catalog-info.yaml:7: document 3: metadata.name: missing required key",
        "catalog-info.yaml:10: document 4: metadata: expected a mapping, got a list",
        "catalog-info.yaml:12: document 5: kind: expected a non-empty string, got 3",
        "catalog-info.yaml:18: Component api: metadata.labels.tier: "
        "expected a string label value, got 1",
        "catalog-info.yaml:19: Component api: metadata.tags: expected a list of tags, got 'web'",
        "catalog-info.yaml:21: Component api: spec.system: "
        "expected a non-empty string, got a mapping",
        "catalog-info.yaml:22: Component api: spec.dependsOn: "
        "expected a list of entity references, got 'component:db'",
        "catalog-info.yaml:24: Component api: spec.dependencyOf[0]: "
        "expected an entity reference, got 7",
        "catalog-info.yaml:25: Component api: spec.dependencyOf[1]: "
        "'component:' is not an entity reference [<kind>:][<namespace>/]<name>",
        "catalog-info.yaml:30: Resource db: spec: expected a mapping, got a list",
        "catalog-info.yaml:33: Component api: metadata.name: "
        "defined again (first at catalog-info.yaml:17); ignored",
    ]
    # what was well-formed is still read
    assert edges(fragment) == {("web", "api", "runtime")}
    assert sorted(n.id for n in fragment.nodes) == ["resource:db", "service:api"]
    assert summary.skipped == {"Pipeline": 1}


def test_unreadable_files_are_diagnostics(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write("a.yaml", "kind: Component\nmetadata: {name: [x\n")
    (tmp_path / "b.yaml").write_bytes(b"kind: Component\nmetadata: {name: \xff}\n")
    write("c.yaml", COMPONENT.format(name="c", spec="dependsOn: [d]"))
    fragment, _ = read(tmp_path, "a.yaml", "b.yaml", "missing.yaml", "c.yaml")
    lines = messages(fragment)
    assert lines[0].startswith("a.yaml:2: YAML syntax error")
    assert lines[1] == "b.yaml:2: not UTF-8 text (byte 0xff)"
    assert lines[2].startswith("missing.yaml:0: cannot read")
    assert len(lines) == 3
    assert edges(fragment) == {("c", "d", "runtime")}
