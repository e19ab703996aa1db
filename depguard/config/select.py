"""Using the rules: which nodes a selector names, the layer and owner of a node, how
`edges:` rules reclassify an edge, and which selectors match nothing."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from depguard.config.loading import load_chain, raw_line, rules_dir
from depguard.config.model import Config, Project
from depguard.fsutil import is_inside
from depguard.model import Edge, Level, Node

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
    for part in load_chain(project.config_file, project.root):
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
                        line = raw_line(part.raw, where)
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


def levels_checked(config: Config) -> tuple[Level, ...]:
    return tuple(config.cycles.levels)


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
