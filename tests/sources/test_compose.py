from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO

from depguard.sources import compose, discovery

FIXTURES = REPO / "tests" / "fixtures" / "compose"
SHOP = FIXTURES / "shop"
OVERRIDE = FIXTURES / "override"
INTERPOLATION = FIXTURES / "interpolation"

from builders import edge_evidence as evidence  # noqa: E402
from builders import edge_rows as edges  # noqa: E402
from builders import messages, short  # noqa: E402

# ---------------------------------------------------------------- a whole project


def test_the_shop_project_gives_exactly_these_edges() -> None:
    fragment = compose.collect([SHOP], SHOP)
    assert fragment.diagnostics == []
    assert edges(fragment) == {
        # depends_on, long form: conditions, required: false is soft
        ("migrate", "db", "startup", "hard"),
        ("catalog", "db", "startup", "hard"),
        ("catalog", "migrate", "startup", "hard"),
        ("catalog", "queue", "startup", "soft"),
        ("frontend", "catalog", "startup", "hard"),
        ("frontend", "orders", "startup", "hard"),
        ("frontend", "recommendations", "startup", "soft"),
        # depends_on, short form
        ("orders", "db", "startup", "hard"),
        ("orders", "cache", "startup", "hard"),
        # links, volumes_from, network_mode
        ("payments", "ledger-db", "runtime", "hard"),
        ("backup", "db", "startup", "hard"),
        ("backup", "vpn", "startup", "hard"),
        # addresses: JDBC, bare name under *_HOST, connection string, .env URL, env_file
        ("migrate", "db", "runtime", "hard"),
        ("catalog", "db", "runtime", "hard"),
        ("catalog", "queue", "async", "soft"),
        ("orders", "db", "runtime", "hard"),
        ("orders", "payments", "runtime", "hard"),
        ("orders", "cache", "runtime", "hard"),
        ("recommendations", "cache", "runtime", "hard"),
        # telemetry: to the collector by service name and by its hostname
        ("catalog", "otel-collector", "telemetry", "soft"),
        ("orders", "otel-collector", "telemetry", "soft"),
        ("frontend", "otel-collector", "telemetry", "soft"),
    }


def test_the_shop_edges_point_at_the_exact_lines() -> None:
    fragment = compose.collect([SHOP], SHOP)
    assert evidence(fragment, "catalog", "queue", "startup") == [
        ("compose.yaml:52", "depends_on queue (service_started, required: false)")
    ]
    assert evidence(fragment, "orders", "cache", "startup") == [
        ("compose.yaml:65", "depends_on cache")
    ]
    assert evidence(fragment, "catalog", "db", "runtime") == [
        ("compose.yaml:43", "env SPRING_DATASOURCE_URL=jdbc:postgresql://db:5432/catalog")
    ]
    # ${DATABASE_URL} comes from .env; the evidence is where compose.yaml uses it
    assert evidence(fragment, "orders", "db", "runtime") == [
        (
            "compose.yaml:61",
            "env ConnectionStrings__Orders=Host=db;Port=5432;Database=orders;"
            "Username=app;Password=***",
        ),
        ("compose.yaml:62", "env DATABASE_URL=postgres://app:***@db:5432/app"),
    ]
    # a variable from an env_file is evidenced in that file
    assert evidence(fragment, "orders", "payments", "runtime") == [
        ("config/orders.env:2", "env PAYMENTS_URL=http://payments:8080/api")
    ]
    assert evidence(fragment, "orders", "cache", "runtime") == [
        ("config/orders.env:3", "env CACHE_ADDR=cache:6379")
    ]
    # a link alias names the linked service in the linking service's variables
    assert evidence(fragment, "payments", "ledger-db", "runtime") == [
        ("compose.yaml:70", "links ledger-db:ledgerdb"),
        (
            "compose.yaml:72",
            "env LEDGER_DSN=Server=ledgerdb,1433;Database=ledger;User Id=sa;Password=***",
        ),
    ]
    assert evidence(fragment, "backup", "vpn", "startup") == [
        ("compose.yaml:79", "network_mode: service:vpn")
    ]
    assert evidence(fragment, "backup", "db", "startup") == [
        ("compose.yaml:77", "volumes_from db:ro")
    ]
    # the hostname of the collector service; a YAML anchor is evidenced where it was written
    assert evidence(fragment, "frontend", "otel-collector", "telemetry") == [
        (
            "compose.yaml:96",
            "env OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://collector:4318/v1/traces",
        )
    ]
    assert evidence(fragment, "orders", "otel-collector", "telemetry") == [
        ("compose.yaml:5", "env OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4317")
    ]
    assert {ev.source for e in fragment.edges for ev in e.evidence} == {"compose"}


def test_the_shop_nodes_carry_labels_profiles_and_their_line() -> None:
    fragment = compose.collect([SHOP], SHOP)
    nodes = {n.name: n for n in fragment.nodes}
    assert list(nodes) == [
        "db",
        "cache",
        "queue",
        "ledger-db",
        "vpn",
        "otel-collector",
        "migrate",
        "catalog",
        "orders",
        "payments",
        "backup",
        "recommendations",
        "frontend",
    ]
    recommendations = nodes["recommendations"]
    assert (recommendations.id, recommendations.kind) == ("service:recommendations", "service")
    assert recommendations.labels == (
        ("com.example.tier", "product"),
        ("compose.profiles", "ml,beta"),
        ("image", "example/recommendations"),
    )
    assert nodes["frontend"].labels == (("com.example.tier", "web"), ("image", "example/frontend"))
    assert nodes["catalog"].declared_in is not None
    assert nodes["catalog"].declared_in.location() == "compose.yaml:40"
    assert nodes["catalog"].declared_in.text == "compose service catalog"
    assert fragment.files == [".env", "compose.yaml", "config/orders.env"]


def test_no_password_reaches_the_evidence() -> None:
    fragment = compose.collect([SHOP], SHOP)
    texts = " ".join(ev.text for e in fragment.edges for ev in e.evidence)
    for secret in ("secret", "orders-secret", "s3cr3t", "Password=dev"):
        assert secret not in texts
    assert "redis://:***@cache:6379/0" in texts


def test_user_names_and_a_service_naming_itself_are_not_edges() -> None:
    fragment = compose.collect([SHOP], SHOP)
    # POSTGRES_USER: catalog in db, OTEL_SERVICE_NAME=catalog in catalog
    assert not [e for e in fragment.edges if short(e.source) == "db"]
    assert not [e for e in fragment.edges if e.source == e.target]


# ---------------------------------------------------------------- merging files


def test_a_folder_means_the_base_file_and_its_override_merged() -> None:
    fragment = compose.collect([OVERRIDE], OVERRIDE)
    assert fragment.diagnostics == []
    assert fragment.files == ["compose.yaml", "compose.override.yaml"]
    assert edges(fragment) == {
        ("web", "api", "startup", "hard"),
        ("web", "cache", "startup", "soft"),  # added by the override, required: false
        ("web", "api", "runtime", "hard"),
        ("web", "fastcache", "runtime", "hard"),  # CACHE_URL replaced: no web -> cache runtime
        ("api", "db", "startup", "hard"),
        ("api", "legacy-db", "runtime", "hard"),  # DB_HOST replaced
        ("api", "auth", "runtime", "hard"),  # links added
        ("debug", "api", "startup", "hard"),
    }
    # depends_on merges by target: both files' entries are the evidence
    assert evidence(fragment, "web", "api", "startup") == [
        ("compose.yaml:11", "depends_on api"),
        ("compose.override.yaml:9", "depends_on api (service_healthy)"),
    ]
    assert evidence(fragment, "web", "fastcache", "runtime") == [
        ("compose.override.yaml:5", "env CACHE_URL=redis://fastcache:6379")
    ]
    nodes = {n.name: n for n in fragment.nodes}
    assert nodes["web"].labels == (
        ("com.example.env", "dev"),
        ("com.example.tier", "web"),
        ("image", "example/web"),
    )
    assert nodes["debug"].labels == (("compose.profiles", "debug"), ("image", "busybox"))
    assert nodes["fastcache"].declared_in is not None
    assert nodes["fastcache"].declared_in.location() == "compose.override.yaml:25"


def test_files_merge_in_the_order_given() -> None:
    names = ["compose.yaml", "compose.override.yaml", "compose.prod.yaml"]
    fragment = compose.collect([OVERRIDE / n for n in names], OVERRIDE)
    assert fragment.diagnostics == []
    found = edges(fragment)
    # prod makes api -> db optional, and network_mode: host replaces service:api
    assert ("api", "db", "startup", "soft") in found
    assert ("api", "db", "startup", "hard") not in found
    assert not [e for e in fragment.edges if short(e.source) == "debug"]
    assert evidence(fragment, "api", "db", "startup") == [
        ("compose.yaml:20", "depends_on db (service_healthy)"),
        ("compose.override.yaml:21", "depends_on db"),
        ("compose.prod.yaml:7", "depends_on db (service_started, required: false)"),
    ]
    # the other order: the base file last puts its own values back
    reverse = compose.collect([OVERRIDE / n for n in reversed(names)], OVERRIDE)
    assert ("web", "cache", "runtime", "hard") in edges(reverse)
    assert ("api", "db", "runtime", "hard") in edges(reverse)


# ---------------------------------------------------------------- interpolation


def test_interpolation_edge_cases_without_a_dot_env() -> None:
    fragment = compose.collect([INTERPOLATION], INTERPOLATION)
    assert edges(fragment) == {
        ("app", "db", "startup", "hard"),
        ("app", "db", "runtime", "hard"),  # ${DATABASE_URL:-postgres://...@db...}
        ("app", "cache", "runtime", "hard"),  # ${CACHE_HOST-cache}
        ("app", "queue", "async", "soft"),  # amqp://${QUEUE_HOST:-queue}:5672
        # SEARCH_URL unset (no edge to search), MIRROR unset so ${MIRROR:+...} is empty
    }
    assert messages(fragment) == [
        "compose.yaml:10: variable SEARCH_URL is not set (no .env beside compose.yaml)",
        "compose.yaml:11: variable MAIL_HOST is not set (no .env beside compose.yaml)",
        "compose.yaml:12: unterminated ${ in services.app.environment.BROKEN_URL",
        "compose.yaml:13: required variable API_TOKEN is missing a value: set API_TOKEN in .env",
    ]
    assert evidence(fragment, "app", "cache", "runtime") == [
        ("compose.yaml:8", "env CACHE_HOST=cache")
    ]


@pytest.mark.parametrize(
    ("text", "result", "problems"),
    [
        ("plain", "plain", []),
        ("$$5 and $${X}", "$5 and ${X}", []),
        ("${SET}", "value", []),
        ("$SET/x", "value/x", []),
        ("${SET:-other}", "value", []),
        ("${EMPTY:-fallback}", "fallback", []),
        ("${EMPTY-fallback}", "", []),
        ("${UNSET-fallback}", "fallback", []),
        ("${UNSET:-${SET}-x}", "value-x", []),
        ("${UNSET:-${ALSO_UNSET:-deep}}", "deep", []),
        ("${SET:+alt}", "alt", []),
        ("${EMPTY:+alt}", "", []),
        ("${EMPTY+alt}", "alt", []),
        ("${UNSET+alt}", "", []),
        ("${EMPTY?must}", "", []),
        ("pa$ and $1", "pa$ and $1", []),
        ("${UNSET}", "", ["variable UNSET is not set (why)"]),
        ("$UNSET", "", ["variable UNSET is not set (why)"]),
        ("${UNSET:?give it}", "", ["required variable UNSET is missing a value: give it"]),
        ("${EMPTY:?}", "", ["required variable EMPTY is missing a value"]),
        ("${UNSET?x}", "", ["required variable UNSET is missing a value: x"]),
        ("http://${HOST", "http://${HOST", ["unterminated ${ in here"]),
        ("${UNSET:-${SET}", "${UNSET:-${SET}", ["unterminated ${ in here"]),
        ("${}", "", ["invalid interpolation ${} in here"]),
        ("${1X}", "", ["invalid interpolation ${1X} in here"]),
    ],
)
def test_interpolate_follows_compose(text: str, result: str, problems: list[str]) -> None:
    env = {"SET": "value", "EMPTY": ""}
    assert compose.interpolate(text, env.get, "here", "(why)") == (result, problems)


def test_an_unset_variable_names_the_dot_env_that_lacks_it(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(".env", "EMPTY=\nDB=db:5432\n")
    write(
        "compose.yaml",
        """
        services:
          app:
            environment:
              A: ${EMPTY:-db:5432}
              B: ${EMPTY-cache:6379}
              C: ${NOPE}
              SEARCH_URL: http://${SEARCH_HOST}:9200
          db: {}
          cache: {}
        """,
    )
    fragment = compose.collect([tmp_path], tmp_path)
    assert edges(fragment) == {("app", "db", "runtime", "hard")}
    # in an address the graph misses an edge: an input problem; elsewhere, a note
    assert messages(fragment) == ["compose.yaml:7: variable SEARCH_HOST is not set (not in .env)"]
    assert [f"{d.file}:{d.line}: {d.message}" for d in fragment.notes] == [
        "compose.yaml:6: variable NOPE is not set (not in .env), read as empty (depguard"
        " reads no shell environment, so that every machine sees the same graph: set it in"
        " .env to use it)"
    ]


def test_bare_keys_take_their_value_from_dot_env_silently(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(".env", "API_URL=http://api:8080\n")
    write(
        "compose.yaml",
        """
        services:
          web:
            environment:
              - API_URL
              - UNSET_IN_DOT_ENV
          worker:
            environment:
              API_URL:
          api: {}
        """,
    )
    fragment = compose.collect([tmp_path / "compose.yaml"], tmp_path)
    assert fragment.diagnostics == []
    assert edges(fragment) == {
        ("web", "api", "runtime", "hard"),
        ("worker", "api", "runtime", "hard"),
    }
    assert evidence(fragment, "web", "api", "runtime") == [
        ("compose.yaml:4", "env API_URL=http://api:8080")
    ]


def test_dot_env_syntax() -> None:
    text = "\n".join(
        [
            "# a comment",
            "",
            "PLAIN=db:5432  # trailing comment",
            "export EXPORTED=yes",
            "SINGLE='literal ${PLAIN} $$'",
            'DOUBLE="uses ${PLAIN}\\tand \\"quotes\\" and \\$HOME"',
            'MULTI="line one',
            'line two"',
            "COLON: yaml-ish",
            "EMPTY=",
            "FROM_OUTER",
            "UNKNOWN_OUTER",
            "not a line",
            "BAD='never closed",
        ]
    )
    outer = {"FROM_OUTER": "outer"}
    values, problems = compose.parse_dotenv(text, outer.get, "(why)")
    assert values == {
        "PLAIN": ("db:5432", 3),
        "EXPORTED": ("yes", 4),
        "SINGLE": ("literal ${PLAIN} $$", 5),
        "DOUBLE": ('uses db:5432\tand "quotes" and $HOME', 6),
        "MULTI": ("line one\nline two", 7),
        "COLON": ("yaml-ish", 9),
        "EMPTY": ("", 10),
        "FROM_OUTER": ("outer", 11),
    }
    assert problems == [
        (13, "expected KEY=value"),
        (14, "unterminated quoted value for BAD"),
    ]


# ---------------------------------------------------------------- names and files


def test_hostnames_container_names_and_network_aliases_name_their_service(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "compose.yaml",
        """
        services:
          app:
            environment:
              A: http://primary-db:5432
              B: mq.internal:5672
              C: search-node:9200
              D_HOST: Cache
          db:
            networks:
              backend:
                aliases: [primary-db]
              frontend:
          queue:
            hostname: mq.internal
          search:
            container_name: search-node
            networks: [backend]
          cache: {}
        """,
    )
    fragment = compose.collect([tmp_path], tmp_path)
    assert fragment.diagnostics == []
    assert edges(fragment) == {
        ("app", "db", "runtime", "hard"),
        ("app", "queue", "runtime", "hard"),
        ("app", "search", "runtime", "hard"),
        ("app", "cache", "runtime", "hard"),
    }


def test_env_file_forms_and_a_missing_required_one(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write("deploy/common.env", "QUEUE_URL=amqp://queue:5672\nSHARED=${FROM_DOT_ENV}\n")
    write("deploy/web.env", "API_URL=http://api:80\nQUEUE_URL=amqp://other:5672\n")
    write("deploy/.env", "FROM_DOT_ENV=http://cache:6379\n")
    write(
        "deploy/compose.yaml",
        """
        services:
          worker:
            env_file: common.env
          web:
            env_file:
              - common.env
              - path: web.env
              - path: absent.env
                required: false
              - gone.env
            environment:
              API_URL: http://auth:80
          api: {}
          auth: {}
          queue: {}
          other: {}
          cache: {}
        """,
    )
    fragment = compose.collect([tmp_path / "deploy"], tmp_path)
    assert edges(fragment) == {
        ("worker", "queue", "async", "soft"),
        ("worker", "cache", "runtime", "hard"),
        ("web", "cache", "runtime", "hard"),
        ("web", "other", "async", "soft"),  # web.env overrides common.env's QUEUE_URL
        ("web", "auth", "runtime", "hard"),  # environment overrides web.env's API_URL
    }
    assert evidence(fragment, "web", "other", "async") == [
        ("deploy/web.env:2", "env QUEUE_URL=amqp://other:5672")
    ]
    assert messages(fragment) == [
        "deploy/compose.yaml:10: services.web.env_file[3]: env file deploy/gone.env not found"
    ]
    assert fragment.files == [
        "deploy/.env",
        "deploy/compose.yaml",
        "deploy/common.env",
        "deploy/web.env",
    ]


def test_references_to_services_outside_the_project(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "compose.yaml",
        """
        services:
          web:
            depends_on:
              dbb: {condition: service_started}
              maybe: {condition: service_started, required: false}
            links: [ghost]
            volumes_from: [nowhere:ro, "container:outside"]
            ipc: service:shm
            pid: host
          db: {}
        """,
    )
    fragment = compose.collect([tmp_path], tmp_path)
    assert fragment.edges == []
    assert messages(fragment) == [
        "compose.yaml:4: services.web.depends_on: 'dbb' is not a service of this compose "
        "project (did you mean 'db'?)",
        "compose.yaml:6: services.web.links[0]: 'ghost' is not a service of this compose project",
        "compose.yaml:7: services.web.volumes_from[0]: 'nowhere' is not a service of this "
        "compose project",
        "compose.yaml:8: services.web.ipc: 'shm' is not a service of this compose project",
    ]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("services: [x\n", "compose.yaml:1: YAML syntax error: did not find expected ',' or ']'"),
        ("- a\n- list\n", "compose.yaml:1: expected a compose file (a mapping), got a list"),
        ("just a string\n", "compose.yaml:1: expected a compose file (a mapping), got 'just a"),
        ("services: [web, db]\n", "compose.yaml:1: services: expected a mapping of service names"),
        ("services:\n  web:\n", "compose.yaml:2: services.web: expected a mapping, got nothing"),
        ("services:\n  web: nginx\n", "compose.yaml:2: services.web: expected a mapping, got 'ng"),
        ("services:\n  1: {}\n", "compose.yaml:2: services.1: a service name must be a string"),
        (
            "services:\n  web:\n    environment: 3\n",
            "compose.yaml:3: services.web.environment: expected a list or a mapping of variables",
        ),
        (
            "services:\n  web:\n    environment:\n      - {A: 1}\n",
            "compose.yaml:4: services.web.environment[0]: expected a string, got a mapping",
        ),
        (
            "services:\n  web:\n    environment:\n      A: [1]\n",
            "compose.yaml:4: services.web.environment.A: expected a string, got a list",
        ),
        (
            "services:\n  web:\n    depends_on: db\n",
            "compose.yaml:3: services.web.depends_on: expected a list or a mapping of services",
        ),
        (
            "services:\n  web:\n    depends_on:\n      db: {condition: service_ready}\n  db: {}\n",
            "compose.yaml:4: services.web.depends_on.db.condition: expected one of service_started",
        ),
        (
            "services:\n  web:\n    depends_on:\n      db: {requried: false}\n  db: {}\n",
            "compose.yaml:4: services.web.depends_on.db: unknown key 'requried' "
            "(did you mean 'required'?)",
        ),
        (
            "services:\n  web:\n    depends_on:\n      db: {required: maybe}\n  db: {}\n",
            "compose.yaml:4: services.web.depends_on.db.required: expected true or false, "
            "got 'maybe'",
        ),
        (
            "services:\n  web:\n    depends_on:\n      db: [x]\n  db: {}\n",
            "compose.yaml:4: services.web.depends_on.db: expected a mapping (condition, required",
        ),
        (
            "services:\n  web:\n    links: db\n",
            "compose.yaml:3: services.web.links: expected a list of services, got 'db'",
        ),
        (
            "services:\n  web:\n    env_file: [{required: true}]\n",
            "compose.yaml:3: services.web.env_file[0]: missing required key 'path'",
        ),
        (
            "services:\n  web:\n    networks: {back: [a]}\n",
            "compose.yaml:3: services.web.networks.back: expected a mapping (aliases",
        ),
        (
            "services:\n  web:\n    hostname: {a: 1}\n",
            "compose.yaml:3: services.web.hostname: expected a string, got a mapping",
        ),
        ("a: 1\na: 2\n", "compose.yaml:2: duplicate key 'a' (first at line 1)"),
        ("a: &a [*a]\n", "compose.yaml:1: an alias refers to the node that holds it"),
        ("services: !!python/object:os.system {}\n", "compose.yaml:1: unsupported YAML tag"),
        (b"services:\n  web: {image: \xff}\n", "compose.yaml:2: not UTF-8 text (byte 0xff)"),
    ],
)
def test_bad_input_is_a_diagnostic_never_an_exception(
    tmp_path: Path, text: str | bytes, message: str
) -> None:
    path = tmp_path / "compose.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    fragment = compose.collect([path], tmp_path)
    assert len(fragment.diagnostics) == 1, messages(fragment)
    assert messages(fragment)[0].startswith(message)


def test_one_bad_service_does_not_hide_the_others(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write(
        "compose.yaml",
        """
        x-common: &common {restart: always}
        services:
          broken: 42
          web:
            <<: *common
            depends_on: [api]
            environment: {API_URL: "http://api:80", BAD: "${"}
          api: {}
        networks: {default: {}}
        volumes: {data: {}}
        configs: {}
        secrets: {}
        """,
    )
    fragment = compose.collect([tmp_path], tmp_path)
    assert edges(fragment) == {
        ("web", "api", "startup", "hard"),
        ("web", "api", "runtime", "hard"),
    }
    assert messages(fragment) == [
        "compose.yaml:3: services.broken: expected a mapping, got 42",
        "compose.yaml:7: unterminated ${ in services.web.environment.BAD",
    ]


def test_an_empty_file_or_one_without_services_is_fine(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    write("compose.yaml", "")
    write("other.yaml", "networks: {default: {}}\n")
    fragment = compose.collect([tmp_path / "compose.yaml", tmp_path / "other.yaml"], tmp_path)
    assert (fragment.nodes, fragment.edges, fragment.diagnostics) == ([], [], [])


def test_a_missing_file_is_a_diagnostic(tmp_path: Path) -> None:
    fragment = compose.collect([tmp_path / "absent.yaml"], tmp_path)
    assert messages(fragment) == ["absent.yaml:0: cannot read: No such file or directory"]


def test_excluded_files_are_not_read(tmp_path: Path, write: Callable[[str, str], Path]) -> None:
    write(".env", "URL=http://api:80\n")
    write("compose.yaml", "services:\n  web:\n    environment: {A_URL: '${URL}'}\n  api: {}\n")
    write("compose.override.yaml", "services: {web: {depends_on: [api]}}\n")
    fragment = compose.collect([tmp_path], tmp_path, exclude=(".env", "compose.override.yaml"))
    assert fragment.files == ["compose.yaml"]
    assert fragment.edges == []
    assert messages(fragment) == [
        "compose.yaml:3: variable URL is not set (no .env beside compose.yaml)"
    ]


# ---------------------------------------------------------------- discovery


def test_discover_picks_files_as_compose_does(tmp_path: Path) -> None:
    assert discovery.paths("compose", tmp_path) == []
    (tmp_path / "docker-compose.override.yml").write_text("services: {}\n")
    assert discovery.paths("compose", tmp_path) == []  # an override alone is not a project
    (tmp_path / "docker-compose.yaml").write_text("services: {}\n")
    (tmp_path / "docker-compose.yml").write_text("services: {}\n")
    assert discovery.paths("compose", tmp_path) == [
        tmp_path / "docker-compose.yml",
        tmp_path / "docker-compose.override.yml",
    ]
    (tmp_path / "compose.yaml").write_text("services: {}\n")
    (tmp_path / "compose.override.yaml").write_text("services: {}\n")
    (tmp_path / "compose.override.yml").write_text("services: {}\n")
    assert discovery.paths("compose", tmp_path) == [
        tmp_path / "compose.yaml",
        tmp_path / "compose.override.yml",
    ]


def test_discover_on_the_fixture_folders() -> None:
    assert discovery.paths("compose", SHOP) == [SHOP / "compose.yaml"]
    assert discovery.paths("compose", OVERRIDE) == [
        OVERRIDE / "compose.yaml",
        OVERRIDE / "compose.override.yaml",
    ]


def test_collect_takes_the_pipelines_options_argument() -> None:
    with_options = compose.collect([SHOP], SHOP, (), None)
    assert edges(with_options) == edges(compose.collect([SHOP], SHOP))
