"""The text report for people: grouped by finding type, every hop with `file:line`.

Colour only on a terminal, and never when NO_COLOR is set (the CLI decides both). The
report is built as lines of styled pieces; rich draws them only when there is colour to
draw: importing it costs 25 ms, a twentieth of a warm run on a large tree, and plain
text needs nothing of it. Input text goes in as `oneline` text, so no name reaches the
terminal as a control code or starts a line; pieces are never read as rich markup.
"""

from __future__ import annotations

from depguard.model import FINDING_KINDS, Finding, FindingKind, Hop, Result
from depguard.report import Options, shown
from depguard.textsafe import oneline

BADGES = {"error": ("ERROR", "bold white on red"), "warning": ("WARN", "bold black on yellow")}
SHOWN_WITNESSES = 5
# what rich drops from text (bell, backspace, vertical tab, form feed, carriage return):
# a report must not be able to rewrite the terminal line it is printed on
_CONTROL = dict.fromkeys((7, 8, 11, 12, 13))


class Text:
    """One line of the report: pieces of text, each with a rich style (or none)."""

    def __init__(self, text: str = "", style: str = "") -> None:
        self.pieces: list[tuple[str, str]] = [(text, style)] if text else []

    def append(self, text: str, style: str = "") -> None:
        self.pieces.append((text, style))


class _Lines:
    """The report as it is printed: `print` as a console would, drawn at the end."""

    def __init__(self) -> None:
        self.lines: list[Text] = []

    def print(self, line: Text | str = "") -> None:
        self.lines.append(line if isinstance(line, Text) else Text(line))

    def plain(self) -> str:
        return "".join(
            "".join(text.translate(_CONTROL) for text, _ in line.pieces).expandtabs(8) + "\n"
            for line in self.lines
        )

    def drawn(self, width: int | None, color: bool = True) -> str:
        """Drawn by rich: in colour for a terminal (without, `plain` is the same text)."""
        import io

        from rich.console import Console
        from rich.text import Text as RichText

        out = io.StringIO()
        console = Console(
            file=out,
            force_terminal=color,
            no_color=not color,
            width=width,
            highlight=False,
            soft_wrap=True,
        )
        for line in self.lines:
            drawn = RichText()
            for text, style in line.pieces:
                drawn.append(text, style=style or None)
            console.print(drawn)
        return out.getvalue()


def render(result: Result, options: Options) -> str:
    console = report_lines(result)
    return console.drawn(options.width) if options.color else console.plain()


def _by_order(kind: FindingKind) -> int:
    return kind.order


def report_lines(result: Result) -> _Lines:
    console = _Lines()
    by_id = {f.id: f for f in result.findings}
    for finding_type, _, _, heading, _, _ in sorted(FINDING_KINDS.values(), key=_by_order):
        group = [f for f in result.findings if f.type == finding_type and f.new]
        if group:
            console.print(Text(heading, style="bold underline"))
            for finding in group:
                _finding(console, finding, by_id)
            console.print()
    if result.diagnostics:
        console.print(Text("Input problems (the analysis is incomplete)", style="bold red"))
        for diagnostic in result.diagnostics:
            console.print(Text(f"  {diagnostic}"))  # Diagnostic.__str__ is one line
        console.print()
    if result.coverage.dangling:
        console.print(Text("Dangling references (services not in the input)", style="bold"))
        for line in result.coverage.dangling:
            console.print(Text(f"  {oneline(line)}"))
        console.print()
    drift = result.coverage
    if drift.declared_not_observed or drift.observed_not_declared:
        console.print(Text("Drift between declared and observed dependencies", style="bold"))
        for line in drift.observed_not_declared:
            console.print(Text(f"  observed, not declared: {oneline(line)}"))
        for line in drift.declared_not_observed:
            console.print(Text(f"  declared, never observed: {oneline(line)}"))
        console.print()
    if result.skipped:
        parts = ", ".join(
            f"{count} {oneline(kind)}" for kind, count in sorted(result.skipped.items())
        )
        console.print(Text(f"Skipped (content depguard does not use): {parts}", style="dim"))
    if result.coverage.no_evidence:
        console.print(
            Text(
                "No outgoing evidence (unknown, not dependency-free): "
                + ", ".join(oneline(name) for name in result.coverage.no_evidence),
                style="dim",
            )
        )
    if result.fixed:
        console.print(Text("Fixed since the baseline", style="bold green"))
        for entry in result.fixed:
            console.print(
                Text("  " + oneline(f"{entry.type} ({entry.level} level): {entry.message}"))
            )
        console.print(Text("  tighten the baseline: depguard baseline --prune", style="cyan"))
        console.print()
    if result.stale_edges:
        console.print(
            f"{_plural(result.stale_edges, 'baseline cyclic edge')} no longer cyclic "
            "(stale): depguard baseline --prune removes them"
        )
    if result.summary.baselined:
        console.print(f"{result.summary.baselined} known findings hidden, --no-baseline to show")
    console.print(Text(_summary(result), style="bold"))
    return console


def _finding(console: _Lines, finding: Finding, by_id: dict[str, Finding]) -> None:
    label, style = BADGES[finding.severity]
    line = Text(" ")
    line.append(f" {label} ", style=style)
    line.append(f" {finding.type} ({oneline(finding.level)} level): ", style="bold")
    line.append(oneline(finding.message))
    console.print(line)
    for number, witness in enumerate(finding.witnesses[:SHOWN_WITNESSES]):
        if number:
            console.print(Text("   or:", style="dim"))
        _witness(console, witness)
    hidden = len(finding.witnesses) - SHOWN_WITNESSES
    if hidden > 0:
        console.print(Text(f"   ... {hidden} more witness cycles in --format json", style="dim"))
    if finding.type == "cycle":
        for u, v in finding.cut:
            why = next(
                (
                    oneline(by_id[r].message.split(": ", 1)[-1])
                    for r in finding.related
                    if r in by_id and by_id[r].nodes == [u, v]
                ),
                "",
            )
            lead = "cut here" if finding.severity == "error" else "closed by"
            console.print(
                Text(
                    f"   {lead}: {shown(u)} -> {shown(v)}" + (f" ({why})" if why else ""),
                    style="cyan",
                )
            )
        capped = finding.details.get("witnesses_capped")
        if capped:
            console.print(
                Text(
                    f"   (witnesses capped; {oneline(str(finding.details.get('cyclic_edges')))} "
                    "cyclic edges in this component)",
                    style="dim",
                )
            )


def _witness(console: _Lines, hops: list[Hop]) -> None:
    # columns as wide as the escaped text that is shown
    sources = [shown(h.source) for h in hops]
    targets = [shown(h.target) for h in hops]
    wheres = [oneline(h.evidence[0].location()) if h.evidence else None for h in hops]
    width_source, width_target = max(map(len, sources)), max(map(len, targets))
    width_where = max((len(w) for w in wheres if w is not None), default=0)
    for hop, source, target, where in zip(hops, sources, targets, wheres, strict=True):
        row = Text(f"   {source:<{width_source}} -> {target:<{width_target}}  ")
        if where is None:
            row.append("(no evidence)", style="dim")
        else:
            row.append(f"{where:<{width_where}}", style="magenta")
            row.append(f"  {oneline(hop.evidence[0].text)}")
            if len(hop.evidence) > 1:
                row.append(f"  (+{len(hop.evidence) - 1} more)", style="dim")
        if hop.edge_class != "hard":
            row.append(f"  [{oneline(hop.edge_class)}]", style="yellow")
        console.print(row)


def _summary(result: Result) -> str:
    shown = [f for f in result.findings if f.new]
    errors = sum(1 for f in shown if f.severity == "error")
    warnings = len(shown) - errors
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    for stat in result.stats:
        if stat.nodes:
            parts.append(
                f"{stat.level} level: {_plural(stat.nodes, 'node')} and "
                f"{_plural(stat.edges, 'edge')}"
            )
    sources = ", ".join(oneline(s) for s in result.sources) or "no sources"
    text = ", ".join(parts) + f" from {sources}"
    if result.diagnostics:
        text += f"; {_plural(len(result.diagnostics), 'input problem')}"
    return text


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
