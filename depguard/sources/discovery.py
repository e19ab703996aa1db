"""Where each format's files sit in a project that has no config: names only.

Kept apart from the readers so that a zero-config run imports just the readers whose
files it found (loading all seven cost a tenth of a second on every run).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from depguard.model import Diagnostic
from depguard.sources.files import is_excluded, left_out, relative
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
    base = next((root / n for n in COMPOSE_NAMES if (root / n).is_file()), None)
    if base is None:
        return []
    override = next((root / n for n in COMPOSE_OVERRIDE_NAMES if (root / n).is_file()), None)
    return [base] if override is None else [base, override]


def kubernetes_folders(root: Path) -> list[Path]:
    """The manifest folders of a project: `k8s`, `kubernetes`, `manifests`, `deploy/k8s`."""
    return [root / name for name in KUBERNETES_FOLDERS if (root / name).is_dir()]


def catalog_files(root: Path) -> list[Path]:
    """Every `catalog-info.yaml` / `.yml` under root, hidden folders and node_modules
    skipped, sorted by path; links out of the project are left out here too."""
    return catalog_files_under(root, root, (), [])


def catalog_files_under(
    folder: Path, root: Path, exclude: tuple[str, ...], skipped: list[Diagnostic]
) -> list[Path]:
    found: list[Path] = []
    # a zero-config run walks the whole project: paths stay strings until a catalog file
    # is found, and exclusions are only worked out when there are some
    for here, dirs, names in os.walk(folder):  # links to folders are not followed
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIPPED_FOLDERS
            and not (exclude and is_excluded(relative(Path(here, d), root), exclude))
        ]
        for name in (n for n in CATALOG_NAMES if n in names):
            path = Path(here, name)
            if not is_excluded(relative(path, root), exclude):
                if (unread := left_out(path, root)) is None:
                    found.append(path)
                else:
                    skipped.append(unread)
    return sorted(found, key=lambda p: relative(p, root))


def named_only(root: Path) -> list[Path]:
    """Traces and pydeps files are always named in the config."""
    return []


FINDERS: dict[str, Callable[[Path], list[Path]]] = {
    "services": services_files,
    "python": python_roots,
    "pydeps": named_only,
    "compose": compose_files,
    "kubernetes": kubernetes_folders,
    "backstage": catalog_files,
    "traces": named_only,
}
