"""Every reader, fed arbitrary input, gives its normal result or a located problem.

A source never raises: whatever the bytes, `pipeline.collect` returns fragments whose
diagnostics (and evidence) name a file that was read and a line inside it (0: the whole
file). The config reader raises only `ConfigError` (every line `file:line: ...`) or
`YamlError`, the baseline reader only `BaselineError` (`file:line: ...`), the YAML layer
only `YamlError`, the import scanner only `ScanError`: the errors the CLI turns into
`file:line: message` and exit 2. Anything else is a crash.

Each reader gets four kinds of input (`EXAMPLES` holds how many of each): arbitrary
bytes; text made of the tokens of its format; structured data (recursive mappings, lists
and scalars, shaped like the format or not) dumped with `yaml.safe_dump` (JSON or TOML
for the readers of those); and real files from `examples/` and `tests/fixtures/` with
bytes flipped, inserted, deleted or the file truncated. Each example is written to a
fresh temporary project and read the way the pipeline reads it.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from depguard import baseline, config, pipeline, yamlio
from depguard.model import Diagnostic, Fragment
from depguard.sources.python import scanner

# examples per reader and kind of input: 550 per reader, 13 readers (see READERS)
EXAMPLES = {"bytes": 100, "text": 100, "structured": 200, "mutated": 150}

ROOT_MARK = "@ROOT@"  # replaced by the temporary project's path (pydeps names files)

# ---------------------------------------------------------------- structured data

NAMES = st.sampled_from(["a", "b", "db", "web", "orders", "auth", "cache", "orders-db"])
NAME = st.one_of(NAMES, NAMES, NAMES, st.text(max_size=6))
ADDRESS = st.sampled_from(
    [
        "http://db:5432",
        "db:6379",
        "redis://cache",
        "postgres://u:p@orders-db:5432/x",
        "${DB_HOST}",
        "${DB_HOST:-db:5432}",
        "${X:?missing}",
        "$(DB_HOST)",
        "$$HOME",
        "jdbc:mysql://orders:3306/x?user=a",
        "amqp://meter:${PW}@web:5672/",
        "nc -z db 5432 && curl http://auth/health",
        "until nslookup orders.default.svc.cluster.local; do sleep 1; done",
        "service:db",
        "component:web",
        "resource:orders-db",
        "default/api-x",
        "http://[::1",
        "%",
        "",
    ]
)
KEYS = st.sampled_from(
    [
        *("services", "resources", "depends_on", "name", "service", "resource", "kind"),
        *("strength", "optional", "note", "fallback", "layer", "labels", "entrypoint"),
        *("environment", "links", "volumes_from", "network_mode", "hostname", "env_file"),
        *("condition", "required", "networks", "aliases", "profiles", "image", "container_name"),
        *("apiVersion", "metadata", "spec", "template", "containers", "initContainers", "env"),
        *("value", "valueFrom", "configMapKeyRef", "envFrom", "configMapRef", "data", "items"),
        *("selector", "command", "args", "volumes", "namespace", "dependsOn", "providesApis"),
        *("consumesApis", "dependencyOf", "system", "owner", "parent", "child", "callCount"),
        *("imports", "path", "version", "findings", "id", "cyclic_edges", "extends", "layers"),
        *("sources", "match", "forbidden", "from", "to", "edges", "cycles", "baseline", "<<"),
    ]
)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**30, max_value=10**40),
    st.floats(),
    st.text(max_size=10),
    NAME,
    ADDRESS,
    st.dates(),
)
ANY: st.SearchStrategy[Any] = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(KEYS, NAME, st.integers(), st.none()), inner, max_size=4),
    ),
    max_leaves=20,
)


class MapOf:
    """A mapping from names to values of one shape (services by name, ConfigMap data)."""

    def __init__(self, value: object, keys: st.SearchStrategy[Any] = NAME) -> None:
        self.value, self.keys = value, keys


def shaped(spec: object, wild: bool) -> st.SearchStrategy[Any]:
    """Data of a format's shape: a dict spec's keys ending in `!` are always there, the
    others maybe; when `wild`, any key may be missing and anything may stand anywhere."""
    strategy: st.SearchStrategy[Any]
    if isinstance(spec, dict):
        parts = {k.rstrip("!"): shaped(v, wild) for k, v in spec.items()}
        required = set() if wild else {k.rstrip("!") for k in spec if k.endswith("!")}
        strategy = st.fixed_dictionaries(
            {k: v for k, v in parts.items() if k in required},
            optional={k: v for k, v in parts.items() if k not in required},
        )
    elif isinstance(spec, MapOf):
        strategy = st.dictionaries(spec.keys, shaped(spec.value, wild), max_size=4)
    elif isinstance(spec, list):
        strategy = st.lists(shaped(spec[0], wild), max_size=4)
    elif isinstance(spec, tuple):
        return st.one_of([shaped(s, wild) for s in spec])
    elif isinstance(spec, st.SearchStrategy):
        return spec
    else:
        return st.just(spec)
    return st.one_of(strategy, strategy, strategy, ANY) if wild else strategy


def documents_of(spec: object) -> st.SearchStrategy[Any]:
    """Data of the format's shape, the same gone wild, or anything at all."""
    return st.one_of(shaped(spec, wild=False), shaped(spec, wild=True), ANY)


DEPENDENCY_FACTS = {
    "kind": ("runtime", "telemetry", "config", NAME),
    "strength": ("hard", "soft"),
    "optional": st.booleans(),
    "note": st.text(max_size=8),
    "fallback": NAMES,
}
DEPENDENCY = (
    NAMES,
    NAME,
    {"service!": NAMES, **DEPENDENCY_FACTS},
    {"resource!": NAMES, **DEPENDENCY_FACTS},
)
SERVICE = {
    "layer": NAME,
    "labels": MapOf(NAME),
    "entrypoint": st.booleans(),
    "depends_on!": [DEPENDENCY],
}
SERVICES = (
    {"services!": MapOf(SERVICE, NAMES), "resources": MapOf({"depends_on": [DEPENDENCY]}, NAMES)},
    {"name!": NAMES, **SERVICE},  # a file holding one service
)
ENVIRONMENT = (
    MapOf((ADDRESS, SCALAR), st.sampled_from(["DB_URL", "OTEL_ENDPOINT", "X"])),
    [st.builds("{}={}".format, st.sampled_from(["DB", "HOST", "K"]), ADDRESS)],
)
COMPOSE = {
    "services!": MapOf(
        {
            "image": NAME,
            "environment": ENVIRONMENT,
            "depends_on": (
                [NAME],
                MapOf({"condition": ("service_healthy", NAME), "required": SCALAR}),
            ),
            "links": [st.builds("{}:{}".format, NAMES, NAMES)],
            "volumes_from": [NAME],
            "network_mode": ("service:db", "container:x", NAME),
            "hostname": NAME,
            "container_name": NAME,
            "env_file": ([NAME], NAME, [{"path": NAME, "required": SCALAR}]),
            "networks": ([NAME], MapOf({"aliases": [NAME]})),
            "profiles": [NAME],
            "labels": ENVIRONMENT,
        },
        NAMES,
    ),
    "name": NAME,
}
CONTAINER = {
    "name!": NAME,
    "image": NAME,
    "env": [
        {
            "name!": st.sampled_from(["DB_HOST", "OTEL_EXPORTER_OTLP_ENDPOINT", "X"]),
            "value": ADDRESS,
            "valueFrom": {"configMapKeyRef": {"name": NAME, "key": NAME}, "secretKeyRef": ANY},
        }
    ],
    "envFrom": [{"configMapRef": {"name": NAME}, "prefix": NAME}],
    "command": [ADDRESS],
    "args": [ADDRESS],
}
POD_SPEC = {
    "containers!": [CONTAINER],
    "initContainers": [CONTAINER],
    "volumes": [{"name": NAME, "configMap": {"name": NAME, "items": [{"key": NAME}]}}],
    "hostname": NAME,
    "subdomain": NAME,
}
KUBE_OBJECT = {
    "apiVersion!": st.sampled_from(["v1", "apps/v1", "batch/v1"]),
    "kind!": st.sampled_from(
        ["Deployment", "StatefulSet", "Service", "ConfigMap", "Pod", "CronJob", "List", "Job"]
    ),
    "metadata!": {"name!": NAMES, "namespace": NAMES, "labels": MapOf(NAMES, NAMES)},
    "spec!": {
        "template!": {"metadata": {"labels": MapOf(NAMES, NAMES)}, "spec!": POD_SPEC},
        "jobTemplate": {"spec": {"template": {"spec": POD_SPEC}}},
        "selector": (MapOf(NAMES, NAMES), {"matchLabels": MapOf(NAMES, NAMES)}),
        "serviceName": NAME,
        "type": ("ExternalName", NAME),
        "externalName": NAME,
        **POD_SPEC,
    },
    "data": MapOf(ADDRESS),
    "items": [ANY],
}
ENTITY = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind!": st.sampled_from(["Component", "Resource", "API", "System", "Group", "component"]),
    "metadata!": {"name!": NAMES, "namespace": NAMES, "labels": MapOf(NAME), "tags": [NAME]},
    "spec": {
        "type": NAME,
        "lifecycle": NAME,
        "owner": NAME,
        "system": NAME,
        "dependsOn": [(ADDRESS, NAMES)],
        "dependencyOf": [(ADDRESS, NAMES)],
        "providesApis": [NAMES],
        "consumesApis": [NAMES],
    },
}
LINK = {"parent!": NAMES, "child!": NAMES, "callCount!": (st.integers(), SCALAR), "source": NAME}
TRACES = ({"data!": [LINK], "errors": ANY, "total": SCALAR}, [LINK])
PYDEPS = MapOf(
    {
        "path!": (st.builds(f"{ROOT_MARK}/pkg/{{}}.py".format, NAMES), NAME, SCALAR),
        "imports!": [st.sampled_from(["pkg", "pkg.a", "pkg.b", "os", "__main__"])],
        "name": NAME,
        "bacon": SCALAR,
    },
    st.sampled_from(["pkg", "pkg.a", "pkg.b", "__main__", "os"]),
)
PAIR = [st.lists(st.sampled_from(["service:a", "service:b", "module:x"]), min_size=2, max_size=2)]
BASELINE = {
    "version!": 1,
    "tool": "depguard",
    "findings": [{"id!": NAME, "type": NAME, "level": NAME, "message": NAME, "reason": NAME}],
    "cyclic_edges": MapOf(PAIR, st.sampled_from(["service", "module", "x"])),
    "soft_cyclic_edges": MapOf(PAIR, st.sampled_from(["service", "module"])),
    "bootstrap_edges": MapOf(PAIR, st.sampled_from(["service", "module"])),
}
LAYER_NAMES = st.sampled_from(["infra", "api", "app", "layer:api", "label:x=y", "nope"])
CONFIG = {
    "extends": (st.sampled_from(["layered-app", "cloud-control-plane", "x.yaml"]), [NAME]),
    "sources": [
        MapOf(
            ([NAME], NAME, {"roots": [NAME], "packages": [NAME], "collector": NAME}),
            st.sampled_from(["services", "python", "compose", "kubernetes", "traces", "x"]),
        )
    ],
    "exclude": [NAME],
    "services": MapOf({"code": [NAME], "layer": LAYER_NAMES, "entrypoint": SCALAR}),
    "layers": [{"name": LAYER_NAMES, "match": [LAYER_NAMES], "independent": SCALAR}],
    "forbidden": [{"name": NAME, "from": [LAYER_NAMES], "to": [LAYER_NAMES], "transitive": SCALAR}],
    "isolated": [{"name": NAME, "nodes": [NAME], "watches": [LAYER_NAMES]}],
    "edges": [{"match": {"from": NAME, "env": NAME}, "kind": NAME, "strength": NAME}],
    "cycles": {"count": [NAME], "witnesses_per_component": SCALAR, "levels": [NAME]},
    "baseline": NAME,
}


def dump_yaml(data: Any, flow: bool | None, stream: bool) -> bytes:
    if stream and isinstance(data, list):
        return yaml.safe_dump_all(data, default_flow_style=flow, allow_unicode=True).encode()
    return yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True).encode()


def yaml_bytes(shape: object, stream: bool = False) -> st.SearchStrategy[bytes]:
    data = documents_of([shape]) if stream else documents_of(shape)
    return st.builds(dump_yaml, data, st.sampled_from([None, False, True]), st.just(stream))


def dump_json(data: Any, indent: int | None) -> bytes:
    return json.dumps(data, indent=indent, default=str).encode()


def json_bytes(shape: object) -> st.SearchStrategy[bytes]:
    return st.builds(dump_json, documents_of(shape), st.sampled_from([None, 2, 4]))


def toml_value(value: Any) -> str:
    """A TOML value for the data JSON can hold (None has no TOML form: an empty string)."""
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = (f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def toml_key(key: Any) -> str:
    return json.dumps(str(key), ensure_ascii=False)


def dump_toml(data: Any) -> bytes:
    lines = ["[project]", 'name = "x"', "", "[tool.depguard]"]
    if isinstance(data, dict):
        lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in data.items()]
    else:
        lines.append(f'"value" = {toml_value(data)}')
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


def dotenv_bytes() -> st.SearchStrategy[bytes]:
    line = st.one_of(
        st.builds("{}={}".format, st.sampled_from(["DB", "PW", "X.Y", "export A", "B"]), ADDRESS),
        st.builds("{}: '{}'".format, NAMES, ADDRESS),
        st.sampled_from(["# comment", "", "=", "A", 'Q="unterminated', "K='a'b'", "  X = 1  "]),
        st.text(max_size=12),
    )
    return st.lists(line, max_size=8).map(lambda lines: "\n".join(lines).encode("utf-8", "replace"))


# ---------------------------------------------------------------- token soup and mutations

YAML_TOKENS = [
    *("\n", "\n  ", "\n    ", "  ", "- ", ": ", ":", "{", "}", "[", "]", ", ", "# c", "&a ", "*a"),
    *("!!str ", "!!python/object:os.system ", "!t ", "'", '"', "|", ">-", "---\n", "...\n"),
    *("%YAML 1.1\n", "%TAG ! x\n", "? ", "<<: *a", "\t", "\r", "\r\n", "\\", "\x00", "\ufeff"),
    *("services", "depends_on", "kind: Deployment", "apiVersion: v1", "metadata", "name: x"),
    *("spec", "containers", "env", "value", "dependsOn", "environment", "data", "items"),
    *("1e400", "0x1F", "~", "null", "yes", "2020-01-01", ".inf", "-.nan", "0o7", "1_000"),
]
JSON_TOKENS = [
    *("{", "}", "[", "]", ",", ":", '"', '"data"', '"parent"', '"child"', '"callCount"'),
    *('"imports"', '"path"', '"version"', '"findings"', '"cyclic_edges"', '"id"', "1", "-0"),
    *("1e999", "9" * 5000, "NaN", "Infinity", "true", "null", "\\u0000", "\\ud800", "\n", " "),
    *('"@ROOT@/pkg/a.py"', '"pkg.a"', "[" * 50, "{" * 50, "\ufeff", "\xff"),
]
PYTHON_TOKENS = [
    *("import ", "from ", " . ", ".", "..", "(", ")", ",", " as ", "\\\n", ";", "\n", "    "),
    *("\t", "'", '"', "'''", '"""', "#", "if TYPE_CHECKING:", "def f():", "class C:", "a", "b"),
    *("\r", "\x00", "\f", "# -*- coding: latin-1 -*-\n", "# coding: nope\n", "\ufeff", "é"),
    *("# coding: hex\n", "# vim: set fileencoding=utf-16 :\n", "# coding=rot13\n"),
    *("f'{", "}'", "rb'", "\\", ":", "else:", "elif x:", "async def g():", "*", "__future__"),
]
TOML_TOKENS = [
    *("[tool.depguard]\n", "[[tool.depguard.layers]]\n", "=", " = ", '"', "'", "'''", "[", "]"),
    *("{", "}", ",", "\n", "name", "match", "sources", "true", "1979-05-27", "0x", "nan", "#"),
    *("\\", "\x00", "\r", "\t", "[tool]\ndepguard = 1\n", "tool.depguard.x = 1\n"),
]
INSERTS = [
    *(b"\x00", b"\xff", b"\xef\xbb\xbf", b"\r", b"\t", b":", b"- ", b"[", b"{", b"&a ", b"*a"),
    *(b"!!python/object ", b"'", b'"', b"#", b"\n  ", b"\\", b"${", b"$(", b"\n---\n", b"\x85"),
]


def soup(tokens: list[str]) -> st.SearchStrategy[bytes]:
    token = st.one_of(st.sampled_from(tokens), st.sampled_from(tokens), st.text(max_size=4))
    return st.lists(token, max_size=60).map(lambda parts: "".join(parts).encode("utf-8", "replace"))


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["flip", "truncate", "delete", "insert", "duplicate"]))
        at = draw(st.integers(0, len(data)))
        if operation == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif operation == "truncate":
            del data[at:]
        elif operation == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif operation == "insert":
            data[at:at] = draw(st.one_of(st.sampled_from(INSERTS), st.binary(min_size=1)))
        else:  # a stretch of the file again, elsewhere: duplicate keys, repeated documents
            start = draw(st.integers(0, len(data)))
            data[at:at] = data[start : start + draw(st.integers(1, 200))]
    return bytes(data)


# ---------------------------------------------------------------- the readers


@dataclass
class Problem:
    file: str
    line: int
    message: str


@dataclass
class Reader:
    """One reader: where its input goes, how it is called, what it is fed."""

    name: str
    target: str  # the file the generated bytes are written to, relative to the project
    call: Callable[[Path], list[Problem]]  # project root -> problems; raises only its own
    seeds: list[bytes]
    structured: st.SearchStrategy[bytes]
    tokens: list[str]
    extra: dict[str, bytes] = field(default_factory=dict)  # fixed files beside the target
    header: bytes = b""  # what the token soup starts with, half of the time


def fragments_problems(fragments: list[Fragment]) -> list[Problem]:
    found = [Problem(d.file, d.line, d.message) for f in fragments for d in f.diagnostics]
    for fragment in fragments:
        assert all(isinstance(d, Diagnostic) for d in fragment.diagnostics)
        for edge in fragment.edges:  # evidence is located like a problem would be
            found += [Problem(e.file, e.line, "evidence") for e in edge.evidence]
        for node in fragment.nodes:
            if node.declared_in is not None:
                found.append(Problem(node.declared_in.file, node.declared_in.line, "declared"))
    return found


def collect(source: str, paths: list[str]) -> Callable[[Path], list[Problem]]:
    """Read `paths` with one source, as `pipeline.collect` reads a configured source."""

    def call(root: Path) -> list[Problem]:
        cfg = config.parse({"sources": [{source: paths}]})
        project = config.Project(root=root, config=cfg, config_file=None)
        return fragments_problems(pipeline.collect(project, use_cache=False))

    return call


LOCATED = re.compile(r"(?s)(.*?):(\d+): (.+)")


def located(text: str, file: str) -> Problem:
    """A `file:line: message` line; `file` as written when it is not the one we wrote (a
    rule set the config extends)."""
    match = LOCATED.fullmatch(text)
    assert match is not None, f"not `file:line: message`: {text!r}"
    shown = file if match.group(1).endswith(file) else match.group(1)
    return Problem(shown, int(match.group(2)), match.group(3))


def read_config(name: str) -> Callable[[Path], list[Problem]]:
    def call(root: Path) -> list[Problem]:
        try:  # the project holds `.git`: the search for a config stops there
            config.open_project(root)
        except config.ConfigError as exc:
            assert exc.lines
            return [located(line, name) for line in exc.lines]
        except yamlio.YamlError as exc:
            return [Problem(exc.file, exc.line, exc.message)]
        return []

    return call


def read_baseline(root: Path) -> list[Problem]:
    try:
        baseline.load(root / baseline.DEFAULT_NAME)
    except baseline.BaselineError as exc:
        return [located(str(exc), baseline.DEFAULT_NAME)]
    return []


def read_yaml(root: Path) -> list[Problem]:
    try:
        yamlio.load_all(yamlio.read_text(root / "any.yaml", "any.yaml"), "any.yaml")
    except yamlio.YamlError as exc:
        return [Problem(exc.file, exc.line, exc.message)]
    return []


def scan_python(root: Path) -> list[Problem]:
    data = (root / "mod.py").read_bytes()
    try:
        found = scanner.scan(data)
    except scanner.ScanError as exc:
        return [Problem("mod.py", exc.line, exc.message)]
    return [Problem("mod.py", s.line, s.text or "statement") for s in found]


def seeds(*patterns: str) -> list[bytes]:
    found = sorted({p for pattern in patterns for p in REPO.glob(pattern)})
    assert found, patterns
    return [p.read_bytes() for p in found]


PYDEPS_SEED = json.dumps(
    {
        "__main__": {"bacon": 0, "imports": ["pkg"], "name": "__main__", "path": None},
        "pkg": {"imports": ["pkg.a"], "name": "pkg", "path": f"{ROOT_MARK}/pkg/__init__.py"},
        "pkg.a": {"imports": ["pkg", "yaml"], "name": "pkg.a", "path": f"{ROOT_MARK}/pkg/a.py"},
        "yaml": {"imports": [], "name": "yaml", "path": "/usr/lib/python3/yaml/__init__.py"},
    },
    indent=4,
).encode()
BASELINE_SEED = json.dumps(
    {
        "version": 1,
        "tool": "depguard",
        "findings": [
            {"id": "cycle-service-1", "type": "cycle", "level": "service", "message": "m"},
            {"id": "layer-service-2", "type": "layer", "level": "service", "message": "m"},
        ],
        "cyclic_edges": {"module": [], "service": [["service:a", "service:b"]]},
        "soft_cyclic_edges": {"module": [], "service": []},
        "bootstrap_edges": {"module": [], "service": [["service:a", "service:b"]]},
    },
    indent=2,
).encode()
COMPOSE_WITH_VARIABLES = b"""\
services:
  web:
    environment:
      DB_URL: postgres://u:${PW}@${DB:-db}:5432/x
      CACHE: ${CACHE?cache is needed}
  db:
    image: postgres
"""
GIT = {".git/HEAD": b"ref: refs/heads/main\n"}  # where the search for a config stops
YAML_SEEDS = seeds("examples/*/*.yaml", "rules/*.yaml", "tests/fixtures/kubernetes/bank/*.yaml")

READERS = [
    Reader(
        "yaml", "any.yaml", read_yaml, YAML_SEEDS, yaml_bytes(SERVICES, stream=True), YAML_TOKENS
    ),
    Reader(
        "services",
        "services.yaml",
        collect("services", ["services.yaml"]),
        seeds("examples/*/services.yaml"),
        yaml_bytes(SERVICES),
        YAML_TOKENS,
    ),
    Reader(
        "compose",
        "compose.yaml",
        collect("compose", ["compose.yaml"]),
        seeds("examples/*/deploy/compose.yaml", "tests/fixtures/compose/*/compose*.yaml"),
        yaml_bytes(COMPOSE),
        YAML_TOKENS,
        {".env": b"PW=secret\nDB=db\n"},
    ),
    Reader(
        "compose .env",
        ".env",
        collect("compose", ["compose.yaml"]),
        seeds("examples/*/deploy/.env", "tests/fixtures/compose/*/.env", "tests/**/orders.env"),
        dotenv_bytes(),
        YAML_TOKENS,
        {"compose.yaml": COMPOSE_WITH_VARIABLES},
    ),
    Reader(
        "kubernetes",
        "k8s/app.yaml",
        collect("kubernetes", ["k8s"]),
        seeds("examples/*/deploy/k8s/*.yaml", "tests/fixtures/kubernetes/*/*.yaml"),
        yaml_bytes(KUBE_OBJECT, stream=True),
        YAML_TOKENS,
    ),
    Reader(
        "backstage",
        "catalog-info.yaml",
        collect("backstage", ["catalog-info.yaml"]),
        seeds("tests/fixtures/backstage/**/catalog-info.y*ml"),
        yaml_bytes(ENTITY, stream=True),
        YAML_TOKENS,
    ),
    Reader(
        "traces",
        "traces.json",
        collect("traces", ["traces.json"]),
        seeds("tests/fixtures/traces/*/*.json"),
        json_bytes(TRACES),
        JSON_TOKENS,
    ),
    Reader(
        "pydeps",
        "pydeps.json",
        collect("pydeps", ["pydeps.json"]),
        [PYDEPS_SEED],
        json_bytes(PYDEPS),
        JSON_TOKENS,
        {"pkg/__init__.py": b"", "pkg/a.py": b""},
    ),
    Reader(
        "python source",
        "pkg/mod.py",
        collect("python", ["."]),
        seeds("examples/**/*.py"),
        yaml_bytes(ANY),  # YAML is text too: odd Python, nothing more
        PYTHON_TOKENS,
        {"pkg/__init__.py": b"from . import mod\n"},
    ),
    Reader(
        "python scanner",
        "mod.py",
        scan_python,
        seeds("examples/**/*.py", "depguard/sources/python/scanner.py"),
        yaml_bytes(ANY),
        PYTHON_TOKENS,
    ),
    Reader(
        "config",
        "depguard.yaml",
        read_config("depguard.yaml"),
        seeds("examples/*/depguard.yaml", "rules/*.yaml"),
        yaml_bytes(CONFIG),
        YAML_TOKENS,
        GIT,
    ),
    Reader(
        "config pyproject",
        "pyproject.toml",
        read_config("pyproject.toml"),
        seeds("pyproject.toml"),
        st.builds(dump_toml, documents_of(CONFIG)),
        TOML_TOKENS,
        GIT,
        b"[tool.depguard]\n",
    ),
    Reader(
        "baseline",
        baseline.DEFAULT_NAME,
        read_baseline,
        [BASELINE_SEED],
        json_bytes(BASELINE),
        JSON_TOKENS,
    ),
]
BY_NAME = {reader.name: reader for reader in READERS}


@contextmanager
def project(reader: Reader, data: bytes) -> Iterator[tuple[Path, dict[str, bytes]]]:
    """A fresh project holding `data` at the reader's target (and its fixed files)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data = data.replace(ROOT_MARK.encode(), root.as_posix().encode())
        files = {**reader.extra, reader.target: data}
        for name, content in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(content)
        yield root, files


def last_line(data: bytes) -> int:
    """The most lines any reader could count in `data` (any line break), plus one."""
    counts = [len(data.splitlines())]
    text = data.decode("utf-8", "replace")
    counts.append(len(text.splitlines()))
    return max(counts) + 1


def check(reader: Reader, data: bytes) -> None:
    with project(reader, data) as (root, files):
        problems = reader.call(root)
    last = {name: last_line(content) for name, content in files.items()}
    for problem in problems:
        assert isinstance(problem.line, int) and problem.message.strip(), problem
        if problem.file not in files:  # only a rule set that a config extends
            assert Path(problem.file).parent == config.rules_dir(), (problem, sorted(files))
            continue
        assert 0 <= problem.line <= last[problem.file], problem


NAMES_OF_READERS = [reader.name for reader in READERS]
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", NAMES_OF_READERS)
@settings(SETTINGS, max_examples=EXAMPLES["bytes"])
@given(data=st.data())
def test_arbitrary_bytes(name: str, data: st.DataObject) -> None:
    check(BY_NAME[name], data.draw(st.binary(max_size=400), label="bytes"))


@pytest.mark.parametrize("name", NAMES_OF_READERS)
@settings(SETTINGS, max_examples=EXAMPLES["text"])
@given(data=st.data())
def test_text_made_of_the_format_s_tokens(name: str, data: st.DataObject) -> None:
    reader = BY_NAME[name]
    text = data.draw(soup(reader.tokens), label="text")
    check(reader, reader.header + text if reader.header and data.draw(st.booleans()) else text)


@pytest.mark.parametrize("name", NAMES_OF_READERS)
@settings(SETTINGS, max_examples=EXAMPLES["structured"])
@given(data=st.data())
def test_structured_data_of_the_format_s_shape_or_not(name: str, data: st.DataObject) -> None:
    reader = BY_NAME[name]
    check(reader, data.draw(reader.structured, label="document"))


@pytest.mark.parametrize("name", NAMES_OF_READERS)
@settings(SETTINGS, max_examples=EXAMPLES["mutated"])
@given(data=st.data())
def test_real_files_with_bytes_flipped_inserted_deleted_or_truncated(
    name: str, data: st.DataObject
) -> None:
    reader = BY_NAME[name]
    check(reader, data.draw(mutated(reader.seeds), label="mutated file"))


# inputs that broke a reader (the first three) or could: nesting past the recursion
# limit, aliases that expand without end, numbers past int() limits, odd line breaks
PATHOLOGICAL = {
    "a number of 5000 digits (pydeps, baseline)": b"9" * 5000,
    "tool.depguard not a table": b"[tool]\ndepguard = 1\n# [tool.depguard]\n",
    "tool not a table": b"tool = 1\n# [tool.depguard]\n",
    "JSON nested past the recursion limit": b"[" * 100_000,
    "JSON nested deep, closed": b'{"a":' * 3000 + b"1" + b"}" * 3000,
    "YAML flow nested deep": b"a: " + b"[" * 5000 + b"]" * 5000,
    "YAML blocks nested deep": b"".join(b"  " * i + b"- \n" for i in range(3000)),
    "TOML nested deep": b"[tool.depguard]\nx = " + b"{a = " * 2000 + b"1" + b"}" * 2000,
    "an alias bomb": b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + b"".join(
        b"%c: &%c [%s]\n" % (98 + i, 98 + i, b", ".join([b"*%c" % (97 + i)] * 10)) for i in range(9)
    ),
    "a recursive alias": b"a: &a [*a]\n",
    "a long number in YAML": b"services:\n  a:\n    depends_on: [" + b"9" * 5000 + b"]\n",
    "a NUL byte": b"services:\n  a: {}\n\x00\n",
    "a BOM": b"\xef\xbb\xbfservices:\n  a: {}\n",
    "CR line breaks": b"services:\r  a:\r    depends_on: [b\r",
    "a line separator": "services:\u2028  a: [\n".encode(),
    "a long line": b"x: " + b"a" * 200_000 + b"\n",
    "Python: many names": b"import a" + b", a" * 50_000 + b"\n",
    "Python: deep brackets": b"x = " + b"(" * 5000 + b"\nimport a\n",
    "Python: a chain of imports": b"from \\\n" + b"import \\\n" * 20_000 + b"a\n",
    "Python: tabs": b"if x:\n\tif y:\n        import a\n",
    "Python: a Latin-1 cookie": b"# -*- coding: latin-1 -*-\nimport \xe9\n",
    "Python: an unknown cookie": b"# coding: nope\nimport a\n",
    "Python: a binary codec": b"# coding: hex\nimport a\n",
    "Python: a UTF-16 cookie": b"# coding: utf-16\nimport a\n",
}


@pytest.mark.parametrize("name", NAMES_OF_READERS)
def test_pathological_inputs(name: str) -> None:
    for data in PATHOLOGICAL.values():
        check(BY_NAME[name], data)


@pytest.mark.parametrize("name", NAMES_OF_READERS)
def test_the_seeds_themselves_read_cleanly_or_with_located_problems(name: str) -> None:
    reader = BY_NAME[name]
    for seed in reader.seeds:
        check(reader, seed)
