"""Compose `include` and `extends`: the services and edges they bring are read, never
silently dropped, and every problem with them is a `file:line` diagnostic."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

from builders import edge_evidence as evidence
from builders import edge_rows as edges
from builders import messages
from conftest import REPO, deadline

from depguard.model import Fragment
from depguard.sources import compose

PLATFORM = REPO / "tests" / "fixtures" / "compose" / "platform"


def project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def read(root: Path) -> Fragment:
    return compose.collect([root], root)


# ---------------------------------------------------------------- the platform fixture


def test_the_platform_reads_its_included_project_and_extended_services() -> None:
    fragment = read(PLATFORM)
    assert messages(fragment) == []
    assert edges(fragment) == {
        # included: billing's own project, its .env interpolated
        ("billing", "console", "runtime", "hard"),
        ("billing", "ledger", "runtime", "hard"),
        # extends in the same file: the base's address, the service's own override
        ("cloud-api", "auth", "runtime", "hard"),
        ("web-base", "auth", "runtime", "hard"),
        # extends from another file: its environment and its env_file
        ("console", "collector", "telemetry", "soft"),
        ("console", "sessions", "runtime", "hard"),
        ("console", "billing", "startup", "hard"),
        ("console", "cloud-api", "runtime", "hard"),
    }
    # a base in another file is not a service of the project
    names = sorted(n.name for n in fragment.nodes)
    assert names == [
        "auth",
        "billing",
        "cloud-api",
        "collector",
        "console",
        "ledger",
        "sessions",
        "web-base",
    ]


def test_inherited_edges_point_at_the_base_lines() -> None:
    fragment = read(PLATFORM)
    assert evidence(fragment, "console", "collector", "telemetry") == [
        ("shared/common.yaml:5", "env OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317")
    ]
    assert evidence(fragment, "console", "sessions", "runtime") == [
        ("shared/web.env:1", "env SESSION_STORE=redis://sessions:6379/0")
    ]
    assert evidence(fragment, "cloud-api", "auth", "runtime") == [
        ("compose.yaml:22", "env AUTH_URL=http://auth:9000")
    ]
    assert evidence(fragment, "billing", "ledger", "runtime") == [
        ("billing/compose.yaml:4", "env LEDGER_ADDR=ledger:9000")
    ]
    billing = next(n for n in fragment.nodes if n.name == "billing")
    assert billing.declared_in is not None
    assert billing.declared_in.location() == "billing/compose.yaml:2"


def test_an_override_in_the_service_beats_its_base() -> None:
    """cloud-api sets API_URL to itself over web-base's `nowhere`: no edge either way."""
    fragment = read(PLATFORM)
    assert not [e for e in fragment.edges if e.source == "service:cloud-api" and "API" in str(e)]
    assert ("cloud-api", "cloud-api", "runtime", "hard") not in edges(fragment)


def test_the_included_files_are_listed_as_read() -> None:
    assert set(read(PLATFORM).files) == {
        ".env",
        "compose.yaml",
        "shared/common.yaml",
        "shared/web.env",
        "billing/.env",
        "billing/compose.yaml",
    }


def test_the_loop_through_the_included_project_fails_the_check(
    run_cli: Callable[..., object], tmp_path: Path
) -> None:
    import shutil

    shutil.copytree(PLATFORM, tmp_path / "platform")
    (tmp_path / "platform" / "depguard.yaml").write_text("sources:\n  - compose: compose.yaml\n")
    result = run_cli("check", tmp_path / "platform", "--format", "json", "--no-cache")
    assert result.exit_code == 1, result.stdout  # type: ignore[attr-defined]
    report = json.loads(result.stdout)  # type: ignore[attr-defined]
    cycles = [f for f in report["findings"] if f["type"] == "cycle"]
    assert [sorted(f["nodes"]) for f in cycles] == [["service:billing", "service:console"]]


# ---------------------------------------------------------------- include


def test_the_including_projects_env_overrides_the_included_one(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "compose.yaml": """
                include: [team/compose.yaml]
                services:
                  eu-ledger: {image: ledger}
            """,
            ".env": "LEDGER=eu-ledger:9000\n",
            "team/compose.yaml": """
                services:
                  billing:
                    environment: {LEDGER_ADDR: "${LEDGER}"}
                  ledger: {image: ledger}
            """,
            "team/.env": "LEDGER=ledger:9000\n",
        },
    )
    assert edges(read(root)) == {("billing", "eu-ledger", "runtime", "hard")}


def test_the_long_form_merges_its_files_with_their_own_directory_and_env_file(
    tmp_path: Path,
) -> None:
    root = project(
        tmp_path,
        {
            "compose.yaml": """
                include:
                  - path: [team/compose.yaml, team/compose.override.yaml]
                    project_directory: team
                    env_file: [team/first.env, team/second.env]
                services:
                  api: {image: api}
            """,
            "team/compose.yaml": """
                services:
                  worker:
                    env_file: worker.env
                    environment: {QUEUE: "${QUEUE_HOST}:5672"}
                  queue: {image: rabbitmq}
                  cache: {image: redis}
            """,
            "team/compose.override.yaml": """
                services:
                  worker:
                    depends_on: [queue]
            """,
            "team/worker.env": "API=http://api:80\n",
            "team/first.env": "QUEUE_HOST=cache\n",
            "team/second.env": "QUEUE_HOST=queue\n",  # the later file wins
        },
    )
    fragment = read(root)
    assert messages(fragment) == []
    assert edges(fragment) == {
        ("worker", "queue", "startup", "hard"),
        ("worker", "queue", "runtime", "hard"),
        ("worker", "api", "runtime", "hard"),
    }


def test_includes_nest_and_a_circle_is_reported(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "compose.yaml": "include: [a/compose.yaml]\nservices:\n  top: {image: x}\n",
            "a/compose.yaml": "include: [../b/compose.yaml]\nservices:\n  a: {image: x}\n",
            "b/compose.yaml": (
                "include: [../compose.yaml]\n"
                "services:\n  b:\n    environment: {TOP: 'http://top:80'}\n"
            ),
        },
    )
    fragment = read(root)
    assert edges(fragment) == {("b", "top", "runtime", "hard")}
    assert messages(fragment) == ["b/compose.yaml:1: include[0]: circular include of compose.yaml"]


def test_include_problems_name_the_line(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "compose.yaml": """
                include:
                  - missing.yaml
                  - {project_directory: x}
                  - other/compose.yaml
                  - 7
                services:
                  api: {image: api}
            """,
            "other/compose.yaml": "services:\n  api: {image: other}\n  extra: {image: x}\n",
        },
    )
    fragment = read(root)
    assert messages(fragment) == [
        "compose.yaml:2: include[0]: compose file missing.yaml not found",
        "compose.yaml:3: include[1]: missing required key 'path'",
        "compose.yaml:4: include[2]: service 'api' of other/compose.yaml is already defined "
        "(compose does not merge included services; the first definition is kept)",
        "compose.yaml:5: include[3]: expected a path or a list of compose files, got 7",
    ]
    assert sorted(n.name for n in fragment.nodes) == ["api", "extra"]
    api = next(n for n in fragment.nodes if n.name == "api")
    assert api.declared_in is not None and api.declared_in.file == "compose.yaml"


def test_include_must_be_a_list(tmp_path: Path) -> None:
    root = project(tmp_path, {"compose.yaml": "include: other.yaml\nservices: {}\n"})
    assert messages(read(root)) == [
        "compose.yaml:1: include: expected a list of compose files, got 'other.yaml'"
    ]


# ---------------------------------------------------------------- extends


def test_extends_chains_and_the_short_form(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "compose.yaml": """
                services:
                  base:
                    depends_on: [db]
                    environment: {CACHE: "redis://cache:6379"}
                  common:
                    extends: base
                    environment: {QUEUE: "amqp://queue:5672"}
                  cli:
                    extends: {service: common}
                  db: {image: postgres}
                  cache: {image: redis}
                  queue: {image: rabbitmq}
            """,
        },
    )
    fragment = read(root)
    assert messages(fragment) == []
    cli = {row for row in edges(fragment) if row[0] == "cli"}
    assert cli == {
        ("cli", "db", "startup", "hard"),
        ("cli", "cache", "runtime", "hard"),
        ("cli", "queue", "async", "soft"),
    }
    assert evidence(fragment, "cli", "db", "startup") == [("compose.yaml:3", "depends_on db")]


def test_a_service_extending_one_of_the_same_name_in_another_file(tmp_path: Path) -> None:
    """The usual pattern (`web` extends common.yaml's `web`) is not a circle."""
    root = project(
        tmp_path,
        {
            "compose.yaml": """
                services:
                  web:
                    extends: {file: common.yaml, service: web}
                  db: {image: postgres}
            """,
            "common.yaml": "services:\n  web:\n    environment: {DB: 'postgres://db:5432/x'}\n",
        },
    )
    fragment = read(root)
    assert messages(fragment) == []
    assert edges(fragment) == {("web", "db", "runtime", "hard")}


def test_extends_problems_name_the_line(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "compose.yaml": """
                services:
                  a:
                    extends: {file: nowhere.yaml, service: x}
                  b:
                    extends: {service: commn}
                  c:
                    extends: d
                  d:
                    extends: c
                  e:
                    extends: 5
                  f:
                    extends: {file: common.yaml}
                  common: {image: x}
            """,
        },
    )
    assert messages(read(root)) == [
        "compose.yaml:3: services.a.extends: compose file nowhere.yaml not found",
        "compose.yaml:5: services.b.extends: no service 'commn' in compose.yaml "
        "(did you mean 'common'?)",
        # each service reads the circle from its own side: reported where it closes
        "compose.yaml:9: services.d.extends: circular extends through 'c'",
        "compose.yaml:7: services.c.extends: circular extends through 'd'",
        "compose.yaml:11: services.e.extends: expected a mapping with 'service' and, "
        "optionally, 'file', got 5",
        "compose.yaml:13: services.f.extends: missing required key 'service'",
    ]


def test_an_inherited_dependency_on_a_service_not_in_the_project_is_reported(
    tmp_path: Path,
) -> None:
    """Compose refuses such a project: the base's `depends_on` comes with it."""
    root = project(
        tmp_path,
        {
            "compose.yaml": "services:\n  web:\n    extends: {file: common.yaml, service: web}\n",
            "common.yaml": "services:\n  web:\n    depends_on: [db]\n  db: {image: postgres}\n",
        },
    )
    assert messages(read(root)) == [
        "common.yaml:3: services.web.depends_on: 'db' is not a service of this compose project"
    ]


def test_a_file_two_projects_include_is_read_once(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {
            "compose.yaml": "include: [a/compose.yaml, b/compose.yaml]\nservices: {}\n",
            "a/compose.yaml": "include: [../common/compose.yaml]\nservices:\n  a: {image: x}\n",
            "b/compose.yaml": (
                "include: [../common/compose.yaml]\n"
                "services:\n  b:\n    environment: {DB: 'postgres://db:5432/x'}\n"
            ),
            "common/compose.yaml": "services:\n  db: {image: postgres}\n",
        },
    )
    fragment = read(root)
    assert messages(fragment) == []
    assert edges(fragment) == {("b", "db", "runtime", "hard")}
    assert fragment.files.count("common/compose.yaml") == 1


def test_includes_that_fan_out_read_each_file_once(tmp_path: Path) -> None:
    """Each level includes the next twice: 2**40 reads if every include were followed."""
    files = {"compose.yaml": "include: [l0.yaml, l0.yaml]\nservices: {}\n"}
    for level in range(40):
        files[f"l{level}.yaml"] = (
            f"include: [l{level + 1}.yaml, l{level + 1}.yaml]\n"
            f"services:\n  s{level}: {{image: x}}\n"
        )
    files["l40.yaml"] = "services:\n  last: {image: x}\n"
    with deadline(30):
        fragment = read(project(tmp_path, files))
    assert len(fragment.nodes) == 41


def test_a_chain_of_bases_is_bounded(tmp_path: Path) -> None:
    """A hundred services each extending the one before: the chain is cut, and said so."""
    lines = ["services:", "  s0: {image: x}"]
    lines += [f"  s{i}: {{extends: s{i - 1}}}" for i in range(1, 100)]
    root = project(tmp_path, {"compose.yaml": "\n".join(lines) + "\n"})
    found = messages(read(root))
    assert found[0] == (
        f"compose.yaml:{compose.MAX_EXTENDS + 3}: services.s{compose.MAX_EXTENDS + 1}"
        f".extends: more than {compose.MAX_EXTENDS} bases in a chain"
    )
    assert len(found) == 100 - compose.MAX_EXTENDS - 1
