"""Which modules a Python project has: packages under roots, without importing anything.

Paths are handled as strings: on a tree of thousands of files, pathlib objects cost more
than the scan itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from depguard.sources.files import is_excluded


@dataclass(frozen=True)
class Module:
    name: str  # dotted name, e.g. "pkg.sub.mod"
    path: str  # the file (or, for a namespace package, the folder)
    shown: str  # the path relative to the project root, as evidence shows it
    is_package: bool  # an __init__.py (or, for namespace packages, a folder)
    is_folder: bool = False


def find_packages(root: Path) -> list[str]:
    """Top-level packages directly under a root folder, sorted."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return []
    return [
        e.name
        for e in entries
        if e.is_dir(follow_symlinks=False)
        and e.name.isidentifier()
        and os.path.isfile(os.path.join(e.path, "__init__.py"))
    ]


def _shower(project_root: Path) -> tuple[str, int]:
    prefix = os.path.normpath(project_root.absolute()) + os.sep
    return prefix, len(prefix)


def find_modules(
    root: Path,
    package: str,
    project_root: Path,
    exclude: tuple[str, ...],
    namespace: bool = False,
) -> list[Module]:
    """Every module of `package` under `root`.

    As grimp does, a sub-folder without `__init__.py` is not part of the package unless
    namespace packages are asked for, and file names that are not identifiers (a
    migration's `0001_initial.py`) still count; links to folders are not followed, so a
    link loop can neither hang nor repeat the scan.
    """
    prefix, cut = _shower(project_root)

    def shown(path: str) -> str:
        return path[cut:].replace(os.sep, "/") if path.startswith(prefix) else path

    top = os.path.normpath(os.path.join(root.absolute(), package))
    if not os.path.isdir(top):
        single = top + ".py"
        return [Module(package, single, shown(single), False)] if os.path.isfile(single) else []
    modules: list[Module] = []
    for folder, dirs, files in os.walk(top):
        if not namespace and "__init__.py" not in files:
            dirs[:] = []
            continue
        relative = folder[len(top) + 1 :]
        dotted = package + ("." + relative.replace(os.sep, ".") if relative else "")
        dirs[:] = sorted(
            d
            for d in dirs
            if not os.path.islink(os.path.join(folder, d))
            and not (exclude and is_excluded(shown(os.path.join(folder, d)), exclude))
        )
        if "__init__.py" in files:
            init = os.path.join(folder, "__init__.py")
            modules.append(Module(dotted, init, shown(init), True))
        elif namespace:
            modules.append(Module(dotted, folder, shown(folder), True, is_folder=True))
        for name in sorted(files):
            if name.endswith(".py") and name != "__init__.py" and "." not in name[:-3]:
                path = os.path.join(folder, name)
                display = shown(path)
                if not (exclude and is_excluded(display, exclude)):
                    modules.append(Module(f"{dotted}.{name[:-3]}", path, display, False))
    return modules
