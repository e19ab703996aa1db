from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from depguard.sources import discovery, services


def collect(root: Path, *names: str):  # type: ignore[no-untyped-def]
    return services.collect([root / n for n in names], root)


def test_a_manifest_gives_nodes_and_edges_with_file_line_evidence(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "services.yaml",
        """
        services:
          console:
            layer: console
            labels: {tier: web}
            entrypoint: true
            depends_on:
              - api
              - service: auth
                kind: runtime
                strength: soft
                note: login
        resources:
          db: {layer: infra}
    """,
    )
    fragment = collect(tmp_path, "services.yaml")
    assert fragment.diagnostics == []
    console = next(n for n in fragment.nodes if n.name == "console")
    assert (console.layer, console.labels, console.entrypoint) == (
        "console",
        (("tier", "web"),),
        True,
    )
    assert {n.id for n in fragment.nodes} == {"service:console", "resource:db"}
    api, auth = fragment.edges
    assert (api.target, api.strength, api.evidence[0].location()) == (
        "service:api",
        "hard",
        "services.yaml:7",
    )
    assert (auth.target, auth.strength, auth.evidence[0].text) == ("service:auth", "soft", "login")
    assert auth.evidence[0].line == 8


def test_dependencies_on_declared_resources_point_at_resources(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "services.yaml",
        """
        services:
          api: {depends_on: [db, {resource: cache, optional: true}]}
        resources:
          db: {}
    """,
    )
    fragment = collect(tmp_path, "services.yaml")
    assert [(e.target, e.strength) for e in fragment.edges] == [
        ("resource:db", "hard"),
        ("resource:cache", "soft"),
    ]


def test_a_folder_of_per_service_files(tmp_path: Path, write: Callable[[str, str], Path]) -> None:
    write("services/api.yaml", "name: api\ndepends_on: [db]\n")
    write("services/web.yml", "name: web\nlayer: top\ndepends_on:\n  - api\n")
    write("services/notes.txt", "not yaml")
    fragment = collect(tmp_path, "services")
    assert fragment.files == ["services/api.yaml", "services/web.yml"]
    assert [(e.source, e.target, e.evidence[0].location()) for e in fragment.edges] == [
        ("service:api", "service:db", "services/api.yaml:2"),
        ("service:web", "service:api", "services/web.yml:4"),
    ]


def test_bad_manifests_are_diagnostics_not_exceptions(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write("a.yaml", "services:\n  api:\n    depends_on: 3\n")
    write("b.yaml", "services: [x\n")
    write("c.yaml", "- just\n- a list\n")
    write("d.yaml", "services:\n  api:\n    dependson: [db]\n")
    fragment = collect(tmp_path, "a.yaml", "b.yaml", "c.yaml", "d.yaml")
    lines = [str(d) for d in fragment.diagnostics]
    assert lines[0].startswith("a.yaml:3: services.api.depends_on: expected a")
    assert lines[1] == (
        "b.yaml:1: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence started at line 1)"
    )
    assert lines[2] == "c.yaml:1: expected a mapping, got a list"
    assert lines[3] == (
        "d.yaml:3: services.api.dependson: unknown key 'dependson' (did you mean 'depends_on'?)"
    )
    assert fragment.edges == []


def test_discover_finds_the_conventional_names(tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text("services: {}\n")
    assert discovery.paths("services", tmp_path) == [tmp_path / "services.yaml"]
