"""GitHub Actions workflow commands: an annotation per new finding at its evidence."""

from __future__ import annotations

from depguard.model import Result
from depguard.report import Options, display, in_root, primary


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
        props = [f"title={_property(f'depguard {finding.type} ({finding.level} level)')}"]
        if where is not None:
            props.insert(0, f"file={_property(in_root(result, where.file))}")
            if where.line >= 1:
                props.insert(1, f"line={where.line}")
        body = [finding.message]
        for hop in finding.witnesses[0] if finding.witnesses else []:
            at = f"  {hop.evidence[0].location()}" if hop.evidence else ""
            body.append(f"{display(hop.source)} -> {display(hop.target)}{at}")
        lines.append(f"::{command} {','.join(props)}::{_data(chr(10).join(body))}")
    for diagnostic in result.diagnostics:
        at = f"file={_property(in_root(result, diagnostic.file))}"
        if diagnostic.line >= 1:
            at += f",line={diagnostic.line}"
        lines.append(f"::error {at},title=depguard input problem::{_data(diagnostic.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
