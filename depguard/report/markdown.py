"""Markdown for pull-request comments and job summaries."""

from __future__ import annotations

from depguard.model import Finding, Result
from depguard.report import RULES, Options, display, in_root

ICONS = {"error": ":x:", "warning": ":warning:"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(result: Result, options: Options) -> str:
    new = [f for f in result.findings if f.new]
    errors = sum(1 for f in new if f.severity == "error")
    verdict = (
        ":x: **depguard failed**"
        if errors or result.diagnostics
        else ":white_check_mark: **depguard passed**"
    )
    lines = [
        f"## depguard: {verdict}",
        "",
        f"{errors} new errors, {len(new) - errors} new warnings, "
        f"{result.summary.baselined} known (baselined), {len(result.fixed)} fixed.",
        "",
    ]
    if new:
        lines += ["| | type | level | finding | where |", "| --- | --- | --- | --- | --- |"]
        for finding in new:
            lines.append(
                f"| {ICONS[finding.severity]} | {RULES[finding.type][1]} | "
                f"{finding.level} | {_cell(finding.message)} | {_where(result, finding)} |"
            )
        lines.append("")
        for finding in new:
            lines += _details(result, finding)
    if result.fixed:
        lines += ["### Fixed since the baseline", ""]
        lines += [f"- {_cell(f.message)} (`{f.id}`)" for f in result.fixed]
        lines += ["", "Tighten the baseline with `depguard baseline --prune`.", ""]
    if result.diagnostics:
        lines += ["### Input problems (the analysis is incomplete)", ""]
        lines += [
            f"- `{in_root(result, d.file)}:{d.line}`: {_cell(d.message)}"
            for d in result.diagnostics
        ]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _where(result: Result, finding: Finding) -> str:
    for witness in finding.witnesses[:1]:
        for hop in witness:
            if hop.evidence:
                e = hop.evidence[0]
                return f"`{in_root(result, e.file)}:{e.line}`"
    return ""


def _details(result: Result, finding: Finding) -> list[str]:
    out = [
        f"<details><summary>{ICONS[finding.severity]} {_cell(finding.message)}</summary>",
        "",
        "```text",
    ]
    for number, witness in enumerate(finding.witnesses[:3]):
        if number:
            out.append("or:")
        for hop in witness:
            at = (
                f"{in_root(result, hop.evidence[0].file)}:{hop.evidence[0].line}"
                if hop.evidence
                else "(no evidence)"
            )
            out.append(f"{display(hop.source)} -> {display(hop.target)}  {at}")
    out += ["```", "", "</details>", ""]
    return out
