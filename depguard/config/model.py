"""The config's models: one definition gives validation that reports every error at
once, frozen and fully defaulted objects that later stages trust, and the JSON Schema
shipped as `rules_schema.json`. They are frozen dataclasses that pydantic validates
(see `validation`): a run with no config file builds the defaults without pydantic.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from depguard import config_cache, sources, validation
from depguard.sources import SOURCES
from depguard.sources.python import options as options_module
from depguard.sources.python.options import PythonSource
from depguard.validation import Model

if TYPE_CHECKING:
    from pydantic import AfterValidator, Field, StrictBool, StrictInt

    from depguard.validation import Paths, Patterns


CONFIG_NAMES = ("depguard.yaml", "depguard.yml", ".depguard.yaml")
SELECTOR_PREFIXES = ("label:", "layer:", "kind:")
EdgeClass = Literal["hard", "soft", "typing", "telemetry", "monitoring"]


class ConfigError(Exception):
    """A config that cannot be used; `lines` are `file:line: breadcrumb: message`."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class _SourceEntry(Model):
    """What every source entry can say of itself, whichever format key it sets."""

    @property
    def format(self) -> str:
        return _formats(self)[0]

    @property
    def paths(self) -> tuple[str, ...]:
        value = getattr(self, self.format)
        return tuple(value.roots) if isinstance(value, PythonSource) else tuple(value)

    @property
    def options(self) -> PythonSource | None:
        value = getattr(self, self.format)
        return value if isinstance(value, PythonSource) else None


def _source_entry() -> type[_SourceEntry]:
    """One input to read, with a key per line of `SOURCES` (paths, or a source's own
    options): a new format needs no field here. The annotations stay strings, resolved
    by pydantic when a config is first validated (see `validation.adapter`)."""
    fields = []
    for spec in SOURCES.values():
        kind = f"Paths | {spec.options} | None" if spec.options else "Paths | None"
        annotation = f"Annotated[{kind}, Field(description={spec.help!r})]"
        fields.append((spec.name, annotation, dataclasses.field(default=None)))
    made = dataclasses.make_dataclass("SourceEntry", fields, bases=(_SourceEntry,), frozen=True)
    made.__module__ = __name__
    made.__doc__ = "One input to read: exactly one format key, naming files or folders."
    return made


if TYPE_CHECKING:
    SourceEntry = _SourceEntry
else:
    SourceEntry = _source_entry()


def _formats(entry: SourceEntry) -> list[str]:
    """The format keys a source entry sets."""
    found: Any = entry  # a dataclass made from SOURCES (`_source_entry`)
    return [f.name for f in dataclasses.fields(found) if getattr(entry, f.name) is not None]


def _one_format(entry: SourceEntry) -> SourceEntry:
    """A source entry names exactly one format (run by pydantic after the fields)."""
    from pydantic_core import PydanticCustomError

    if len(_formats(entry)) != 1:
        raise PydanticCustomError(
            "one_source", "name exactly one source format, e.g. 'services: services.yaml'"
        )
    return entry


@dataclass(frozen=True)
class ServiceFacts(Model):
    """Per-service facts: the code it owns, its layer, whether it is an entry point."""

    code: Annotated[
        Patterns, Field(description="module patterns owned by the service, e.g. 'api.*'")
    ] = ()
    layer: str | None = None
    entrypoint: StrictBool = False
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Layer(Model):
    name: Annotated[str, Field(description="layer name; layers are listed lowest first")]
    match: Annotated[
        Patterns, Field(description="names, globs or 'label:key=value' selectors")
    ] = ()
    independent: Annotated[
        StrictBool, Field(description="members must not depend on each other")
    ] = False
    description: str = ""


@dataclass(frozen=True)
class Forbidden(Model):
    name: str
    from_: Annotated[
        Patterns, Field(alias="from", description="names, globs, 'layer:X' or 'label:k=v'")
    ]
    to: Annotated[Patterns, Field(description="names, globs, 'layer:X' or 'label:k=v'")]
    transitive: Annotated[StrictBool, Field(description="also forbid indirect paths")] = False
    severity: Literal["error", "warning"] = "error"
    strengths: tuple[Literal["hard", "soft"], ...] = ("hard", "soft")
    levels: tuple[Literal["module", "service"], ...] = ("module", "service")


@dataclass(frozen=True)
class Isolated(Model):
    """Nodes that must keep working when what they watch or rescue is down."""

    name: str
    nodes: Annotated[Patterns, Field(description="the isolated nodes: names, globs, 'label:k=v'")]
    watches: Annotated[Patterns, Field(description="what they must have no hard path to")]


Role = Literal["datastore", "cache", "broker", "storage", "telemetry", "service"]


@dataclass(frozen=True)
class RoleRule(Model):
    """What well-known infrastructure is, by image or name (before the shipped table)."""

    role: Annotated[
        Role, Field(description="datastore, cache, broker, storage, telemetry, or service")
    ]
    images: Annotated[
        Patterns, Field(description="image globs: `bitnami/kafka` or its last part `kafka`")
    ] = ()
    names: Annotated[Patterns, Field(description="node name globs")] = ()


@dataclass(frozen=True)
class EdgeMatch(Model):
    from_: Annotated[str | None, Field(alias="from")] = None
    to: str | None = None
    kind: str | None = None
    env: Annotated[
        str | None,
        Field(description="glob on the environment variable the edge was read from, e.g. 'OTEL_*'"),
    ] = None
    source: Annotated[str | None, Field(description="the source that read it, e.g. 'compose'")] = (
        None
    )


@dataclass(frozen=True)
class EdgeRule(Model):
    """Reclassify edges that sources cannot type alone."""

    match: EdgeMatch
    kind: str | None = None
    strength: Literal["hard", "soft"] | None = None


@dataclass(frozen=True)
class CycleOptions(Model):
    count: Annotated[
        tuple[EdgeClass, ...], Field(description="edge classes that close an error cycle")
    ] = ("hard",)
    warn: Annotated[
        tuple[EdgeClass, ...], Field(description="further classes that close a warning cycle")
    ] = ("soft", "telemetry", "monitoring")
    witnesses_per_component: Annotated[StrictInt, Field(ge=1, le=1000)] = 10
    levels: tuple[Literal["module", "service"], ...] = ("module", "service")


@dataclass(frozen=True)
class Config(Model):
    """A depguard config (depguard.yaml or [tool.depguard] in pyproject.toml)."""

    extends: Annotated[Paths, Field(description="rule sets by name (see rules/) or paths")] = ()
    sources: tuple[Annotated[SourceEntry, AfterValidator(_one_format)], ...] = ()
    exclude: Patterns = ()
    services: dict[str, ServiceFacts] = field(default_factory=dict)
    layers: tuple[Layer, ...] = ()
    forbidden: tuple[Forbidden, ...] = ()
    isolated: tuple[Isolated, ...] = ()
    infrastructure: tuple[RoleRule, ...] = ()
    edges: tuple[EdgeRule, ...] = ()
    cycles: CycleOptions = CycleOptions()
    baseline: str | None = None


# every model a config holds (Config first): the only classes a kept config is read back into
_KEPT = config_cache.Models(
    (
        Config,
        SourceEntry,
        PythonSource,
        ServiceFacts,
        Layer,
        Forbidden,
        Isolated,
        RoleRule,
        EdgeMatch,
        EdgeRule,
        CycleOptions,
    ),
    (
        __file__,
        str(Path(__file__).with_name("loading.py")),  # merges and checks what is kept
        validation.__file__ or "",
        options_module.__file__ or "",
        sources.__file__ or "",
    ),
)


def parse(raw: Any) -> Config:
    """A config from its data as read (validation.Invalid with every error otherwise)."""
    return validation.parse(Config, raw)


@dataclass(frozen=True)
class Project:
    """Where the analysis runs: the root paths are relative to, and the rules."""

    root: Path
    config: Config
    config_file: Path | None
    only: Path | None = None  # PATH, when it is one file and no config names the sources
    # (source, path) the command line adds; `env_file` names a --env-file
    named: tuple[tuple[str, Path], ...] = ()


def json_schema() -> str:
    schema = validation.json_schema(Config)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "depguard config"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
