"""The native service manifest: services, resources and their declared dependencies.

A file holds `services:` (and optionally `resources:`) as a mapping from name to facts,
or one service with a `name:` key; a folder holds such files. Every dependency becomes
an edge whose evidence is the line it was written on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from depguard import validation, yamlio
from depguard.model import Diagnostic, Edge, Evidence, Fragment, Node, node_id
from depguard.sources.files import relative, walk
from depguard.validation import Model

if TYPE_CHECKING:
    from pydantic import Field, StrictBool

SOURCE = "services"


@dataclass(frozen=True)
class Dependency(Model):
    on: Annotated[str, Field(alias="service", description="the service or resource depended on")]
    kind: str = "runtime"
    strength: Literal["hard", "soft"] | None = None
    optional: StrictBool = False
    note: str = ""
    fallback: Annotated[str | None, Field(description="a service used when this one is down")] = (
        None
    )


@dataclass(frozen=True)
class ResourceDependency(Dependency):
    on: Annotated[str, Field(alias="resource")]


@dataclass(frozen=True)
class Service(Model):
    name: str | None = None
    layer: str | None = None
    owner: str | None = None
    description: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    entrypoint: StrictBool = False
    depends_on: tuple[str | Dependency | ResourceDependency, ...] = ()


@dataclass(frozen=True)
class Manifest(Model):
    services: dict[str, Service] = field(default_factory=dict)
    resources: dict[str, Service] = field(default_factory=dict)


def collect(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...] = (),
    options: object = None,
    *,
    use_cache: bool = True,
) -> Fragment:
    """Read manifests into nodes and edges; problems become diagnostics, never exceptions."""
    fragment = Fragment(SOURCE)
    parsed: list[tuple[str, Any, Manifest]] = []
    for path in walk(paths, root, (".yaml", ".yml"), exclude, fragment.diagnostics):
        shown = relative(path, root)
        fragment.files.append(shown)
        try:
            raw = yamlio.load_one(yamlio.read_text(path, shown), shown)
        except yamlio.YamlError as exc:
            fragment.diagnostics.append(Diagnostic(exc.file, exc.line, exc.message))
            continue
        if raw is None:
            continue
        manifest = _validate(raw, shown, fragment)
        if manifest is not None:
            parsed.append((shown, raw, manifest))
    resources = {name for _, _, m in parsed for name in m.resources}
    for shown, raw, manifest in parsed:
        _add(manifest, raw, shown, resources, fragment)
    return fragment


def _validate(raw: Any, shown: str, fragment: Fragment) -> Manifest | None:
    if not isinstance(raw, dict):
        fragment.diagnostics.append(
            Diagnostic(
                shown, getattr(raw, "line", 1), f"expected a mapping, got {validation.show(raw)}"
            )
        )
        return None
    single = "name" in raw and "services" not in raw
    try:
        if single:
            service = validation.parse(Service, raw)
            if not service.name:
                raise ValueError
            return Manifest(services={service.name: service})
        return validation.parse(Manifest, raw)
    except validation.Invalid as exc:
        model = Service if single else Manifest
        for line, text in validation.errors(exc, raw, model):
            fragment.diagnostics.append(Diagnostic(shown, line, text))
    except ValueError:
        line = yamlio.line_of(raw, ("name",))
        fragment.diagnostics.append(Diagnostic(shown, line, "name: expected a service name"))
    return None


def _add(manifest: Manifest, raw: Any, shown: str, resources: set[str], fragment: Fragment) -> None:
    single = "name" in raw and "services" not in raw
    for section, kind in (("services", "service"), ("resources", "resource")):
        for name, facts in getattr(manifest, section).items():
            loc: tuple[Any, ...] = () if single else (section, name)
            line = yamlio.line_of(raw, loc) or 1
            fragment.nodes.append(
                Node(
                    id=node_id(kind, name),
                    kind=kind,
                    name=name,
                    layer=facts.layer,
                    labels=tuple(sorted(facts.labels.items())),
                    entrypoint=facts.entrypoint,
                    declared_in=Evidence(shown, line, f"{section[:-1]} {name}", SOURCE),
                )
            )
            for index, dep in enumerate(facts.depends_on):
                where = (*loc, "depends_on", index)
                fragment.edges.append(
                    _edge(node_id(kind, name), dep, resources, shown, yamlio.line_of(raw, where))
                )


def _edge(source: str, dep: str | Dependency, resources: set[str], shown: str, line: int) -> Edge:
    if isinstance(dep, str):
        dep = Dependency(on=dep)
    is_resource = isinstance(dep, ResourceDependency) or dep.on in resources
    target = node_id("resource" if is_resource else "service", dep.on)
    strength = dep.strength or ("soft" if dep.optional else "hard")
    text = dep.note or f"depends_on {dep.on}"
    return Edge(
        source,
        target,
        kind=dep.kind,
        strength=strength,
        evidence=[Evidence(shown, line, text, SOURCE)],
        fallback=node_id("service", dep.fallback) if dep.fallback else None,
    )
