"""Backstage software catalog files: components, resources and the APIs between them.

What is read and why is user documentation: docs/sources/backstage.md. Each document is
walked with `located.Located`; entities are collected first and resolved at the end
(`_Catalog.emit`), since a reference may name an entity of a later file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from depguard import validation, yamlio
from depguard.model import Diagnostic, Edge, Evidence, Fragment, Node, node_id
from depguard.sources import discovery
from depguard.sources.files import is_excluded, relative
from depguard.sources.located import Document, Located

SOURCE = "backstage"
DEFAULT_NAMESPACE = "default"
# the Backstage kind of an entity that becomes a node -> the depguard node kind
NODE_KINDS = {"component": "service", "resource": "resource"}
KNOWN_KINDS = (
    *("Component", "Resource", "API"),  # read
    *("System", "Domain", "Group", "User", "Location", "Template"),  # skipped and counted
)
# kinds are case-insensitive: each known kind is counted under Backstage's spelling
_CANONICAL = {kind.lower(): kind for kind in KNOWN_KINDS}
_LABEL_PREFIX = "backstage.io/"

# (node kind in Backstage, namespace, name), all lower case: an entity's identity
_Key = tuple[str, str, str]


@dataclass(frozen=True)
class EntityRef:
    """A parsed entity reference; `kind` is lower case, None when neither written nor
    defaulted."""

    kind: str | None
    namespace: str
    name: str

    def key(self, kind: str | None = None) -> _Key:
        return ((kind or self.kind or "").lower(), self.namespace.lower(), self.name.lower())


def parse_ref(
    text: str, default_kind: str | None = None, default_namespace: str = DEFAULT_NAMESPACE
) -> EntityRef:
    """`[<kind>:][<namespace>/]<name>` as Backstage's `parseEntityRef` reads it; an empty
    part raises ValueError."""
    colon, slash = text.find(":"), text.find("/")
    if slash != -1 and slash < colon:  # the namespace comes after the kind, if any
        colon = -1
    kind = text[:colon] if colon != -1 else None
    namespace = text[colon + 1 : slash] if slash != -1 else None
    name = text[max(colon + 1, slash + 1) :]
    if "" in (kind, namespace, name):
        raise ValueError(f"{text!r} is not an entity reference [<kind>:][<namespace>/]<name>")
    chosen = kind or default_kind
    return EntityRef(chosen.lower() if chosen else None, namespace or default_namespace, name)


def humanize(ref: EntityRef, default_kind: str) -> str:
    """A reference as Backstage's `humanizeEntityRef` shows it: default parts omitted."""
    text = ref.name
    if ref.namespace.lower() != DEFAULT_NAMESPACE:
        text = f"{ref.namespace}/{text}"
    if ref.kind and ref.kind != default_kind:
        text = f"{ref.kind}:{text}"
    return text


@dataclass
class BackstageSummary:
    """What the catalog held beyond nodes and edges."""

    entities: dict[str, int] = field(default_factory=dict)  # Component, Resource, API read
    skipped: dict[str, int] = field(default_factory=dict)  # per kind, not used
    unresolved_apis: list[Evidence] = field(default_factory=list)  # consumed, not provided
    ignored_refs: list[Evidence] = field(default_factory=list)  # a kind with no node

    def count(self, table: dict[str, int], kind: str) -> None:
        table[kind] = table.get(kind, 0) + 1


def collect(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...] = (),
    options: object = None,
    *,
    use_cache: bool = True,
) -> Fragment:
    """Read catalog files into nodes and edges; problems become diagnostics, never
    exceptions. `options` is accepted for the pipeline's common call and unused."""
    fragment, summary = collect_with_summary(paths, root, exclude, options)
    fragment.skipped = dict(summary.skipped)
    return fragment


def collect_with_summary(
    paths: list[Path], root: Path, exclude: tuple[str, ...] = (), options: object = None
) -> tuple[Fragment, BackstageSummary]:
    """`collect`, plus the counts of skipped kinds and unresolved references."""
    fragment = Fragment(SOURCE)
    catalog = _Catalog(fragment.diagnostics)
    for path in _catalog_files(paths, root, exclude, fragment.diagnostics):
        shown = relative(path, root)
        fragment.files.append(shown)
        catalog.read_file(path, shown)
    catalog.emit(fragment)
    fragment.diagnostics[:] = list(dict.fromkeys(fragment.diagnostics))
    return fragment, catalog.summary


def _catalog_files(
    paths: list[Path], root: Path, exclude: tuple[str, ...], skipped: list[Diagnostic]
) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if is_excluded(relative(path, root), exclude):
            continue
        files.extend(
            discovery.catalog_files_under(path, root, exclude, skipped) if path.is_dir() else [path]
        )
    return list(dict.fromkeys(files))


# ---------------------------------------------------------------- one YAML document

Entry = Located[Document]


def _text(at: Entry | None) -> str | None:
    """A non-empty string; None when absent, and a problem when it is something else."""
    if at is None:
        return None
    if isinstance(at.value, str) and at.value.strip():
        return at.value
    at.wrong("a non-empty string")
    return None


def _mapping(top: Entry, key: str) -> None:
    """`metadata` and `spec` must be mappings when written."""
    if (part := top.get(key)) is not None:
        part.mapping()


def _required(top: Entry, *keys: str) -> str | None:
    """The text under nested keys; absent under mappings all the way is a problem."""
    here = top
    for key in keys:
        found = here.get(key)
        if found is None:
            if isinstance(here.value, dict):
                top.doc.problem(here.line, f"{validation.breadcrumb(keys)}: missing required key")
            return None
        here = found
    return _text(here)


def _under(top: Entry, *keys: str) -> Entry | None:
    """The value under nested mappings, None when anything on the way is not there."""
    here: Entry | None = top
    for key in keys:
        here = here.get(key) if here is not None else None
    return here


def _strings(at: Entry | None, plural: str, one: str) -> list[tuple[str, Entry]]:
    """The items of a list of strings (`plural`, each `one`); a wrong item is reported,
    the rest kept."""
    if at is None:
        return []
    found: list[tuple[str, Entry]] = []
    for item in at.items(f"a list of {plural}"):
        if isinstance(item.value, str) and item.value:
            found.append((item.value, item))
        else:
            item.wrong(one)
    return found


def _refs(
    top: Entry, key: str, default_kind: str | None, namespace: str
) -> list[tuple[EntityRef, Evidence]]:
    """The references of `spec.<key>`, each with the evidence of its item."""
    found: list[tuple[EntityRef, Evidence]] = []
    items = _strings(_under(top, "spec", key), "entity references", "an entity reference")
    for written, item in items:
        try:
            ref = parse_ref(written, default_kind, namespace)
        except ValueError as exc:
            item.problem(str(exc))
            continue
        found.append((ref, Evidence(item.doc.file, item.line, f"{key} {written}", SOURCE)))
    return found


# ---------------------------------------------------------------- the whole catalog


@dataclass
class _Entity:
    key: _Key
    kind: str  # canonical spelling: Component, Resource
    namespace: str
    name: str
    at: Evidence
    labels: dict[str, str]
    depends_on: list[tuple[EntityRef, Evidence]] = field(default_factory=list)
    dependency_of: list[tuple[EntityRef, Evidence]] = field(default_factory=list)
    consumes: list[tuple[EntityRef, Evidence]] = field(default_factory=list)


class _Catalog:
    """Entities of every file read so far; then their nodes and edges."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        self.problems = problems
        self.summary = BackstageSummary()
        self.entities: dict[_Key, _Entity] = {}
        self.provided: dict[_Key, list[tuple[_Entity, Evidence]]] = {}
        self.written: dict[_Key, tuple[str, str]] = {}  # namespace, name as spelt
        self.edges: dict[tuple[_Key, _Key], list[Evidence]] = {}

    def read_file(self, path: Path, shown: str) -> None:
        try:
            docs = yamlio.load_all(yamlio.read_text(path, shown), shown)
        except yamlio.YamlError as exc:
            self.problems.append(Diagnostic(exc.file, exc.line, exc.message))
            return
        for index, (data, start) in enumerate(docs, 1):
            if data is not None:  # an empty document (a trailing `---`) is nothing
                self.read_doc(Located(Document(shown, self.problems), data, "", start), index)

    def read_doc(self, top: Entry, index: int) -> None:
        doc = top.doc
        doc.label = f"document {index}"
        if not isinstance(top.value, dict):
            top.wrong("an entity (a mapping)")
            return
        _mapping(top, "metadata")
        written_kind = _required(top, "kind")
        name = _required(top, "metadata", "name")
        if written_kind is None or name is None:
            return
        kind = _CANONICAL.get(written_kind.lower(), written_kind)
        doc.label = f"{kind} {name}"
        _mapping(top, "spec")
        if kind.lower() not in (*NODE_KINDS, "api"):
            self.summary.count(self.summary.skipped, kind)
            return
        self.summary.count(self.summary.entities, kind)
        namespace = _text(_under(top, "metadata", "namespace")) or DEFAULT_NAMESPACE
        if kind == "API":
            return
        self._add_entity(top, kind, namespace, name)

    def _add_entity(self, top: Entry, kind: str, namespace: str, name: str) -> None:
        key = (kind.lower(), namespace.lower(), name.lower())
        name_at = _under(top, "metadata", "name") or top
        at = Evidence(top.doc.file, name_at.line, f"{kind} {name}", SOURCE)
        if key in self.entities:
            first = self.entities[key].at.location()
            name_at.problem(f"defined again (first at {first}); ignored")
            return
        entity = _Entity(key, kind, namespace, name, at, _labels(top, namespace))
        entity.depends_on = _refs(top, "dependsOn", None, namespace)
        entity.dependency_of = _refs(top, "dependencyOf", None, namespace)
        if kind == "Component":
            entity.consumes = _refs(top, "consumesApis", "api", namespace)
            for ref, evidence in _refs(top, "providesApis", "api", namespace):
                if ref.kind != "api":
                    self.summary.ignored_refs.append(evidence)
                else:
                    self.provided.setdefault(ref.key(), []).append((entity, evidence))
        self.entities[key] = entity
        self.written[key] = (namespace, name)

    # ------------------------------------------------------------ resolution

    def emit(self, fragment: Fragment) -> None:
        for entity in self.entities.values():
            self._resolve(entity)
        names = _node_names(
            [*self.entities, *(end for pair in self.edges for end in pair)], self.written
        )
        for entity in self.entities.values():
            fragment.nodes.append(
                Node(
                    id=names[entity.key],
                    kind=NODE_KINDS[entity.key[0]],
                    name=names[entity.key].partition(":")[2],
                    labels=tuple(sorted(entity.labels.items())),
                    declared_in=entity.at,
                )
            )
        for (source, target), evidence in self.edges.items():
            fragment.edges.append(Edge(names[source], names[target], evidence=evidence))

    def _resolve(self, entity: _Entity) -> None:
        for ref, evidence in entity.depends_on:
            target = self._target(ref, evidence)
            if target is not None:
                self._edge(entity.key, target, evidence)
        for ref, evidence in entity.dependency_of:
            source = self._target(ref, evidence)
            if source is not None:
                self._edge(source, entity.key, evidence)
        for ref, evidence in entity.consumes:
            self._join(entity, ref, evidence)

    def _target(self, ref: EntityRef, evidence: Evidence) -> _Key | None:
        """The node a `dependsOn`/`dependencyOf` reference names, None for other kinds."""
        kind = ref.kind
        if kind is None:
            as_resource = ref.key("resource")
            known = as_resource in self.entities and ref.key("component") not in self.entities
            kind = "resource" if known else "component"
        if kind not in NODE_KINDS:
            self.summary.ignored_refs.append(evidence)
            return None
        key = ref.key(kind)
        self.written.setdefault(key, (ref.namespace, ref.name))
        return key

    def _join(self, consumer: _Entity, ref: EntityRef, evidence: Evidence) -> None:
        """consumer -> every provider of the API, evidence from both ends."""
        if ref.kind != "api":
            self.summary.ignored_refs.append(evidence)
            return
        providers = self.provided.get(ref.key(), [])
        if not providers:
            self.summary.unresolved_apis.append(evidence)
        for provider, provided_at in providers:
            if provider is not consumer:
                self._edge(consumer.key, provider.key, evidence, provided_at)

    def _edge(self, source: _Key, target: _Key, *evidence: Evidence) -> None:
        found = self.edges.setdefault((source, target), [])
        found.extend(item for item in evidence if item not in found)


def _labels(top: Entry, namespace: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    raw = _under(top, "metadata", "labels")
    if raw is not None and isinstance(raw.value, dict):
        for key, value in raw.value.items():
            item = raw.child(key)
            if not isinstance(key, str):
                item.problem(f"expected a label name (a string), got {validation.show(key)}")
            elif not isinstance(value, str):
                item.wrong("a string label value")
            else:
                labels[key] = value
    elif raw is not None:
        raw.wrong("a mapping of label names to values")
    tags = _strings(_under(top, "metadata", "tags"), "tags", "a tag")
    if tags:
        labels[_LABEL_PREFIX + "tags"] = ",".join(sorted({tag for tag, _ in tags}))
    for key, default_kind in (("system", "system"), ("owner", "group")):
        at = _under(top, "spec", key)
        written = _text(at)
        if at is not None and written is not None:
            try:
                ref = parse_ref(written, default_kind, namespace)
            except ValueError as exc:
                at.problem(str(exc))
                continue
            labels[_LABEL_PREFIX + key] = humanize(ref, default_kind)
    for key in ("lifecycle", "type"):
        written = _text(_under(top, "spec", key))
        if written is not None:
            labels[_LABEL_PREFIX + key] = written
    return labels


def _node_names(keys: Iterable[_Key], written: dict[_Key, tuple[str, str]]) -> dict[_Key, str]:
    """key -> node id: the bare name, or `<namespace>/<name>` when the same name of the
    same node kind occurs in more than one namespace."""
    keys = list(dict.fromkeys(keys))
    namespaces: dict[tuple[str, str], set[str]] = {}
    for kind, namespace, name in keys:
        namespaces.setdefault((kind, name), set()).add(namespace)
    ids: dict[_Key, str] = {}
    for key in keys:
        namespace, name = written[key]
        shown = name if len(namespaces[(key[0], key[2])]) == 1 else f"{namespace}/{name}"
        ids[key] = node_id(NODE_KINDS[key[0]], shown)
    return ids
