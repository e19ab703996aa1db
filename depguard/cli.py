"""The command line: one short function per command, wiring the pipeline stages."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from depguard import __version__

app = typer.Typer(
    name="depguard",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Find dependency cycles and layer violations across code, manifests and "
    "deployment descriptors.",
)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


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
    typer.Option("--config", "-c", help="Config file (default: found from PATH upwards)."),
]
OutputOpt = Annotated[
    str | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
]


@contextmanager
def _errors() -> Iterator[None]:
    """The one error funnel: expected problems are one line each and exit 2."""
    from depguard.config import ConfigError
    from depguard.yamlio import YamlError

    try:
        yield
    except ConfigError as exc:
        for line in exc.lines:
            typer.echo(line, err=True)
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


@app.command()
def check(
    path: PathArg = Path("."),
    config: ConfigOpt = None,
    format: Annotated[CheckFormat, typer.Option("--format", "-f")] = CheckFormat.text,
    output: OutputOpt = None,
    fail_on: Annotated[FailOn, typer.Option(help="Lowest severity that fails.")] = FailOn.error,
) -> None:
    """Report cycles, layer violations and forbidden dependencies; exit 1 on errors."""
    with _errors():
        from depguard import pipeline, report
        from depguard.fsutil import write_output

        result, _ = pipeline.run(path, config)
        width = os.get_terminal_size().columns if _color(output) else 100
        text = report.render(
            format.value, result, report.Options(color=_color(output), width=width)
        )
        write_output(output, text)
        for diagnostic in result.diagnostics:
            typer.echo(str(diagnostic), err=True)
    raise typer.Exit(result.exit_code("warning" if fail_on is FailOn.warning else "error"))


@app.command()
def graph(
    path: PathArg = Path("."),
    config: ConfigOpt = None,
    level: Annotated[LevelChoice, typer.Option("--level", "-l")] = LevelChoice.service,
    format: Annotated[GraphFormat, typer.Option("--format", "-f")] = GraphFormat.json,
    output: OutputOpt = None,
) -> None:
    """Print the dependency graph at one level as JSON, DOT or Mermaid."""
    with _errors():
        from depguard import diagram, pipeline
        from depguard.fsutil import write_output

        result, dependency_graph = pipeline.run(path, config)
        write_output(
            output, diagram.render(format.value, dependency_graph, level.value, result.findings)
        )
        for diagnostic in result.diagnostics:
            typer.echo(str(diagnostic), err=True)
    raise typer.Exit(2 if result.diagnostics else 0)


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
