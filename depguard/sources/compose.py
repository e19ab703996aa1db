"""Docker compose files: services, their start-up order and the addresses they call.

`collect` reads one compose project: the files it is given, merged in order as
`docker compose -f a -f b` merges them, and writes one `service:<name>` node per service
and one edge per dependency, each with the `file:line` of the exact key, item or
variable that makes it.

Edges
- `depends_on` (list or mapping form): kind `startup`, hard; soft when `required: false`.
  Text `depends_on db (service_healthy)`; the condition is named when written.
- `links` (`db`, `db:alias`): kind `runtime`, hard (the alias also names db for the
  linking service's variables). `volumes_from` (`svc`, `svc:ro`), `network_mode`,
  `ipc` and `pid` of `service:x`: kind `startup`, hard. `container:x` is outside the
  project and ignored.
- Environment variables (`environment` in list or mapping form, and `env_file` files)
  whose value names a service, its `hostname`, `container_name`, a network alias or a
  link alias, as found by `depguard.sources.addresses`: kind `runtime`, hard; telemetry
  variables (`OTEL_*`, `*OTLP*`, `JAEGER_*`, `*COLLECTOR*`...) give `telemetry`, soft.
  Text `env KEY=value` with passwords masked. A service naming itself (its own
  hostname, `OTEL_SERVICE_NAME`) is identity, not a dependency: no self-edge.

Decisions
- Files merge as compose-go merges them: mappings key by key, `environment` and
  `labels` by variable, `depends_on` by target (a later entry sets the condition and
  `required`; every file's entry stays as evidence), lists (`links`, `volumes_from`,
  `env_file`, `profiles`, network aliases) append, scalars (`network_mode`,
  `hostname`...) are replaced. `environment` beats `env_file`; a bare `- KEY` whose
  value is unset leaves an `env_file` value in place, as in compose.
- A folder given as a path means the compose files directly in it, chosen as compose
  chooses them (`discover`): the first of `compose.yaml`, `compose.yml`,
  `docker-compose.yml`, `docker-compose.yaml`, then the first override variant.
- Interpolation follows compose: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`,
  `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, nested
  defaults. Values come from the project `.env` (beside the first compose file) ONLY:
  the process environment is never read, so a scan gives the same graph on every
  machine and in CI. Only the fields read here are interpolated, so a `${TAG:?}` in
  `image:` (supplied by the CI shell) is not a depguard problem.
- An unset variable without a default becomes an empty string, as in compose, and a
  diagnostic `file:line: variable X is not set (no .env beside compose.yaml)`: compose
  only warns, but an empty value may hide an edge, and an incomplete analysis never
  passes silently. The fix is a default (`${X:-db:5432}`) or a `.env` entry. A missing
  `.env` alone is no problem. A bare `- KEY` (or `KEY:` with no value) takes its value
  from `.env` and is silently unset otherwise: compose passes such variables through
  from the shell without a warning, so they are not addresses we can know.
- Paths in every file (`env_file`) are relative to the project directory (the first
  file's folder), as compose documents for several `-f` files.
- Profiles: every service is kept, whatever its profiles; they are the node label
  `compose.profiles` (comma-separated) so rules can select them.
- A `depends_on`, `links`, `volumes_from` or `*: service:x` target that is not a
  service of the project is a diagnostic (compose refuses the project) and no edge,
  except a `depends_on` with `required: false`, which compose tolerates.
- Bad input never raises: malformed YAML, a document that is not a mapping, `services`
  not a mapping, a field of the wrong type, an unknown `depends_on` condition, a
  missing required `env_file`, a malformed `.env` line, an unterminated `${` are each a
  `Diagnostic(file, line, message)` and the rest of the project is still read. Unknown
  keys (`x-*`, `networks`, `volumes`, `configs`, `secrets`, `build`...) are ignored.
- A service's `extends` (`{service: base}` or `{service: base, file: other.yaml}`, the
  file relative to the one extending): the base's definition is merged first, then the
  service's own, by the same rules as `-f` files, so an inherited `environment` address
  or `depends_on` is an edge whose evidence is the base's line. A base in another file
  reads its relative paths (`env_file`) from that file's folder and is not itself a
  service of the project. A missing file or service, or a circular `extends`, is a
  diagnostic.
- Top-level `include` (a path, or `{path: one or a list, project_directory, env_file}`):
  each entry is read as its own compose project, after the files it is named in (paths
  relative to the including file, its own project directory and `.env`, whose values the
  including project's `.env` overrides), and its services join this project, so edges
  may cross between them. A missing file, a circular include, or a service that both
  define (compose refuses to merge them; the first definition is kept) is a diagnostic.
- YAML tags `!reset` and `!override` are refused by `depguard.yamlio` like any other tag.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from depguard import validation, yamlio
from depguard.fsutil import OUTSIDE, outside
from depguard.model import Diagnostic, Edge, Evidence, Fragment, Node, Strength, node_id
from depguard.sources import addresses, discovery
from depguard.sources.files import is_excluded, relative

SOURCE = "compose"
CONDITIONS = ("service_started", "service_healthy", "service_completed_successfully")
_DEPENDS_ON_KEYS = ("condition", "required", "restart")
# fields whose value `service:x` makes the service share (and so wait for) x's container
_MODE_FIELDS = ("network_mode", "ipc", "pid")
# bases followed for one service: real chains are two or three long, and a file of a
# hundred thousand services each extending the one before must not take quadratic time
MAX_EXTENDS = 10
# What one interpolated value may grow to: forty `.env` lines that each double the one
# above would otherwise expand to terabytes.
MAX_EXPANDED = 64 * 1024
_VAR_NAME = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")
_BRACED = re.compile(r"([_A-Za-z][_A-Za-z0-9]*)(?:(:?[-?+])(.*))?", re.DOTALL)
# `KEY=value`, and the `KEY: value` form compose's dotenv parser also reads
_DOTENV_KEY = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*([=:]?)(.*)", re.DOTALL)

Lookup = Callable[[str], str | None]


discover = discovery.compose_files


def collect(
    paths: list[Path], root: Path, exclude: tuple[str, ...] = (), options: object = None
) -> Fragment:
    """Read one compose project (the files merged in order) into nodes and edges;
    problems become diagnostics, never exceptions. `options` is accepted for the
    pipeline's common call and unused: compose has no settings yet."""
    fragment = Fragment(SOURCE)
    files = _compose_files(paths, root, exclude)
    if not files:
        return fragment
    project = _Project(root, files[0].parent, exclude, fragment)
    for path in files:
        project.read(path)
    project.include()  # after every file, as compose evaluates `include`
    project.emit()
    fragment.diagnostics = list(dict.fromkeys(fragment.diagnostics))
    return fragment


def _compose_files(paths: list[Path], root: Path, exclude: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if is_excluded(relative(path, root), exclude):
            continue
        found = discover(path) if path.is_dir() else [path]
        files.extend(p for p in found if not is_excluded(relative(p, root), exclude))
    return list(dict.fromkeys(files))


# ---------------------------------------------------------------- the merged project


@dataclass(frozen=True)
class _At:
    """Where something was written, and its breadcrumb for messages."""

    file: str
    line: int
    where: str = ""

    def evidence(self, text: str, env: str = "") -> Evidence:
        return Evidence(self.file, self.line, text, SOURCE, env)


@dataclass
class _Var:
    value: str | None  # None: a bare `- KEY` that .env does not set
    at: _At


@dataclass
class _DependsOn:
    condition: str = "service_started"
    required: bool = True
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class _Ref:
    """A `links`, `volumes_from` or `*_mode: service:x` reference to another service."""

    target: str
    kind: str
    text: str
    at: _At


@dataclass(frozen=True)
class _EnvFile:
    path: Path
    required: bool
    at: _At


@dataclass
class _Service:
    name: str
    at: _At
    labels: dict[str, str] = field(default_factory=dict)
    profiles: list[str] = field(default_factory=list)
    environment: dict[str, _Var] = field(default_factory=dict)
    env_files: list[_EnvFile] = field(default_factory=list)
    depends_on: dict[str, _DependsOn] = field(default_factory=dict)
    refs: list[_Ref] = field(default_factory=list)
    modes: dict[str, _Ref | None] = field(default_factory=dict)
    hostname: str | None = None
    container_name: str | None = None
    aliases: list[str] = field(default_factory=list)
    link_aliases: dict[str, str] = field(default_factory=dict)
    dotenv: _DotEnv | None = None  # of the project that defined it (an included one)


class _Project:
    """The services of all files so far, merged; then their nodes and edges."""

    def __init__(
        self,
        root: Path,
        directory: Path,
        exclude: tuple[str, ...],
        out: Fragment,
        chain: tuple[Path, ...] = (),
        outer: _DotEnv | None = None,
        env_files: list[Path] | None = None,
        included: set[Path] | None = None,
    ) -> None:
        self.root = root
        self.directory = directory
        self.exclude = exclude
        self.out = out
        self.services: dict[str, _Service] = {}
        self.first_file = ""
        self.dotenv = _DotEnv({}, "")
        # an included project: the files that included it, the including project's .env
        # (which overrides its own) and the env files its `include` entry names
        self.chain = chain
        self.outer = outer
        self.env_files = env_files
        self.includes: list[tuple[Any, _Reader, Path]] = []
        # every file included so far, in the whole tree of includes: each is read once
        # (a file two projects include brings the same services again, and includes
        # that fan out must not read a file exponentially often)
        self.included = included if included is not None else set()
        self.documents: dict[Path, Any] = {}  # every compose file read, by resolved path

    def read(self, path: Path) -> None:
        shown = relative(path, self.root)
        if not self.first_file:
            self.first_file = path.name
            self.dotenv = self._load_dotenv()
        raw = self._document(path, shown)  # None when unreadable: a diagnostic already
        services = self._services_of(raw, shown)
        reader = _Reader(shown, self.directory, self.dotenv, self.out.diagnostics, path.parent)
        for name, body in services.items():
            self._read_service(name, body, services, reader)
        if isinstance(raw, dict) and raw.get("include") is not None:
            self.includes.append((raw, reader, path))

    def _load_dotenv(self) -> _DotEnv:
        if self.env_files is not None:  # named by an `include` entry
            values = self._env_values(self.env_files, required=True)
            return self._under_outer(_DotEnv(values, "(not in the env files of the include)"))
        path = self.directory / ".env"
        shown = relative(path, self.root)
        missing = f"(no .env beside {self.first_file})"
        # a `.env` that is a link to a pipe, a device or an outside file is read, and
        # reading it says why it is refused
        if not os.path.lexists(path) or path.is_dir() or is_excluded(shown, self.exclude):
            return self._under_outer(_DotEnv({}, missing))
        values = self._env_values([path], required=False)
        return self._under_outer(_DotEnv(values, "(not in .env)"))

    def _env_values(self, paths: list[Path], required: bool) -> dict[str, str]:
        found: dict[str, str] = {}
        for path in paths:
            shown = relative(path, self.root)
            if is_excluded(shown, self.exclude):
                continue
            if not path.is_file():
                if required:
                    self.out.diagnostics.append(Diagnostic(shown, 0, "env file not found"))
                continue
            self.out.files.append(shown)
            values = _read_env_file(path, shown, found.get, "(not set above in .env)", self.out)
            found.update({k: v.value for k, v in values.items() if v.value is not None})
        return found

    def _under_outer(self, own: _DotEnv) -> _DotEnv:
        """An included project's variables: the including project's .env wins."""
        if self.outer is None:
            return own
        return _DotEnv({**own.values, **self.outer.values}, own.note)

    # ------------------------------------------------------------ include

    def include(self) -> None:
        """Read the projects that `include` names; their services join this one."""
        for raw, reader, path in self.includes:
            entries = reader.at(raw, "include", "include")
            if not isinstance(entries.value, list):
                entries.wrong("a list of compose files")
                continue
            for entry in entries.items():
                self._include_entry(entry, path)

    def _include_entry(self, entry: _FieldAt, including: Path) -> None:
        """One entry: `path` or `{path: one or a list, project_directory, env_file}`."""
        value = entry.value
        if isinstance(value, dict):
            if value.get("path") is None:
                entry.reader.problem(entry.line, f"{entry.where}: missing required key 'path'")
                return
            paths = list(_paths(entry.child("path"), "compose files"))
            directory = _one_path(entry.child("project_directory"), value)
            env_files = (
                [including.parent / p for p in _paths(entry.child("env_file"), "env files")]
                if value.get("env_file") is not None
                else None
            )
        else:
            paths, directory, env_files = list(_paths(entry, "compose files")), None, None
        chain = (*self.chain, including.resolve())  # the files that led here
        present = []
        for file in (including.parent / p for p in paths):
            shown = relative(file, self.root)
            if is_excluded(shown, self.exclude):
                continue
            resolved = file.resolve()
            if outside(file):
                entry.reader.problem(entry.line, f"{entry.where}: {shown} is {OUTSIDE}")
            elif not file.is_file():
                entry.reader.problem(entry.line, f"{entry.where}: compose file {shown} not found")
            elif resolved in chain:
                entry.reader.problem(entry.line, f"{entry.where}: circular include of {shown}")
            elif resolved not in self.included:
                self.included.add(resolved)
                present.append(file)
        if not present:
            return
        sub = _Project(
            self.root,
            including.parent / directory if directory else present[0].parent,
            self.exclude,
            self.out,
            chain,
            self.dotenv,
            env_files,
            self.included,
        )
        for file in present:
            sub.read(file)
        sub.include()
        shown = relative(present[0], self.root)
        for name, service in sub.services.items():
            if name in self.services:
                message = (
                    f"{entry.where}: service {name!r} of {shown} is already defined "
                    f"(compose does not merge included services; the first definition is kept)"
                )
                entry.reader.problem(entry.line, message)
            else:
                self.services[name] = service

    def _services_of(self, raw: Any, shown: str) -> dict[Any, Any]:
        if raw is None:  # an empty file adds nothing
            return {}
        if not isinstance(raw, dict):
            message = f"expected a compose file (a mapping), got {validation.show(raw)}"
            self.out.diagnostics.append(Diagnostic(shown, getattr(raw, "line", 1), message))
            return {}
        services = raw.get("services")
        if services is None:  # a file of networks or volumes only is valid
            return {}
        if not isinstance(services, dict):
            line = yamlio.line_of(raw, ("services",))
            message = (
                f"services: expected a mapping of service names, got {validation.show(services)}"
            )
            self.out.diagnostics.append(Diagnostic(shown, line, message))
            return {}
        return services

    def _read_service(self, name: Any, body: Any, services: Any, reader: _Reader) -> None:
        line = yamlio.line_of(services, (name,)) or 1
        where = f"services.{name}"
        if not isinstance(name, str):
            reader.problem(line, f"{where}: a service name must be a string")
            return
        if not isinstance(body, dict):
            reader.problem(line, f"{where}: expected a mapping, got {validation.show(body)}")
            return
        service = self.services.get(name)
        if service is None:
            service = _Service(name, _At(reader.shown, line, where), dotenv=reader.dotenv)
            self.services[name] = service
        at = reader.at(body, where)
        if body.get("extends") is not None:
            self._extend(service, at.child("extends"), services, ((reader.shown, name),))
        _merge_service(service, body, at)

    # ------------------------------------------------------------ extends

    def _extend(
        self,
        service: _Service,
        f: _FieldAt,
        services: Any,
        seen: tuple[tuple[str, str], ...],
        top: _FieldAt | None = None,
    ) -> None:
        """Merge the base that `f` (an `extends` value) names into `service`, its own
        bases first; `top` is the service's own `extends`, where a chain too long is
        reported."""
        reader = f.reader
        value = f.value
        named_file = isinstance(value, dict) and value.get("file") is not None
        if isinstance(value, str):  # the short form: a service of the same file
            base, file = f.text(), None
        elif isinstance(value, dict):
            if value.get("service") is None:
                reader.problem(f.line, f"{f.where}: missing required key 'service'")
                return
            base = f.child("service").text()
            file = f.child("file").text() if named_file else None
        else:
            f.wrong("a mapping with 'service' and, optionally, 'file'")
            return
        if base is None or (named_file and file is None):
            return  # not text: already a problem
        base_reader = reader
        if file is not None:
            path = reader.folder / file
            shown = relative(path, self.root)
            if outside(path):
                reader.problem(f.line, f"{f.where}: {shown} is {OUTSIDE}")
                return
            if not path.is_file():
                reader.problem(f.line, f"{f.where}: compose file {shown} not found")
                return
            services = self._services_of(self._document(path, shown), shown)
            base_reader = _Reader(shown, path.parent, reader.dotenv, reader.out, path.parent)
        body = services.get(base) if isinstance(services, dict) else None
        key = (base_reader.shown, base)  # a file (as shown, one name each) and a service
        if not isinstance(body, dict):
            known = [s for s in services if isinstance(s, str)]
            close = difflib.get_close_matches(base, known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            reader.problem(f.line, f"{f.where}: no service {base!r} in {base_reader.shown}{hint}")
            return
        if key in seen:
            reader.problem(f.line, f"{f.where}: circular extends through {base!r}")
            return
        if len(seen) > MAX_EXTENDS:
            top = top or f
            top.reader.problem(top.line, f"{top.where}: more than {MAX_EXTENDS} bases in a chain")
            return
        at = base_reader.at(body, f"services.{base}")
        if body.get("extends") is not None:
            self._extend(service, at.child("extends"), services, (*seen, key), top or f)
        _merge_service(service, body, at)

    def _document(self, path: Path, shown: str) -> Any:
        """A compose file's data, read once (a project's file, or one named by
        `extends: {file}`); None, and a diagnostic, when it cannot be read."""
        resolved = path.resolve()
        if resolved not in self.documents:
            self.documents[resolved] = None
            if shown not in self.out.files:
                self.out.files.append(shown)
            try:
                self.documents[resolved] = yamlio.load_one(yamlio.read_text(path, shown), shown)
            except yamlio.YamlError as exc:
                self.out.diagnostics.append(Diagnostic(exc.file, exc.line, exc.message))
        return self.documents[resolved]

    # ------------------------------------------------------------ nodes and edges

    def emit(self) -> None:
        names = self._host_names()
        edges = _Edges()
        for service in self.services.values():
            self.out.nodes.append(_node(service))
            self._depends_on_edges(service, edges)
            self._ref_edges(service, edges)
            self._env_edges(service, {**names, **service.link_aliases}, edges)
        self.out.edges.extend(edges.all())

    def _host_names(self) -> dict[str, str]:
        """Every name a service answers to on the project network -> the service.
        A service's own name wins over another's hostname or alias."""
        names = {name.lower(): name for name in self.services}
        for service in self.services.values():
            for host in (service.hostname, service.container_name, *service.aliases):
                if host:
                    names.setdefault(host.lower(), service.name)
        return names

    def _depends_on_edges(self, service: _Service, edges: _Edges) -> None:
        for target, dep in service.depends_on.items():
            if target not in self.services:
                if dep.required:
                    at = dep.evidence[-1]
                    self._undefined(at.file, at.line, f"services.{service.name}.depends_on", target)
                continue
            strength: Strength = "hard" if dep.required else "soft"
            for evidence in dep.evidence:
                edges.add(service.name, target, "startup", strength, evidence)

    def _ref_edges(self, service: _Service, edges: _Edges) -> None:
        modes = [ref for ref in service.modes.values() if ref is not None]
        for ref in [*service.refs, *modes]:
            if ref.target not in self.services:
                self._undefined(ref.at.file, ref.at.line, ref.at.where, ref.target)
                continue
            edges.add(service.name, ref.target, ref.kind, "hard", ref.at.evidence(ref.text))

    def _env_edges(self, service: _Service, names: dict[str, str], edges: _Edges) -> None:
        for key, var in self._environment(service).items():
            if not var.value:
                continue
            kind, strength = addresses.classify_env(key, var.value)
            text = f"env {key}={addresses.mask(var.value, key)}"
            for target in addresses.references(key, var.value, names):
                if target != service.name:
                    edges.add(service.name, target, kind, strength, var.at.evidence(text, key))

    def _environment(self, service: _Service) -> dict[str, _Var]:
        """The container's variables: env files in order, then `environment` over them."""
        env: dict[str, _Var] = {}
        for env_file in service.env_files:
            env.update(self._env_file(env_file, env, service.dotenv or self.dotenv))
        env.update({k: v for k, v in service.environment.items() if v.value is not None})
        return env

    def _env_file(
        self, env_file: _EnvFile, so_far: dict[str, _Var], dotenv: _DotEnv
    ) -> dict[str, _Var]:
        shown = relative(env_file.path, self.root)
        if is_excluded(shown, self.exclude):
            return {}
        if outside(env_file.path):
            message = f"{env_file.at.where}: {shown} is {OUTSIDE}"
            self.out.diagnostics.append(Diagnostic(env_file.at.file, env_file.at.line, message))
            return {}
        if not env_file.path.is_file():
            if env_file.required:
                message = f"{env_file.at.where}: env file {shown} not found"
                self.out.diagnostics.append(Diagnostic(env_file.at.file, env_file.at.line, message))
            return {}
        if shown not in self.out.files:
            self.out.files.append(shown)

        # an env file sees the variables of the files before it, then the project .env
        def lookup(name: str) -> str | None:
            known = so_far.get(name)
            return known.value if known is not None else dotenv.values.get(name)

        return _read_env_file(env_file.path, shown, lookup, dotenv.note, self.out)

    def _undefined(self, file: str, line: int, where: str, target: str) -> None:
        close = difflib.get_close_matches(target, list(self.services), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        message = f"{where}: {target!r} is not a service of this compose project{hint}"
        self.out.diagnostics.append(Diagnostic(file, line, message))


def _node(service: _Service) -> Node:
    labels = dict(service.labels)
    if service.profiles:
        labels["compose.profiles"] = ",".join(service.profiles)
    return Node(
        id=node_id("service", service.name),
        kind="service",
        name=service.name,
        labels=tuple(sorted(labels.items())),
        declared_in=service.at.evidence(f"compose service {service.name}"),
    )


class _Edges:
    """Edges of this source, one per (source, target, kind, strength), evidence gathered."""

    def __init__(self) -> None:
        self._edges: dict[tuple[str, str, str, str], Edge] = {}
        self._seen: set[tuple[tuple[str, str, str, str], Evidence]] = set()  # not O(n^2)

    def add(self, source: str, target: str, kind: str, strength: Strength, ev: Evidence) -> None:
        key = (source, target, kind, strength)
        edge = self._edges.get(key)
        if edge is None:
            edge = Edge(node_id("service", source), node_id("service", target), kind, strength)
            self._edges[key] = edge
        if (key, ev) not in self._seen:
            self._seen.add((key, ev))
            edge.evidence.append(ev)

    def all(self) -> list[Edge]:
        return list(self._edges.values())


# ------------------------------------------------------------ reading one service


@dataclass(frozen=True)
class _DotEnv:
    values: dict[str, str]
    note: str  # why a variable is unset, for the diagnostic


class _Reader:
    """Reads values of one file: lines, interpolation and problems."""

    def __init__(
        self, shown: str, directory: Path, dotenv: _DotEnv, out: list[Diagnostic], folder: Path
    ) -> None:
        self.shown = shown
        self.directory = directory  # paths in values (`env_file`) are relative to it
        self.dotenv = dotenv
        self.out = out
        self.folder = folder  # of the file itself: `extends` and `include` name files from it

    def problem(self, line: int, message: str) -> None:
        self.out.append(Diagnostic(self.shown, line, message))

    def at(self, data: Any, where: str, *path: Any) -> _FieldAt:
        return _FieldAt(self, data, where, path)

    def text(self, value: Any, line: int, where: str) -> str | None:
        """A scalar as compose reads it, interpolated; None (and a problem) otherwise."""
        scalar = _scalar(value)
        if scalar is None:
            self.problem(line, f"{where}: expected a string, got {validation.show(value)}")
            return None
        result, problems = interpolate(scalar, self.dotenv.values.get, where, self.dotenv.note)
        for message in problems:
            self.problem(line, message)
        return result


@dataclass(frozen=True)
class _FieldAt:
    """A mapping of the YAML tree with its breadcrumb: where its keys and items are."""

    reader: _Reader
    data: Any
    where: str
    path: tuple[Any, ...] = ()

    def child(self, key: Any) -> _FieldAt:
        crumb = f"{self.where}[{key}]" if isinstance(key, int) else f"{self.where}.{key}"
        return _FieldAt(self.reader, self.data, crumb, (*self.path, key))

    @property
    def value(self) -> Any:
        node = self.data
        for part in self.path:
            node = node[part]
        return node

    @property
    def line(self) -> int:
        return yamlio.line_of(self.data, self.path)

    def pin(self) -> _At:
        return _At(self.reader.shown, self.line, self.where)

    def text(self) -> str | None:
        return self.reader.text(self.value, self.line, self.where)

    def wrong(self, expected: str) -> None:
        self.reader.problem(
            self.line, f"{self.where}: expected {expected}, got {validation.show(self.value)}"
        )

    def items(self) -> Iterator[_FieldAt]:
        """The items of a list, or the keys of a mapping, each as a field."""
        for key in range(len(self.value)) if isinstance(self.value, list) else self.value:
            yield self.child(key)


def _merge_service(service: _Service, body: Any, at: _FieldAt) -> None:
    readers: dict[str, Callable[[_Service, _FieldAt], None]] = {
        "labels": _labels,
        "profiles": _profiles,
        "environment": _environment,
        "env_file": _env_files,
        "depends_on": _depends_on,
        "links": _links,
        "volumes_from": _volumes_from,
        "hostname": _hostname,
        "container_name": _container_name,
        "networks": _networks,
        **dict.fromkeys(_MODE_FIELDS, _mode),
    }
    for key, read in readers.items():
        if key in body and body[key] is not None:
            read(service, at.child(key))


def _paths(f: _FieldAt, what: str) -> Iterator[str]:
    """A path, or a list of paths (`include` entries, their `path` and `env_file`)."""
    if isinstance(f.value, str):
        text = f.text()
        if text is not None:
            yield text
    elif isinstance(f.value, list):
        for text, _ in _strings(f, what):
            yield text
    else:
        f.wrong(f"a path or a list of {what}")


def _one_path(f: _FieldAt, body: dict[Any, Any]) -> str | None:
    """An optional single path (`project_directory`)."""
    if body.get(f.path[-1]) is None:
        return None
    if not isinstance(f.value, str):
        f.wrong("a path")
        return None
    return f.text()


def _pairs(f: _FieldAt, what: str) -> Iterator[tuple[str, str | None, _FieldAt]]:
    """(key, value, field) of a `KEY=value` list or a `KEY: value` mapping; a list item
    without `=` or a mapping key without a value gives None."""
    if isinstance(f.value, dict):
        for item in f.items():
            key = item.path[-1]
            if not isinstance(key, str):
                item.reader.problem(item.line, f"{item.where}: a {what} name must be a string")
            elif item.value is None:
                yield key, None, item
            elif (value := item.text()) is not None:
                yield key, value, item
    elif isinstance(f.value, list):
        for item in f.items():
            entry = item.text()
            if entry is not None:
                key, eq, value = entry.partition("=")
                yield key.strip(), (value if eq else None), item
    else:
        f.wrong(f"a list or a mapping of {what}s")


def _labels(service: _Service, f: _FieldAt) -> None:
    for key, value, _ in _pairs(f, "label"):
        service.labels[key] = value or ""


def _environment(service: _Service, f: _FieldAt) -> None:
    for key, value, item in _pairs(f, "variable"):
        # a bare KEY passes the variable through from the project environment (.env)
        resolved = f.reader.dotenv.values.get(key) if value is None else value
        service.environment[key] = _Var(resolved, item.pin())


def _strings(f: _FieldAt, what: str) -> Iterator[tuple[str, _FieldAt]]:
    if not isinstance(f.value, list):
        f.wrong(f"a list of {what}")
        return
    for item in f.items():
        text = item.text()
        if text is not None:
            yield text, item


def _profiles(service: _Service, f: _FieldAt) -> None:
    for profile, _ in _strings(f, "profile names"):
        if profile not in service.profiles:
            service.profiles.append(profile)


def _env_files(service: _Service, f: _FieldAt) -> None:
    entries = [f] if isinstance(f.value, str) else None
    if entries is None and not isinstance(f.value, list):
        f.wrong("a path or a list of paths")
        return
    for item in entries or list(f.items()):
        env_file = _env_file_entry(item)
        if env_file is not None:
            service.env_files.append(env_file)


def _env_file_entry(item: _FieldAt) -> _EnvFile | None:
    """`path` or `{path: p, required: false}` (long form, compose 2.24+)."""
    required: bool | None = True
    if isinstance(item.value, dict):
        if "path" not in item.value:
            item.reader.problem(item.line, f"{item.where}: missing required key 'path'")
            return None
        if "required" in item.value:
            required = _boolean(item.child("required"))
        item = item.child("path")
    path = item.text()
    if path is None or required is None:
        return None
    return _EnvFile(item.reader.directory / path, required, item.pin())


def _depends_on(service: _Service, f: _FieldAt) -> None:
    if isinstance(f.value, list):
        for target, item in _strings(f, "service names"):
            _add_depends_on(service, target, "service_started", True, item.pin(), None)
    elif isinstance(f.value, dict):
        for item in f.items():
            _long_depends_on(service, item)
    else:
        f.wrong("a list or a mapping of services")


def _long_depends_on(service: _Service, item: _FieldAt) -> None:
    target, body = str(item.path[-1]), item.value
    if body is None:
        body = {}
    if not isinstance(body, dict):
        item.wrong("a mapping (condition, required, restart)")
        return
    for key in body:
        if key not in _DEPENDS_ON_KEYS:
            close = difflib.get_close_matches(str(key), _DEPENDS_ON_KEYS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            item.reader.problem(item.child(key).line, f"{item.where}: unknown key {key!r}{hint}")
    condition = "service_started"
    if "condition" in body:
        written = item.child("condition").text()
        if written not in CONDITIONS:
            if written is not None:
                choices = ", ".join(CONDITIONS)
                item.child("condition").wrong(f"one of {choices}")
            return
        condition = written
    required = _boolean(item.child("required")) if "required" in body else True
    if "restart" in body:
        _boolean(item.child("restart"))
    if required is not None:
        _add_depends_on(service, target, condition, required, item.pin(), body)


def _add_depends_on(
    service: _Service, target: str, condition: str, required: bool, at: _At, body: Any
) -> None:
    # compose turns the short form into {condition: service_started, required: true}
    # before merging, so a later file's entry sets both, whatever its form
    dep = service.depends_on.setdefault(target, _DependsOn())
    dep.condition, dep.required = condition, required
    notes = [condition] if body and "condition" in body else []
    if not required:
        notes.append("required: false")
    text = f"depends_on {target}" + (f" ({', '.join(notes)})" if notes else "")
    dep.evidence.append(at.evidence(text))


def _boolean(f: _FieldAt) -> bool | None:
    value = f.value
    if isinstance(value, str):  # `required: ${OPTIONAL:-false}` interpolates to text
        value = {"true": True, "false": False}.get((f.text() or "").lower(), value)
    if isinstance(value, bool):
        return value
    f.wrong("true or false")
    return None


def _links(service: _Service, f: _FieldAt) -> None:
    for link, item in _strings(f, "services"):
        target, _, alias = link.partition(":")
        if alias:
            service.link_aliases[alias.lower()] = target
        service.refs.append(_Ref(target, "runtime", f"links {link}", item.pin()))


def _volumes_from(service: _Service, f: _FieldAt) -> None:
    for source, item in _strings(f, "services"):
        target = source.split(":", 1)[0]
        if target != "container":  # container:x is a container outside the project
            service.refs.append(_Ref(target, "startup", f"volumes_from {source}", item.pin()))


def _mode(service: _Service, f: _FieldAt) -> None:
    key = str(f.path[-1])
    value = f.text()
    if value is None:
        return
    kind, _, target = value.partition(":")
    # a scalar: a later file's value replaces the earlier one, dependency and all
    ref = _Ref(target, "startup", f"{key}: {value}", f.pin()) if kind == "service" else None
    service.modes[key] = ref


def _hostname(service: _Service, f: _FieldAt) -> None:
    service.hostname = f.text() or service.hostname


def _container_name(service: _Service, f: _FieldAt) -> None:
    service.container_name = f.text() or service.container_name


def _networks(service: _Service, f: _FieldAt) -> None:
    """Network aliases: `networks: {back: {aliases: [database]}}`. A list of network
    names has no aliases."""
    if isinstance(f.value, list):
        return
    if not isinstance(f.value, dict):
        f.wrong("a list or a mapping of networks")
        return
    for network in f.items():
        if isinstance(network.value, dict) and network.value.get("aliases") is not None:
            for alias, _ in _strings(network.child("aliases"), "aliases"):
                service.aliases.append(alias)
        elif network.value is not None and not isinstance(network.value, dict):
            network.wrong("a mapping (aliases, ipv4_address...)")


def _scalar(value: Any) -> str | None:
    """A YAML scalar as compose reads it as text: `true` is "true", 8080 is "8080"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


# ------------------------------------------------------------ .env and env files


def _read_env_file(
    path: Path, shown: str, outer: Lookup, note: str, out: Fragment
) -> dict[str, _Var]:
    """`KEY=value` lines of an env file; problems go to `out`, never raised."""
    try:
        text = yamlio.read_text(path, shown)
    except yamlio.YamlError as exc:
        out.diagnostics.append(Diagnostic(exc.file, exc.line, exc.message))
        return {}
    values, problems = parse_dotenv(text, outer, note)
    out.diagnostics.extend(Diagnostic(shown, line, message) for line, message in problems)
    return {key: _Var(value, _At(shown, line, key)) for key, (value, line) in values.items()}


def parse_dotenv(
    text: str, outer: Lookup, note: str
) -> tuple[dict[str, tuple[str, int]], list[tuple[int, str]]]:
    """Variables of a compose env file -> ({key: (value, line)}, [(line, problem)]).

    The syntax compose reads: `KEY=value`, `export KEY=value`, `# comments`, a ` #`
    comment after an unquoted value, 'single quotes' (literal), "double quotes"
    (`\\n` and `\\"` escapes, may span lines), `${VAR}` interpolated from the keys above
    and then from `outer`. A `KEY` alone takes its value from `outer`, if it has one.
    """
    values: dict[str, tuple[str, int]] = {}
    problems: list[tuple[int, str]] = []
    lines = text.splitlines()

    def lookup(name: str) -> str | None:
        return values[name][0] if name in values else outer(name)

    index = 0
    while index < len(lines):
        start, line = index + 1, lines[index]
        index += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _DOTENV_KEY.fullmatch(line)
        if match is None:
            problems.append((start, "expected KEY=value"))
            continue
        key, eq, raw = match.groups()
        if not eq:
            if raw.strip():
                problems.append((start, "expected KEY=value"))
            elif (passed := outer(key)) is not None:
                values[key] = (passed, start)
            continue
        raw, index, quote = _dotenv_value(raw.strip(), lines, index)
        if quote is None:
            problems.append((start, f"unterminated quoted value for {key}"))
            continue
        if quote == "'":
            value = raw
        else:
            value, found = interpolate(raw, lookup, key, note)
            problems.extend((start, message) for message in found)
        values[key] = (value, start)
    return values, problems


def _dotenv_value(raw: str, lines: list[str], index: int) -> tuple[str, int, str | None]:
    """(value, next line index, quote: "'", '"' or "" unquoted; None if unterminated)."""
    if not raw or raw[0] not in "'\"":
        comment = re.search(r"\s#", raw)
        return (raw[: comment.start()] if comment else raw).strip(), index, ""
    quote, body = raw[0], raw[1:]
    while True:
        end = _closing_quote(body, quote)
        if end >= 0:
            value = body[:end]
            return (value if quote == "'" else _unescape(value)), index, quote
        if index >= len(lines):
            return "", index, None
        body += "\n" + lines[index]
        index += 1


def _closing_quote(body: str, quote: str) -> int:
    position = 0
    while position < len(body):
        if body[position] == "\\" and quote == '"':
            position += 2
            continue
        if body[position] == quote:
            return position
        position += 1
    return -1


def _unescape(value: str) -> str:
    # `\$` stays a literal dollar: written as `$$`, which interpolation turns into `$`
    escapes = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$$"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), value)


# ------------------------------------------------------------ interpolation


def interpolate(text: str, lookup: Lookup, where: str, note: str) -> tuple[str, list[str]]:
    """`text` with compose's `$` syntax expanded -> (result, problems).

    An unset variable without a default expands to "" and is a problem (`note` says why
    it is unset); so is `${VAR:?err}`; an unterminated `${` keeps the rest as written.
    """
    out: list[str] = []
    problems: list[str] = []
    position = 0
    size = 0  # of `out`: checked as it grows, so a chain of doubling variables stops early
    while (dollar := text.find("$", position)) >= 0:
        out.append(text[position:dollar])
        after = text[dollar + 1 : dollar + 2]
        if after == "$":
            out.append("$")
            position = dollar + 2
        elif after == "{":
            end = _closing_brace(text, dollar + 2)
            if end < 0:
                problems.append(f"unterminated ${{ in {where}")
                out.append(text[dollar:])
                return "".join(out), problems
            out.append(_braced(text[dollar + 2 : end], lookup, where, note, problems))
            position = end + 1
        elif name := _VAR_NAME.match(text, dollar + 1):
            out.append(_value_of(name.group(), lookup, note, problems))
            position = name.end()
        else:  # a lone `$` (`pa$`, `$1`) is kept, as compose keeps it
            out.append("$")
            position = dollar + 1
        size += len(out[-2]) + len(out[-1])
        if size > MAX_EXPANDED:
            return _oversized(text, where, problems)
    out.append(text[position:])
    return "".join(out), problems


def _oversized(text: str, where: str, problems: list[str]) -> tuple[str, list[str]]:
    """A value whose expansion passes the bound: a problem, and the text unexpanded."""
    problems.append(
        f"{where} expands to more than {MAX_EXPANDED:,} characters "
        "(variables that double each other?): not expanded"
    )
    return text[:MAX_EXPANDED], problems


def _closing_brace(text: str, start: int) -> int:
    """Index of the `}` closing a `${` whose body starts at `start`; nested `${` count."""
    depth, position = 1, start
    while position < len(text):
        if text.startswith("${", position):
            depth, position = depth + 1, position + 2
            continue
        if text[position] == "}":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return -1


def _braced(body: str, lookup: Lookup, where: str, note: str, problems: list[str]) -> str:
    match = _BRACED.fullmatch(body)
    if match is None:
        problems.append(f"invalid interpolation ${{{body}}} in {where}")
        return ""
    name, op, arg = match.groups()
    value = lookup(name)
    if op is None:
        return _value_of(name, lookup, note, problems)
    empty = value is None or (op.startswith(":") and value == "")
    if op.endswith("-"):
        return _expand(arg, lookup, where, note, problems) if empty else str(value)
    if op.endswith("+"):
        return "" if empty else _expand(arg, lookup, where, note, problems)
    if empty:  # `?`: required
        problems.append(
            f"required variable {name} is missing a value" + (f": {arg}" if arg else "")
        )
        return ""
    return str(value)


def _expand(text: str, lookup: Lookup, where: str, note: str, problems: list[str]) -> str:
    result, found = interpolate(text, lookup, where, note)
    problems.extend(found)
    return result


def _value_of(name: str, lookup: Lookup, note: str, problems: list[str]) -> str:
    value = lookup(name)
    if value is None:
        problems.append(f"variable {name} is not set {note}")
        return ""
    return value
