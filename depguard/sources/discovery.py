"""Where each format's files sit in a project that has no config: names only.

A finder names what it sees, links and pipes included; `discover` then sets aside, with
a diagnostic, whatever a walk would not read (a link out of the project, a named pipe),
so a zero-config run neither follows a stranger's link nor drops a file silently.

Kept apart from the readers so that a zero-config run imports just the readers whose
files it found (loading all seven cost a tenth of a second on every run).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

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
KUBERNETES_FOLDERS = ("k8s", "kubernetes", "manifests", "deploy/k8s")
CATALOG_NAMES = ("catalog-info.yaml", "catalog-info.yml")
SKIPPED_FOLDERS = frozenset({"node_modules"})


def python_roots(root: Path) -> list[Path]:
    """PATH as a package, or a folder of packages (a `src/` layout too)."""
    if (root / "__init__.py").is_file():
        return [root]
    if (root / "src").is_dir() and find_packages(root / "src"):
        return [root / "src"]
    return [root] if find_packages(root) else []


def services_files(root: Path) -> list[Path]:
    return [root / name for name in SERVICES_NAMES if (root / name).exists()]


def compose_files(root: Path) -> list[Path]:
    """The compose files of a folder as compose picks them: one base, one override."""
    base = next((root / n for n in COMPOSE_NAMES if _is_file(root / n)), None)
    if base is None:
        return []
    override = next((root / n for n in COMPOSE_OVERRIDE_NAMES if _is_file(root / n)), None)
    return [base] if override is None else [base, override]


def kubernetes_folders(root: Path) -> list[Path]:
    """The manifest folders of a project: `k8s`, `kubernetes`, `manifests`, `deploy/k8s`."""
    return [root / name for name in KUBERNETES_FOLDERS if (root / name).is_dir()]


def catalog_files(root: Path) -> list[Path]:
    """Every `catalog-info.yaml` / `.yml` under root, hidden folders and node_modules
    skipped, sorted by path, links and pipes included (`discover` sets them aside)."""
    return sorted(_catalog_names(root, root, ()), key=lambda p: relative(p, root))


def catalog_files_under(
    folder: Path, root: Path, exclude: tuple[str, ...], skipped: list[Diagnostic]
) -> list[Path]:
    """The catalog files under a configured folder; the unreadable go to `skipped`."""
    found: list[Path] = []
    for path in _catalog_names(folder, root, exclude):
        if (unread := left_out(path, root)) is None:
            found.append(path)
        else:
            skipped.append(unread)
    return sorted(found, key=lambda p: relative(p, root))


def _catalog_names(folder: Path, root: Path, exclude: tuple[str, ...]) -> Iterator[Path]:
    # a zero-config run walks the whole project: paths stay strings until a catalog file
    # is found, exclusions are only worked out when there are some, and folders are
    # listed through `listing`, which the Python source's walk of the same tree reuses
    folders = [os.path.normpath(os.path.abspath(folder))]
    while folders:
        try:
            entries = listing(folders.pop())
        except OSError:
            continue
        below = []
        for entry in entries:
            name = entry.name
            if is_folder(entry):  # a link to a folder is not followed, as os.walk does not
                if not (
                    name.startswith(".")
                    or name in SKIPPED_FOLDERS
                    or entry.is_symlink()
                    or (exclude and is_excluded(relative(Path(entry.path), root), exclude))
                ):
                    below.append(entry.path)
            elif name in CATALOG_NAMES:
                path = Path(entry.path)
                if not is_excluded(relative(path, root), exclude):
                    yield path
        folders += reversed(below)


def named_only(root: Path) -> list[Path]:
    """Traces and pydeps files are always named in the config."""
    return []


def _is_file(path: Path) -> bool:
    """A file compose would open: a regular file, or a pipe or device (set aside later)."""
    return path.exists() and not path.is_dir()


def discover(name: str, root: Path) -> tuple[list[Path], list[Diagnostic]]:
    """The files of format `name` under root, and a diagnostic for each one found that
    is not read: a link out of the project or a file that is not a regular file."""
    paths: list[Path] = []
    skipped: list[Diagnostic] = []
    for path in finder(name)(root):
        if (unread := left_out(path, root)) is None:
            paths.append(path)
        else:
            skipped.append(unread)
    return paths, skipped


def finder(name: str) -> Callable[[Path], list[Path]]:
    """The function of this module that finds format `name`'s files (`SOURCES`)."""
    found: Callable[[Path], list[Path]] = globals()[SOURCES[name].find]
    return found
