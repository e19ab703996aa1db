"""Bad input through the real command line: every source, the config and the baseline.

Each case builds a small project in a temporary folder, runs `python -m depguard check`
in a subprocess (a timeout, and on Linux a 2 GiB address-space limit, so a hang or a
memory blow-up fails the case instead of the machine), and asserts:

- the exit code: 2 for an input problem; 0 or 1 where the input is legitimately
  accepted (an empty manifest, invalid Python read best effort, a path with spaces);
- every line on stderr is one diagnostic, `path:line: message`, and one of them names
  the bad file (with the expected line and words, where they matter);
- no traceback and no "internal error" anywhere.

Small inputs live in `corpus/<source>/`, one file per case, with their expectation in
`CORPUS` below; encodings, binary data, alias bombs, deep nesting, links, unreadable
files and 50 MB files are generated at test time (the large ones into tmp_path only).
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

if sys.platform != "win32":
    import resource

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links, pipes, modes")

CORPUS_DIR = Path(__file__).parent / "corpus"
TIMEOUT = 60  # seconds, per run
MEMORY = 2 * 1024**3  # bytes of address space, per run (Linux)
BIG = 50 * 1024 * 1024  # the size of the large-file cases

DIAGNOSTIC = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<message>\S.*)$")


# ---------------------------------------------------------------- what a case is


@dataclass(frozen=True)
class Expect:
    """The outcome of one run.

    `file` is the bad file as the diagnostic names it (relative to the project root);
    None means the input is accepted: no diagnostic at all, and `stdout` is in the report.
    """

    file: str | None
    line: int | None = None  # the line the diagnostic names, when it matters
    says: str = ""  # words of that diagnostic's message
    code: int = 2
    stdout: str = ""


def accepted(stdout: str, code: int = 0) -> Expect:
    return Expect(None, code=code, stdout=stdout)


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path], None]  # writes the project under the given root
    expect: Expect
    args: tuple[str, ...] = ("check", ".")
    before: tuple[tuple[str, ...], ...] = ()  # commands run first (must exit 0)
    unreadable: bool = False  # relies on file permissions being enforced
    known_bug: str = ""  # a bug not fixed yet: the case is expected to fail (strictly)


# ---------------------------------------------------------------- projects per source

GOOD_SERVICES = "services:\n  a:\n    depends_on: [b]\n  b: {}\n"


@dataclass(frozen=True)
class Layout:
    """Where a source's bad file goes, and what else the project holds."""

    bad: str  # path of the bad file, relative to the root
    config: str | None  # depguard.yaml (None: the bad file is itself the config)
    others: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ("check", ".")


LAYOUTS = {
    "services": Layout("services.yaml", "sources:\n  - services: services.yaml\n"),
    "compose": Layout("compose.yaml", "sources:\n  - compose: compose.yaml\n"),
    "kubernetes": Layout("k8s/app.yaml", "sources:\n  - kubernetes: k8s\n"),
    "backstage": Layout("catalog-info.yaml", "sources:\n  - backstage: catalog-info.yaml\n"),
    "traces": Layout("traces.json", "sources:\n  - traces: traces.json\n"),
    "pydeps": Layout("pydeps.json", "sources:\n  - pydeps: pydeps.json\n"),
    "python": Layout(
        "pkg/mod.py",
        "sources:\n  - python: {roots: ['.'], packages: [pkg]}\n",
        {"pkg/__init__.py": "", "pkg/other.py": ""},
    ),
    "config": Layout("depguard.yaml", None, {"services.yaml": GOOD_SERVICES}),
    "pyproject": Layout("pyproject.toml", None, {"services.yaml": GOOD_SERVICES}),
    "baseline": Layout(
        "baseline.json",
        "sources:\n  - services: services.yaml\n",
        {"services.yaml": GOOD_SERVICES},
        ("check", ".", "--baseline", "baseline.json"),
    ),
}
SOURCES = tuple(LAYOUTS)
YAML_SOURCES = ("services", "compose", "kubernetes", "backstage", "config")
JSON_SOURCES = ("traces", "pydeps", "baseline")


def put(root: Path, name: str, data: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def project(source: str, data: str | bytes | None = None) -> Callable[[Path], None]:
    """A project of `source`'s layout whose bad file holds `data` (None: not written)."""
    layout = LAYOUTS[source]

    def build(root: Path) -> None:
        (root / ".git").mkdir(exist_ok=True)  # the config search stops here
        if layout.config is not None:
            put(root, "depguard.yaml", layout.config)
        for name, text in layout.others.items():
            put(root, name, text)
        if data is not None:
            put(root, layout.bad, data)

    return build


def then(first: Callable[[Path], None], *more: Callable[[Path], None]) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        first(root)
        for step in more:
            step(root)

    return build


# ---------------------------------------------------------------- running depguard


def _limits(unreadable: bool) -> Callable[[], None]:
    def apply() -> None:
        if sys.platform.startswith("linux"):
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        if unreadable and os.geteuid() == 0:
            _drop_root_read_override()

    return apply


def _drop_root_read_override() -> None:
    """Make root obey file modes in this process and what it runs: drop
    CAP_DAC_OVERRIDE (1) and CAP_DAC_READ_SEARCH (2) from the bounding set."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@functools.cache
def permissions_are_enforced() -> bool:
    """Whether a file of mode 000 is unreadable to a run (as root: once the capabilities
    that bypass file modes are dropped; a container may not allow that)."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.write_text("secret")
        probe.chmod(0)
        try:
            done = subprocess.run(
                [sys.executable, "-c", f"open({str(probe)!r}).read()"],
                capture_output=True,
                preexec_fn=_limits(unreadable=True),
                timeout=TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return False
        finally:
            probe.chmod(0o600)
    return done.returncode != 0


def depguard(
    root: Path, args: tuple[str, ...], unreadable: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DEPGUARD_DEBUG"}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "depguard", *args],
        cwd=root,
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT,
        preexec_fn=_limits(unreadable),
        check=False,
    )


def verify(done: subprocess.CompletedProcess[str], expect: Expect) -> None:
    shown = f"exit {done.returncode}\nstdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr}"
    both = done.stdout + done.stderr
    assert "Traceback" not in both, shown
    assert "internal error" not in both, shown
    assert done.returncode == expect.code, shown
    lines = done.stderr.splitlines()
    parsed = [DIAGNOSTIC.match(line) for line in lines]
    assert all(parsed), f"stderr lines that are not `path:line: message`\n{shown}"
    if expect.file is None:
        assert done.stderr == "", shown
        assert expect.stdout in done.stdout, shown
        return
    naming = [m for m in parsed if m is not None and m["file"] == expect.file]
    assert naming, f"no diagnostic names {expect.file}\n{shown}"
    if expect.line is not None:
        naming = [m for m in naming if int(m["line"]) == expect.line]
        assert naming, f"no diagnostic at {expect.file}:{expect.line}\n{shown}"
    if expect.says:
        assert any(expect.says in m["message"] for m in naming), shown


# ---------------------------------------------------------------- 1. the committed corpus

# (line, words of the message) of the diagnostic naming the bad file; or an Expect
Expected = tuple[int | None, str] | Expect

# corpus/<source>/<file> -> what a run on it gives, the file being placed where the
# source's layout reads it (so the diagnostic names the layout's path)
CORPUS: dict[str, Expected] = {
    # the native service manifest
    "services/dependency-service-is-a-list.yaml": (4, "expected a string, got a list"),
    "services/dependency-without-target.yaml": (4, "missing required key"),
    "services/depends-on-is-a-mapping.yaml": (3, "depends_on: expected a list, got a mapping"),
    "services/depends-on-item-is-a-list.yaml": (4, "expected a string, got a list"),
    "services/depends-on-item-is-a-number.yaml": (5, "expected a string, got 42"),
    "services/entrypoint-is-a-string.yaml": (3, "entrypoint: expected true or false, got 'true'"),
    "services/label-value-is-a-mapping.yaml": (4, "labels.tier: expected a string, got a mapping"),
    "services/labels-is-a-list.yaml": (3, "labels: expected a mapping, got a list"),
    "services/layer-is-a-number.yaml": (3, "services.a.layer: expected a string, got 3"),
    "services/optional-is-a-string.yaml": (4, "optional: expected true or false, got 'yes'"),
    "services/resources-is-a-list.yaml": (3, "resources: expected a mapping, got a list"),
    "services/service-is-a-list.yaml": (2, "services.a: expected a mapping, got a list"),
    "services/service-is-a-number.yaml": (2, "services.a: expected a mapping, got 3"),
    "services/service-name-is-a-number.yaml": (2, "expected a string, got 7"),
    "services/services-is-a-list.yaml": (2, "services: expected a mapping, got a list"),
    "services/single-service-name-is-a-list.yaml": (1, "name: expected a string, got a list"),
    "services/single-service-name-is-empty.yaml": (2, "name: expected a service name"),
    "services/strength-is-unknown.yaml": (4, "strength: expected 'hard' or 'soft', got 'medium'"),
    "services/top-level-list.yaml": (2, "expected a mapping, got a list"),
    "services/unknown-key.yaml": (3, "unknown key 'depens_on' (did you mean 'depends_on'?)"),
    # docker compose
    "compose/depends-on-body-is-a-list.yaml": (4, "depends_on.api: expected a mapping"),
    "compose/depends-on-condition-is-a-list.yaml": (5, "condition: expected a string, got a list"),
    "compose/depends-on-condition-unknown.yaml": (5, "got 'service_ready'"),
    "compose/depends-on-is-a-number.yaml": (3, "depends_on: expected a list or a mapping"),
    "compose/depends-on-item-is-a-mapping.yaml": (4, "expected a string, got a mapping"),
    "compose/depends-on-required-is-a-string.yaml": (5, "expected true or false, got 'maybe'"),
    "compose/env-file-entry-without-path.yaml": (4, "missing required key 'path'"),
    "compose/env-file-is-a-number.yaml": (3, "expected a path or a list of paths, got 3"),
    "compose/environment-is-a-number.yaml": (3, "environment: expected a list or a mapping"),
    "compose/environment-item-is-a-mapping.yaml": (4, "expected a string, got a mapping"),
    "compose/environment-name-is-a-number.yaml": (4, "a variable name must be a string"),
    "compose/environment-value-is-a-list.yaml": (4, "API_URL: expected a string, got a list"),
    "compose/hostname-is-a-mapping.yaml": (3, "hostname: expected a string, got a mapping"),
    "compose/labels-is-a-number.yaml": (3, "labels: expected a list or a mapping of labels"),
    "compose/links-is-a-mapping.yaml": (3, "links: expected a list of services, got a mapping"),
    "compose/network-aliases-is-a-string.yaml": (5, "aliases: expected a list of aliases"),
    "compose/network-mode-is-a-list.yaml": (3, "network_mode: expected a string, got a list"),
    "compose/networks-is-a-number.yaml": (3, "networks: expected a list or a mapping"),
    "compose/profiles-is-a-mapping.yaml": (3, "profiles: expected a list of profile names"),
    "compose/required-variable-unset.yaml": (4, "required variable API_HOST is missing a value"),
    "compose/service-is-a-string.yaml": (2, "services.web: expected a mapping, got 'nginx'"),
    "compose/service-name-is-a-number.yaml": (2, "a service name must be a string"),
    "compose/services-is-a-list.yaml": (1, "services: expected a mapping of service names"),
    "compose/services-is-a-string.yaml": (1, "services: expected a mapping of service names"),
    "compose/top-level-list.yaml": (2, "expected a compose file (a mapping), got a list"),
    "compose/unclosed-interpolation.yaml": (4, "unterminated ${"),
    # Kubernetes manifests
    "kubernetes/command-is-a-mapping.yaml": (13, "command: expected a list, got a mapping"),
    "kubernetes/config-map-data-is-a-list.yaml": (5, "data: expected a mapping, got a list"),
    "kubernetes/config-map-ref-is-a-list.yaml": (14, "configMapRef: expected a mapping"),
    "kubernetes/container-is-a-string.yaml": (12, "containers[0]: expected a mapping, got 'nginx'"),
    "kubernetes/container-name-is-a-list.yaml": (12, "name: expected a string, got a list"),
    "kubernetes/containers-is-a-mapping.yaml": (11, "containers: expected a list, got a mapping"),
    "kubernetes/env-from-is-a-string.yaml": (13, "envFrom: expected a list, got 'settings'"),
    "kubernetes/env-is-a-mapping.yaml": (13, "env: expected a list, got a mapping"),
    "kubernetes/env-name-is-missing.yaml": (14, "env[0].name: missing required key"),
    "kubernetes/env-value-is-a-number.yaml": (15, "value: expected a string, got 8080"),
    "kubernetes/kind-is-a-number.yaml": (2, "kind: expected a string, got 3"),
    "kubernetes/kind-is-missing.yaml": (1, "kind: missing required key"),
    "kubernetes/label-value-is-a-number.yaml": (6, "labels.version: expected a string, got 2"),
    "kubernetes/labels-is-a-list.yaml": (5, "metadata.labels: expected a mapping, got a list"),
    "kubernetes/list-item-is-a-string.yaml": (4, "items[0]: expected a Kubernetes object"),
    "kubernetes/list-items-is-a-mapping.yaml": (3, "items: expected a list, got a mapping"),
    "kubernetes/metadata-is-a-list.yaml": (3, "metadata: expected a mapping, got a list"),
    "kubernetes/name-is-a-mapping.yaml": (4, "metadata.name: expected a string, got a mapping"),
    "kubernetes/name-is-missing.yaml": (3, "metadata.name: missing required key"),
    "kubernetes/namespace-is-a-number.yaml": (5, "namespace: expected a string, got 42"),
    "kubernetes/pod-spec-is-a-number.yaml": (10, "spec.template.spec: expected a mapping, got 3"),
    "kubernetes/service-selector-is-a-list.yaml": (6, "spec.selector: expected a mapping"),
    "kubernetes/spec-is-a-string.yaml": (5, "spec: expected a mapping, got 'replicas=3'"),
    "kubernetes/template-is-a-list.yaml": (6, "spec.template: expected a mapping, got a list"),
    "kubernetes/top-level-list.yaml": (2, "expected a Kubernetes object (a mapping), got a list"),
    "kubernetes/volumes-is-a-string.yaml": (13, "volumes: expected a list, got 'config'"),
    # Backstage catalogs
    "backstage/consumes-apis-is-a-number.yaml": (6, "consumesApis: expected a list"),
    "backstage/dependency-of-is-a-string.yaml": (6, "dependencyOf: expected a list"),
    "backstage/depends-on-is-a-mapping.yaml": (6, "dependsOn: expected a list"),
    "backstage/depends-on-item-is-a-mapping.yaml": (
        7,
        "expected an entity reference, got a mapping",
    ),
    "backstage/depends-on-item-is-a-number.yaml": (8, "expected an entity reference, got 42"),
    "backstage/depends-on-reference-is-empty.yaml": (7, "'component:' is not an entity reference"),
    "backstage/entity-defined-twice.yaml": (9, "defined again (first at catalog-info.yaml:4)"),
    "backstage/kind-is-a-number.yaml": (2, "kind: expected a non-empty string, got 3"),
    "backstage/kind-is-missing.yaml": (1, "kind: missing required key"),
    "backstage/labels-is-a-list.yaml": (5, "metadata.labels: expected a mapping"),
    "backstage/lifecycle-is-a-list.yaml": (6, "lifecycle: expected a non-empty string"),
    "backstage/metadata-is-a-list.yaml": (3, "metadata: expected a mapping, got a list"),
    "backstage/name-is-a-number.yaml": (4, "metadata.name: expected a non-empty string, got 42"),
    "backstage/name-is-missing.yaml": (3, "metadata.name: missing required key"),
    "backstage/namespace-is-a-list.yaml": (5, "namespace: expected a non-empty string"),
    "backstage/owner-is-a-mapping.yaml": (6, "owner: expected a non-empty string, got a mapping"),
    "backstage/provides-apis-item-is-a-list.yaml": (7, "expected an entity reference, got a list"),
    "backstage/spec-is-a-string.yaml": (5, "spec: expected a mapping, got 'service'"),
    "backstage/system-is-a-number.yaml": (6, "system: expected a non-empty string, got 5"),
    "backstage/tags-is-a-string.yaml": (5, "tags: expected a list of tags, got 'web'"),
    "backstage/top-level-list.yaml": (2, "expected an entity (a mapping), got a list"),
    # Jaeger dependencies (observed calls)
    "traces/call-count-is-a-boolean.json": (1, "callCount: expected a whole number, got true"),
    "traces/call-count-is-a-string.json": (6, "callCount: expected a whole number, got '12'"),
    "traces/call-count-is-nan.json": (1, "callCount: expected a whole number, got nan"),
    "traces/call-count-is-negative.json": (1, "callCount: expected a whole number, got -1"),
    "traces/child-is-empty.json": (3, "child: expected a service name, got '  '"),
    "traces/data-is-a-mapping.json": (2, "data: expected a list of links, got a mapping"),
    "traces/data-is-a-string.json": (1, "data: expected a list of links"),
    "traces/duplicate-key.json": accepted("2 nodes and 1 edge from traces"),  # the last wins
    "traces/error-count-is-a-float.json": (1, "errorCount: expected a whole number, got 0.5"),
    "traces/huge-integer.json": (1, "not valid JSON"),
    "traces/jaeger-errors.json": (3, "Jaeger reported errors: storage unavailable"),
    "traces/link-is-a-list.json": (3, "data[0]: expected a link"),
    "traces/link-is-a-number.json": (2, "[0]: expected a link"),
    "traces/lone-surrogate.json": (3, "surrogate"),
    "traces/mapping-without-data.json": (1, 'got a mapping without "data"'),
    "traces/parent-is-a-number.json": (4, "parent: expected a service name, got 3"),
    "traces/parent-is-missing.json": (3, "parent: missing required key"),
    "traces/top-level-null.json": (1, "expected Jaeger's dependencies JSON"),
    "traces/top-level-number.json": (1, "expected Jaeger's dependencies JSON"),
    "traces/top-level-string.json": (1, "expected Jaeger's dependencies JSON"),
    "traces/trailing-comma.json": (3, "not valid JSON"),
    "traces/two-documents.json": (2, "not valid JSON: Extra data"),
    "traces/unclosed.json": (4, "not valid JSON"),
    # pydeps output
    "pydeps/huge-integer.json": (1, "not valid JSON"),
    "pydeps/imports-is-a-mapping.json": (4, "imports: expected a list of module names"),
    "pydeps/lone-surrogate.json": (2, "surrogate"),
    "pydeps/module-facts-is-a-list.json": (2, "expected a mapping"),
    "pydeps/path-is-a-number.json": (3, "path: expected a file path"),
    "pydeps/top-level-list.json": (1, "expected pydeps' JSON"),
    "pydeps/top-level-number.json": (1, "expected pydeps' JSON"),
    "pydeps/trailing-comma.json": (2, "not valid JSON"),
    "pydeps/unclosed.json": (4, "not valid JSON"),
    # Python source: undecodable text is refused; invalid code is read best effort
    "python/bom-with-latin-1-coding.py.txt": (1, "encoding problem: latin-1 with a UTF-8 BOM"),
    "python/latin-1-with-its-coding.py.txt": accepted("3 nodes and 1 edge from python"),
    "python/non-text-coding.py.txt": (1, "hex is not a text encoding"),
    "python/relative-import-beyond-top.py.txt": accepted("3 nodes and 1 edge from python"),
    "python/rot13-coding.py.txt": (1, "rot-13 is not a text encoding"),
    "python/syntax-error.py.txt": accepted("3 nodes and 1 edge from python"),
    "python/unclosed-bracket.py.txt": accepted("3 nodes and 1 edge from python"),
    "python/unclosed-triple-quote.py.txt": accepted("3 nodes and 1 edge from python"),
    "python/unknown-coding.py.txt": (1, "unknown encoding: klingon"),
    # depguard.yaml
    "config/baseline-is-a-list.yaml": (1, "baseline: expected a string, got a list"),
    "config/cycles-count-class-unknown.yaml": (2, "cycles.count[0]: expected 'hard', 'soft'"),
    "config/cycles-is-a-string.yaml": (1, "cycles: expected a mapping, got 'hard'"),
    "config/cycles-levels-is-a-string.yaml": (2, "cycles.levels: expected a list, got 'module'"),
    "config/cycles-witnesses-is-a-float.yaml": (2, "expected a whole number, got 1.5"),
    "config/cycles-witnesses-is-a-string.yaml": (2, "expected a whole number, got '10'"),
    "config/cycles-witnesses-is-huge.yaml": (2, "expected at most 1000"),
    "config/edge-match-is-a-list.yaml": (2, "edges[0].match: expected a mapping, got a list"),
    "config/edge-strength-unknown.yaml": (3, "edges[0].strength: expected 'hard' or 'soft'"),
    "config/edges-is-a-mapping.yaml": (1, "edges: expected a list, got a mapping"),
    "config/exclude-is-a-mapping.yaml": (1, "exclude: expected a list of patterns"),
    "config/extends-is-a-number.yaml": (1, "extends: expected a list of paths, got 3"),
    "config/extends-itself.yaml": (1, "circular extends"),
    "config/extends-missing-file.yaml": (1, "extends: file not found: ./rules/missing.yaml"),
    "config/extends-unknown-rule-set.yaml": (1, "unknown rule set 'cloud-control-plain'"),
    "config/forbidden-from-is-a-number.yaml": (3, "forbidden[0].from: expected a list of patterns"),
    "config/forbidden-is-a-mapping.yaml": (1, "forbidden: expected a list, got a mapping"),
    "config/forbidden-label-selector-without-value.yaml": (4, "'label:KEY=VALUE'"),
    "config/forbidden-rule-is-a-list.yaml": (2, "forbidden[0]: expected a mapping, got a list"),
    "config/forbidden-selector-unknown.yaml": (4, "unknown selector 'team'"),
    "config/forbidden-severity-unknown.yaml": (5, "expected 'error' or 'warning', got 'fatal'"),
    "config/forbidden-to-is-missing.yaml": (2, "forbidden[0].to: missing required key"),
    "config/forbidden-to-unknown-layer.yaml": (6, "unknown layer 'apj' (did you mean 'api'?)"),
    "config/isolated-watches-is-missing.yaml": (2, "isolated[0].watches: missing required key"),
    "config/key-is-a-number.yaml": (3, "keys should be strings"),
    "config/layer-defined-twice.yaml": (3, "layers[1].name: duplicate layer 'api'"),
    "config/layer-independent-is-a-string.yaml": (3, "expected true or false, got 'yes'"),
    "config/layer-is-a-string.yaml": (2, "layers[0]: expected a mapping, got 'api'"),
    "config/layer-match-is-a-number.yaml": (4, "layers[1].match: expected a list of patterns"),
    "config/layer-name-is-a-list.yaml": (2, "layers[0].name: expected a string, got a list"),
    "config/layer-name-is-missing.yaml": (2, "layers[0].name: missing required key"),
    "config/layers-is-a-mapping.yaml": (1, "layers: expected a list, got a mapping"),
    "config/python-collector-unknown.yaml": (None, "expected 'scanner' or 'pydeps', got 'grimp'"),
    "config/python-include-external-is-a-string.yaml": (None, "expected true or false"),
    "config/python-max-file-size-is-a-string.yaml": (None, "expected a whole number, got '10MB'"),
    "config/python-max-file-size-is-zero.yaml": (None, "expected at least 1, got 0"),
    "config/python-options-is-a-number.yaml": (2, "got 3"),
    "config/python-roots-is-a-number.yaml": (None, "roots: expected a list of paths, got 3"),
    "config/service-code-is-a-number.yaml": (3, "services.api.code: expected a list of patterns"),
    "config/service-is-a-list.yaml": (2, "services.api: expected a mapping, got a list"),
    "config/service-labels-is-a-list.yaml": (3, "services.api.labels: expected a mapping"),
    "config/service-layer-unknown.yaml": (5, "services.web.layer: unknown layer 'frontend'"),
    "config/services-is-a-list.yaml": (1, "services: expected a mapping, got a list"),
    "config/source-format-unknown.yaml": (2, "unknown key 'helm'"),
    "config/source-has-two-formats.yaml": (2, "name exactly one source format"),
    "config/source-is-a-string.yaml": (2, "sources[0]: expected a mapping, got 'services.yaml'"),
    "config/source-is-empty.yaml": (2, "name exactly one source format"),
    "config/source-path-is-a-mapping.yaml": (2, "services[0]: expected a string, got a mapping"),
    "config/source-paths-is-a-number.yaml": (2, "sources[0].services: expected a list of paths"),
    "config/sources-is-a-mapping.yaml": (1, "sources: expected a list, got a mapping"),
    "config/top-level-list.yaml": (1, "expected a mapping at the top, got a list"),
    "config/top-level-number.yaml": (1, "expected a mapping at the top, got 42"),
    "config/unknown-key.yaml": (3, "unknown key 'layerz' (did you mean 'layers'?)"),
    # [tool.depguard] in pyproject.toml
    "pyproject/cycles-witnesses-is-a-date.toml": (2, "expected a whole number, got 2024-01-01"),
    "pyproject/cycles-witnesses-is-a-string.toml": (5, "expected a whole number, got '3'"),
    "pyproject/depguard-is-a-number.toml": (2, "tool.depguard: expected a table, got 3"),
    "pyproject/depguard-is-a-string.toml": (1, "tool.depguard: expected a table"),
    "pyproject/depguard-is-an-array.toml": (2, "tool.depguard: expected a table, got a list"),
    "pyproject/depguard-is-an-inline-table.toml": (None, "unknown key 'layerz'"),
    "pyproject/empty-table.toml": accepted("2 nodes and 1 edge from services"),
    "pyproject/forbidden-from-is-a-boolean.toml": (3, "expected a list of patterns, got true"),
    "pyproject/key-defined-twice.toml": (3, "TOML syntax error: Cannot overwrite a value"),
    "pyproject/layers-item-is-a-string.toml": (8, "layers[1].name: expected a string"),
    "pyproject/services-is-an-array.toml": (2, "services: expected a mapping, got a list"),
    "pyproject/source-is-a-number.toml": (2, "sources[0]: expected a mapping, got 1"),
    "pyproject/sources-is-a-string.toml": (2, "sources: expected a list, got 'services.yaml'"),
    "pyproject/table-defined-twice.toml": (4, "TOML syntax error: Cannot declare"),
    # `tool` is not a table, so no [tool.depguard] exists: not a config, a zero-config run
    "pyproject/tool-is-a-number.toml": accepted("2 nodes and 1 edge from services"),
    "pyproject/unclosed-array.toml": (2, "TOML syntax error: Invalid value (at end"),
    "pyproject/unclosed-table-header.toml": (4, "TOML syntax error: Expected ']'"),
    "pyproject/unknown-key.toml": (3, "unknown key 'layerz' (did you mean 'layers'?)"),
    # the baseline read by `check --baseline`
    "baseline/cyclic-edge-end-is-a-number.json": (None, "expected a pair of node ids"),
    "baseline/cyclic-edge-has-three-ends.json": (None, "expected a pair of node ids"),
    "baseline/cyclic-edge-is-a-string.json": (None, "expected a pair of node ids"),
    "baseline/cyclic-edges-is-a-list.json": (None, "cyclic_edges: expected a mapping"),
    "baseline/cyclic-edges-level-is-a-number.json": (None, "expected a list of edges"),
    "baseline/cyclic-edges-level-unknown.json": (1, "unknown level 'galaxy' in cyclic_edges"),
    "baseline/duplicate-finding-id.json": (5, "duplicate finding id x"),
    "baseline/duplicate-key.json": accepted("0 errors"),  # the last one wins, as JSON reads
    "baseline/finding-id-is-a-list.json": (None, "findings[0].id: expected a string"),
    "baseline/finding-is-a-number.json": (1, "not a depguard baseline"),
    "baseline/finding-message-is-a-number.json": (None, "findings[0].message: expected a string"),
    "baseline/finding-without-id.json": (1, "not a depguard baseline ('id')"),
    "baseline/findings-is-a-mapping.json": (None, "findings: expected a list"),
    "baseline/findings-is-a-string.json": (None, "findings: expected a list"),
    "baseline/huge-integer.json": (1, "not valid JSON"),
    "baseline/lone-surrogate.json": (3, "surrogate"),
    "baseline/no-version.json": (1, "no 'version' key"),
    "baseline/top-level-list.json": (1, "no 'version' key"),
    "baseline/top-level-null.json": (1, "no 'version' key"),
    "baseline/trailing-comma.json": (3, "not valid JSON"),
    "baseline/unclosed.json": (2, "not valid JSON"),
    "baseline/version-is-a-float.json": (1, "unknown baseline version 1.0"),
    "baseline/version-is-a-string.json": (1, "unknown baseline version '1'"),
    "baseline/version-is-true.json": (1, "unknown baseline version True"),
    "baseline/version-is-unknown.json": (2, "unknown baseline version 7"),
}


def corpus_cases() -> Iterator[Case]:
    for key, expected in sorted(CORPUS.items()):
        source, name = key.split("/", 1)
        data = (CORPUS_DIR / source / name).read_bytes()
        case_id = f"{source}-{name.split('.', 1)[0]}"
        expect = expectation(source, expected)
        yield Case(case_id, project(source, data), expect, LAYOUTS[source].args)


def expectation(source: str, expected: Expected) -> Expect:
    if isinstance(expected, Expect):
        return expected
    line, says = expected
    return Expect(LAYOUTS[source].bad, line, says)


# ---------------------------------------------------------------- 2. generated content


def _billion_laughs() -> bytes:
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        refs = ", ".join([f"*lol{level - 1}"] * 10)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4
NESTED_900 = b'{"a": ' + b"[" * 900 + b"]" * 900 + b"}\n"  # JSON, YAML and Python alike

# name -> (bytes, {family or source: expectation}); the families are "yaml" (services,
# compose, kubernetes, backstage), "json" (traces, pydeps, baseline), "config", "python"
GENERIC: dict[str, tuple[bytes, dict[str, Expected]]] = {
    "empty": (
        b"",
        {
            "yaml": accepted("0 errors, 0 warnings"),  # an empty manifest adds nothing
            "config": (1, "the config is empty"),
            "json": (1, "not valid JSON: Expecting value"),
            "python": accepted("module level: 3 nodes and 0 edges"),
        },
    ),
    "only-a-comment": (
        b"# nothing here yet\n",
        {"yaml": accepted("0 errors, 0 warnings"), "config": (1, "the config is empty")},
    ),
    "binary-png": (
        PNG,
        {
            "yaml": (1, "not UTF-8 text (byte 0x89)"),
            "config": (1, "not UTF-8 text (byte 0x89)"),
            "json": (1, "not UTF-8 text (byte 0x89)"),
            "baseline": (0, "cannot read the baseline"),
            "python": (3, "source contains a NUL byte"),  # after the PNG's \r\n and \n
        },
    ),
    "nul-byte": (
        b"a: 1\n\x00\n",
        {
            "yaml": (2, "contains a NUL byte"),
            "config": (2, "contains a NUL byte"),
            "json": (2, "contains a NUL byte"),
            "baseline": (1, "not valid JSON"),
            "python": (2, "source contains a NUL byte"),
        },
    ),
    "latin-1": (
        b"a: 1\n# caf\xe9\n",
        {
            "yaml": (2, "not UTF-8 text (byte 0xe9)"),
            "config": (2, "not UTF-8 text (byte 0xe9)"),
            "json": (2, "not UTF-8 text (byte 0xe9)"),
            "baseline": (0, "cannot read the baseline"),
            "python": (2, "cannot decode as utf-8"),
        },
    ),
    "utf-16-le-without-bom": (
        "a: 1\n".encode("utf-16-le"),
        {
            "yaml": (1, "contains a NUL byte"),
            "config": (1, "contains a NUL byte"),
            "json": (1, "contains a NUL byte"),
            "baseline": (1, "not valid JSON"),
            "python": (1, "source contains a NUL byte"),
        },
    ),
    "utf-16-be-without-bom": (
        "a: 1\n".encode("utf-16-be"),
        {
            "yaml": (1, "contains a NUL byte"),
            "config": (1, "contains a NUL byte"),
            "json": (1, "contains a NUL byte"),
            "baseline": (1, "not valid JSON"),
            "python": (1, "source contains a NUL byte"),
        },
    ),
    "syntax-error": (
        b"a:\n  b: [1, 2\nc: 3\n",
        {"yaml": (3, "YAML syntax error"), "config": (3, "YAML syntax error")},
    ),
    "tab-indentation": (
        b"a:\n\tb: 1\n",
        {"yaml": (2, "YAML syntax error"), "config": (2, "YAML syntax error")},
    ),
    "duplicate-key": (
        b"a: 1\nb: 2\na: 3\n",
        {
            "yaml": (3, "duplicate key 'a' (first at line 1)"),
            "config": (3, "duplicate key 'a' (first at line 1)"),
        },
    ),
    "billion-laughs": (
        _billion_laughs(),
        {"yaml": (1, "alias bomb"), "config": (1, "alias bomb")},
    ),
    "recursive-alias": (
        b"a: &a [b, *a]\n",
        {"yaml": (1, "recursive alias"), "config": (1, "recursive alias")},
    ),
    "nested-100000-deep": (
        b"a: " + b"[" * 100_000 + b"\n",
        {
            "yaml": (1, "exceeded maximum nesting depth"),
            "config": (1, "exceeded maximum nesting depth"),
            "python": accepted("module level: 3 nodes and 0 edges"),
        },
    ),
    "nested-100000-deep-closed": (
        b"[" * 100_000 + b"]" * 100_000,
        {
            "yaml": (1, "exceeded maximum nesting depth"),
            "config": (1, "exceeded maximum nesting depth"),
            "json": (1, "not valid JSON"),
            "python": accepted("module level: 3 nodes and 0 edges"),
        },
    ),
    "nested-900-deep": (
        NESTED_900,
        {
            # read, then refused for its shape (compose ignores top-level keys it does not use)
            "yaml": (1, ""),
            "compose": accepted("0 errors, 0 warnings from compose"),
            "config": (1, "unknown key 'a'"),
            "json": (1, ""),
            "python": accepted("module level: 3 nodes and 0 edges"),
        },
    ),
    "python-tag": (
        b"a: !!python/object/apply:os.system [echo pwned]\n",
        {"yaml": (1, "unsupported YAML tag"), "config": (1, "unsupported YAML tag")},
    ),
    "merge-of-a-scalar": (
        b"base: &base 1\na:\n  <<: *base\n",
        {"yaml": (3, "expected a mapping"), "config": (3, "expected a mapping")},
    ),
    "unhashable-key": (
        b"? [a, b]\n: c\n",
        {"yaml": (1, "unhashable key"), "config": (1, "unhashable key")},
    ),
    "huge-integer": (
        b"a: [" + b"9" * 5000 + b"]\n",
        {"yaml": (1, "too large"), "config": (1, "too large")},
    ),
    "surrogate-escape": (
        b'a: "\\ud800"\n',
        {"yaml": (1, "invalid Unicode character"), "config": (1, "invalid Unicode character")},
    ),
}


def _family(source: str) -> str:
    if source in YAML_SOURCES[:-1]:
        return "yaml"
    return "json" if source in JSON_SOURCES else source


def generic_cases() -> Iterator[Case]:
    for name, (data, by_family) in GENERIC.items():
        for source in SOURCES:
            expected = by_family.get(source, by_family.get(_family(source)))
            if expected is not None:
                expect = expectation(source, expected)
                yield Case(f"{source}-{name}", project(source, data), expect, LAYOUTS[source].args)


# pyproject.toml is read as a config only when it names [tool.depguard], so its bad
# bytes come after that header
PYPROJECT: dict[str, tuple[bytes, Expected]] = {
    "empty": (b"", accepted("2 nodes and 1 edge from services")),  # not a config
    "binary-png": (b"[tool.depguard]\n" + PNG, (2, "not UTF-8 text (byte 0x89)")),
    "nul-byte": (b"[tool.depguard]\n\x00\n", (2, "contains a NUL byte")),
    "latin-1": (b"[tool.depguard]\n# caf\xe9\n", (2, "not UTF-8 text (byte 0xe9)")),
    # the header cannot be seen through the NUL bytes: not a config, zero-config run
    "utf-16-le-without-bom": (
        "[tool.depguard]\n".encode("utf-16-le"),
        accepted("2 nodes and 1 edge from services"),
    ),
    "nested-100000-deep": (
        b"[tool.depguard]\nx = " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
        (0, "TOML nested too deeply"),
    ),
    "huge-integer": (b"[tool.depguard]\nx = " + b"9" * 5000 + b"\n", (2, "cannot read the TOML")),
}


def pyproject_cases() -> Iterator[Case]:
    for name, (data, expected) in PYPROJECT.items():
        yield Case(
            f"pyproject-{name}", project("pyproject", data), expectation("pyproject", expected)
        )


# ---------------------------------------------------------------- 3. the file system

# a good input per source with one cycle, so that a run that reads it exits 1, at the
# place inside the folder that the folder layouts below read
GOOD: dict[str, tuple[str, str]] = {
    "services": (
        "manifests/shop.yaml",
        "services:\n  a: {depends_on: [b]}\n  b: {depends_on: [a]}\n",
    ),
    "compose": (
        "deploy/compose.yaml",
        "services:\n  a: {image: x, depends_on: [b]}\n  b: {image: y, depends_on: [a]}\n",
    ),
    "kubernetes": ("k8s/shop.yaml", ""),  # below
    "backstage": (
        "catalog/shop/catalog-info.yaml",
        "kind: Component\nmetadata: {name: a}\nspec: {dependsOn: [component:b]}\n---\n"
        "kind: Component\nmetadata: {name: b}\nspec: {dependsOn: [component:a]}\n",
    ),
    "traces": (
        "observed/links.json",
        '{"data": [\n  {"parent": "a", "child": "b", "callCount": 3},\n'
        '  {"parent": "b", "child": "a", "callCount": 1}\n]}\n',
    ),
    "pydeps": (
        "deps/pkg.json",
        '{\n    "pkg": {\n        "path": "pkg/__init__.py",\n        "imports": [\n'
        '            "pkg.mod"\n        ]\n    },\n    "pkg.mod": {\n'
        '        "path": "pkg/mod.py",\n        "imports": [\n            "pkg"\n'
        "        ]\n    }\n}\n",
    ),
    "python": ("pkg/mod.py", "import pkg\n"),
}


def _deployment(name: str, calls: str) -> str:
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n"
        f"  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n"
        f"    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n"
        f"        - name: {name}\n          env:\n"
        f"            - {{name: PEER_URL, value: 'http://{calls}:8080'}}\n---\n"
        f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\n"
        f"spec: {{selector: {{app: {name}}}}}\n"
    )


GOOD["kubernetes"] = ("k8s/shop.yaml", _deployment("a", "b") + "---\n" + _deployment("b", "a"))

# the config entry that reads each source's folder (a file, for compose)
FOLDER_CONFIG = {
    "services": "services: manifests",
    "compose": "compose: deploy/compose.yaml",
    "kubernetes": "kubernetes: k8s",
    "backstage": "backstage: catalog",
    "traces": "traces: observed",
    "pydeps": "pydeps: deps",
    "python": "python: {roots: ['.'], packages: [pkg]}",
}
# where a bad file goes inside that folder
IN_FOLDER = {
    "services": "manifests/broken.yaml",
    "kubernetes": "k8s/broken.yaml",
    "backstage": "catalog/broken/catalog-info.yaml",
    "traces": "observed/broken.json",
    "pydeps": "deps/broken.json",
    "python": "pkg/broken.py",
}


def cycle_in(source: str) -> str:
    return "2 modules in a cycle" if source in ("python", "pydeps") else "2 services in a cycle"


def good_project(source: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        (root / ".git").mkdir(exist_ok=True)
        put(root, "depguard.yaml", f"sources:\n  - {FOLDER_CONFIG[source]}\n")
        if source in ("python", "pydeps"):
            put(root, "pkg/__init__.py", "" if source == "pydeps" else "from pkg import mod\n")
        put(root, *GOOD[source])

    return build


def symlink(name: str, target: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).symlink_to(target)

    return build


def fifo(name: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / name)

    return build


def writes(*items: tuple[str, str]) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        for name, text in items:
            put(root, name, text)

    return build


def folder(name: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        (root / name).mkdir(parents=True)

    return build


def unreadable(name: str) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        (root / name).chmod(0)

    return build


def filesystem_cases() -> Iterator[Case]:
    for source, bad in IN_FOLDER.items():
        name = Path(bad).name
        # a link to itself: reading it fails (ELOOP); the rest is still read
        yield Case(
            f"{source}-symlink-loop",
            then(good_project(source), symlink(bad, name)),
            Expect(bad, 0, "cannot read"),
        )
        yield Case(
            f"{source}-dangling-symlink",
            then(good_project(source), symlink(bad, "gone" + Path(bad).suffix)),
            Expect(bad, 0, "cannot read"),
        )
        # a link from inside a walked folder back up to it: never followed, so the
        # walk ends and the result is the normal one
        loop = str(Path(bad).parent / "up")
        yield Case(
            f"{source}-folder-symlink-loop",
            then(good_project(source), symlink(loop, ".")),
            accepted(cycle_in(source), code=1),
        )
        # a named pipe: opening it would wait for a writer forever
        yield Case(
            f"{source}-fifo",
            then(good_project(source), fifo(bad)),
            Expect(bad, 0, "not a regular file"),
        )
    # named in the config or on the command line
    yield Case(
        "compose-symlink-loop",
        then(project("compose"), symlink("compose.yaml", "compose.yaml")),
        Expect("compose.yaml", 0, "does not exist"),
    )
    yield Case(
        "config-symlink-loop",
        then(project("config"), symlink("loop.yaml", "loop.yaml")),
        Expect("loop.yaml", 0, "config file not found"),
        args=("check", ".", "--config", "loop.yaml"),
    )
    yield Case(
        "baseline-symlink-loop",
        then(project("baseline"), symlink("baseline.json", "baseline.json")),
        Expect("baseline.json", 0, "cannot read the baseline"),
        LAYOUTS["baseline"].args,
    )
    yield Case(
        "config-is-a-folder",
        then(project("config"), folder("rules.yaml")),
        Expect("rules.yaml", 0, "a folder, not a config file"),
        args=("check", ".", "--config", "rules.yaml"),
    )
    yield Case(
        "baseline-is-a-folder",
        then(project("baseline"), folder("baseline.json")),
        Expect("baseline.json", 0, "cannot read the baseline"),
        LAYOUTS["baseline"].args,
    )
    # mode 000 at each source's usual place
    for source in SOURCES:
        layout = LAYOUTS[source]
        says = "cannot read the baseline" if source == "baseline" else "cannot read"
        yield Case(
            f"{source}-unreadable",
            then(project(source, GOOD_SERVICES), unreadable(layout.bad)),
            Expect(layout.bad, 0, says),
            layout.args,
            unreadable=True,
        )
    # the same files named in the config instead of on the command line
    yield Case(
        "baseline-unreadable-named-in-the-config",
        then(
            project("baseline", GOOD_SERVICES),
            writes(
                ("depguard.yaml", "sources: [services: services.yaml]\nbaseline: baseline.json\n")
            ),
            unreadable("baseline.json"),
        ),
        Expect("baseline.json", 0, "cannot read the baseline"),
        unreadable=True,
    )
    yield Case(
        "config-unreadable-named-on-the-command-line",
        then(project("config", GOOD_SERVICES), unreadable("depguard.yaml")),
        Expect("depguard.yaml", 0, "cannot read"),
        args=("check", ".", "--config", "depguard.yaml"),
        unreadable=True,
    )


# ---------------------------------------------------------------- 4. 50 MB files


def _big_kubernetes(root: Path) -> None:
    """A rendered stream of ConfigMaps (`helm template` of a large chart)."""
    pad = "z" * 10_000
    (root / "k8s").mkdir()
    with open(root / "k8s" / "app.yaml", "w", encoding="utf-8") as out:
        size, index = 0, 0
        while size < BIG:
            size += out.write(
                f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-{index}\n"
                f'data:\n  PEER_URL: http://peer-{index}:8080/\n  PAD: "{pad}"\n---\n'
            )
            index += 1


def _big_python(root: Path) -> None:
    """A generated module: over the default size limit, so skipped with a diagnostic."""
    line = "import pkg.other\nTABLE = 'import os' + '" + "x" * 100 + "'\n"
    (root / "pkg" / "mod.py").write_text(line * (BIG // len(line) + 1), encoding="utf-8")


def _big_traces(root: Path) -> None:
    """Jaeger links, each with a large field depguard ignores, that close one loop."""
    pad = "p" * 500
    with open(root / "traces.json", "w", encoding="utf-8") as out:
        out.write('{"data": [\n')
        size, index = 0, 0
        while size < BIG:
            parent, child = ("a", "b") if index % 2 else ("b", "a")
            size += out.write(
                f'  {{"parent": "{parent}", "child": "{child}", "callCount": {index}, '
                f'"note": "{pad}"}},\n'
            )
            index += 1
        out.write('  {"parent": "a", "child": "c"}\n]}\n')


def large_cases() -> Iterator[Case]:
    yield Case(
        "kubernetes-50-megabytes",
        then(project("kubernetes"), _big_kubernetes),
        accepted("0 errors, 0 warnings from kubernetes"),
    )
    yield Case(
        "python-50-megabytes",
        then(project("python"), _big_python),
        Expect("pkg/mod.py", 0, "over the 10,485,760-byte limit"),
    )
    yield Case(
        "traces-50-megabytes",
        then(project("traces"), _big_traces),
        accepted("2 services in a cycle: a, b", code=1),
    )


# ---------------------------------------------------------------- 5. names that must work

ODD = "dossier à lire/sous dossier ü"  # a folder with spaces and non-ASCII letters
ODD_CONFIG = "règles é ü.yaml"


def _odd_names(source: str) -> Callable[[Path], None]:
    """A good project of `source` whose config and files have odd names."""

    def build(root: Path) -> None:
        (root / ".git").mkdir(exist_ok=True)
        if source == "python":
            put(root, f"{ODD}/paquet_é/__init__.py", "from paquet_é import modülé\n")
            put(root, f"{ODD}/paquet_é/modülé.py", "import paquet_é\n")
            entry = f"python: {{roots: ['{ODD}'], packages: [paquet_é]}}"
        else:
            text = GOOD[source][1]
            if source == "pydeps":
                text = text.replace("pkg", "paquet_é").replace("mod", "modülé")
            put(root, f"{ODD}/{odd_file(source)}", text)
            entry = f"{source}: '{ODD}/{odd_file(source)}'"
        put(root, ODD_CONFIG, f"sources:\n  - {entry}\n")

    return build


def odd_file(source: str) -> str:
    return "entrée é " + Path(GOOD[source][0]).name


def name_cases() -> Iterator[Case]:
    for source in GOOD:
        # the evidence names the file (the module that imports, for python)
        shown = (
            f"{ODD}/paquet_é/modülé.py:1" if source == "python" else f"{ODD}/{odd_file(source)}:"
        )
        yield Case(
            f"{source}-spaces-and-non-ascii-names",
            _odd_names(source),
            accepted(shown, code=1),
            args=("check", ".", "--config", ODD_CONFIG),
        )
    manifest = (f"{ODD}/manifeste é.yaml", GOOD["services"][1])
    entry = "manifeste é.yaml"
    # a config found by itself in such a folder, as depguard.yaml and in pyproject.toml
    yield Case(
        "config-spaces-and-non-ascii-names",
        writes(
            (".git/HEAD", ""),
            manifest,
            (f"{ODD}/depguard.yaml", f"sources: [services: '{entry}']\n"),
        ),
        accepted("manifeste é.yaml:2", code=1),
        args=("check", ODD),
    )
    yield Case(
        "pyproject-spaces-and-non-ascii-names",
        writes(
            (".git/HEAD", ""),
            manifest,
            (f"{ODD}/pyproject.toml", f"[tool.depguard]\nsources = [{{services = '{entry}'}}]\n"),
        ),
        accepted("manifeste é.yaml:2", code=1),
        args=("check", ODD),
    )
    # a baseline written to such a name, then read from it
    baseline = f"{ODD}/ligne de base é.json"
    yield Case(
        "baseline-spaces-and-non-ascii-names",
        writes(
            (".git/HEAD", ""),
            manifest,
            (f"{ODD}/depguard.yaml", f"sources: [services: '{entry}']\n"),
        ),
        accepted("hidden", code=0),
        args=("check", ODD, "--baseline", baseline),
        before=(("baseline", ODD, "--output", baseline),),
    )


CASES = [
    *corpus_cases(),
    *generic_cases(),
    *pyproject_cases(),
    *filesystem_cases(),
    *large_cases(),
    *name_cases(),
]


PARAMS = [
    pytest.param(
        case,
        id=case.id,
        marks=[pytest.mark.xfail(reason=case.known_bug, strict=True)] if case.known_bug else [],
    )
    for case in CASES
]


@pytest.mark.parametrize("case", PARAMS)
def test_bad_input(case: Case, tmp_path: Path) -> None:
    if case.unreadable and not permissions_are_enforced():
        pytest.skip("file modes are not enforced here (root without a way to drop that)")
    root = tmp_path / "project"
    root.mkdir()
    case.build(root)
    for args in case.before:
        first = depguard(root, args)
        assert first.returncode == 0, first.stdout + first.stderr
    verify(depguard(root, case.args, case.unreadable), case.expect)


def test_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


def test_every_corpus_file_has_an_expectation() -> None:
    files = {f"{path.parent.name}/{path.name}" for path in CORPUS_DIR.glob("*/*") if path.is_file()}
    assert files == set(CORPUS)
