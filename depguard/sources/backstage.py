"""Backstage software catalog files: components, resources and the APIs between them.

`collect` reads `catalog-info.yaml` files (any number of YAML documents each, separated
by `---`) and writes one node per Component and Resource and one edge per dependency the
catalog states, each with the `file:line` of the exact list item that states it.

Entities
- `Component` -> node `service:<name>`; `Resource` -> node `resource:<name>`.
- `API` is not a node: it is the join point between the components that provide it and
  the components that consume it.
- `System`, `Domain`, `Group`, `User`, `Location`, `Template` and kinds depguard does not
  know (custom kinds) are skipped and counted per kind (`BackstageSummary.skipped`).
  Location targets are not followed: name the files or folders in the config.
- `apiVersion` is not checked: any version, or none, is fine.

Edges (all kind `runtime`, strength `hard`, source `backstage`)
- `spec.dependsOn: [resource:orders-db]` -> this -> target, text
  `dependsOn resource:orders-db`.
- `spec.dependencyOf: [component:checkout]` is the REVERSE edge: checkout -> this, text
  `dependencyOf component:checkout` (the line is where it is written, in this entity).
- `spec.consumesApis: [payments-api]` joined with every component whose
  `spec.providesApis` lists the same API: consumer -> provider, with two evidence items,
  the `consumesApis payments-api` item and the provider's `providesApis payments-api`
  item. The join is on the reference alone: an `API` entity need not be in the input.
  An API that no component in the input provides gives no edge; the consuming item is
  listed in `BackstageSummary.unresolved_apis`. A component consuming an API it provides
  itself gives no self-edge (it is not a dependency on anything else).
- Edges between the same two nodes merge into one edge with all their evidence (a
  `dependsOn` and the matching `dependencyOf` on the other side, say).
- `dependsOn` naming itself is kept: the catalog states a self-loop, and sources never
  decide what is wrong.

Entity references: `[<kind>:][<namespace>/]<name>`, parsed as Backstage's
`parseEntityRef` parses them (a `/` before the first `:` means there is no kind).
- Kinds are case-insensitive; names and namespaces are matched case-insensitively too,
  as the Backstage catalog enforces uniqueness (the node keeps the spelling of the
  entity's `metadata.name`, or of the first reference when the entity is not in the
  input).
- Default kind per field: `consumesApis`/`providesApis` -> `api`, `spec.system` ->
  `system`, `spec.owner` -> `group`. `dependsOn`/`dependencyOf` have no default kind in
  Backstage (`component:x` or `resource:y` is required); a bare name is accepted as a
  component, or as a resource when the input holds a Resource of that name and no
  Component. A reference to another kind there (`system:x`, `api:y`) has no node to
  point at: no edge, listed in `BackstageSummary.ignored_refs`.
- Default namespace: the namespace of the entity holding the reference (as Backstage
  does), which is `default` when `metadata.namespace` is not written.
- Node names: names are unique per kind and namespace, so the node name is the bare
  name unless the same name (for the same node kind) occurs in several namespaces in
  the input, references included; then every one of them is `<namespace>/<name>`.
- An entity defined twice (same kind, namespace and name) is a diagnostic; the first
  definition is kept.

Labels (for `label:KEY=VALUE` selectors in the rules; `node.layer` stays None, layers
come from the rules): `metadata.labels` as written, plus `backstage.io/system`,
`backstage.io/owner` (as Backstage's `humanizeEntityRef` shows them: the kind omitted
when it is the field's default, the namespace when it is `default`),
`backstage.io/lifecycle`, `backstage.io/type`, and `backstage.io/tags` holding the
sorted tags joined by commas (select one with `label:backstage.io/tags=*pci*`). The
`backstage.io/*` labels read from `spec` win over a `metadata.labels` entry of the same
key. Example: `{name: payments, match: ["label:backstage.io/system=payments"]}`.

Files: a file named in the config is read whatever its name; a folder means the
`catalog-info.yaml` / `catalog-info.yml` files under it at any depth (skipping hidden
folders and `node_modules`), so OpenAPI documents beside them are not read as entities.

Bad input never raises: malformed YAML (the whole file is skipped), a document that is
not a mapping, a missing `kind` or `metadata.name`, a field of the wrong type or a
malformed reference are each `Diagnostic(file, line, "<Kind> <name>: <breadcrumb>:
message")` (`document N` when the entity has no name yet) and the rest is still read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from depguard import validation, yamlio
from depguard.model import Diagnostic, Edge, Evidence, Fragment, Node, node_id
from depguard.sources import discovery
from depguard.sources.files import is_excluded, relative

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


class _Doc:
    """One document of a catalog file: typed reads that report `file:line: crumb: msg`."""

    def __init__(self, data: Any, shown: str, start: int, problems: list[Diagnostic]) -> None:
        self.data = data
        self.shown = shown
        self.start = start
        self.problems = problems
        self.label = ""

    def line(self, path: tuple[Any, ...]) -> int:
        return yamlio.line_of(self.data, path) or self.start

    def get(self, path: tuple[Any, ...]) -> Any:
        node = self.data
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        text = f"{self.label}: {validation.breadcrumb(path)}: {message}"
        self.problems.append(Diagnostic(self.shown, self.line(path), text))

    def wrong(self, path: tuple[Any, ...], expected: str, value: Any) -> None:
        self.problem(path, f"expected {expected}, got {validation.show(value)}")

    def mapping(self, key: str) -> None:
        """`metadata` and `spec` must be mappings when written."""
        value = self.get((key,))
        if value is not None and not isinstance(value, dict):
            self.wrong((key,), "a mapping", value)

    def text(self, path: tuple[Any, ...], required: bool = False) -> str | None:
        value = self.get(path)
        if value is None:
            parent = self.get(path[:-1])
            if required and (parent is None or isinstance(parent, dict)):
                self.problem(path, "missing required key")
            return None
        if isinstance(value, str) and value.strip():
            return value
        self.wrong(path, "a non-empty string", value)
        return None

    def strings(self, path: tuple[Any, ...], plural: str, one: str) -> list[tuple[str, int, int]]:
        """(item, index, line) of a list of strings (`plural`, each `one`); a wrong item
        is reported, the rest kept."""
        value = self.get(path)
        if value is None:
            return []
        if not isinstance(value, list):
            self.wrong(path, f"a list of {plural}", value)
            return []
        items: list[tuple[str, int, int]] = []
        for index, item in enumerate(value):
            if isinstance(item, str) and item:
                items.append((item, index, self.line((*path, index))))
            else:
                self.wrong((*path, index), one, item)
        return items

    def refs(
        self, key: str, default_kind: str | None, namespace: str
    ) -> list[tuple[EntityRef, Evidence]]:
        """The references of `spec.<key>`, each with the evidence of its item."""
        found: list[tuple[EntityRef, Evidence]] = []
        items = self.strings(("spec", key), "entity references", "an entity reference")
        for written, index, line in items:
            try:
                ref = parse_ref(written, default_kind, namespace)
            except ValueError as exc:
                self.problem(("spec", key, index), str(exc))
                continue
            found.append((ref, Evidence(self.shown, line, f"{key} {written}", SOURCE)))
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
                self.read_doc(_Doc(data, shown, start, self.problems), index)

    def read_doc(self, doc: _Doc, index: int) -> None:
        doc.label = f"document {index}"
        if not isinstance(doc.data, dict):
            got = validation.show(doc.data)
            message = f"{doc.label}: expected an entity (a mapping), got {got}"
            self.problems.append(Diagnostic(doc.shown, doc.start, message))
            return
        doc.mapping("metadata")
        written_kind = doc.text(("kind",), required=True)
        name = doc.text(("metadata", "name"), required=True)
        if written_kind is None or name is None:
            return
        kind = _CANONICAL.get(written_kind.lower(), written_kind)
        doc.label = f"{kind} {name}"
        doc.mapping("spec")
        if kind.lower() not in (*NODE_KINDS, "api"):
            self.summary.count(self.summary.skipped, kind)
            return
        self.summary.count(self.summary.entities, kind)
        namespace = doc.text(("metadata", "namespace")) or DEFAULT_NAMESPACE
        if kind == "API":
            return
        self._add_entity(doc, kind, namespace, name)

    def _add_entity(self, doc: _Doc, kind: str, namespace: str, name: str) -> None:
        key = (kind.lower(), namespace.lower(), name.lower())
        at = Evidence(doc.shown, doc.line(("metadata", "name")), f"{kind} {name}", SOURCE)
        if key in self.entities:
            first = self.entities[key].at.location()
            doc.problem(("metadata", "name"), f"defined again (first at {first}); ignored")
            return
        entity = _Entity(key, kind, namespace, name, at, _labels(doc, namespace))
        entity.depends_on = doc.refs("dependsOn", None, namespace)
        entity.dependency_of = doc.refs("dependencyOf", None, namespace)
        if kind == "Component":
            entity.consumes = doc.refs("consumesApis", "api", namespace)
            for ref, evidence in doc.refs("providesApis", "api", namespace):
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


def _labels(doc: _Doc, namespace: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    raw = doc.get(("metadata", "labels"))
    if isinstance(raw, dict):
        for key, value in raw.items():
            if not isinstance(key, str):
                doc.wrong(("metadata", "labels", key), "a label name (a string)", key)
            elif not isinstance(value, str):
                doc.wrong(("metadata", "labels", key), "a string label value", value)
            else:
                labels[key] = value
    elif raw is not None:
        doc.wrong(("metadata", "labels"), "a mapping of label names to values", raw)
    tags = sorted({tag for tag, _, _ in doc.strings(("metadata", "tags"), "tags", "a tag")})
    if tags:
        labels[_LABEL_PREFIX + "tags"] = ",".join(tags)
    for key, default_kind in (("system", "system"), ("owner", "group")):
        written = doc.text(("spec", key))
        if written is not None:
            try:
                ref = parse_ref(written, default_kind, namespace)
            except ValueError as exc:
                doc.problem(("spec", key), str(exc))
                continue
            labels[_LABEL_PREFIX + key] = humanize(ref, default_kind)
    for key in ("lifecycle", "type"):
        written = doc.text(("spec", key))
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
