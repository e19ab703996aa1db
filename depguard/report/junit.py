"""JUnit XML: a suite per rule, a test case per finding (a passing case for a clean rule).

Input text goes in as `oneline` text, which holds no character XML 1.0 forbids; the
ElementTree writer escapes the markup characters.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from depguard.model import FINDING_KINDS, Finding, Result
from depguard.report import Options, shown
from depguard.textsafe import oneline


def render(result: Result, options: Options) -> str:
    suites = ET.Element("testsuites", name="depguard")
    groups: dict[str, list[Finding]] = {}
    for kind in FINDING_KINDS:
        groups[kind] = []
    for finding in result.findings:
        groups.setdefault(finding.type, []).append(finding)
    total = failures = skipped = 0
    for kind, findings in groups.items():
        code, name = FINDING_KINDS[kind].code, FINDING_KINDS[kind].name
        suite = ET.SubElement(suites, "testsuite", name=f"{code} {name}")
        cases = 0
        suite_failures = suite_skipped = 0
        for finding in findings:
            cases += 1
            message = oneline(finding.message)
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"depguard.{name}",
                name=f"{message} [{oneline(finding.id)}]",
            )
            if not finding.new:
                ET.SubElement(case, "skipped", message="in the baseline")
                suite_skipped += 1
            elif finding.severity == "error":
                failure = ET.SubElement(case, "failure", message=message, type=name)
                failure.text = _witness(finding)
                suite_failures += 1
            else:
                out = ET.SubElement(case, "system-out")
                out.text = f"warning: {message}\n{_witness(finding)}"
        if not findings:
            cases += 1
            ET.SubElement(
                suite,
                "testcase",
                classname=f"depguard.{name}",
                name=f"no {name.replace('-', ' ')}s",
            )
        suite.set("tests", str(cases))
        suite.set("failures", str(suite_failures))
        suite.set("errors", "0")
        suite.set("skipped", str(suite_skipped))
        total, failures, skipped = total + cases, failures + suite_failures, skipped + suite_skipped
    if result.diagnostics:
        suite = ET.SubElement(
            suites, "testsuite", name="input", tests="1", failures="0", errors="1", skipped="0"
        )
        case = ET.SubElement(
            suite, "testcase", classname="depguard.input", name="inputs are readable"
        )
        error = ET.SubElement(case, "error", message="the analysis is incomplete")
        error.text = "\n".join(str(d) for d in result.diagnostics)  # each one line
        total += 1
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", str(1 if result.diagnostics else 0))
    suites.set("skipped", str(skipped))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _witness(finding: Finding) -> str:
    lines = []
    for hop in finding.witnesses[0] if finding.witnesses else []:
        at = oneline(hop.evidence[0].location()) if hop.evidence else "(no evidence)"
        lines.append(f"{shown(hop.source)} -> {shown(hop.target)}  {at}")
    return "\n".join(lines)
