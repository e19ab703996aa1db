"""depguard.config: finding, loading, merging and checking a config; using its rules."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from depguard import config
from depguard.config import Config, ConfigError, find_config, load, open_project
from depguard.model import Node

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "cloud-control-plane" / "depguard.yaml"


def lines(*rows: str) -> str:
    """A file whose line N is rows[N-1], so each fixture shows its line numbers."""
    return "\n".join(rows) + "\n"


def put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, *rows: str, name: str = "depguard.yaml") -> list[str]:
    """Write a config of `rows` and return the lines of the ConfigError it raises."""
    path = put(tmp_path / name, lines(*rows))
    with pytest.raises(ConfigError) as info:
        load(path)
    assert str(info.value) == "\n".join(info.value.lines)
    return info.value.lines


def one_problem(tmp_path: Path, *rows: str, name: str = "depguard.yaml") -> str:
    found = problems(tmp_path, *rows, name=name)
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A folder marked as a repository root, so searches upwards stop inside tmp_path."""
    (tmp_path / ".git").mkdir()
    return tmp_path


# ---------------------------------------------------------------- find_config


def test_find_config_in_the_folder(repo: Path) -> None:
    path = put(repo / "depguard.yaml", "layers: []\n")
    assert find_config(repo) == path


def test_find_config_from_a_subfolder_upwards(repo: Path) -> None:
    path = put(repo / "depguard.yaml", "layers: []\n")
    deep = repo / "src" / "pkg" / "sub"
    deep.mkdir(parents=True)
    assert find_config(deep) == path


def test_find_config_from_a_file_looks_in_its_folder(repo: Path) -> None:
    path = put(repo / "depguard.yaml", "layers: []\n")
    module = put(repo / "src" / "mod.py", "")
    assert find_config(module) == path


def test_find_config_stops_at_the_repository_root(tmp_path: Path) -> None:
    put(tmp_path / "depguard.yaml", "layers: []\n")
    inner = tmp_path / "checkout"
    (inner / ".git").mkdir(parents=True)
    (inner / "src").mkdir()
    assert find_config(inner / "src") is None


def test_find_config_at_the_repository_root_itself(repo: Path) -> None:
    path = put(repo / "depguard.yaml", "layers: []\n")
    assert find_config(repo) == path


@pytest.mark.parametrize("name", ["depguard.yml", ".depguard.yaml"])
def test_find_config_other_names(repo: Path, name: str) -> None:
    path = put(repo / name, "layers: []\n")
    assert find_config(repo) == path


def test_find_config_nearest_wins(repo: Path) -> None:
    put(repo / "depguard.yaml", "layers: []\n")
    inner = put(repo / "svc" / "depguard.yaml", "layers: []\n")
    assert find_config(repo / "svc") == inner


def test_find_config_pyproject_with_table(repo: Path) -> None:
    path = put(repo / "pyproject.toml", lines("[project]", 'name = "x"', "[tool.depguard]"))
    assert find_config(repo) == path


def test_find_config_depguard_yaml_beats_pyproject_in_the_same_folder(repo: Path) -> None:
    put(repo / "pyproject.toml", "[tool.depguard]\n")
    path = put(repo / "depguard.yaml", "layers: []\n")
    assert find_config(repo) == path


def test_find_config_skips_a_pyproject_without_the_table(repo: Path) -> None:
    path = put(repo / "depguard.yaml", "layers: []\n")
    put(repo / "sub" / "pyproject.toml", lines("[project]", 'name = "sub"'))
    assert find_config(repo / "sub") == path


def test_find_config_skips_a_pyproject_that_only_mentions_the_table(repo: Path) -> None:
    path = put(repo / "depguard.yaml", "layers: []\n")
    put(repo / "sub" / "pyproject.toml", lines("# rules: see [tool.depguard] upstairs"))
    assert find_config(repo / "sub") == path


def test_find_config_none_found(repo: Path) -> None:
    (repo / "src").mkdir()
    assert find_config(repo / "src") is None


# ---------------------------------------------------------------- valid configs


def test_default_config_is_fully_defaulted() -> None:
    c = Config()
    assert c.cycles.witnesses_per_component == 10
    assert c.cycles.count == ("hard",)
    assert c.cycles.warn == ("soft", "telemetry", "monitoring")
    assert c.cycles.levels == ("module", "service")
    assert (c.extends, c.sources, c.layers, c.forbidden, c.edges) == ((), (), (), (), ())
    assert c.services == {}
    assert c.baseline is None


def test_load_a_valid_config_fills_defaults(tmp_path: Path) -> None:
    path = put(
        tmp_path / "depguard.yaml",
        lines(
            "sources:",
            "  - services: services.yaml",
            "layers:",
            "  - name: infra",
            "    match: ['*-db']",
            "  - name: api",
            "    match: api",
            "forbidden:",
            "  - name: r",
            "    from: console",
            "    to: ['layer:infra']",
            "services:",
            "  api: {code: 'api.*', layer: api}",
        ),
    )
    c = load(path)
    assert [layer.name for layer in c.layers] == ["infra", "api"]
    assert c.layers[1].match == ("api",)  # one string stands for a list of one
    assert c.layers[0].independent is False
    rule = c.forbidden[0]
    assert (rule.from_, rule.to) == (("console",), ("layer:infra",))
    assert (rule.transitive, rule.severity) == (False, "error")
    assert rule.strengths == ("hard", "soft")
    assert c.sources[0].format == "services"
    assert c.sources[0].paths == ("services.yaml",)
    assert c.services["api"].code == ("api.*",)
    assert c.services["api"].entrypoint is False
    assert c.cycles.witnesses_per_component == 10


def test_loaded_config_is_frozen(tmp_path: Path) -> None:
    c = load(put(tmp_path / "depguard.yaml", lines("layers:", "  - name: a")))
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.baseline = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.layers[0].name = "b"  # type: ignore[misc]
    assert isinstance(c.layers, tuple)


def test_load_pyproject_table(tmp_path: Path) -> None:
    path = put(
        tmp_path / "pyproject.toml",
        lines(
            "[project]",
            'name = "x"',
            "",
            "[tool.depguard]",
            'exclude = "tests/**"',
            "",
            "[[tool.depguard.layers]]",
            'name = "core"',
            "",
            "[tool.depguard.cycles]",
            "witnesses_per_component = 3",
        ),
    )
    c = load(path)
    assert c.exclude == ("tests/**",)
    assert [layer.name for layer in c.layers] == ["core"]
    assert c.cycles.witnesses_per_component == 3


def test_the_example_config_loads() -> None:
    c = load(EXAMPLE)
    assert [layer.name for layer in c.layers] == ["infra", "platform", "api", "products", "console"]
    assert c.sources[0].paths == ("services.yaml",)
    assert c.extends == ()


# ---------------------------------------------------------------- extends


def test_extends_cloud_control_plane_takes_layers_and_appends_forbidden(tmp_path: Path) -> None:
    path = put(
        tmp_path / "depguard.yaml",
        lines(
            "extends: cloud-control-plane",
            "forbidden:",
            "  - name: mine",
            "    from: console",
            "    to: 'layer:infra'",
        ),
    )
    c = load(path)
    assert [layer.name for layer in c.layers] == ["infra", "platform", "api", "products", "console"]
    assert c.layers[3].independent is True
    assert [rule.name for rule in c.forbidden] == [
        "status page stays out of the core",
        "the data plane keeps running without the control plane",
        "mine",
    ]
    assert c.extends == ()


def test_extends_layered_app_as_a_list(tmp_path: Path) -> None:
    path = put(
        tmp_path / "depguard.yaml",
        lines(
            "extends: [layered-app]",
            "forbidden:",
            "  - name: mine",
            "    from: 'layer:data'",
            "    to: 'layer:interface'",
        ),
    )
    c = load(path)
    assert [layer.name for layer in c.layers] == ["domain", "data", "services", "interface"]
    assert [rule.name for rule in c.forbidden] == ["the domain stays pure", "mine"]


def test_extends_child_replaces_what_it_sets(tmp_path: Path) -> None:
    path = put(
        tmp_path / "depguard.yaml",
        lines("extends: cloud-control-plane", "cycles:", "  witnesses_per_component: 2"),
    )
    c = load(path)
    assert c.cycles.witnesses_per_component == 2
    assert len(c.layers) == 5


def test_extends_a_relative_yaml_file(tmp_path: Path) -> None:
    put(tmp_path / "base.yaml", lines("layers:", "  - name: core"))
    path = put(tmp_path / "depguard.yaml", lines("extends: base.yaml", "exclude: x"))
    c = load(path)
    assert [layer.name for layer in c.layers] == ["core"]
    assert c.exclude == ("x",)


def test_a_base_rule_may_name_a_layer_the_child_defines(tmp_path: Path) -> None:
    put(
        tmp_path / "base.yaml",
        lines("forbidden:", "  - name: r", "    from: a", "    to: 'layer:top'"),
    )
    path = put(tmp_path / "depguard.yaml", lines("extends: base.yaml", "layers:", "  - name: top"))
    assert [layer.name for layer in load(path).layers] == ["top"]


def test_extends_unknown_rule_set(tmp_path: Path) -> None:
    known = ", ".join(config.rule_set_names())
    assert one_problem(tmp_path, "layers: []", "extends: nope") == (
        f"depguard.yaml:2: extends: unknown rule set 'nope' "
        f"(known: {known}; or give a path to a YAML file)"
    )


def test_rule_set_names_lists_the_shipped_sets() -> None:
    assert {"cloud-control-plane", "layered-app"} <= set(config.rule_set_names())


def test_extends_unknown_in_a_list_points_at_the_item(tmp_path: Path) -> None:
    found = one_problem(tmp_path, "extends:", "  - layered-app", "  - nope")
    assert found.startswith("depguard.yaml:3: extends")
    assert "unknown rule set 'nope'" in found


def test_extends_a_missing_file_says_not_found(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers: []", "extends: missing.yaml") == (
        "depguard.yaml:2: extends: file not found: missing.yaml"
    )


def test_circular_extends(tmp_path: Path) -> None:
    put(tmp_path / "b.yaml", "extends: a.yaml\n")
    found = one_problem(tmp_path, "extends: b.yaml", name="a.yaml")
    # either file of the loop may be blamed; both name the other on line 1
    assert found.startswith(("a.yaml:1: extends: circular extends", "b.yaml:1: extends: circular"))


def test_extends_itself(tmp_path: Path) -> None:
    found = one_problem(tmp_path, "extends: self.yaml", name="self.yaml")
    assert found == "self.yaml:1: extends: circular extends (self.yaml again)"


def test_circular_extends_points_at_the_extends_line(tmp_path: Path) -> None:
    found = one_problem(tmp_path, "layers: []", "extends: self.yaml", name="self.yaml")
    assert found == "self.yaml:2: extends: circular extends (self.yaml again)"


def test_an_error_in_the_extended_file_names_that_file(tmp_path: Path) -> None:
    put(tmp_path / "base.yaml", lines("layers:", "  - name: x", "    match: 3"))
    found = one_problem(tmp_path, "extends: base.yaml")
    assert found == "base.yaml:3: layers[0].match: expected a list of patterns, got 3"


# ---------------------------------------------------------------- bad configs: keys


def test_unknown_top_level_key_suggests(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "sources: []", "layrs: []") == (
        "depguard.yaml:2: layrs: unknown key 'layrs' (did you mean 'layers'?)"
    )


def test_unknown_top_level_key_suggests_only_top_level_keys(tmp_path: Path) -> None:
    # 'layer' is a key of a service, not of the top: the hint must be 'layers'
    assert one_problem(tmp_path, "layer:", "  - name: a") == (
        "depguard.yaml:1: layer: unknown key 'layer' (did you mean 'layers'?)"
    )


def test_unknown_top_level_key_without_a_close_match(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "zzz: 1") == "depguard.yaml:1: zzz: unknown key 'zzz'"


def test_unknown_nested_key(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers:", "  - name: a", "    matches: [x]") == (
        "depguard.yaml:3: layers[0].matches: unknown key 'matches' (did you mean 'match'?)"
    )


def test_unknown_key_in_a_service(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "services:", "  api:", "    laye: x") == (
        "depguard.yaml:3: services.api.laye: unknown key 'laye' (did you mean 'layer'?)"
    )


def test_unknown_key_in_a_service_named_like_a_field(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "services:", "  code:", "    laye: x") == (
        "depguard.yaml:3: services.code.laye: unknown key 'laye' (did you mean 'layer'?)"
    )


def test_unknown_key_in_a_forbidden_rule(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path, "forbidden:", "  - name: r", "    from: a", "    to: b", "    transitve: true"
    ) == (
        "depguard.yaml:5: forbidden[0].transitve: unknown key 'transitve' "
        "(did you mean 'transitive'?)"
    )


def test_unknown_key_in_an_edge_match(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "edges:", "  - match: {envv: X}", "    kind: telemetry") == (
        "depguard.yaml:2: edges[0].match.envv: unknown key 'envv' (did you mean 'env'?)"
    )


def test_missing_layer_name(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers:", "  - name: a", "  - match: [x]") == (
        "depguard.yaml:3: layers[1].name: missing required key"
    )


def test_forbidden_without_to(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "forbidden:", "  - name: r", "    from: a") == (
        "depguard.yaml:2: forbidden[0].to: missing required key"
    )


def test_forbidden_without_from_uses_the_yaml_key_name(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "forbidden:", "  - name: r", "    to: b") == (
        "depguard.yaml:2: forbidden[0].from: missing required key"
    )


def test_source_with_no_format(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "sources:", "  - {}") == (
        "depguard.yaml:2: sources[0]: name exactly one source format, "
        "e.g. 'services: services.yaml'"
    )


# ---------------------------------------------------------------- bad configs: types


def test_layers_not_a_list(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers: 3") == "depguard.yaml:1: layers: expected a list, got 3"


def test_layers_a_mapping(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers:", "  name: a") == (
        "depguard.yaml:1: layers: expected a list, got a mapping"
    )


def test_layers_empty_value(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers:") == (
        "depguard.yaml:1: layers: expected a list, got nothing"
    )


def test_layer_item_not_a_mapping(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers:", "  - 3") == (
        "depguard.yaml:2: layers[0]: expected a mapping, got 3"
    )


def test_layer_match_a_number(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path,
        "layers:",  # 1
        "  - name: a",  # 2
        "  - name: b",  # 3
        "  - name: c",  # 4
        "    match: 3",  # 5
    ) == ("depguard.yaml:5: layers[2].match: expected a list of patterns, got 3")


def test_layer_match_item_a_number(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers:", "  - name: a", "    match: [1, x]") == (
        "depguard.yaml:3: layers[0].match[0]: expected a string, got 1"
    )


def test_layer_name_a_number(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers:", "  - name: 3") == (
        "depguard.yaml:2: layers[0].name: expected a string, got 3"
    )


def test_independent_a_string(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers:", "  - name: a", "    independent: 'yes'") == (
        "depguard.yaml:3: layers[0].independent: expected true or false, got 'yes'"
    )


def test_witnesses_per_component_a_string(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "cycles:", "  witnesses_per_component: ten") == (
        "depguard.yaml:2: cycles.witnesses_per_component: expected a whole number, got 'ten'"
    )


def test_witnesses_per_component_a_quoted_number(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "cycles:", "  witnesses_per_component: '5'") == (
        "depguard.yaml:2: cycles.witnesses_per_component: expected a whole number, got '5'"
    )


def test_witnesses_per_component_a_fraction(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "cycles:", "  witnesses_per_component: 2.5") == (
        "depguard.yaml:2: cycles.witnesses_per_component: expected a whole number, got 2.5"
    )


def test_witnesses_per_component_zero_is_refused_on_its_line(tmp_path: Path) -> None:
    found = one_problem(tmp_path, "cycles:", "  witnesses_per_component: 0")
    assert found.startswith("depguard.yaml:2: cycles.witnesses_per_component: ")


def test_witnesses_per_component_zero_message(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "cycles:", "  witnesses_per_component: 0") == (
        "depguard.yaml:2: cycles.witnesses_per_component: expected at least 1, got 0"
    )


def test_a_boolean_is_shown_as_yaml_writes_it(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers:", "  - name: a", "    match: true") == (
        "depguard.yaml:3: layers[0].match: expected a list of patterns, got true"
    )


def test_severity_not_error_or_warning(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path, "forbidden:", "  - name: r", "    from: a", "    to: b", "    severity: fatal"
    ) == ("depguard.yaml:5: forbidden[0].severity: expected 'error' or 'warning', got 'fatal'")


def test_cycle_count_unknown_class(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "cycles:", "  count: [hard, squishy]") == (
        "depguard.yaml:2: cycles.count[1]: expected 'hard', 'soft', 'typing', 'telemetry' "
        "or 'monitoring', got 'squishy'"
    )


def test_cycles_a_list(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "cycles: [hard]") == (
        "depguard.yaml:1: cycles: expected a mapping, got a list"
    )


def test_services_a_list(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "services: [a]") == (
        "depguard.yaml:1: services: expected a mapping, got a list"
    )


def test_sources_a_string(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "sources: services.yaml") == (
        "depguard.yaml:1: sources: expected a list, got 'services.yaml'"
    )


def test_baseline_a_number(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "baseline: 3") == (
        "depguard.yaml:1: baseline: expected a string, got 3"
    )


# ---------------------------------------------------------------- bad configs: references


def test_forbidden_names_an_unknown_layer(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path,
        "layers:",  # 1
        "  - name: infra",  # 2
        "  - name: api",  # 3
        "forbidden:",  # 4
        "  - name: r",  # 5
        "    from: a",  # 6
        "    to: ['layer:nope']",  # 7
    ) == ("depguard.yaml:7: forbidden[0].to[0]: unknown layer 'nope'; layers are: api, infra")


def test_forbidden_names_a_misspelt_layer(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path,
        "layers:",
        "  - name: infra",
        "  - name: api",
        "forbidden:",
        "  - name: r",
        "    from: ['layer:apii']",
        "    to: b",
    ) == (
        "depguard.yaml:6: forbidden[0].from[0]: unknown layer 'apii' (did you mean 'api'?); "
        "layers are: api, infra"
    )


def test_forbidden_names_a_layer_when_none_exist(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path, "forbidden:", "  - name: r", "    from: a", "    to: 'layer:x'"
    ) == ("depguard.yaml:4: forbidden[0].to[0]: unknown layer 'x'; layers are: none defined")


def test_unknown_selector_prefix(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path,
        "layers:",
        "  - name: api",
        "forbidden:",
        "  - name: r",
        "    from: 'lyer:api'",
        "    to: b",
    ) == (
        "depguard.yaml:5: forbidden[0].from[0]: unknown selector 'lyer': "
        "use a name, a glob, 'layer:NAME' or 'label:KEY=VALUE'"
    )


def test_unknown_selector_prefix_in_a_layer_match(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers:", "  - name: a", "    match: ['lyer:b']") == (
        "depguard.yaml:3: layers[0].match[0]: unknown selector 'lyer': "
        "use a name, a glob, 'layer:NAME' or 'label:KEY=VALUE'"
    )


def test_label_selector_without_value(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path, "forbidden:", "  - name: r", "    from: 'label:tier'", "    to: b"
    ) == ("depguard.yaml:3: forbidden[0].from[0]: a label selector reads 'label:KEY=VALUE'")


def test_duplicate_layer_names(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path, "layers:", "  - name: api", "  - name: infra", "  - name: api"
    ) == ("depguard.yaml:4: layers[2].name: duplicate layer 'api'")


def test_service_in_an_unknown_layer(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path, "layers:", "  - name: api", "services:", "  x:", "    layer: apx"
    ) == ("depguard.yaml:5: services.x.layer: unknown layer 'apx'")


def test_replacing_the_layers_of_a_rule_set_reports_its_rules(tmp_path: Path) -> None:
    found = problems(tmp_path, "extends: layered-app", "layers:", "  - name: only")
    assert len(found) == 4
    assert all("layered-app.yaml:" in line and "layers are: only" in line for line in found)
    assert "forbidden[0].from[0]: unknown layer 'domain'" in found[0]


# ---------------------------------------------------------------- several errors at once


def test_several_errors_reported_together_in_line_order(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        "cycles:",  # 1
        "  witnesses_per_component: ten",  # 2
        "layers:",  # 3
        "  - name: a",  # 4
        "    match: 3",  # 5
        "  - match: [x]",  # 6
        "layrs: []",  # 7
        "forbidden:",  # 8
        "  - name: r",  # 9
        "    from: a",  # 10
        "    to: b",  # 11
        "    severity: fatal",  # 12
    ) == [
        "depguard.yaml:2: cycles.witnesses_per_component: expected a whole number, got 'ten'",
        "depguard.yaml:5: layers[0].match: expected a list of patterns, got 3",
        "depguard.yaml:6: layers[1].name: missing required key",
        "depguard.yaml:7: layrs: unknown key 'layrs' (did you mean 'layers'?)",
        "depguard.yaml:12: forbidden[0].severity: expected 'error' or 'warning', got 'fatal'",
    ]


REFERENCE_ERRORS = (
    "layers:",  # 1
    "  - name: api",  # 2
    "  - name: api",  # 3
    "forbidden:",  # 4
    "  - name: r",  # 5
    "    from: 'lyer:x'",  # 6
    "    to: ['layer:nope', 'label:k']",  # 7
)
REFERENCE_LINES = [
    "depguard.yaml:3: layers[1].name: duplicate layer 'api'",
    "depguard.yaml:6: forbidden[0].from[0]: unknown selector 'lyer': "
    "use a name, a glob, 'layer:NAME' or 'label:KEY=VALUE'",
    "depguard.yaml:7: forbidden[0].to[0]: unknown layer 'nope'; layers are: api",
    "depguard.yaml:7: forbidden[0].to[1]: a label selector reads 'label:KEY=VALUE'",
]


def test_several_reference_errors_reported_together(tmp_path: Path) -> None:
    assert sorted(problems(tmp_path, *REFERENCE_ERRORS)) == sorted(REFERENCE_LINES)


def test_several_reference_errors_in_line_order(tmp_path: Path) -> None:
    assert problems(tmp_path, *REFERENCE_ERRORS) == REFERENCE_LINES


# ---------------------------------------------------------------- bad configs: the file


def test_yaml_syntax_error(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers:", "  - name: a", "   match: [x]") == (
        "depguard.yaml:3: YAML syntax error: did not find expected '-' indicator "
        "(while parsing a block collection started at line 2)"
    )


def test_yaml_duplicate_key(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "layers: []", "exclude: []", "layers: []") == (
        "depguard.yaml:3: duplicate key 'layers' (first at line 1)"
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path / "depguard.yaml")
    assert info.value.lines == ["depguard.yaml:0: config file not found"]


@pytest.mark.parametrize("text", ["", "# nothing here\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = put(tmp_path / "depguard.yaml", text)
    with pytest.raises(ConfigError) as info:
        load(path)
    assert info.value.lines == [
        "depguard.yaml:1: the config is empty: expected a mapping with keys such as "
        "'sources', 'layers', 'forbidden'"
    ]


def test_top_level_list(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "- layers", "- forbidden") == (
        "depguard.yaml:1: expected a mapping at the top, got a list"
    )


def test_top_level_scalar(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "hello") == (
        "depguard.yaml:1: expected a mapping at the top, got 'hello'"
    )


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "depguard.yaml"
    path.write_bytes(b"layers: []\nexclude: ['\xff']\n")
    with pytest.raises(ConfigError) as info:
        load(path)
    assert info.value.lines == ["depguard.yaml:2: not UTF-8 text (byte 0xff)"]


def test_file_shown_relative_to_the_root(tmp_path: Path) -> None:
    path = put(tmp_path / "conf" / "depguard.yaml", "layers: 3\n")
    with pytest.raises(ConfigError) as info:
        load(path, root=tmp_path)
    assert info.value.lines == ["conf/depguard.yaml:1: layers: expected a list, got 3"]


# ---------------------------------------------------------------- pyproject.toml


def test_pyproject_wrong_type_points_at_the_key(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path,
        "[project]",  # 1
        'name = "x"',  # 2
        "",  # 3
        "[tool.depguard]",  # 4
        'exclude = ["a"]',  # 5
        "layers = 3",  # 6
        name="pyproject.toml",
    ) == ("pyproject.toml:6: layers: expected a list, got 3")


def test_pyproject_nested_table_wrong_type(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path,
        "[tool.depguard]",  # 1
        'exclude = ["a"]',  # 2
        "",  # 3
        "[tool.depguard.cycles]",  # 4
        "witnesses_per_component = 'ten'",  # 5
        name="pyproject.toml",
    ) == ("pyproject.toml:5: cycles.witnesses_per_component: expected a whole number, got 'ten'")


def test_pyproject_unknown_key(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "[tool.depguard]", "layrs = []", name="pyproject.toml") == (
        "pyproject.toml:2: layrs: unknown key 'layrs' (did you mean 'layers'?)"
    )


def test_pyproject_unknown_layer_in_a_rule(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path,
        "[tool.depguard]",
        'layers = [{name = "a"}]',
        'forbidden = [{name = "r", from = "x", to = "layer:nope"}]',
        name="pyproject.toml",
    ) == ("pyproject.toml:3: forbidden[0].to[0]: unknown layer 'nope'; layers are: a")


def test_pyproject_array_of_tables_points_at_the_right_table(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path,
        "[tool.depguard]",  # 1
        "",  # 2
        "[[tool.depguard.layers]]",  # 3
        'name = "a"',  # 4
        'match = ["x"]',  # 5
        "",  # 6
        "[[tool.depguard.layers]]",  # 7
        'name = "b"',  # 8
        "match = 3",  # 9
        name="pyproject.toml",
    ) == ("pyproject.toml:9: layers[1].match: expected a list of patterns, got 3")


def test_pyproject_duplicate_layer_has_a_line(tmp_path: Path) -> None:
    assert one_problem(
        tmp_path,
        "[tool.depguard]",
        'layers = [{name = "a"}, {name = "a"}]',
        name="pyproject.toml",
    ) == ("pyproject.toml:2: layers[1].name: duplicate layer 'a'")


def test_pyproject_toml_syntax_error(tmp_path: Path) -> None:
    found = one_problem(
        tmp_path,
        "[tool.depguard]",  # 1
        'exclude = ["a"]',  # 2
        "layers = [",  # 3
        '  {name = "a"',  # 4
        "]",  # 5
        name="pyproject.toml",
    )
    assert found.startswith("pyproject.toml:4: TOML syntax error: ")


def test_pyproject_without_the_table(tmp_path: Path) -> None:
    assert one_problem(tmp_path, "[project]", 'name = "x"', name="pyproject.toml") == (
        "pyproject.toml:1: no [tool.depguard] table"
    )


# ---------------------------------------------------------------- open_project


def test_open_project_without_config(repo: Path) -> None:
    project = open_project(repo)
    assert project.root == repo
    assert project.config == Config()
    assert project.config_file is None


def test_open_project_without_config_on_a_file(repo: Path) -> None:
    module = put(repo / "mod.py", "")
    assert open_project(module).root == repo


def test_open_project_roots_at_the_config_folder(repo: Path) -> None:
    path = put(repo / "depguard.yaml", lines("layers:", "  - name: core"))
    (repo / "src").mkdir()
    project = open_project(repo / "src")
    assert project.root == path.parent
    assert project.config_file == path
    assert [layer.name for layer in project.config.layers] == ["core"]


def test_open_project_with_an_explicit_config(repo: Path) -> None:
    path = put(repo / "conf" / "rules.yaml", lines("layers:", "  - name: core"))
    project = open_project(repo, config_file=path)
    assert project.config_file == path
    assert [layer.name for layer in project.config.layers] == ["core"]


def test_open_project_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(ConfigError) as info:
        open_project(missing)
    assert info.value.lines == [f"{missing}:0: no such file or folder"]


def test_open_project_missing_explicit_config(repo: Path) -> None:
    missing = repo / "nope.yaml"
    with pytest.raises(ConfigError) as info:
        open_project(repo, config_file=missing)
    assert info.value.lines == [f"{missing}:0: config file not found"]


def test_open_project_bad_config_raises(repo: Path) -> None:
    put(repo / "depguard.yaml", "layers: 3\n")
    with pytest.raises(ConfigError) as info:
        open_project(repo)
    assert info.value.lines == ["depguard.yaml:1: layers: expected a list, got 3"]


# ---------------------------------------------------------------- the schema


def test_json_schema_is_the_shipped_file() -> None:
    shipped = REPO / "depguard" / "rules_schema.json"
    if not shipped.exists():
        pytest.skip("depguard/rules_schema.json is not shipped")
    assert config.json_schema() == shipped.read_text(encoding="utf-8")


def test_json_schema_is_json_draft_2020() -> None:
    schema = json.loads(config.json_schema())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "from" in json.dumps(schema)


def test_json_schema_accepts_the_example_config() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = json.loads(config.json_schema())
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    jsonschema.validate(example, schema)


# ---------------------------------------------------------------- using the rules


def service(name: str, layer: str | None = None, **labels: str) -> Node:
    return Node(
        id=f"service:{name}",
        kind="service",
        name=name,
        layer=layer,
        labels=tuple(sorted(labels.items())),
    )


def module(name: str) -> Node:
    return Node(id=f"module:{name}", kind="module", name=name)


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("pkg.*", "pkg", True),
        ("pkg.*", "pkg.a", True),
        ("pkg.*", "pkg.a.b", True),
        ("pkg.*", "pkgx", False),
        ("pkg.*", "other.pkg", False),
        ("*-db", "iam-db", True),
        ("*-db", "iam-db-proxy", False),
        ("api", "api", True),
        ("api", "API", False),
        ("cluster-?", "cluster-1", True),
    ],
)
def test_name_matches(pattern: str, name: str, expected: bool) -> None:
    assert config.name_matches(pattern, name) is expected


def test_matches_a_name_glob() -> None:
    assert config.matches("*-db", service("iam-db"), lambda _: None)
    assert not config.matches("*-db", service("api"), lambda _: None)


def test_matches_a_layer_selector_asks_the_layer_function() -> None:
    node = service("api")
    assert config.matches("layer:api", node, lambda n: "api")
    assert not config.matches("layer:infra", node, lambda n: "api")


def test_matches_a_label_selector_with_a_glob_value() -> None:
    node = service("billing", tier="product")
    assert config.matches("label:tier=product", node, lambda _: None)
    assert config.matches("label:tier=prod*", node, lambda _: None)
    assert not config.matches("label:tier=core", node, lambda _: None)
    assert not config.matches("label:role=product", node, lambda _: None)


def test_matches_a_kind_selector() -> None:
    assert config.matches("kind:module", module("a.b"), lambda _: None)
    assert not config.matches("kind:service", module("a.b"), lambda _: None)


def _layered(**services: dict[str, object]) -> Config:
    return config.parse(
        {
            "layers": [
                {"name": "infra", "match": ["*-db", "api"]},
                {"name": "api", "match": ["api", "label:tier=api"]},
                {"name": "console", "match": ["console*"]},
            ],
            "services": services,
        }
    )


def test_layer_for_the_config_services_map_wins() -> None:
    assign = config.layer_for(_layered(api={"layer": "console"}))
    assert assign(service("api", layer="api")) == "console"


def test_layer_for_a_declared_layer_beats_patterns() -> None:
    assign = config.layer_for(_layered())
    assert assign(service("api", layer="console")) == "console"


def test_layer_for_the_first_matching_pattern_wins() -> None:
    assign = config.layer_for(_layered())
    assert assign(service("api")) == "infra"  # both infra and api match 'api'


def test_layer_for_a_label_pattern() -> None:
    assign = config.layer_for(_layered())
    assert assign(service("gateway", tier="api")) == "api"


def test_layer_for_an_unknown_declared_layer_falls_back_to_patterns() -> None:
    assign = config.layer_for(_layered())
    assert assign(service("console-web", layer="nowhere")) == "console"


def test_layer_for_no_match() -> None:
    assert config.layer_for(_layered())(service("mystery")) is None


def _owned(**code: list[str]) -> Config:
    return config.parse({"services": {s: {"code": c} for s, c in code.items()}})


def test_owner_for_longest_pattern_wins() -> None:
    owner = config.owner_for(_owned(api=["cloud.*"], auth=["cloud.auth.*"]))
    assert owner("cloud.auth.session") == "auth"
    assert owner("cloud.auth") == "auth"
    assert owner("cloud.handlers") == "api"
    assert owner("cloud") == "api"


def test_owner_for_longest_pattern_wins_whatever_the_order() -> None:
    owner = config.owner_for(_owned(zed=["cloud.auth.*"], abc=["cloud.*"]))
    assert owner("cloud.auth.session") == "zed"


def test_owner_for_no_owner() -> None:
    assert config.owner_for(_owned(api=["cloud.*"]))("other.mod") is None


@settings(max_examples=400, deadline=None)
@given(
    patterns=st.lists(st.text(alphabet="ab.*?[]!-", max_size=6), max_size=4),
    name=st.text(alphabet="ab.[]", max_size=6),
)
@example(patterns=["a.*"], name="a")  # `pkg.*` names `pkg` itself
@example(patterns=["a.b", "[!a]"], name="b")
def test_a_layers_compiled_globs_match_what_each_glob_matches(
    patterns: list[str], name: str
) -> None:
    compiled = config.names_pattern(patterns)
    expected = any(config.name_matches(p, name) for p in patterns)
    assert (compiled is not None and compiled.match(name) is not None) == expected


def test_a_folder_given_as_the_config_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        open_project(tmp_path, tmp_path)
    assert raised.value.lines == [
        f"{tmp_path}:0: a folder, not a config file (name depguard.yaml or a pyproject.toml)"
    ]


def test_an_env_rule_matches_the_variable_a_source_recorded_not_the_display_text() -> None:
    """`edges: {match: {env}}` reads the variable the source recorded beside its evidence:
    a description that merely reads like `env X=...` (a manifest's free text) is no match,
    and rewording evidence cannot break a rule."""
    from depguard.model import Edge, Evidence

    cfg = config.parse(
        {"edges": [{"match": {"env": "OTEL_*"}, "kind": "telemetry", "strength": "soft"}]}
    )
    classify = config.edge_classifier(cfg)
    assert classify is not None
    a, b = (
        Node(id="service:a", kind="service", name="a"),
        Node(id="service:b", kind="service", name="b"),
    )
    recorded = Evidence("compose.yaml", 3, "the collector, reworded", "compose", "OTEL_ENDPOINT")
    written = Evidence("services.yaml", 4, "env OTEL_ENDPOINT=http://b", "services")
    for evidence, kind in ((recorded, "telemetry"), (written, "runtime")):
        edge = Edge("service:a", "service:b", "runtime", evidence=[evidence])
        assert classify(edge, a, b).kind == kind
