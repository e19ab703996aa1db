"""The rules: find, load, validate and normalise a depguard config.

One definition gives three things: validation that reports every error at once, frozen
and fully defaulted objects that later stages trust, and the JSON Schema shipped as
`rules_schema.json`. The models are frozen dataclasses that pydantic validates (see
`validation`): a run with no config file builds the defaults without importing pydantic.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from depguard import config_cache, sources, validation, yamlio
from depguard.fsutil import OUTSIDE, InputError, is_inside, outside, read_input
from depguard.model import Edge, Level, Node
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
        EdgeMatch,
        EdgeRule,
        CycleOptions,
    ),
    (__file__, validation.__file__ or "", options_module.__file__ or "", sources.__file__ or ""),
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


# ---------------------------------------------------------------- finding the file


def find_config(start: Path) -> Path | None:
    """The nearest config from `start` upwards, stopping at the repository root."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            # not `is_file`: a config that is a link to a pipe, a device or a missing
            # file is still the config, and reading it says why it cannot be used
            if os.path.lexists(folder / name) and not (folder / name).is_dir():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if os.path.lexists(pyproject) and _has_depguard_table(pyproject):
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def _has_depguard_table(path: Path) -> bool:
    """A [tool.depguard] table; a pyproject that cannot be parsed counts if it names one,
    so that its syntax error is reported rather than the config silently skipped."""
    import tomllib

    try:
        text = read_input(path, path.name).decode("utf-8", errors="replace")
    except InputError:
        return True  # it may hold the rules: reading it again reports why it cannot be read
    if "depguard" not in text:  # `[tool.depguard]`, or `depguard = {...}` under `[tool]`
        return False
    try:
        tool = tomllib.loads(text).get("tool")
        return isinstance(tool, dict) and "depguard" in tool
    except (ValueError, RecursionError):  # a syntax error, a huge integer, absurd nesting
        return any(
            line.strip().startswith(("[tool.depguard", "[[tool.depguard"))
            for line in text.splitlines()
        )


# ---------------------------------------------------------------- loading


def rules_dir() -> Path:
    """Ready rule sets: packaged as depguard/rules in a wheel, rules/ in a checkout."""
    packaged = Path(__file__).parent / "rules"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "rules"


def rule_set_names() -> list[str]:
    return sorted(p.stem for p in rules_dir().glob("*.yaml"))


@dataclass(frozen=True)
class _Loaded:
    file: Path
    shown: str
    raw: Any
    config: Config
    data: bytes  # the bytes `raw` was parsed from


def load(path: Path, root: Path | None = None, cached: bool = False) -> Config:
    """Load a config file and everything it extends; raise ConfigError with every problem.

    With `cached`, a config that validated before and whose files are unchanged is read
    back from the user's cache instead (`config_cache`), without pydantic or PyYAML.
    """
    if cached:
        kept: Config | None = config_cache.lookup(path, _KEPT)
        if kept is not None:
            return kept
    loaded = _load_chain(path, root or path.parent)
    merged = Config()
    for part in loaded:
        merged = _merge(merged, part.config, set(part.raw))
    merged = replace(merged, extends=())
    problems = [line for part in loaded for line in _check_references(part, merged)]
    if problems:
        raise ConfigError(problems)
    if cached:
        config_cache.store(path, [(part.file, part.data) for part in loaded], merged, _KEPT)
    return merged


def _load_chain(path: Path, root: Path, seen: tuple[Path, ...] = ()) -> list[_Loaded]:
    shown = _shown(path, root)
    raw, data = _read_raw(path, shown)
    config = _validate(raw, shown)
    chain: list[_Loaded] = []
    here = (*seen, path.resolve())
    for index, name in enumerate(config.extends):
        where = ("extends", index) if isinstance(raw.get("extends"), list) else ("extends",)
        line = _line(raw, where)
        base = _resolve_extends(name, path.parent)
        if base is not None and outside(base):
            raise ConfigError([f"{shown}:{line}: extends: {name} is {OUTSIDE}"])
        if base is None:
            raise ConfigError([f"{shown}:{line}: extends: {_why_unresolved(name, path.parent)}"])
        if base.resolve() in here:
            raise ConfigError([f"{shown}:{line}: extends: circular extends ({name} again)"])
        chain.extend(_load_chain(base, root, here))
    chain.append(_Loaded(path, shown, raw, config, data))
    return chain


def _why_unresolved(name: str, here: Path) -> str:
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return f"file not found: {name}"
    known = ", ".join(rule_set_names())
    return f"unknown rule set {name!r} (known: {known}; or give a path to a YAML file)"


def _line(raw: Any, loc: tuple[Any, ...]) -> int:
    return raw.line_for(loc) if isinstance(raw, _TomlLines) else yamlio.line_of(raw, loc)


def _shown(path: Path, root: Path) -> str:
    """A config file as named (a link by its own name, not its target's)."""
    here = Path(os.path.normpath(path.absolute()))
    for top in (Path(os.path.normpath(root.absolute())), root.resolve()):
        try:
            return here.relative_to(top).as_posix()
        except ValueError:
            continue
    return here.as_posix()


def _resolve_extends(name: str, here: Path) -> Path | None:
    if name.endswith((".yaml", ".yml")) or "/" in name:
        candidate = here / name
        return candidate if candidate.is_file() else None
    candidate = rules_dir() / f"{name}.yaml"
    return candidate if candidate.is_file() else None


def _read_raw(path: Path, shown: str) -> tuple[Any, bytes]:
    """A config file's data as read, and the bytes it was read from."""
    if not path.exists():
        raise ConfigError([f"{shown}:0: config file not found"])
    try:
        data = yamlio.read_data(path, shown)
        text = yamlio.text_of(data, shown)
        if path.name == "pyproject.toml":
            return _read_pyproject(text, shown), data
        raw = yamlio.load_one(text, shown)
    except yamlio.YamlError as exc:
        raise ConfigError([str(exc)]) from None
    if raw is None:
        raise ConfigError(
            [
                f"{shown}:1: the config is empty: expected a mapping with keys "
                "such as 'sources', 'layers', 'forbidden'"
            ]
        )
    if not isinstance(raw, dict):
        raise ConfigError([f"{shown}:1: expected a mapping at the top, got {validation.show(raw)}"])
    return raw, data


def _read_pyproject(text: str, shown: str) -> Any:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc), text)
        raise ConfigError([f"{shown}:{line}: TOML syntax error: {exc}"]) from None
    except RecursionError:
        raise ConfigError([f"{shown}:0: TOML nested too deeply"]) from None
    except ValueError as exc:  # an integer of more digits than Python converts
        huge = re.search(r"\d{4301}", text)
        line = text.count("\n", 0, huge.start()) + 1 if huge else 0
        raise ConfigError([f"{shown}:{line}: cannot read the TOML: {exc}"]) from None
    tool = data.get("tool")
    section = tool.get("depguard") if isinstance(tool, dict) else None
    if section is None:
        raise ConfigError([f"{shown}:1: no [tool.depguard] table"])
    if not isinstance(section, dict):  # `depguard = 1` under [tool]
        lines = text.splitlines()
        line = next((i + 1 for i, s in enumerate(lines) if s.lstrip().startswith("depguard")), 1)
        raise ConfigError(
            [f"{shown}:{line}: tool.depguard: expected a table, got {validation.show(section)}"]
        )
    return _TomlLines(section, text)


def _toml_error_line(message: str, text: str) -> int:
    marker = "(at line "
    if marker in message:
        return int(message.split(marker, 1)[1].split(",", 1)[0])
    if "(at end of document)" in message:  # an unclosed array or table: the last line
        return max(1, len(text.splitlines()))
    return 0


class _TomlLines(dict[str, Any]):
    """The [tool.depguard] table with a best-effort line finder (tomllib keeps none)."""

    def __init__(self, data: dict[str, Any], text: str) -> None:
        super().__init__(data)
        self.lines = text.splitlines()

    def line_for(self, loc: tuple[Any, ...]) -> int:
        """Follow keys down the text; a list index picks the n-th `[[...]]` table."""
        found = next(
            (i for i, s in enumerate(self.lines) if s.strip().startswith("[tool.depguard")), 0
        )
        table = "tool.depguard"
        for position, part in enumerate(loc):
            if isinstance(part, int):
                key = loc[position - 1] if position else None
                headers = [i for i, s in enumerate(self.lines) if s.strip() == f"[[{table}.{key}]]"]
                if part < len(headers):
                    found = headers[part]
                    table = f"{table}.{key}"
                continue
            for i in range(found, len(self.lines)):
                stripped = self.lines[i].strip()
                if stripped.startswith((f"{part} ", f"{part}=", f'"{part}"')) or (
                    stripped.startswith("[") and stripped.strip("[]").endswith(f".{part}")
                ):
                    found = i
                    break
        return found + 1


def _validate(raw: Any, shown: str) -> Config:
    try:
        return parse(raw)
    except validation.Invalid as exc:
        line_for = raw.line_for if isinstance(raw, _TomlLines) else None
        raise ConfigError(validation.error_lines(exc, raw, shown, Config, line_for)) from None


_REPLACE = ("sources", "exclude", "layers", "cycles", "baseline")


def _merge(base: Config, child: Config, keys: set[str]) -> Config:
    """A child replaces what it sets (`keys`, as written), adds to rules and edges, and
    merges services."""
    update: dict[str, Any] = {}
    for key in _REPLACE:
        if key in keys:
            update[key] = getattr(child, key)
    update["forbidden"] = base.forbidden + child.forbidden
    update["isolated"] = base.isolated + child.isolated
    update["edges"] = base.edges + child.edges
    update["services"] = {**base.services, **child.services}
    return replace(base, **update)


def _check_references(part: _Loaded, merged: Config) -> list[str]:
    """Selectors naming layers must name layers that exist once every file is merged."""
    known = {layer.name for layer in merged.layers}
    problems: list[tuple[int, str]] = []

    def check(selectors: Iterable[str], loc: tuple[Any, ...]) -> None:
        for index, selector in enumerate(selectors):
            where = (*loc, index)
            line = _line(part.raw, where)
            crumb = validation.breadcrumb(where)
            if ":" in selector and not selector.startswith(SELECTOR_PREFIXES):
                prefix = selector.split(":", 1)[0]
                problems.append(
                    (
                        line,
                        f"{crumb}: unknown selector {prefix!r}: "
                        f"use a name, a glob, 'layer:NAME' or 'label:KEY=VALUE'",
                    )
                )
            elif selector.startswith("layer:") and selector[6:] not in known:
                close = difflib.get_close_matches(selector[6:], sorted(known), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(
                    (
                        line,
                        f"{crumb}: unknown layer "
                        f"{selector[6:]!r}{hint}; layers are: "
                        f"{', '.join(sorted(known)) or 'none defined'}",
                    )
                )
            elif selector.startswith("label:") and "=" not in selector:
                problems.append((line, f"{crumb}: a label selector reads 'label:KEY=VALUE'"))

    for i, isolated in enumerate(part.config.isolated):
        check(isolated.nodes, ("isolated", i, "nodes"))
        check(isolated.watches, ("isolated", i, "watches"))
    for i, rule in enumerate(part.config.forbidden):
        check(rule.from_, ("forbidden", i, "from"))
        check(rule.to, ("forbidden", i, "to"))
    for i, layer in enumerate(part.config.layers):
        check([s for s in layer.match if not s.startswith("layer:")], ("layers", i, "match"))
    names = [layer.name for layer in part.config.layers]
    for i, name in enumerate(names):
        if name in names[:i]:
            line = _line(part.raw, ("layers", i, "name"))
            problems.append((line, f"layers[{i}].name: duplicate layer {name!r}"))
    for service, facts in part.config.services.items():
        if facts.layer is not None and facts.layer not in known:
            line = _line(part.raw, ("services", service, "layer"))
            problems.append((line, f"services.{service}.layer: unknown layer {facts.layer!r}"))
    return [f"{part.shown}:{line}: {text}" for line, text in sorted(problems)]


# ---------------------------------------------------------------- the project


def open_project(path: Path, config_file: Path | None = None, cached: bool = False) -> Project:
    """The project rooted at the config's folder, or at PATH when there is no config;
    `cached`: the config may be read back from the user's cache (see `load`)."""
    if not path.exists():
        raise ConfigError([f"{path}:0: no such file or folder"])
    if config_file is not None:
        if config_file.is_dir():
            what = "a folder, not a config file (name depguard.yaml or a pyproject.toml)"
            raise ConfigError([f"{config_file}:0: {what}"])
        if not config_file.is_file():
            raise ConfigError([f"{config_file}:0: config file not found"])
        found: Path | None = config_file
    else:
        found = find_config(path)
    if found is None:
        root = path if path.is_dir() else path.parent
        return Project(root=root, config=Config(), config_file=None)
    root = found.parent
    return Project(root=root, config=load(found, root, cached), config_file=found)


# ---------------------------------------------------------------- selectors that match nothing

# Where node selectors are written: (section, key) of each list of selectors.
SELECTOR_FIELDS = (
    ("layers", "match"),
    ("forbidden", "from"),
    ("forbidden", "to"),
    ("isolated", "nodes"),
    ("isolated", "watches"),
)


def selectors_of(config: Config) -> set[str]:
    """Every node selector the rules use (`layer:` ones name layers, checked on load)."""
    found = [s for layer in config.layers for s in layer.match]
    found += [s for rule in config.forbidden for s in (*rule.from_, *rule.to)]
    found += [s for iso in config.isolated for s in (*iso.nodes, *iso.watches)]
    return {s for s in found if not s.startswith("layer:")}


def unmatched(config: Config, nodes: Iterable[Node]) -> set[str]:
    """The selectors that name no node: usually a typo, which silently weakens a rule."""
    left = selectors_of(config)
    for node in nodes:
        left = {s for s in left if not matches(s, node, lambda n: n.layer)}
        if not left:
            break
    return left


@dataclass(frozen=True)
class SelectorPlace:
    selector: str
    file: str
    line: int
    crumb: str  # `layers[2].match`
    shipped: bool  # written in a ready rule set from rules/, not in the user's files


def selector_places(project: Project, wanted: set[str]) -> list[SelectorPlace]:
    """Where each of `wanted` is written, in the config and the files it extends (read
    again: this is only asked when something matched nothing)."""
    if project.config_file is None:
        return []
    shipped_folder = [os.path.realpath(rules_dir())]
    places = []
    for part in _load_chain(project.config_file, project.root):
        shipped = is_inside(part.file, shipped_folder)
        for section, key in SELECTOR_FIELDS:
            items = part.raw.get(section)
            for i, item in enumerate(items if isinstance(items, list) else []):
                values = item.get(key) if isinstance(item, dict) else None
                listed = [values] if isinstance(values, str) else values
                for j, value in enumerate(listed if isinstance(listed, list) else []):
                    if value in wanted:
                        where = (
                            (section, i, key, j) if isinstance(values, list) else (section, i, key)
                        )
                        line = _line(part.raw, where)
                        crumb = f"{section}[{i}].{key}"
                        places.append(SelectorPlace(value, part.shown, line, crumb, shipped))
    return places


# ---------------------------------------------------------------- using the rules


def matches(selector: str, node: Node, layers_of: Callable[[Node], str | None]) -> bool:
    """Whether a selector (name glob, 'layer:X', 'label:k=v', 'kind:k') names a node."""
    if selector.startswith("layer:"):
        return layers_of(node) == selector[6:]
    if selector.startswith("label:"):
        key, _, value = selector[6:].partition("=")
        found = node.label(key)
        return found is not None and fnmatch.fnmatchcase(found, value)
    if selector.startswith("kind:"):
        return node.kind == selector[5:]
    return name_matches(selector, node.name)


def name_matches(pattern: str, name: str) -> bool:
    """A glob on a name; `pkg.*` also names `pkg` itself, as a package owns its modules."""
    if pattern.endswith(".*") and name == pattern[:-2]:
        return True
    return fnmatch.fnmatchcase(name, pattern)


def _is_typed(selector: str) -> bool:
    return selector.startswith(("layer:", "label:", "kind:"))


def names_pattern(patterns: list[str]) -> re.Pattern[str] | None:
    """One regular expression that matches a name when `name_matches` would for any of
    the patterns (None for no patterns)."""
    parts = []
    for pattern in patterns:
        parts.append(fnmatch.translate(pattern))
        if pattern.endswith(".*"):
            parts.append(re.escape(pattern[:-2]) + r"\Z")
    return re.compile("|".join(f"(?:{part})" for part in parts)) if parts else None


def layer_for(config: Config) -> Callable[[Node], str | None]:
    """The layer of a node: the config's service map, then the layer a source declared,
    then the first layer whose patterns match (explicit beats generic)."""
    # name globs compiled once per layer: a large tree asks this of every module
    order = [
        (
            layer.name,
            names_pattern([s for s in layer.match if not _is_typed(s)]),
            [s for s in layer.match if _is_typed(s)],
        )
        for layer in config.layers
    ]
    known = {name for name, _, _ in order}
    if not order:
        return lambda node: None

    def assign(node: Node) -> str | None:
        facts = config.services.get(node.name)
        if node.kind != "module" and facts is not None and facts.layer:
            return facts.layer
        if node.layer in known:
            return node.layer
        for name, names, selectors in order:
            if (names is not None and names.match(node.name)) or any(
                matches(s, node, lambda _: None) for s in selectors
            ):
                return name
        return None

    return assign


def owner_for(config: Config) -> Callable[[str], str | None]:
    """The service that owns a module, from the services' `code` patterns."""
    table = [
        (pattern, service)
        for service, facts in sorted(config.services.items())
        for pattern in facts.code
    ]

    if not table:
        return lambda module: None

    def owner(module: str) -> str | None:
        best: tuple[int, str] | None = None
        for pattern, service in table:
            if name_matches(pattern, module) and (best is None or len(pattern) > best[0]):
                best = (len(pattern), service)
        return best[1] if best else None

    return owner


def layer_rank(config: Config) -> dict[str, int]:
    return {layer.name: index for index, layer in enumerate(config.layers)}


def json_schema() -> str:
    schema = validation.json_schema(Config)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "depguard config"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def levels_checked(config: Config) -> tuple[Level, ...]:
    return tuple(config.cycles.levels)


if __name__ == "__main__":  # pragma: no cover - `python -m depguard.config` prints the schema
    sys.stdout.write(json_schema())


def _env_names(edge: Edge) -> list[str]:
    """The environment variables an edge was read from, as the sources recorded them
    (never parsed back from the evidence's display text)."""
    return [e.env for e in edge.evidence if e.env]


def edge_classifier(config: Config) -> Callable[[Edge, Node, Node], Edge] | None:
    """Apply `edges:` rules in order; a later rule wins where several match."""
    if not config.edges:
        return None
    rules = config.edges

    def classify(edge: Edge, source: Node, target: Node) -> Edge:
        for rule in rules:
            m = rule.match
            if (
                (m.from_ is None or name_matches(m.from_, source.name))
                and (m.to is None or name_matches(m.to, target.name))
                and (m.kind is None or fnmatch.fnmatchcase(edge.kind, m.kind))
                and (m.env is None or any(fnmatch.fnmatchcase(v, m.env) for v in _env_names(edge)))
                and (m.source is None or any(e.source == m.source for e in edge.evidence))
            ):
                edge = replace(
                    edge, kind=rule.kind or edge.kind, strength=rule.strength or edge.strength
                )
        return edge

    return classify
