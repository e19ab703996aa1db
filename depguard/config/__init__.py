"""The rules: `model` defines and validates a config, `loading` finds and reads one (and
what it extends), `select` applies it to nodes and edges. The names other stages use
are exported here, so `from depguard import config` is all they import.
"""

from __future__ import annotations

from depguard.config.loading import find_config, load, open_project, rule_set_names, rules_dir
from depguard.config.model import (
    CONFIG_NAMES,
    SELECTOR_PREFIXES,
    Config,
    ConfigError,
    CycleOptions,
    EdgeMatch,
    EdgeRule,
    Forbidden,
    Isolated,
    Layer,
    Project,
    ServiceFacts,
    SourceEntry,
    json_schema,
    parse,
)
from depguard.config.select import (
    SELECTOR_FIELDS,
    SelectorPlace,
    edge_classifier,
    layer_for,
    layer_rank,
    levels_checked,
    matches,
    name_matches,
    names_pattern,
    owner_for,
    selector_places,
    selectors_of,
    unmatched,
)

__all__ = [
    "CONFIG_NAMES",
    "SELECTOR_FIELDS",
    "SELECTOR_PREFIXES",
    "Config",
    "ConfigError",
    "CycleOptions",
    "EdgeMatch",
    "EdgeRule",
    "Forbidden",
    "Isolated",
    "Layer",
    "Project",
    "SelectorPlace",
    "ServiceFacts",
    "SourceEntry",
    "edge_classifier",
    "find_config",
    "json_schema",
    "layer_for",
    "layer_rank",
    "levels_checked",
    "load",
    "matches",
    "name_matches",
    "names_pattern",
    "open_project",
    "owner_for",
    "parse",
    "rule_set_names",
    "rules_dir",
    "selector_places",
    "selectors_of",
    "unmatched",
]
