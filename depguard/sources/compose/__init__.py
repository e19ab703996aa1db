"""Docker compose files: services, their start-up order and the addresses they call.

What is read and why is user documentation: docs/sources/compose.md. Here, one concern
a module: `project` merges files, `extends` and `include` into `service` records, read
through each `document` by the `fields` readers; `dotenv` and `interpolation` give
variables their values; `emit` writes nodes and edges. Bad input is a diagnostic with
its `file:line`, never an exception. Names tests and other modules use are exported here.
"""

from __future__ import annotations

from pathlib import Path

from depguard.model import Fragment
from depguard.sources import discovery
from depguard.sources.base import EnvFiles
from depguard.sources.compose.dotenv import env_values, parse_dotenv
from depguard.sources.compose.emit import nodes_and_edges
from depguard.sources.compose.fields import CONDITIONS
from depguard.sources.compose.interpolation import MAX_EXPANDED, Lookup, interpolate
from depguard.sources.compose.project import MAX_EXTENDS, Project
from depguard.sources.compose.service import SOURCE, DotEnv
from depguard.sources.files import is_excluded, relative

__all__ = [
    "CONDITIONS",
    "MAX_EXPANDED",
    "MAX_EXTENDS",
    "SOURCE",
    "Lookup",
    "collect",
    "interpolate",
    "parse_dotenv",
]


def collect(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...] = (),
    options: object = None,
    *,
    use_cache: bool = True,
) -> Fragment:
    """Read one compose project (the files merged in order) into nodes and edges;
    problems become diagnostics, never exceptions. `options`: `EnvFiles` named on the
    command line, whose variables win over the project's `.env`."""
    fragment = Fragment(SOURCE)
    files = _compose_files(paths, root, exclude)
    if not files:
        return fragment
    given = _given_values(options, root, fragment)
    project = Project(root, files[0].parent, exclude, fragment, outer=given)
    for path in files:
        project.read(path)
    project.include()  # after every file, as compose evaluates `include`
    nodes_and_edges(project)
    fragment.diagnostics = list(dict.fromkeys(fragment.diagnostics))
    return fragment


def _given_values(options: object, root: Path, out: Fragment) -> DotEnv | None:
    """The variables of the `--env-file` files, later files winning."""
    if not isinstance(options, EnvFiles) or not options.paths:
        return None
    note = "(not set above in --env-file)"
    values = env_values(list(options.paths), root, (), True, note, out)
    return DotEnv(values, "(not in .env nor the --env-file files)")


def _compose_files(paths: list[Path], root: Path, exclude: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if is_excluded(relative(path, root), exclude):
            continue
        found = discovery.compose_files(path) if path.is_dir() else [path]
        files.extend(p for p in found if not is_excluded(relative(p, root), exclude))
    return list(dict.fromkeys(files))
