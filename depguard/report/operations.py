"""Answers to `impact` and `order`, as a tree for people or as JSON.

Names are shown as `oneline` text, and every line is a rich `Text`: a plain string given
to `console.print` would be read as markup (`[bold]`, `:emoji:`) from the input.
"""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from depguard.analysis.operations import Affected, Impact, StartOrder
from depguard.graph import DependencyGraph
from depguard.report import shown
from depguard.textsafe import oneline


def _console(out: io.StringIO, color: bool) -> Console:
    return Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        width=120,
        highlight=False,
        soft_wrap=True,
    )


def _chain(affected: Affected) -> str:
    return " -> ".join(shown(n) for n in affected.path)


def impact_text(answer: Impact, graph: DependencyGraph, color: bool = False) -> str:
    out = io.StringIO()
    console = _console(out, color)
    tree = Tree(Text(f"when {shown(answer.node)} fails", style="bold"))
    for title, style, group in (
        ("fails (hard path)", "bold red", answer.failed),
        ("degrades (soft path or healthy fallback)", "yellow", answer.degraded),
    ):
        branch = tree.add(Text(f"{title}: {len(group)}", style=style))
        for affected in group:
            mark = "  [entry point]" if affected.entrypoint else ""
            branch.add(Text(f"{shown(affected.node)}{mark}   via {_chain(affected)}"))
    entry = [a for a in answer.failed if a.entrypoint]
    console.print(tree)
    console.print(
        Text(
            f"{len(answer.failed)} fail, {len(answer.degraded)} degrade; entry "
            f"points down: {', '.join(shown(a.node) for a in entry) or 'none'}"
        )
    )
    return out.getvalue()


def impact_json(answer: Impact, graph: DependencyGraph, color: bool = False) -> str:
    def rows(group: list[Affected]) -> list[dict[str, Any]]:
        return [{"node": a.node, "path": list(a.path), "entrypoint": a.entrypoint} for a in group]

    data = {
        "node": answer.node,
        "fails": rows(answer.failed),
        "degrades": rows(answer.degraded),
        "entrypoints_down": [a.node for a in answer.failed if a.entrypoint],
    }
    return json.dumps(data, indent=2) + "\n"


def order_text(answer: StartOrder, graph: DependencyGraph, color: bool = False) -> str:
    out = io.StringIO()
    console = _console(out, color)
    if not answer.cycles:
        console.print(
            Text("cold-start order, wave by wave (each needs only earlier waves):", style="bold")
        )
        for number, wave in enumerate(answer.waves, 1):
            console.print(Text(f"  {number}. " + ", ".join(_named(graph, n) for n in wave)))
        return out.getvalue()
    console.print(
        Text("no cold start is possible: these services need each other to start", style="bold red")
    )
    for finding in answer.cycles:
        console.print(Text(f"  {oneline(finding.message)}"))
        for witness, (u, v) in zip(finding.witnesses, finding.cut, strict=False):
            console.print(Text(f"    break {shown(u)} -> {shown(v)}, which closes:", style="cyan"))
            for hop in witness:
                where = oneline(hop.evidence[0].location()) if hop.evidence else "(no evidence)"
                console.print(Text(f"      {shown(hop.source)} -> {shown(hop.target)}  {where}"))
    console.print(
        Text(
            f"{len(answer.blocked)} services cannot start: "
            + ", ".join(shown(n) for n in answer.blocked)
        )
    )
    if answer.waves:
        console.print(Text(f"the rest starts in {len(answer.waves)} waves"))
    return out.getvalue()


def _named(graph: DependencyGraph, node: str) -> str:
    layer = graph.node(node).layer
    return f"{shown(node)} ({oneline(layer)})" if layer else shown(node)


def order_json(answer: StartOrder, graph: DependencyGraph, color: bool = False) -> str:
    data = {
        "waves": answer.waves,
        "blocked": answer.blocked,
        "bootstrap_cycles": [
            {"id": f.id, "nodes": f.nodes, "break": [list(e) for e in f.cut], "message": f.message}
            for f in answer.cycles
        ],
    }
    return json.dumps(data, indent=2) + "\n"
