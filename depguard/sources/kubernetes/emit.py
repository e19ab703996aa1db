"""The edge emitter: nodes for workloads, and an edge for every host a workload names.

Hosts come from a container's variables (built in the kubelet's order: envFrom, then
env), its command lines (`commands.scan`) and its mounted ConfigMaps; `Cluster` resolves
each to workloads, or to a `dangling:<host>` node. Edges are merged by (source, target,
kind, strength) and their evidence de-duplicated through a set (not O(n^2)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from depguard.model import Diagnostic, Edge, Evidence, Fragment, Node, Strength, node_id
from depguard.sources import addresses
from depguard.sources.kubernetes import words
from depguard.sources.kubernetes.commands import Oversized, kube_expand, scan, tokens
from depguard.sources.kubernetes.dns import Cluster, node_names, nodes
from depguard.sources.kubernetes.objects import Reader
from depguard.sources.kubernetes.records import (
    SOURCE,
    ConfigMap,
    Container,
    EnvVar,
    KubernetesSummary,
    Text,
    Volume,
    Workload,
)

_SNIPPET = 160  # evidence shows at most this much of one line
# an address a workload sees only through a ConfigMap that several load whole
SHARED_CONFIG = "shared-config"
_WORDS = re.compile(r"[\s,;]+")
# `key: value` or `key=value` at the start of a config line (not `http://`)
_LINE_KEY = re.compile(r"\s*(?:-\s+)?[\"']?([A-Za-z_][\w.\-]*)[\"']?\s*(?::(?=\s|$)|=)\s*(.*)")


@dataclass(frozen=True)
class _Var:
    """A variable a container sees, and how to evidence it."""

    name: str
    text: str  # the value, expanded
    where: Text  # where the value's lines were written
    file: str  # the workload's file
    line: int  # the workload line that brings the value in
    origin: str = "env"  # "env", "ref" (configMapKeyRef) or "envFrom"
    config_map: str = ""
    key: str = ""  # the ConfigMap key of a "ref"

    def evidence(self, index: int, line: str) -> list[Evidence]:
        shown = _snippet(line, self.name)
        if self.where.text.count("\n") != self.text.count("\n"):
            index = 0  # expansion added lines: point at the value's first line
        at = self.where.line_at(index)
        name = self.name
        if self.origin == "env":
            if self.text != self.where.text:
                written = _snippet(self.where.text, name)
                return [_evidence(self.where.file, at, f"env {name}={written} (= {shown})", name)]
            return [_evidence(self.where.file, at, f"env {name}={shown}", name)]
        if self.origin == "ref":
            via = f"env {name}={shown} via ConfigMap {self.config_map}"
            own = f"ConfigMap {self.config_map} {self.key}={shown}"
        else:
            via = f"envFrom ConfigMap {self.config_map}"
            own = f"envFrom ConfigMap {self.config_map} {name}={shown}"
        return [
            _evidence(self.file, self.line, via, name),
            _evidence(self.where.file, at, own, name),
        ]


def _evidence(file: str, line: int, text: str, env: str = "") -> Evidence:
    return Evidence(file, line, text, SOURCE, env)


def _snippet(text: str, key: str = "") -> str:
    """A line of a value as evidence shows it: passwords masked, long text cut."""
    shown = addresses.mask(text.strip()[: words.MAX_SCAN], key).replace("\n", " ")
    return shown if len(shown) <= _SNIPPET else shown[: _SNIPPET - 3] + "..."


class Emitter:
    """Turns what was read into nodes and edges."""

    def __init__(self, reader: Reader, out: Fragment, summary: KubernetesSummary) -> None:
        self.reader = reader
        self.out = out
        self.summary = summary
        self.cluster = Cluster(reader, summary)
        self.edges: dict[tuple[str, str, str, str], Edge] = {}
        self.seen: set[tuple[tuple[str, str, str, str], Evidence]] = set()  # not O(n^2)
        self.dangling: set[str] = set()
        # (namespace, ConfigMap) -> the workloads that load it whole (`envFrom`)
        self.loaders: dict[tuple[str, str], set[int]] = {}
        for workload in reader.workloads.values():
            for container in workload.containers:
                for source in container.env_from:
                    key = (workload.namespace, source.config_map)
                    self.loaders.setdefault(key, set()).add(id(workload))

    def _shared(self, namespace: str, config_map: str) -> bool:
        """Whether several workloads load the whole ConfigMap with `envFrom`."""
        return len(self.loaders.get((namespace, config_map), ())) > 1

    def run(self) -> None:
        workloads = list(self.reader.workloads.values())
        node_names(workloads, self.cluster)
        self.out.nodes.extend(nodes(workloads, self.cluster.entered()))
        for workload in workloads:
            self._workload(workload)
        self.out.nodes.extend(
            Node(id=node_id("dangling", host), kind="dangling", name=host)
            for host in sorted(self.dangling)
        )
        self.out.edges.extend(self.edges.values())

    def _workload(self, workload: Workload) -> None:
        images = [words.image_name(c.image) for c in workload.containers]
        quiet = words.is_telemetry(workload.meta.name, *images)
        for container in workload.containers:
            env = self._environment(workload, container)
            for variable in env.values():
                self._variable(workload, variable, quiet)
            values = {name: v.text for name, v in env.items()}
            self._commands(workload, container, values, quiet)
        for volume in workload.volumes:
            self._volume(workload, volume, quiet)

    # ------------------------------------------------------------ sources of hosts

    def _environment(self, workload: Workload, container: Container) -> dict[str, _Var]:
        """The container's variables in the kubelet's order: envFrom, then env."""
        env: dict[str, _Var] = {}
        values: dict[str, str] = {}
        file = workload.meta.file
        for source in container.env_from:
            config_map = self._config_map(workload.namespace, source.config_map)
            for key, text in config_map.data.items() if config_map is not None else ():
                name = source.prefix + key
                env[name] = _Var(
                    name, text.text, text, file, source.line, "envFrom", source.config_map
                )
                values[name] = text.text
        for item in container.env:
            variable = self._env_item(workload, item, values)
            env.pop(item.name, None)  # a later definition replaces an earlier one
            values.pop(item.name, None)
            if variable is not None:
                env[item.name] = variable
                values[item.name] = variable.text
        return env

    def _env_item(self, workload: Workload, item: EnvVar, values: dict[str, str]) -> _Var | None:
        file = workload.meta.file
        if item.value is not None:
            try:
                expanded = kube_expand(item.value.text, values)
            except Oversized as exc:
                self.out.diagnostics.append(Diagnostic(file, item.line, f"env {item.name} {exc}"))
                return None
            return _Var(item.name, expanded, item.value, file, item.line)
        if item.unknown:
            return None
        config_map = self._config_map(workload.namespace, item.config_map)
        if config_map is None:
            return None
        text = config_map.data.get(item.key)
        if text is None:
            self.summary.missing_config_maps.append(
                f"{workload.namespace}/{item.config_map}[{item.key}]"
            )
            return None
        return _Var(item.name, text.text, text, file, item.line, "ref", item.config_map, item.key)

    def _config_map(self, namespace: str, name: str) -> ConfigMap | None:
        found = self.reader.config_maps.get((namespace, name))
        if found is None:
            self.summary.missing_config_maps.append(f"{namespace}/{name}")
        return found

    def _variable(self, workload: Workload, variable: _Var, quiet: bool) -> None:
        kind, strength = _classify(variable.name, quiet, variable.text)
        if variable.origin == "envFrom" and self._shared(workload.namespace, variable.config_map):
            # every workload loads every address of it: a call is possible, not certain
            kind, strength = SHARED_CONFIG, "soft"
        for index, line in enumerate(variable.text.split("\n")):
            for host, strong in self._hosts(variable.name, line):
                evidence = variable.evidence(index, line)
                self._link(workload, host, strong, kind, strength, evidence)

    def _commands(
        self, workload: Workload, container: Container, env: dict[str, str], quiet: bool
    ) -> None:
        try:
            hits = list(scan(tokens(container.args, env)))
        except Oversized as exc:
            first = container.args[0].value if container.args else None
            where = (first.file, first.line) if first else (workload.meta.file, 0)
            self.out.diagnostics.append(Diagnostic(*where, f"{container.label}: {exc}"))
            return
        for hit in hits:
            kind: str
            strength: Strength
            if container.init or hit.wait:
                kind, strength = "startup", "hard"
            else:
                kind, strength = _classify(hit.key, quiet)
            token = hit.token
            text = f"{container.label} {token.arg.field}: {_snippet(token.text)}"
            evidence = [_evidence(token.arg.value.file, token.line, text)]
            self._link(workload, hit.host, hit.strong, kind, strength, evidence)

    def _volume(self, workload: Workload, volume: Volume, quiet: bool) -> None:
        config_map = self._config_map(workload.namespace, volume.config_map)
        if config_map is None:
            return
        mounted = volume.config_map
        head = _evidence(
            workload.meta.file, volume.line, f"volume {volume.name} ConfigMap {mounted}"
        )
        for key in volume.keys if volume.keys is not None else tuple(config_map.data):
            text = config_map.data.get(key)
            if text is None:
                self.summary.missing_config_maps.append(f"{workload.namespace}/{mounted}[{key}]")
                continue
            for index, line in enumerate(text.text.split("\n")):
                if line.lstrip().startswith(("#", "//", ";")):
                    continue  # a commented-out address is not a dependency
                found = _LINE_KEY.fullmatch(line)
                line_key, value = (found.group(1), found.group(2)) if found else ("", line)
                quiet_here = quiet or words.is_telemetry(key, mounted, line_key)
                kind, strength = _classify("", quiet_here)
                own = _evidence(
                    text.file, text.line_at(index), f"ConfigMap {mounted} {key}: {_snippet(line)}"
                )
                for host, strong in self._hosts(line_key, value if found else line):
                    self._link(workload, host, strong, kind, strength, [head, own])

    def _hosts(self, key: str, line: str) -> list[tuple[str, bool]]:
        """(host, strong) named by one line of the value of `key`."""
        if len(line) > words.MAX_SCAN:
            self.summary.truncated_lines += 1
            line = line[: words.MAX_SCAN]
        address_key = bool(key) and addresses.is_address_key(key)
        found = {host: address_key for host in addresses.hosts_in(line)}
        if address_key:
            strong = words.is_host_key(key)
            for word in _WORDS.split(line.strip()):
                bare = words.bare(word)
                if bare and bare not in found:
                    found[bare] = strong
        return list(found.items())

    # ------------------------------------------------------------ edges

    def _link(
        self,
        workload: Workload,
        host: str,
        strong: bool,
        kind: str,
        strength: Strength,
        evidence: list[Evidence],
    ) -> None:
        targets = self.cluster.resolve(host, workload.namespace)
        if targets is None:
            if self.cluster.dangling(host, strong):
                self.dangling.add(host)
                self._add(workload.id, node_id("dangling", host), kind, strength, evidence)
            return
        for target in targets:
            if target is not workload:  # a workload naming itself is identity
                self._add(workload.id, target.id, kind, strength, evidence)

    def _add(
        self, source: str, target: str, kind: str, strength: Strength, evidence: list[Evidence]
    ) -> None:
        key = (source, target, kind, strength)
        edge = self.edges.get(key)
        if edge is None:
            edge = self.edges[key] = Edge(source, target, kind, strength)
        for item in evidence:
            if (key, item) not in self.seen:
                self.seen.add((key, item))
                edge.evidence.append(item)


def _classify(key: str, quiet: bool, value: str = "") -> tuple[str, Strength]:
    if quiet:
        return ("telemetry", "soft")
    if not key:
        return ("runtime", "hard")
    return addresses.classify_env(words.as_key(key), value)
