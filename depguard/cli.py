"""The command line: one short function per command, wiring the pipeline stages.

The parser is the standard library's argparse. typer (with the click it carries) took
35-45 ms to import and 10-15 ms more to build its commands from the functions'
signatures on every run: a third of a warm check of a small project, paid again by every
pre-commit run. argparse costs a few milliseconds, and the commands say the same.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from depguard import __version__
from depguard.model import Diagnostic, exit_code
from depguard.report import REPORTERS

if TYPE_CHECKING:
    from depguard.graph import DependencyGraph
    from depguard.model import Level, Result

Command = Callable[[argparse.Namespace], int]


@contextmanager
def _errors(args: argparse.Namespace) -> Iterator[None]:
    """The one error funnel: expected problems are one line each and exit 2. A command
    that analyses a PATH reads only what `_confine` allows while it runs."""
    from depguard.baseline import BaselineError
    from depguard.config import ConfigError
    from depguard.fsutil import InputError, confine
    from depguard.yamlio import YamlError

    try:
        if hasattr(args, "allow_read"):
            _confine(args)
        yield
    except (ConfigError, InputError) as exc:
        if isinstance(exc, InputError):
            _say(str(exc))
            raise SystemExit(2) from None
        for line in exc.lines:
            _say(line)
        raise SystemExit(2) from None
    except (BaselineError, YamlError) as exc:
        _say(str(exc))
        raise SystemExit(2) from None
    except OSError as exc:
        where = f"{exc.filename}:0" if exc.filename else "depguard"
        _say(f"{where}: {exc.strerror or exc}")
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:  # a crash: one line, the traceback only when asked for
        if os.environ.get("DEPGUARD_DEBUG"):
            raise
        _say(
            f"depguard: internal error: {type(exc).__name__}: {exc} "
            "(set DEPGUARD_DEBUG=1 for a traceback)"
        )
        raise SystemExit(2) from None
    finally:
        confine(None)


def _confine(args: argparse.Namespace) -> None:
    """What this run may read: the repository PATH is in (the first folder upwards that
    holds `.git`, else PATH's own), the shipped rule sets, and what the command line
    names: --allow-read folders, a --config, --baseline, --env-file or --kubernetes file
    (and, for a config outside the repository, the folder it is in, which its
    `extends` may name)."""
    from depguard.config import rules_dir
    from depguard.fsutil import confine, is_inside, repository_root

    repository = repository_root(args.path)
    allowed = [repository, rules_dir(), *args.allow_read]
    config_file = getattr(args, "config", None)
    if config_file is not None:
        allowed.append(config_file)
        if not is_inside(config_file, [os.path.realpath(repository)]):
            allowed.append(config_file.parent)
    allowed += [
        named
        for named in (getattr(args, "baseline", None), getattr(args, "output", None))
        if isinstance(named, Path)
    ]
    allowed += [path for what, path in _named(args) if what == "env_file" or path.name != "-"]
    confine(allowed)


def _say(line: str | Diagnostic) -> None:
    """One line on stderr, whatever the input put in it: a file name or a YAML key of the
    analysed repository must not start a line of its own (a forged CI annotation)."""
    from depguard.textsafe import oneline

    text = str(line) if isinstance(line, Diagnostic) else oneline(line)  # escaped once
    print(text, file=sys.stderr, flush=True)


def _color(output: str | None) -> bool:
    return output in (None, "-") and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _width() -> int:
    """The terminal's columns; 100 where it says less than 40 or cannot say (a pty of
    0x0 columns, as `script` and some CI runners give, would otherwise print nothing)."""
    try:
        columns = os.get_terminal_size().columns
    except OSError:
        return 100
    return columns if columns >= 40 else 100


def check(args: argparse.Namespace) -> int:
    """Report cycles, layer violations and forbidden dependencies; exit 1 on new errors."""
    with _errors(args):
        from depguard import pipeline

        result, _, found = pipeline.check(
            args.path,
            args.config,
            args.baseline,
            not args.no_baseline,
            not args.no_cache,
            _named(args),
        )
        if found is not None:
            from depguard.sources.files import relative

            shown = relative(found, Path.cwd())
            _say(f"depguard: using the baseline {shown} (--no-baseline to show every finding)")
        _emit(result, args.format, args.output)
    return result.exit_code(args.fail_on)


def _emit(result: Result, format_name: str, output: str | None) -> None:
    from depguard import report
    from depguard.fsutil import write_output

    color = _color(output)
    width = _width() if color else 100
    write_output(output, report.render(format_name, result, report.Options(color, width)))
    _tell(result)


def _tell(result: Result) -> None:
    """Notes, then input problems, on stderr: what the report stands on."""
    for note in result.notes:
        _say(f"{note.file}:{note.line}: note: {note.message}")
    for diagnostic in result.diagnostics:
        _say(diagnostic)


def baseline(args: argparse.Namespace) -> int:
    """Write the baseline: accept today's findings so that only new ones fail."""
    with _errors(args):
        from depguard import baseline as gate
        from depguard import config as configuration
        from depguard import pipeline
        from depguard.fsutil import write_output

        project = configuration.open_project(
            args.path, args.config, not args.no_cache, _named(args)
        )
        result, _ = pipeline.analyse(project, not args.no_cache)
        _tell(result)
        if result.diagnostics:
            _say("depguard: the analysis is incomplete; the baseline was not written")
            return 2
        target = pipeline.baseline_path(project, args.output)
        # a FIFO or a device given as --output is written to, never read as a baseline
        previous = gate.load(target) if args.prune or target.is_file() else None
        current = gate.from_findings(result.findings, previous)
        written = gate.prune(previous, current) if args.prune and previous else current
        write_output(target, gate.dumps(written))
        before = len(previous.entries) if previous else 0
        print(
            f"wrote {target}: {len(written.entries)} findings"
            + (f" (was {before})" if previous else "")
        )
    return 0


def report(args: argparse.Namespace) -> int:
    """Re-render a saved JSON result in another format, without scanning again."""
    with _errors(args):
        import json

        from depguard.fsutil import read_input
        from depguard.report.json_report import from_data

        shown = args.result_file.as_posix()
        try:
            # named on the command line, so it may be anywhere; but it is still input
            # (a link to /dev/zero must not read forever)
            data = json.loads(read_input(args.result_file, shown).decode("utf-8"))
            result = from_data(data)
        except json.JSONDecodeError as exc:
            _say(f"{shown}:{exc.lineno}: not valid JSON: {exc.msg}")
            return 2
        except UnicodeDecodeError as exc:
            _say(f"{shown}:0: not UTF-8 text ({exc.reason})")
            return 2
        except RecursionError:
            _say(f"{shown}:1: not a depguard JSON result (nested too deeply)")
            return 2
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            _say(f"{shown}:1: not a depguard JSON result ({exc!r})")
            return 2
        _emit(result, args.format, args.output)
    return result.exit_code()


def graph(args: argparse.Namespace) -> int:
    """Print the dependency graph at one level as JSON, DOT or Mermaid."""
    with _errors(args):
        from depguard import diagram, pipeline
        from depguard.fsutil import write_output

        if args.format == "json":  # shows no findings: none are looked for
            dependency_graph, diagnostics = pipeline.graph_only(
                args.path, args.config, not args.no_cache, _named(args)
            )
            findings = []
        else:
            result, dependency_graph = pipeline.run(
                args.path, args.config, not args.no_cache, _named(args)
            )
            diagnostics, findings = result.diagnostics, result.findings
        level = _level(args.level, dependency_graph)
        write_output(args.output, diagram.export(args.format, dependency_graph, level, findings))
        for diagnostic in diagnostics:
            _say(diagnostic)
    return exit_code(diagnostics, failed=False)


def _level(asked: Level | None, graph: DependencyGraph) -> Level:
    """The level asked for; else services, or modules when there are no services."""
    if asked is not None:
        return asked
    return "service" if graph.digraph("service").number_of_nodes() else "module"


def impact(args: argparse.Namespace) -> int:
    """What stops when NODE fails (hard paths), and what only degrades (soft paths)."""
    with _errors(args):
        from depguard import pipeline
        from depguard.analysis.operations import impact as blast_radius
        from depguard.fsutil import write_output
        from depguard.report import operations

        result, graph = pipeline.run(args.path, args.config, not args.no_cache, _named(args))
        level, node = _find_any(graph, args.node)
        answer = blast_radius(graph, node, level)
        render = operations.impact_json if args.format == "json" else operations.impact_text
        write_output(args.output, render(answer, graph, _color(args.output)))
        _tell(result)
    return exit_code(result.diagnostics, failed=False)


def order(args: argparse.Namespace) -> int:
    """A cold-start order in waves (exit 0), or the cycles that make one impossible (exit 1)."""
    with _errors(args):
        from depguard import pipeline
        from depguard.analysis.operations import start_order
        from depguard.fsutil import write_output
        from depguard.report import operations

        result, graph = pipeline.run(args.path, args.config, not args.no_cache, _named(args))
        answer = start_order(graph, _level(None, graph))
        render = operations.order_json if args.format == "json" else operations.order_text
        write_output(args.output, render(answer, graph, _color(args.output)))
        _tell(result)
    return exit_code(result.diagnostics, failed=bool(answer.cycles))


def _find_any(graph: DependencyGraph, name: str) -> tuple[Level, str]:
    """The node called `name` at whichever level has it: services first, then modules."""
    first = _level(None, graph)
    other: Level = "module" if first == "service" else "service"
    for level in (first, other):
        digraph = graph.digraph(level)
        if name in digraph or any(n.partition(":")[2] == name for n in digraph.nodes):
            return level, _find_node(graph, level, name)
    return first, _find_node(graph, first, name)  # says what is close, and exits 2


def _find_node(graph: DependencyGraph, level: Level, name: str) -> str:
    digraph = graph.digraph(level)
    if name in digraph:
        return name
    matches: list[str] = sorted(n for n in digraph.nodes if n.partition(":")[2] == name)
    if not matches:
        import difflib

        close = difflib.get_close_matches(name, [n.partition(":")[2] for n in digraph.nodes], n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        _say(f"depguard: no node {name!r} at the {level} level{hint}")
        raise SystemExit(2)
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


def diagram(args: argparse.Namespace) -> int:
    """Draw the graph: layers as bands, cycles red, violations dashed, a legend."""
    with _errors(args):
        from depguard import pipeline
        from depguard.diagram import dot, html, mermaid
        from depguard.diagram.view import FocusError, Options, build_view
        from depguard.fsutil import write_output

        output, collapse = args.output, args.collapse
        chosen_format = args.format or DIAGRAM_SUFFIXES.get(Path(output).suffix.lower(), "")
        if chosen_format not in set(DIAGRAM_SUFFIXES.values()):
            _say(
                f"depguard: cannot tell the format of {output or 'stdout'!r}: use "
                "--output F.svg|.png|.pdf|.dot|.mmd|.html or --format"
            )
            return 2
        if collapse not in (None, "service") and not (collapse or "").isdigit():
            _say("depguard: --collapse takes 'service' or a package depth (1, 2, ...)")
            return 2
        result, graph = pipeline.run(args.path, args.config, not args.no_cache, _named(args))
        options = Options(
            focus=args.focus,
            depth=args.depth,
            cycles_only=args.cycles_only,
            collapse=collapse,
            show_all=args.show_all,
        )
        try:
            view = build_view(graph, _level(args.level, graph), result.findings, options)
        except FocusError as exc:
            _say(f"depguard: {exc}")
            return 2
        for note in view.notes:
            _say(f"depguard: {note}")
        if chosen_format == "mermaid":
            write_output(output or None, mermaid.render_view(view))
        elif chosen_format == "dot":
            write_output(output or None, dot.render_view(view))
        else:
            _write_rendered(
                chosen_format, dot.render_view(view), output, result, html.render, str(args.path)
            )
        _tell(result)
    return exit_code(result.diagnostics, failed=False)


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
        _say(f"depguard: {fmt} needs --output F.{fmt}")
        raise SystemExit(2)
    try:
        data = render(dot_source, "svg" if fmt == "html" else fmt)
    except RenderError as exc:
        _say(f"depguard: {exc}")
        raise SystemExit(2) from None
    if fmt == "html":
        write_output(output, page(result, data.decode("utf-8"), title))
    else:
        write_output(output, data)


def schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of the config."""
    with _errors(args):
        from depguard.config import json_schema
        from depguard.fsutil import write_output

        write_output(args.output, json_schema())
    return 0


# ------------------------------------------------------------------------- the parser


HIDDEN = {"schema"}  # commands for depguard's own tooling, not listed in --help


class _Parser(argparse.ArgumentParser):
    """Options are spelled out in full: an abbreviation that works today would silently
    change meaning when a longer option is added."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(allow_abbrev=False, **kwargs)  # type: ignore[arg-type]


def _path(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "path", nargs="?", type=Path, default=Path("."), help="project folder (default: here)"
    )


def _config(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-c",
        "--config",
        type=Path,
        metavar="FILE",
        help="config file (default: found from PATH upwards)",
    )
    command.add_argument(
        "--allow-read",
        type=Path,
        action="append",
        default=[],
        metavar="FOLDER",
        help="also read inputs from FOLDER, outside the repository (repeatable)",
    )
    command.add_argument(
        "--kubernetes",
        type=Path,
        action="append",
        metavar="PATH",
        help="read Kubernetes manifests from PATH, '-' for a rendered stream on stdin "
        "(kustomize build . | depguard check --kubernetes -); repeatable",
    )
    command.add_argument(
        "--env-file",
        type=Path,
        action="append",
        metavar="FILE",
        help="values for compose's ${VARIABLES}, over .env (the shell's are never read); "
        "repeatable",
    )


def _named(args: argparse.Namespace) -> tuple[tuple[str, Path], ...]:
    """(what, path) of the inputs the command line names: `--kubernetes -`, and the
    `--env-file` files that give compose's variables their values."""
    return tuple(
        (what, path)
        for what in ("kubernetes", "env_file")
        for path in getattr(args, what, None) or ()
    )


def _no_cache(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--no-cache",
        action="store_true",
        help="scan every file and validate the config again; read and write no cache",
    )


def _format(command: argparse.ArgumentParser, choices: Sequence[str]) -> None:
    command.add_argument(
        "-f",
        "--format",
        choices=choices,
        default=choices[0],
        help=f"{' | '.join(choices)} (default: {choices[0]})",
        metavar="FORMAT",
    )


def _output(command: argparse.ArgumentParser, help: str = "write here instead of stdout") -> None:
    command.add_argument("-o", "--output", metavar="FILE", help=help)


def _level_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-l",
        "--level",
        choices=("module", "service"),
        help="module | service (default: service, or module if there are none)",
        metavar="LEVEL",
    )


def parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser, and each command's own (by name)."""
    top = _Parser(
        prog="depguard",
        description="Find dependency cycles and layer violations across code, manifests "
        "and deployment descriptors.",
    )
    top.add_argument("--version", action="version", version=f"depguard {__version__}")
    listing = top.add_subparsers(title="commands", metavar="COMMAND")
    commands: dict[str, argparse.ArgumentParser] = {}

    def command(run: Command) -> argparse.ArgumentParser:
        name, summary = run.__name__, (run.__doc__ or "").strip()
        shown = {} if name in HIDDEN else {"help": summary}  # no help: not listed
        commands[name] = listing.add_parser(name, description=summary, **shown)  # type: ignore[arg-type]
        commands[name].set_defaults(run=run)
        return commands[name]

    reporters = list(REPORTERS)
    sub = command(check)
    _path(sub)
    _config(sub)
    sub.add_argument(
        "-b",
        "--baseline",
        type=Path,
        metavar="FILE",
        help="baseline file (default: the config's `baseline`)",
    )
    sub.add_argument("--no-baseline", action="store_true", help="show every finding")
    _format(sub, reporters)
    _output(sub)
    sub.add_argument(
        "--fail-on",
        choices=("error", "warning"),
        default="error",
        metavar="SEVERITY",
        help="lowest severity that fails: error | warning (default: error)",
    )
    _no_cache(sub)

    sub = command(baseline)
    _path(sub)
    _config(sub)
    sub.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="default: the config's `baseline`"
    )
    sub.add_argument(
        "--prune", action="store_true", help="only remove entries that are gone; add nothing"
    )
    _no_cache(sub)

    sub = command(report)
    sub.add_argument("result_file", type=Path, help="a saved `check --format json` result")
    _format(sub, reporters)
    _output(sub)

    sub = command(graph)
    _path(sub)
    _config(sub)
    _level_option(sub)
    _format(sub, ("json", "dot", "mermaid"))
    _output(sub)
    _no_cache(sub)

    for run in (impact, order):
        sub = command(run)
        if run is impact:
            sub.add_argument("node", help="the node that fails (a name or an id)")
        _path(sub)
        _config(sub)
        _format(sub, ("text", "json"))
        _output(sub)
        _no_cache(sub)

    sub = command(diagram)
    _path(sub)
    _output(sub, "F.svg, .png, .pdf, .dot, .mmd or .html (the suffix picks the format)")
    sub.set_defaults(output="")
    _config(sub)
    sub.add_argument(
        "-f",
        "--format",
        metavar="FORMAT",
        help="svg, png, pdf, dot, mermaid or html (default: from --output)",
    )
    _level_option(sub)
    sub.add_argument("--focus", metavar="NODE", help="show only NODE and its neighbours")
    sub.add_argument(
        "--depth", type=int, default=1, help="hops around --focus, both ways (default: 1)"
    )
    sub.add_argument("--cycles-only", action="store_true", help="only nodes in cycles")
    sub.add_argument(
        "--collapse",
        metavar="HOW",
        help="'service', or a package depth such as 2 (module level)",
    )
    sub.add_argument(
        "--all", dest="show_all", action="store_true", help="never reduce a large graph"
    )
    _no_cache(sub)

    sub = command(schema)
    _output(sub)
    return top, commands


def main(argv: Sequence[str] | None = None) -> None:
    """Parse, run one command, and exit with its code (SystemExit)."""
    args = list(sys.argv[1:] if argv is None else argv)
    top, commands = parser()
    # The first word that is not an option names the command. Its arguments are parsed
    # intermixed, so `impact NODE --format json PATH` works: a plain parse would give
    # PATH's place to its default as soon as NODE is read, then reject PATH.
    at = next((i for i, arg in enumerate(args) if not arg.startswith("-")), len(args))
    if at == len(args):
        top.parse_args(args)  # --help, --version, or a usage error: each exits
        top.print_help(sys.stderr)  # no command at all
        raise SystemExit(2)
    if args[at] not in commands:
        import difflib

        close = difflib.get_close_matches(args[at], [n for n in commands if n not in HIDDEN], n=2)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        top.error(f"no command {args[at]!r}{hint}")
    top.parse_args(args[:at])
    command, rest = commands[args[at]], args[at + 1 :]
    # after `--` every word is an argument (a path starting with `-`), which the
    # intermixed parse of Python < 3.13 mishandles; the plain parse takes them in order
    parse = command.parse_args if "--" in rest else command.parse_intermixed_args
    namespace = parse(rest)
    raise SystemExit(namespace.run(namespace))
