"""GitHub Actions workflow commands: an annotation per new finding at its evidence.

Input text is made one visible line first (`oneline`), then escaped as GitHub reads a
command's data and properties: no name can end a command or start another.
"""

from __future__ import annotations

from depguard.model import Result
from depguard.report import Options, in_root, primary, shown
from depguard.textsafe import oneline


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: Result, options: Options) -> str:
    lines = []
    for finding in result.findings:
        if not finding.new:
            continue
        command = "error" if finding.severity == "error" else "warning"
        where = primary(finding)
        title = oneline(f"depguard {finding.type} ({finding.level} level)")
        props = [f"title={_property(title)}"]
        if where is not None:
            props.insert(0, f"file={_property(oneline(in_root(result, where.file)))}")
            if where.line >= 1:
                props.insert(1, f"line={where.line}")
        # the annotation's own lines: each a line of escaped text, joined by real newlines
        body = [oneline(finding.message)]
        for hop in finding.witnesses[0] if finding.witnesses else []:
            at = f"  {oneline(hop.evidence[0].location())}" if hop.evidence else ""
            body.append(f"{shown(hop.source)} -> {shown(hop.target)}{at}")
        lines.append(f"::{command} {','.join(props)}::{_data(chr(10).join(body))}")
    for diagnostic in result.diagnostics:
        at = f"file={_property(oneline(in_root(result, diagnostic.file)))}"
        if diagnostic.line >= 1:
            at += f",line={diagnostic.line}"
        message = _data(oneline(diagnostic.message))
        lines.append(f"::error {at},title=depguard input problem::{message}")
    return "\n".join(lines) + ("\n" if lines else "")
