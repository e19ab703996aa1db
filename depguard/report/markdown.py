"""Markdown for pull-request comments and job summaries.

Every line starts with markup of the report's own (a heading, a table row, a list item, a
`<details>` tag), and input text is escaped with character references, which read as
literal text in table cells, list items and the HTML of a `<summary>` alike: a name can
open no tag, code span, link or table cell, and cannot start a line.
"""

from __future__ import annotations

from depguard.model import FINDING_KINDS, Finding, Hop, Result
from depguard.report import Options, display, in_root
from depguard.textsafe import oneline

ICONS = {"error": ":x:", "warning": ":warning:"}
# `\` too: a backslash escape of `oneline` must still show as written
_REFERENCES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "`": "&#96;",
        "|": "&#124;",
        "[": "&#91;",
        "]": "&#93;",
        "\\": "&#92;",
    }
)


def _text(text: str) -> str:
    return oneline(text).translate(_REFERENCES)


def _lead(text: str) -> str:
    """Input text that opens a list item: there a `#`, `>`, `1.`, `~~~` or four spaces
    would start a heading, a quote, a list, a fence or code, so a first character other
    than a letter is written as a reference (a `&` already starts one)."""
    escaped = _text(text)
    if escaped[:1].isalpha() or escaped[:1] in ("", "&"):
        return escaped
    return f"&#{ord(escaped[0])};{escaped[1:]}"


def _code(text: str) -> str:
    """Input text in code style: `<code>`, whose text escapes as any other (a backtick code
    span cannot hold every backtick run an input may contain)."""
    return f"<code>{_text(text)}</code>"


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
                f"| {ICONS[finding.severity]} | {FINDING_KINDS[finding.type].name} | "
                f"{_text(finding.level)} | {_text(finding.message)} | {_where(result, finding)} |"
            )
        lines.append("")
        for finding in new:
            lines += _details(result, finding)
    if result.fixed:
        lines += ["### Fixed since the baseline", ""]
        lines += [f"- {_lead(f.message)} ({_code(f.id)})" for f in result.fixed]
        lines += ["", "Tighten the baseline with `depguard baseline --prune`.", ""]
    if result.diagnostics:
        lines += ["### Input problems (the analysis is incomplete)", ""]
        lines += [
            f"- {_code(f'{in_root(result, d.file)}:{d.line}')}: {_text(d.message)}"
            for d in result.diagnostics
        ]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _where(result: Result, finding: Finding) -> str:
    for witness in finding.witnesses[:1]:
        for hop in witness:
            if hop.evidence:
                e = hop.evidence[0]
                return _code(f"{in_root(result, e.file)}:{e.line}")
    return ""


def _details(result: Result, finding: Finding) -> list[str]:
    out = [
        f"<details><summary>{ICONS[finding.severity]} {_text(finding.message)}</summary>",
        "",
    ]
    for number, witness in enumerate(finding.witnesses[:3]):
        if number:
            out += ["or:", ""]
        out += [_hop(result, hop) for hop in witness]
        out.append("")
    out += ["</details>", ""]
    return out


def _hop(result: Result, hop: Hop) -> str:
    """A witness hop as a list item, so that the line starts with the report's own `- `."""
    at = (
        _code(f"{in_root(result, hop.evidence[0].file)}:{hop.evidence[0].line}")
        if hop.evidence
        else "(no evidence)"
    )
    return f"- {_lead(display(hop.source))} -> {_text(display(hop.target))} at {at}"
