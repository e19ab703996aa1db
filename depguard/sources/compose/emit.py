"""The merged project's nodes and edges: one `service:<name>` node per service and one
edge per (source, target, kind, strength), its evidence every line that makes it.

Runs once, after every file and include is merged. A service's environment is computed
here (env files in order, `environment` over them) and scanned for addresses with
`depguard.sources.addresses`. A target that is not a service of the project is a
diagnostic and no edge; a service naming itself is identity, never a self-edge.
"""

from __future__ import annotations

import difflib

from depguard.fsutil import OUTSIDE, outside
from depguard.model import Diagnostic, Edge, Evidence, Node, Strength, node_id
from depguard.sources import addresses
from depguard.sources.compose.dotenv import read_env_file
from depguard.sources.compose.project import Project
from depguard.sources.compose.service import DotEnv, EnvFile, Service, Var
from depguard.sources.files import is_excluded, relative


def nodes_and_edges(project: Project) -> None:
    """Append the project's nodes and edges (and the problems they reveal) to its fragment."""
    names = _host_names(project)
    edges = _Edges()
    for service in project.services.values():
        project.out.nodes.append(_node(service))
        _depends_on_edges(project, service, edges)
        _ref_edges(project, service, edges)
        _env_edges(project, service, {**names, **service.link_aliases}, edges)
    project.out.edges.extend(edges.all())


def _host_names(project: Project) -> dict[str, str]:
    """Every name a service answers to on the project network -> the service.
    A service's own name wins over another's hostname or alias."""
    names = {name.lower(): name for name in project.services}
    for service in project.services.values():
        for host in (service.hostname, service.container_name, *service.aliases):
            if host:
                names.setdefault(host.lower(), service.name)
    return names


def _depends_on_edges(project: Project, service: Service, edges: _Edges) -> None:
    for target, dep in service.depends_on.items():
        if target not in project.services:
            if dep.required:
                at = dep.evidence[-1]
                _undefined(project, at.file, at.line, f"services.{service.name}.depends_on", target)
            continue
        strength: Strength = "hard" if dep.required else "soft"
        for evidence in dep.evidence:
            edges.add(service.name, target, "startup", strength, evidence)


def _ref_edges(project: Project, service: Service, edges: _Edges) -> None:
    modes = [ref for ref in service.modes.values() if ref is not None]
    for ref in [*service.refs, *modes]:
        if ref.target not in project.services:
            _undefined(project, ref.at.file, ref.at.line, ref.at.where, ref.target)
            continue
        edges.add(service.name, ref.target, ref.kind, "hard", ref.at.evidence(ref.text))


def _env_edges(project: Project, service: Service, names: dict[str, str], edges: _Edges) -> None:
    for key, var in _environment(project, service).items():
        if not var.value:
            continue
        kind, strength = addresses.classify_env(key, var.value)
        text = f"env {key}={addresses.mask(var.value, key)}"
        for target in addresses.references(key, var.value, names):
            if target != service.name:
                edges.add(service.name, target, kind, strength, var.at.evidence(text, key))


def _environment(project: Project, service: Service) -> dict[str, Var]:
    """The container's variables: env files in order, then `environment` over them."""
    env: dict[str, Var] = {}
    for env_file in service.env_files:
        env.update(_env_file(project, env_file, env, service.dotenv or project.dotenv))
    env.update({k: v for k, v in service.environment.items() if v.value is not None})
    return env


def _env_file(
    project: Project, env_file: EnvFile, so_far: dict[str, Var], dotenv: DotEnv
) -> dict[str, Var]:
    shown = relative(env_file.path, project.root)
    if is_excluded(shown, project.exclude):
        return {}
    if outside(env_file.path):
        message = f"{env_file.at.where}: {shown} is {OUTSIDE}"
        project.out.diagnostics.append(Diagnostic(env_file.at.file, env_file.at.line, message))
        return {}
    if not env_file.path.is_file():
        if env_file.required:
            message = f"{env_file.at.where}: env file {shown} not found"
            project.out.diagnostics.append(Diagnostic(env_file.at.file, env_file.at.line, message))
        return {}
    if shown not in project.out.files:
        project.out.files.append(shown)

    # an env file sees the variables of the files before it, then the project .env
    def lookup(name: str) -> str | None:
        known = so_far.get(name)
        return known.value if known is not None else dotenv.values.get(name)

    return read_env_file(env_file.path, shown, lookup, dotenv.note, project.out)


def _undefined(project: Project, file: str, line: int, where: str, target: str) -> None:
    close = difflib.get_close_matches(target, list(project.services), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    message = f"{where}: {target!r} is not a service of this compose project{hint}"
    project.out.diagnostics.append(Diagnostic(file, line, message))


def _node(service: Service) -> Node:
    labels = dict(service.labels)
    if service.profiles:
        labels["compose.profiles"] = ",".join(service.profiles)
    if service.image:
        labels["image"] = service.image
    return Node(
        id=node_id("service", service.name),
        kind="service",
        name=service.name,
        labels=tuple(sorted(labels.items())),
        declared_in=service.at.evidence(f"compose service {service.name}"),
        entrypoint=service.published,
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
