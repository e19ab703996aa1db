"""Where each format's files sit in a project that has no config.

Compose and catalog files are found by name, Kubernetes manifests by what they hold
(`apiVersion` and `kind` at the top level), in any folder below PATH but hidden ones,
`node_modules` and `vendor`. A finder names what it sees, links and pipes included;
`discover` then sets aside, with a diagnostic, whatever would not be read (a link out
of the project, a named pipe), so a zero-config run neither follows a stranger's link
nor drops a file silently. What is found and deliberately not read (a Helm chart, a
kustomization's patches) is a note that says how to read it.

Kept apart from the readers so that a zero-config run imports just the readers whose
files it found (loading all seven cost a tenth of a second on every run).
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from depguard import yamlio
from depguard.fsutil import InputError, read_input
from depguard.model import Diagnostic
from depguard.sources import SOURCES
from depguard.sources.files import is_excluded, is_folder, left_out, listing, relative
from depguard.sources.python.modules import find_packages

SERVICES_NAMES = ("services.yaml", "services.yml", "services")
# compose-go's own order of preference: the first one found wins, then one override
COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
COMPOSE_OVERRIDE_NAMES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
CATALOG_NAMES = ("catalog-info.yaml", "catalog-info.yml")
# others' code, not the system's: installed packages and vendored copies
SKIPPED_FOLDERS = frozenset({"node_modules", "vendor", "site-packages", "__pycache__"})
CHART_NAMES = ("Chart.yaml", "Chart.yml")
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
# a manifest says what it is in its first lines; a look at this much decides
_SNIFF_BYTES = 256 * 1024
# at the top level of YAML (column 0), or as a key anywhere in JSON
_API_VERSION = re.compile(rb"(?:^apiVersion:[ \t]*['\"]?|\"apiVersion\"\s*:\s*\")([\w./-]+)", re.M)
_KIND = re.compile(rb"(?:^kind:[ \t]*['\"]?|\"kind\"\s*:\s*\")[A-Za-z]", re.M)
# YAML with `apiVersion` and `kind` that is not a Kubernetes object
_NOT_KUBERNETES = (b"backstage.io/", b"kustomize.config.k8s.io/", b"skaffold/", b"kind.x-k8s.io/")


class Found(NamedTuple):
    """What a finder found: groups of files, each read by one call of the reader (one
    compose project each), and notes on what it found and does not read."""

    groups: list[list[Path]]
    notes: list[Diagnostic] = []


def _one_group(paths: list[Path]) -> Found:
    return Found([paths] if paths else [])


def python_roots(root: Path) -> Found:
    """PATH as a package, or a folder of packages (a `src/` layout too)."""
    if (root / "__init__.py").is_file():
        return _one_group([root])
    if (root / "src").is_dir() and find_packages(root / "src"):
        return _one_group([root / "src"])
    return _one_group([root] if find_packages(root) else [])


def services_files(root: Path) -> Found:
    return _one_group([root / name for name in SERVICES_NAMES if (root / name).exists()])


def compose_files(root: Path) -> list[Path]:
    """The compose files of a folder as compose picks them: one base, one override."""
    base = next((root / n for n in COMPOSE_NAMES if _is_file(root / n)), None)
    if base is None:
        return []
    override = next((root / n for n in COMPOSE_OVERRIDE_NAMES if _is_file(root / n)), None)
    return [base] if override is None else [base, override]


def compose_projects(root: Path) -> Found:
    """Every folder's compose project (its files as compose picks them): independent
    systems, each read on its own."""
    groups = []
    for folder, names in _folders(root):
        if any(n in COMPOSE_NAMES for n in names):
            groups.append(compose_files(Path(folder)))
    return Found(sorted(groups, key=lambda g: relative(g[0], root)))


def kubernetes_manifests(root: Path) -> Found:
    """Every file that holds Kubernetes objects, by content; Helm charts and what
    kustomizations patch are noted, not read."""
    files: list[Path] = []
    notes: list[Diagnostic] = []
    patched: set[Path] = set()
    charts: list[str] = []
    for folder, names in _folders(root):
        here = Path(folder)
        if any(folder.startswith(chart) for chart in charts):
            continue  # a chart's templates (the walk lists a folder before those below)
        chart = next((n for n in CHART_NAMES if n in names), None)
        if chart is not None:
            charts.append(os.path.join(folder, ""))
            notes.append(
                Diagnostic(relative(here / chart, root), 0, _chart_note(relative(here, root)))
            )
            continue
        for name in names:
            path = here / name
            if name in KUSTOMIZATION_NAMES:
                notes.extend(_kustomization(path, root, patched))
            elif _may_hold_objects(name) and _holds_objects(path):
                files.append(path)
    files = [f for f in files if f not in patched]
    return Found([sorted(files, key=lambda p: relative(p, root))] if files else [], notes)


def catalog_files(root: Path) -> Found:
    """Every `catalog-info.yaml` / `.yml` under root, sorted by path, links and pipes
    included (`discover` sets them aside)."""
    found = [Path(f) / n for f, names in _folders(root) for n in names if n in CATALOG_NAMES]
    return _one_group(sorted(found, key=lambda p: relative(p, root)))


def kind_of_file(path: Path) -> str | None:
    """The source that reads one file named as PATH, by its name or content."""
    name = path.name
    if name in COMPOSE_NAMES or name in COMPOSE_OVERRIDE_NAMES:
        return "compose"
    if name in CATALOG_NAMES:
        return "backstage"
    if name in SERVICES_NAMES:
        return "services"
    if _may_hold_objects(name) and _holds_objects(path):
        return "kubernetes"
    return None


def _may_hold_objects(name: str) -> bool:
    return name.endswith(MANIFEST_SUFFIXES) and name not in (
        *COMPOSE_NAMES,
        *COMPOSE_OVERRIDE_NAMES,
        *CATALOG_NAMES,
        *SERVICES_NAMES,
    )


def _holds_objects(path: Path) -> bool:
    """Whether a YAML or JSON file holds Kubernetes objects: `apiVersion` and `kind` at
    the top level, an apiVersion that is not another tool's."""
    try:
        head = read_input(path, path.name, _SNIFF_BYTES, head=True)
    except InputError:
        return not path.is_file() or path.is_symlink()  # named: `discover` says why not read
    versions = _API_VERSION.findall(head)
    return (
        bool(versions)
        and _KIND.search(head) is not None
        and not all(v.startswith(_NOT_KUBERNETES) for v in versions)
    )


def _chart_note(chart: str) -> str:
    # the folder's name is the repository's: quoted, a command copied from the note
    # runs helm on that folder and nothing else
    return (
        f"a Helm chart: its templates are not manifests until rendered, so it is not read"
        f" (helm template {shlex.quote(chart or '.')} | depguard check --kubernetes -)"
    )


def _kustomization(path: Path, root: Path, patched: set[Path]) -> list[Diagnostic]:
    """What a kustomization names but depguard does not apply: its patches and
    components (their files are set aside: a patch is not an object)."""
    shown = relative(path, root)
    try:
        data: Any = yamlio.load_one(yamlio.read_text(path, shown), shown)
    except yamlio.YamlError as exc:
        return [Diagnostic(exc.file, exc.line, f"not read as a kustomization: {exc.message}")]
    if not isinstance(data, dict):
        return []
    unapplied: list[str] = []
    resources = data.get("resources")
    for item in resources if isinstance(resources, list) else ():
        if isinstance(item, str) and ("://" in item or item.startswith(("github.com/", "git@"))):
            unapplied.append(f"remote resource {item}")  # nothing is fetched
    for key in ("patches", "patchesStrategicMerge", "patchesJson6902", "components"):
        items = data.get(key)
        for item in items if isinstance(items, list) else ():
            written = item.get("path") if isinstance(item, dict) else item
            if isinstance(written, str) and "\n" not in written:
                patched.add(Path(os.path.normpath(path.parent / written)))
                unapplied.append(f"{key} {written}")
            elif isinstance(item, dict) and "patch" in item:
                unapplied.append(f"{key} (inline)")
    if not unapplied:
        return []
    folder = relative(path.parent, root) or "."
    message = (
        f"not applied: {', '.join(unapplied)}; the resources are read as written"
        f" (kustomize build {shlex.quote(folder)} | depguard check --kubernetes - applies them)"
    )
    return [Diagnostic(shown, yamlio.line_of(data, ()) or 1, message)]


def catalog_files_under(
    folder: Path, root: Path, exclude: tuple[str, ...], skipped: list[Diagnostic]
) -> list[Path]:
    """The catalog files under a configured folder; the unreadable go to `skipped`."""
    found: list[Path] = []
    for here, names in _folders(folder, root, exclude):
        for name in names:
            if name not in CATALOG_NAMES:
                continue
            path = Path(here) / name
            if is_excluded(relative(path, root), exclude):
                continue
            if (unread := left_out(path, root)) is None:
                found.append(path)
            else:
                skipped.append(unread)
    return sorted(found, key=lambda p: relative(p, root))


def _folders(
    top: Path, root: Path | None = None, exclude: tuple[str, ...] = ()
) -> Iterator[tuple[str, list[str]]]:
    """(folder, names of its files) of every folder a project's search enters: not
    hidden ones, `node_modules`, `vendor`, installed packages (a virtual environment,
    `site-packages`), nor links to folders (as os.walk does not).

    Paths stay strings, exclusions are worked out only when there are some, and folders
    are listed through `listing`, which other walks of the same tree reuse."""
    root = top if root is None else root
    folders = [os.path.normpath(os.path.abspath(top))]
    while folders:
        here = folders.pop()
        try:
            entries = listing(here)
        except OSError:
            continue
        if any(entry.name == "pyvenv.cfg" for entry in entries):
            continue  # a virtual environment: installed packages, whatever its name
        below = []
        names = []
        for entry in entries:
            name = entry.name
            if is_folder(entry):
                if not (
                    name.startswith(".")
                    or name in SKIPPED_FOLDERS
                    or entry.is_symlink()
                    or (exclude and is_excluded(relative(Path(entry.path), root), exclude))
                ):
                    below.append(entry.path)
            else:
                names.append(name)
        yield here, sorted(names)
        folders += sorted(below, reverse=True)


def named_only(root: Path) -> Found:
    """Traces and pydeps files are always named in the config."""
    return Found([])


def _is_file(path: Path) -> bool:
    """A file compose would open: a regular file, or a pipe or device (set aside later)."""
    return path.exists() and not path.is_dir()


class Discovered(NamedTuple):
    groups: list[list[Path]]  # each read by one call of the reader
    skipped: list[Diagnostic]  # found, not read: a link out, a named pipe
    notes: list[Diagnostic]  # found, deliberately not read, and how to read it


def discover(name: str, root: Path) -> Discovered:
    """The files of format `name` under root in groups, a diagnostic for each one
    found that is not read (a link out of the project, a file that is not regular),
    and the finder's notes."""
    found = finder(name)(root)
    groups: list[list[Path]] = []
    skipped: list[Diagnostic] = []
    for group in found.groups:
        paths = []
        for path in group:
            if (unread := left_out(path, root)) is None:
                paths.append(path)
            else:
                skipped.append(unread)
        if paths:
            groups.append(paths)
    return Discovered(groups, skipped, list(found.notes))


def paths(name: str, root: Path) -> list[Path]:
    """Every file or folder format `name`'s finder names under root, all groups."""
    return [path for group in finder(name)(root).groups for path in group]


def finder(name: str) -> Callable[[Path], Found]:
    """The function of this module that finds format `name`'s files (`SOURCES`)."""
    found: Callable[[Path], Found] = globals()[SOURCES[name].find]
    return found
