"""The command line end to end, on the bundled examples and on broken configs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, REPO

BROKEN = EXAMPLES / "cloud-control-plane"
FIXED = EXAMPLES / "cloud-control-plane-fixed"
Run = Callable[..., Any]


def test_check_on_the_broken_example_fails_and_names_the_loops(run_cli: Run) -> None:
    result = run_cli("check", BROKEN)
    assert result.exit_code == 1
    out = result.stdout
    # the console / cloud API loop, every hop with file:line evidence from the manifest,
    # the compose stack and the code (the same edge from several sources is one edge)
    assert "cloud-api -> auth       deploy/compose.yaml:17  env AUTH_URL=http://auth:9000" in out
    assert "auth      -> console    deploy/compose.yaml:25  env CONSOLE_SESSION_URL=" in out
    assert (
        "console   -> cloud-api  deploy/compose.yaml:7   env API_URL=http://cloud-api:8080" in out
    )
    assert "cloud-api -> console    src/cloud_api/usage.py:4  from console.widgets import" in out
    # the scheduler bootstrap loop, from the Kubernetes manifests and the manifest
    assert "scheduler -> cloud-api  deploy/k8s/platform.yaml:22  env QUOTA_API_URL=" in out
    assert "cloud-api -> scheduler  deploy/k8s/platform.yaml:50  initContainer" in out
    assert "container-platform -> scheduler           services.yaml:57" in out
    assert (
        "cut here: scheduler -> cloud-api (layer platform must not depend on higher layer api)"
        in out
    )
    # the status page rule
    assert "status page stays out of the core: status-page -> cloud-api" in out
    assert result.stderr == ""


def test_check_on_the_fixed_example_passes_with_the_telemetry_warning(run_cli: Run) -> None:
    result = run_cli("check", FIXED)
    assert result.exit_code == 0
    assert "0 errors, 2 warnings" in result.stdout
    assert "closed only through monitoring and telemetry edges" in result.stdout


def test_fail_on_warning_makes_warnings_fail(run_cli: Run) -> None:
    assert run_cli("check", FIXED, "--fail-on", "warning").exit_code == 1


def test_json_report_has_the_design_keys(run_cli: Run) -> None:
    result = run_cli("check", BROKEN, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert {"version", "summary", "findings"} <= data.keys()
    assert {"new", "baselined", "fixed"} <= data["summary"].keys()
    for finding in data["findings"]:
        assert {
            "id",
            "type",
            "level",
            "severity",
            "new",
            "nodes",
            "witnesses",
            "message",
        } <= finding.keys()
        assert finding["type"] in ("cycle", "layer", "forbidden", "bootstrap", "fallback")
        for witness in finding["witnesses"]:
            for hop in witness:
                assert {"source", "target", "evidence"} <= hop.keys()
                assert all({"file", "line", "text", "source"} <= e.keys() for e in hop["evidence"])
    types = sorted({(f["type"], f["severity"]) for f in data["findings"]})
    assert types == [
        ("bootstrap", "error"),
        ("cycle", "error"),
        ("cycle", "warning"),
        ("fallback", "error"),
        ("forbidden", "error"),
        ("layer", "error"),
        ("layer", "warning"),
    ]


def test_graph_json_is_sorted_with_the_design_keys(run_cli: Run) -> None:
    result = run_cli("graph", BROKEN, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["level"] == "service"
    ids = [n["id"] for n in data["nodes"]]
    assert ids == sorted(ids)
    assert all({"id", "kind", "name", "layer", "service"} <= n.keys() for n in data["nodes"])
    pairs = [(e["source"], e["target"]) for e in data["edges"]]
    assert pairs == sorted(pairs)
    assert all(
        {"source", "target", "kind", "strength", "typing_only", "deferred", "evidence"} <= e.keys()
        for e in data["edges"]
    )


def test_graph_json_looks_for_no_findings(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON export shows none, so a large tree does not pay for cycles and layers."""
    expected = run_cli("graph", BROKEN, "--format", "json").stdout

    def never(*_: object) -> object:
        raise AssertionError("analysed")

    monkeypatch.setattr("depguard.analysis.analyse", never)
    result = run_cli("graph", BROKEN, "--format", "json")
    assert result.exit_code == 0 and result.stdout == expected
    drawn = run_cli("graph", BROKEN, "--format", "dot")  # cycles and violations are drawn
    assert drawn.exit_code == 2 and "AssertionError: analysed" in drawn.stderr


@pytest.mark.parametrize("fmt, marker", [("dot", "digraph"), ("mermaid", "flowchart BT")])
def test_graph_text_formats(run_cli: Run, fmt: str, marker: str) -> None:
    result = run_cli("graph", BROKEN, "--format", fmt)
    assert result.exit_code == 0 and result.stdout.startswith(marker)


def test_output_file_is_written_whole(run_cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    result = run_cli("check", BROKEN, "--format", "json", "--output", target)
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(target.read_text())["summary"]["errors"] == 10
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "depguard", "check", str(FIXED)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "0 errors" in done.stdout


def test_unknown_format_is_a_usage_error(run_cli: Run) -> None:
    result = run_cli("check", BROKEN, "--format", "yaml")
    assert result.exit_code == 2
    assert "yaml" in result.stderr


def test_missing_path_exits_2_with_one_line(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("check", tmp_path / "nope")
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'nope'}:0: no such file or folder\n"


# ---------------------------------------------------------------- bad configs: exit 2, one
# line per problem naming file and line, never a traceback

BAD_CONFIGS = {
    "unknown key": (
        "sources:\n  - services: services.yaml\nlayerz: []\n",
        "depguard.yaml:3: layerz: unknown key 'layerz' (did you mean 'layers'?)",
    ),
    "wrong type": (
        "layers:\n  - name: a\n  - name: b\n    match: 3\n",
        "depguard.yaml:4: layers[1].match: expected a list of patterns, got 3",
    ),
    "unknown layer in a rule": (
        "layers:\n  - name: api\nforbidden:\n  - name: r\n    from: [x]\n    to: ['layer:apj']\n",
        "depguard.yaml:6: forbidden[0].to[0]: unknown layer 'apj' (did you mean 'api'?); "
        "layers are: api",
    ),
    "YAML syntax error": (
        "layers: [\n  - name: a\n",
        "depguard.yaml:2: YAML syntax error: did not find expected node content "
        "(while parsing a flow node started at line 2)",
    ),
    "empty file": (
        "",
        "depguard.yaml:1: the config is empty: expected a mapping with keys such "
        "as 'sources', 'layers', 'forbidden'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_bad_config_exits_2_with_file_and_line(run_cli: Run, tmp_path: Path, case: str) -> None:
    text, expected = BAD_CONFIGS[case]
    (tmp_path / "depguard.yaml").write_text(text)
    (tmp_path / "services.yaml").write_text("services: {}\n")
    result = run_cli("check", tmp_path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == expected + "\n"


def test_missing_config_file_exits_2(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("check", tmp_path, "--config", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'nope.yaml'}:0: config file not found\n"


def test_a_missing_source_is_a_diagnostic_and_exits_2(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "depguard.yaml").write_text("sources:\n  - services: gone.yaml\n")
    result = run_cli("check", tmp_path)
    assert result.exit_code == 2
    assert "gone.yaml:0: services source named in depguard.yaml does not exist" in result.stderr


def test_a_broken_manifest_is_reported_and_the_rest_still_checked(
    run_cli: Run, tmp_path: Path
) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "a.yaml").write_text("name: a\ndepends_on: [b]\n")
    (tmp_path / "services" / "b.yaml").write_text("name: b\ndepends_on: [a]\n")
    (tmp_path / "services" / "c.yaml").write_text("name: c\ndepends_on: [\n")
    result = run_cli("check", tmp_path)
    assert result.exit_code == 2
    assert "2 services in a cycle: a, b" in result.stdout
    assert result.stderr == (
        "services/c.yaml:2: YAML syntax error: did not find expected node content\n"
    )


def test_zero_config_reads_services_yaml(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "services.yaml").write_text(
        "services:\n  a: {depends_on: [b]}\n  b: {depends_on: [a]}\n"
    )
    result = run_cli("check", tmp_path)
    assert result.exit_code == 1
    assert "a -> b  services.yaml:2" in result.stdout


def test_config_in_pyproject_is_found(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.depguard]\nextends = "cloud-control-plane"\n'
        'sources = [{services = "services.yaml"}]\n'
    )
    (tmp_path / "services.yaml").write_text(
        "services:\n  scheduler: {depends_on: [cloud-api]}\n  cloud-api: {}\n"
    )
    result = run_cli("check", tmp_path)
    assert result.exit_code == 1
    assert "scheduler (platform) -> cloud-api (api)" in result.stdout


def test_version(run_cli: Run) -> None:
    result = run_cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("depguard ")


@pytest.mark.parametrize("command", ["check", "graph", "baseline"])
def test_no_cache_leaves_no_cache_behind(
    run_cli: Run, tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))  # this test's own
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from pkg import a\n")
    (tmp_path / "pkg" / "a.py").write_text("import pkg\n")
    args = ["-o", str(tmp_path / "out")] if command != "check" else []
    result = run_cli(command, str(tmp_path / "pkg"), "--no-cache", *args, cwd=tmp_path)
    assert result.exit_code in (0, 1), result.stderr
    assert not (tmp_path / "user-cache").exists()
    run_cli(command, str(tmp_path / "pkg"), *args, cwd=tmp_path)  # and without, a cache
    assert list((tmp_path / "user-cache" / "depguard" / "python").glob("*.json"))
    assert not list((tmp_path / "pkg").rglob("*cache*"))  # never in the analysed tree


# ---------------------------------------------------------------- the parser (argparse)


def test_no_command_prints_the_help_to_stderr_and_exits_2(run_cli: Run) -> None:
    result = run_cli()
    assert result.exit_code == 2 and result.stdout == ""
    assert "usage: depguard" in result.stderr and "check" in result.stderr


def test_help_lists_the_commands_but_not_the_hidden_schema(run_cli: Run) -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    listed = re.findall(r"^    (\w+) ", result.stdout, re.MULTILINE)
    assert listed == ["check", "baseline", "report", "graph", "impact", "order", "diagram"]
    assert run_cli("schema").stdout.startswith("{")  # hidden, not gone


def test_a_mistyped_command_is_a_usage_error_with_a_suggestion(run_cli: Run) -> None:
    result = run_cli("chek", BROKEN)
    assert result.exit_code == 2
    assert result.stderr.endswith("depguard: error: no command 'chek' (did you mean check?)\n")
    assert run_cli("xyzzy").stderr.endswith("no command 'xyzzy'\n")
    # a hidden command is never suggested
    assert run_cli("schem").stderr.endswith("no command 'schem' (did you mean check?)\n")


def test_options_are_not_abbreviated(run_cli: Run) -> None:
    """`--no-c` could mean --no-cache today and something else tomorrow."""
    result = run_cli("check", FIXED, "--no-c")
    assert result.exit_code == 2 and "unrecognized arguments: --no-c" in result.stderr


def test_options_and_arguments_may_come_in_any_order(run_cli: Run) -> None:
    """A plain argparse parse gives PATH's place to its default once NODE is read."""
    expected = run_cli("impact", "console", str(BROKEN), "--format", "json")
    assert expected.exit_code == 0, expected.stderr
    for args in (
        ("impact", "--format", "json", "console", str(BROKEN)),
        ("impact", "console", "--format", "json", str(BROKEN)),
        ("impact", "-f", "json", "console", "--no-cache", str(BROKEN)),
    ):
        result = run_cli(*args)
        assert (result.exit_code, result.stdout) == (0, expected.stdout), args
    assert json.loads(expected.stdout)["node"] == "service:console"


def test_a_path_that_starts_with_a_dash_follows_a_double_dash(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "-pkg").mkdir()
    (tmp_path / "-pkg" / "__init__.py").write_text("import os\n")
    result = run_cli("check", "--no-cache", "--", "-pkg", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    assert "module level: 1 node" in result.stdout
    result = run_cli("impact", "--no-cache", "-f", "json", "--", "-pkg", "-pkg", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["node"] == "module:-pkg"


def test_option_values_are_checked_before_anything_runs(run_cli: Run, tmp_path: Path) -> None:
    for args, message in (
        (("graph", "--level", "team"), "argument -l/--level: invalid choice: 'team'"),
        (("diagram", "--depth", "two"), "argument --depth: invalid int value: 'two'"),
        (("check", "--fail-on", "info"), "argument --fail-on: invalid choice: 'info'"),
        (("impact",), "the following arguments are required: node"),
    ):
        result = run_cli(*args, cwd=tmp_path)
        assert result.exit_code == 2 and message in result.stderr, args
    assert list(tmp_path.iterdir()) == []  # no cache, no output: nothing ran
