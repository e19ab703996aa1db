"""The command line: one short function per command, wiring the pipeline stages."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from depguard import __version__
from depguard.model import Level, Result

if TYPE_CHECKING:
    from depguard.graph import DependencyGraph
from depguard.report import REPORTERS

app = typer.Typer(
    name="depguard",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Find dependency cycles and layer violations across code, manifests and "
    "deployment descriptors.",
)


CheckFormat = Enum("CheckFormat", {name: name for name in REPORTERS}, type=str)  # type: ignore[misc]


class GraphFormat(str, Enum):
    json = "json"
    dot = "dot"
    mermaid = "mermaid"


class LevelChoice(str, Enum):
    module = "module"
    service = "service"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


PathArg = Annotated[Path, typer.Argument(help="Project folder (default: here).")]
ConfigOpt = Annotated[
    Path | None,
    # readable=False: an unreadable file is reported by depguard as `file:0: ...`, exit 2
    typer.Option(
        "--config", "-c", help="Config file (default: found from PATH upwards).", readable=False
    ),
]
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache", help="Scan every file and validate the config again; read and write no cache."
    ),
]
OutputOpt = Annotated[
    str | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
]


@contextmanager
def _errors() -> Iterator[None]:
    """The one error funnel: expected problems are one line each and exit 2."""
    from depguard.baseline import BaselineError
    from depguard.config import ConfigError
    from depguard.yamlio import YamlError

    try:
        yield
    except ConfigError as exc:
        for line in exc.lines:
            typer.echo(line, err=True)
        raise typer.Exit(2) from None
    except BaselineError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    except YamlError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        typer.echo(f"{exc.filename or 'depguard'}:0: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # a crash: one line, the traceback only when asked for
        if os.environ.get("DEPGUARD_DEBUG"):
            raise
        typer.echo(
            f"depguard: internal error: {type(exc).__name__}: {exc} "
            "(set DEPGUARD_DEBUG=1 for a traceback)",
            err=True,
        )
        raise typer.Exit(2) from None


def _color(output: str | None) -> bool:
    return output in (None, "-") and sys.stdout.isatty() and "NO_COLOR" not in os.environ


BaselineOpt = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        "-b",
        help="Baseline file (default: the config's `baseline`).",
        readable=False,
    ),
]


@app.command()
def check(
    path: PathArg = Path("."),
    config: ConfigOpt = None,
    baseline: BaselineOpt = None,
    no_baseline: Annotated[bool, typer.Option("--no-baseline", help="Show every finding.")] = False,
    format: Annotated[CheckFormat, typer.Option("--format", "-f")] = CheckFormat("text"),  # noqa: B008
    output: OutputOpt = None,
    fail_on: Annotated[FailOn, typer.Option(help="Lowest severity that fails.")] = FailOn.error,
    no_cache: NoCacheOpt = False,
) -> None:
    """Report cycles, layer violations and forbidden dependencies; exit 1 on new errors."""
    with _errors():
        from depguard import pipeline

        result, _ = pipeline.check(path, config, baseline, not no_baseline, not no_cache)
        _emit(result, str(getattr(format, "value", format)), output)
    raise typer.Exit(result.exit_code("warning" if fail_on is FailOn.warning else "error"))


def _emit(result: Result, format_name: str, output: str | None) -> None:
    from depguard import report
    from depguard.fsutil import write_output

    color = _color(output)
    width = os.get_terminal_size().columns if color else 100
    write_output(output, report.render(format_name, result, report.Options(color, width)))
    for diagnostic in result.diagnostics:
        typer.echo(str(diagnostic), err=True)


@app.command(name="baseline")
def baseline_command(
    path: PathArg = Path("."),
    config: ConfigOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Default: the config's `baseline`.")
    ] = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Only remove entries that are gone; add nothing.")
    ] = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Write the baseline: accept today's findings so that only new ones fail."""
    with _errors():
        from depguard import baseline as gate
        from depguard import config as configuration
        from depguard import pipeline
        from depguard.fsutil import write_output

        project = configuration.open_project(path, config, not no_cache)
        result, _ = pipeline.analyse(project, not no_cache)
        for diagnostic in result.diagnostics:
            typer.echo(str(diagnostic), err=True)
        if result.diagnostics:
            typer.echo(
                "depguard: the analysis is incomplete; the baseline was not written", err=True
            )
            raise typer.Exit(2)
        target = pipeline.baseline_path(project, output)
        # a FIFO or a device given as --output is written to, never read as a baseline
        previous = gate.load(target) if prune or target.is_file() else None
        current = gate.from_findings(result.findings, previous)
        written = gate.prune(previous, current) if prune and previous else current
        write_output(target, gate.dumps(written))
        before = len(previous.entries) if previous else 0
        typer.echo(
            f"wrote {target}: {len(written.entries)} findings"
            + (f" (was {before})" if previous else "")
        )


@app.command()
def report(
    result_file: Annotated[Path, typer.Argument(help="A saved `check --format json` result.")],
    format: Annotated[CheckFormat, typer.Option("--format", "-f")] = CheckFormat("text"),  # noqa: B008
    output: OutputOpt = None,
) -> None:
    """Re-render a saved JSON result in another format, without scanning again."""
    with _errors():
        import json

        from depguard.report.json_report import from_data

        shown = result_file.as_posix()
        try:
            data = json.loads(result_file.read_text(encoding="utf-8"))
            result = from_data(data)
        except json.JSONDecodeError as exc:
            typer.echo(f"{shown}:{exc.lineno}: not valid JSON: {exc.msg}", err=True)
            raise typer.Exit(2) from None
        except RecursionError:
            typer.echo(f"{shown}:1: not a depguard JSON result (nested too deeply)", err=True)
            raise typer.Exit(2) from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            typer.echo(f"{shown}:1: not a depguard JSON result ({exc!r})", err=True)
            raise typer.Exit(2) from None
        _emit(result, str(getattr(format, "value", format)), output)
    raise typer.Exit(result.exit_code())


@app.command()
def graph(
    path: PathArg = Path("."),
    config: ConfigOpt = None,
    level: Annotated[
        LevelChoice | None,
        typer.Option("--level", "-l", help="Default: service, or module if there are none."),
    ] = None,
    format: Annotated[GraphFormat, typer.Option("--format", "-f")] = GraphFormat.json,
    output: OutputOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Print the dependency graph at one level as JSON, DOT or Mermaid."""
    with _errors():
        from depguard import diagram, pipeline
        from depguard.fsutil import write_output

        if format is GraphFormat.json:  # shows no findings: none are looked for
            dependency_graph, diagnostics = pipeline.graph_only(path, config, not no_cache)
            findings = []
        else:
            result, dependency_graph = pipeline.run(path, config, not no_cache)
            diagnostics, findings = result.diagnostics, result.findings
        chosen: Level = "service"
        if level is not None:
            chosen = "module" if level is LevelChoice.module else "service"
        elif not dependency_graph.digraph("service").number_of_nodes():
            chosen = "module"
        write_output(output, diagram.export(format.value, dependency_graph, chosen, findings))
        for diagnostic in diagnostics:
            typer.echo(str(diagnostic), err=True)
    raise typer.Exit(2 if diagnostics else 0)


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


@app.command()
def impact(
    node: Annotated[str, typer.Argument(help="The node that fails (a name or an id).")],
    path: PathArg = Path("."),
    config: ConfigOpt = None,
    format: Annotated[TextOrJson, typer.Option("--format", "-f")] = TextOrJson.text,
    output: OutputOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """What stops when NODE fails (hard paths), and what only degrades (soft paths)."""
    with _errors():
        from depguard import pipeline
        from depguard.analysis.operations import impact as blast_radius
        from depguard.fsutil import write_output
        from depguard.report import operations

        result, graph = pipeline.run(path, config, not no_cache)
        level: Level = "service" if graph.digraph("service").number_of_nodes() else "module"
        found = _find_node(graph, level, node)
        answer = blast_radius(graph, found, level)
        render = operations.impact_json if format is TextOrJson.json else operations.impact_text
        write_output(output, render(answer, graph, _color(output)))
        for diagnostic in result.diagnostics:
            typer.echo(str(diagnostic), err=True)
    raise typer.Exit(2 if result.diagnostics else 0)


@app.command()
def order(
    path: PathArg = Path("."),
    config: ConfigOpt = None,
    format: Annotated[TextOrJson, typer.Option("--format", "-f")] = TextOrJson.text,
    output: OutputOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """A cold-start order in waves (exit 0), or the cycles that make one impossible (exit 1)."""
    with _errors():
        from depguard import pipeline
        from depguard.analysis.operations import start_order
        from depguard.fsutil import write_output
        from depguard.report import operations

        result, graph = pipeline.run(path, config, not no_cache)
        level: Level = "service" if graph.digraph("service").number_of_nodes() else "module"
        answer = start_order(graph, level)
        render = operations.order_json if format is TextOrJson.json else operations.order_text
        write_output(output, render(answer, graph, _color(output)))
        for diagnostic in result.diagnostics:
            typer.echo(str(diagnostic), err=True)
    raise typer.Exit(2 if result.diagnostics else (1 if answer.cycles else 0))


def _find_node(graph: DependencyGraph, level: Level, name: str) -> str:
    digraph = graph.digraph(level)
    if name in digraph:
        return name
    matches: list[str] = sorted(n for n in digraph.nodes if n.partition(":")[2] == name)
    if not matches:
        close = difflib.get_close_matches(name, [n.partition(":")[2] for n in digraph.nodes], n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        typer.echo(f"depguard: no node {name!r} at the {level} level{hint}", err=True)
        raise typer.Exit(2)
    return matches[0]


DIAGRAM_SUFFIXES = {
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".html": "html",
}


@app.command()
def diagram(
    path: PathArg = Path("."),
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="F.svg, .png, .pdf, .dot, .mmd or .html (the suffix picks the format)",
        ),
    ] = "",
    config: ConfigOpt = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="svg, png, pdf, dot, mermaid or html (default: from --output)"
        ),
    ] = None,
    level: Annotated[
        LevelChoice | None,
        typer.Option("--level", "-l", help="Default: service, or module if there are none."),
    ] = None,
    focus: Annotated[str | None, typer.Option(help="Show only NODE and its neighbours.")] = None,
    depth: Annotated[int, typer.Option(help="Hops around --focus, both ways.")] = 1,
    cycles_only: Annotated[
        bool, typer.Option("--cycles-only", help="Only nodes in cycles.")
    ] = False,
    collapse: Annotated[
        str | None, typer.Option(help="'service', or a package depth such as 2 (module level)")
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Never reduce a large graph.")] = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Draw the graph: layers as bands, cycles red, violations dashed, a legend."""
    with _errors():
        from depguard import pipeline
        from depguard.diagram import dot, html, mermaid
        from depguard.diagram.view import FocusError, Options, build_view
        from depguard.fsutil import write_output

        chosen_format = format or DIAGRAM_SUFFIXES.get(Path(output).suffix.lower(), "")
        if chosen_format not in set(DIAGRAM_SUFFIXES.values()):
            typer.echo(
                f"depguard: cannot tell the format of {output or 'stdout'!r}: use "
                "--output F.svg|.png|.pdf|.dot|.mmd|.html or --format",
                err=True,
            )
            raise typer.Exit(2)
        if collapse not in (None, "service") and not (collapse or "").isdigit():
            typer.echo(
                "depguard: --collapse takes 'service' or a package depth (1, 2, ...)", err=True
            )
            raise typer.Exit(2)
        result, graph = pipeline.run(path, config, not no_cache)
        chosen: Level = "service"
        if level is not None:
            chosen = "module" if level is LevelChoice.module else "service"
        elif not graph.digraph("service").number_of_nodes():
            chosen = "module"
        options = Options(
            focus=focus, depth=depth, cycles_only=cycles_only, collapse=collapse, show_all=show_all
        )
        try:
            view = build_view(graph, chosen, result.findings, options)
        except FocusError as exc:
            typer.echo(f"depguard: {exc}", err=True)
            raise typer.Exit(2) from None
        for note in view.notes:
            typer.echo(f"depguard: {note}", err=True)
        if chosen_format == "mermaid":
            write_output(output or None, mermaid.render_view(view))
        elif chosen_format == "dot":
            write_output(output or None, dot.render_view(view))
        else:
            _write_rendered(
                chosen_format, dot.render_view(view), output, result, html.render, str(path)
            )
        for diagnostic in result.diagnostics:
            typer.echo(str(diagnostic), err=True)
    raise typer.Exit(2 if result.diagnostics else 0)


def _write_rendered(
    fmt: str,
    dot_source: str,
    output: str,
    result: Result,
    page: Callable[[Result, str, str], str],
    title: str,
) -> None:
    from depguard.diagram.render import RenderError, render
    from depguard.fsutil import write_output

    if not output:
        typer.echo(f"depguard: {fmt} needs --output F.{fmt}", err=True)
        raise typer.Exit(2)
    try:
        data = render(dot_source, "svg" if fmt == "html" else fmt)
    except RenderError as exc:
        typer.echo(f"depguard: {exc}", err=True)
        raise typer.Exit(2) from None
    if fmt == "html":
        write_output(output, page(result, data.decode("utf-8"), title))
    else:
        write_output(output, data)


@app.command(hidden=True)
def schema(output: OutputOpt = None) -> None:
    """Print the JSON Schema of the config."""
    with _errors():
        from depguard.config import json_schema
        from depguard.fsutil import write_output

        write_output(output, json_schema())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"depguard {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """depguard: keep a system free of dependency cycles and upward dependencies."""


def main() -> None:
    app(prog_name="depguard")
