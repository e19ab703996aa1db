"""The object reader: every document of every input into workloads, Services, ConfigMaps.

`Reader.read_stream` parses one piece of a stream at a time (see `read.chunks`) and keeps
only records (see `records`), never a tree. Kinds it does not use are counted in the
summary, never reported; a redefinition replaces the earlier one, as `kubectl apply`
does. Wrong types are reported through `located.Located` and the rest is still read.
"""

from __future__ import annotations

from typing import Any

from depguard import validation, yamlio
from depguard.model import Diagnostic, Fragment
from depguard.sources.kubernetes.piece import At, Piece, text_at
from depguard.sources.kubernetes.read import breaks, chunks
from depguard.sources.kubernetes.records import (
    Arg,
    ConfigMap,
    Container,
    EnvFrom,
    EnvVar,
    KubernetesSummary,
    Meta,
    Service,
    Text,
    Volume,
    Workload,
)
from depguard.sources.located import Located

DEFAULT_NAMESPACE = "default"
_MAX_LIST_DEPTH = 3

# the pod template of each workload kind; a Pod is its own template
_POD_TEMPLATES: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Pod": (),
}


class Reader:
    """Reads every document of every input into workloads, Services and ConfigMaps."""

    def __init__(self, out: Fragment, summary: KubernetesSummary) -> None:
        self.out = out
        self.summary = summary
        self.workloads: dict[tuple[str, str, str], Workload] = {}
        self.services: dict[tuple[str, str], Service] = {}
        self.config_maps: dict[tuple[str, str], ConfigMap] = {}
        self.entries: set[tuple[str, str]] = set()  # Services an Ingress or a route sends to
        self._first: dict[Any, str] = {}  # where each object was first defined

    def read_stream(self, text: str, shown: str) -> None:
        self.out.files.append(shown)
        offset = 0
        for piece in chunks(text):
            self._read_piece(Piece(shown, offset, piece, self.out.diagnostics))
            offset += breaks(piece)

    def _read_piece(self, doc: Piece) -> None:
        try:
            documents = yamlio.load_all(doc.text, doc.file)
        except yamlio.YamlError as exc:
            doc.problem(doc.offset + exc.line if exc.line else 0, exc.message)
            return
        for data, start in documents:
            self.summary.documents += 1
            if data is not None:  # helm renders empty documents for disabled templates
                self._object(Located(doc, data, "", doc.offset + start), 0)

    def _object(self, at: At, depth: int) -> None:
        if not isinstance(at.value, dict):
            at.problem(f"expected a Kubernetes object (a mapping), got {validation.show(at.value)}")
            return
        kind_at = at.require("kind")
        kind = kind_at.text() if kind_at is not None else None
        if kind is None:
            return
        if kind.endswith("List") and "items" in at.value:
            self._list(at, depth)
        elif kind in _POD_TEMPLATES or kind in ("Service", "ConfigMap"):
            meta = self._metadata(at, kind)
            if meta is not None:
                self.summary.count(self.summary.objects, kind)
                self._known(at, meta)
        elif kind in _ROUTES:
            meta = self._metadata(at, kind)
            if meta is not None:
                self.summary.count(self.summary.objects, kind)
                self.entries.update((meta.namespace, name) for name in _backends(at.value))
        else:
            self.summary.count(self.summary.skipped_kinds, kind)

    def _list(self, at: At, depth: int) -> None:
        items = at.child("items")
        if items.value is None:
            return
        for item in items.items():
            if depth >= _MAX_LIST_DEPTH:
                item.problem("lists nested too deeply")
                return
            if item.value is not None:
                self._object(item, depth + 1)

    def _known(self, at: At, meta: Meta) -> None:
        key = (meta.namespace, meta.name)
        if meta.kind == "Service":
            self._keep(self.services, key, _service(at, meta), meta)
        elif meta.kind == "ConfigMap":
            self._keep(self.config_maps, key, _config_map(at, meta), meta)
        else:
            workload = self._workload(at, meta)
            if workload is not None:
                self._keep(self.workloads, (meta.kind, *key), workload, meta)

    def _keep(self, table: dict[Any, Any], key: Any, record: object, meta: Meta) -> None:
        # the last definition wins, as with `kubectl apply`; alternative manifests of the
        # same object (a base and a copy for another cluster) are read once
        where = (meta.kind, meta.namespace, meta.name)
        if key in table:
            self.summary.duplicates.append(f"{meta.kind} {meta.namespace}/{meta.name}")
            del table[key]
            first = self._first.get(where, "?")
            message = (
                f"{meta.kind} {meta.namespace}/{meta.name} is defined again (first at"
                f" {first}): this definition is the one read, as kubectl apply keeps the last"
            )
            self.out.notes.append(Diagnostic(meta.file, meta.line, message))
        else:
            self._first[where] = f"{meta.file}:{meta.line}"
        table[key] = record

    def _metadata(self, at: At, kind: str) -> Meta | None:
        meta = at.require("metadata")
        if meta is None or meta.mapping() is None:
            return None
        name_at = meta.get("name") or meta.get("generateName")
        if name_at is None:
            meta.doc.problem(meta.line, f"{meta.crumb('name')}: missing required key")
            return None
        name = name_at.text()
        if name is not None and not name.strip("-"):
            name_at.wrong("a name")
            return None
        if name is None:
            return None
        namespace = DEFAULT_NAMESPACE
        namespace_at = meta.get("namespace")
        if namespace_at is not None:
            namespace = namespace_at.text() or DEFAULT_NAMESPACE
        labels = _labels(meta.get("labels"))
        # a generateName prefix (`migrate-`) is the stable part of the name
        return Meta(
            kind, name.rstrip("-"), namespace, at.doc.file, name_at.line, labels, at.doc.note
        )

    def _workload(self, at: At, meta: Meta) -> Workload | None:
        template: At | None = at
        for key in _POD_TEMPLATES[meta.kind]:
            if template is None or template.mapping() is None:
                return None
            template = template.require(key)
        if template is None or template.mapping() is None:
            return None
        if meta.kind == "Pod":
            pod_labels = meta.labels
        else:
            pod_labels = _labels(template.path("metadata", "labels"))
        spec = template.require("spec")
        if spec is None or spec.mapping() is None:
            return None
        workload = Workload(meta, pod_labels, self._containers(spec), _volumes(spec))
        workload.hostname = _optional_text(spec.get("hostname"))
        workload.subdomain = _optional_text(spec.get("subdomain"))
        if meta.kind == "StatefulSet":
            workload.service_name = _optional_text(at.path("spec", "serviceName"))
        return workload

    def _containers(self, spec: At) -> list[Container]:
        found: list[Container] = []
        if spec.require("containers") is None:
            return found
        for key, init in (("initContainers", True), ("containers", False)):
            items = spec.get(key)
            for item in items.items() if items is not None else ():
                container = self._container(item, init)
                if container is not None:
                    found.append(container)
        return found

    def _container(self, at: At, init: bool) -> Container | None:
        if at.mapping() is None:
            return None
        name_at = at.require("name")
        name = name_at.text() if name_at is not None else None
        if name is None:
            return None
        container = Container(name, init, _optional_text(at.get("image")))
        for key in ("command", "args"):
            items = at.get(key)
            for item in items.items() if items is not None else ():
                value = item.text()
                if value is not None:
                    container.args.append(Arg(key, text_at(item, value)))
        env = at.get("env")
        for item in env.items() if env is not None else ():
            variable = self._env_var(item)
            if variable is not None:
                container.env.append(variable)
        env_from = at.get("envFrom")
        for item in env_from.items() if env_from is not None else ():
            source = self._env_from(item)
            if source is not None:
                container.env_from.append(source)
        return container

    def _env_var(self, at: At) -> EnvVar | None:
        if at.mapping() is None:
            return None
        name_at = at.require("name")
        name = name_at.text() if name_at is not None else None
        if name is None:
            return None
        value_at, from_at = at.get("value"), at.get("valueFrom")
        if value_at is not None:
            value = value_at.text()
            return None if value is None else EnvVar(name, at.line, text_at(value_at, value))
        if from_at is None or from_at.mapping() is None:
            return EnvVar(name, at.line, text_at(at, ""))  # defined, and empty
        ref = from_at.get("configMapKeyRef")
        if ref is not None:
            config_map, key = _text_of(ref, "name"), _text_of(ref, "key")
            if config_map is None or key is None:
                return None
            return EnvVar(name, at.line, config_map=config_map, key=key)
        if from_at.get("secretKeyRef") is not None:
            self.summary.secret_refs += 1
        else:  # fieldRef, resourceFieldRef: the pod's own facts
            self.summary.field_refs += 1
        return EnvVar(name, at.line, unknown=True)

    def _env_from(self, at: At) -> EnvFrom | None:
        if at.mapping() is None:
            return None
        prefix = _optional_text(at.get("prefix"))
        ref = at.get("configMapRef")
        if ref is not None:
            config_map = _text_of(ref, "name")
            return None if config_map is None else EnvFrom(config_map, prefix, at.line)
        if at.get("secretRef") is not None:
            self.summary.secret_refs += 1
        return None


def _text_of(at: At, key: str) -> str | None:
    """A required string under `key` of a mapping (reported when missing or wrong)."""
    if at.mapping() is None:
        return None
    found = at.require(key)
    return found.text() if found is not None else None


def _optional_text(at: At | None) -> str:
    if at is None:
        return ""
    return at.text() or ""


def _labels(at: At | None) -> dict[str, str]:
    """Labels or a selector: strings only, as the API requires (`version: 2` is refused)."""
    labels: dict[str, str] = {}
    for key, item in at.entries() if at is not None else ():
        value = "" if item.value is None else item.text()
        if value is not None:
            labels[key] = value
    return labels


def _volumes(spec: At) -> list[Volume]:
    """ConfigMaps the pod mounts, directly or through a projected volume."""
    found: list[Volume] = []
    volumes = spec.get("volumes")
    for item in volumes.items() if volumes is not None else ():
        if item.mapping() is None:
            continue
        name = _optional_text(item.get("name"))
        sources = [item.get("configMap")]
        projected = item.path("projected", "sources")
        for part in projected.items() if projected is not None else ():
            sources.append(part.path("configMap"))
        for source in sources:
            volume = _volume(name, source) if source is not None else None
            if volume is not None:
                found.append(volume)
    return found


def _volume(name: str, at: At) -> Volume | None:
    config_map = _text_of(at, "name")
    if config_map is None:
        return None
    keys: tuple[str, ...] | None = None
    items = at.get("items")
    if items is not None:
        keys = tuple(key for item in items.items() if (key := _text_of(item, "key")) is not None)
    return Volume(name, config_map, keys, at.line)


def _service(at: At, meta: Meta) -> Service:
    spec = at.get("spec")
    selector: dict[str, str] = {}
    external: str | None = None
    exposed = False
    if spec is not None and spec.mapping() is not None:
        selector = _labels(spec.get("selector"))
        kind = _optional_text(spec.get("type"))
        if kind == "ExternalName":
            external = _optional_text(spec.get("externalName")).lower().rstrip(".") or None
        exposed = kind in ("LoadBalancer", "NodePort")
    return Service(meta.name, meta.namespace, selector, external, exposed)


# objects that route outside traffic to Services: their backends are entry points
_ROUTES = frozenset({"Ingress", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"})


def _backends(value: Any) -> set[str]:
    """The Services an Ingress or a Gateway API route sends traffic to (read leniently:
    what is not where it should be is simply not a backend)."""
    spec = value.get("spec") if isinstance(value, dict) else None
    if not isinstance(spec, dict):
        return set()
    found: set[str] = set()
    backends = [spec.get("defaultBackend"), spec.get("backend")]
    for rule in spec.get("rules") or () if isinstance(spec.get("rules"), list) else ():
        if not isinstance(rule, dict):
            continue
        http = rule.get("http")
        paths = http.get("paths") if isinstance(http, dict) else None
        for path in paths if isinstance(paths, list) else ():
            backends.append(path.get("backend") if isinstance(path, dict) else None)
        refs = rule.get("backendRefs")
        for ref in refs if isinstance(refs, list) else ():
            if isinstance(ref, dict) and ref.get("kind", "Service") == "Service":
                backends.append({"serviceName": ref.get("name")})
    for backend in backends:
        if not isinstance(backend, dict):
            continue
        service = backend.get("service")
        name = service.get("name") if isinstance(service, dict) else backend.get("serviceName")
        if isinstance(name, str) and name:
            found.add(name)
    return found


def _config_map(at: At, meta: Meta) -> ConfigMap:
    data: dict[str, Text] = {}
    data_at = at.get("data")
    for key, item in data_at.entries() if data_at is not None else ():
        value = "" if item.value is None else item.text()
        if value is not None:
            data[key] = text_at(item, value)
    return ConfigMap(meta.name, meta.namespace, data)
