"""Which modules a Python project has: packages under roots, without importing anything.

Paths are handled as strings: on a tree of thousands of files, pathlib objects cost more
than the scan itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from depguard.sources.files import is_excluded, is_folder, listing


class Module(NamedTuple):
    """A named tuple, not a frozen dataclass: a large tree has thousands, found on every
    run, and a frozen dataclass sets each field through `object.__setattr__`."""

    name: str  # dotted name, e.g. "pkg.sub.mod"
    path: str  # the file (or, for a namespace package, the folder)
    shown: str  # the path relative to the project root, as evidence shows it
    is_package: bool  # an __init__.py (or, for namespace packages, a folder)
    is_folder: bool = False
    link: bool = False  # the file is a symbolic link (the walk never follows folder links)


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
        if not os.path.isfile(single):
            return []
        return [Module(package, single, shown(single), False, link=os.path.islink(single))]
    modules: list[Module] = []
    # scandir (`listing`), not os.walk: each entry says whether it is a link without
    # another stat
    folders = [(top, package)]
    while folders:
        folder, dotted = folders.pop()
        try:
            entries = listing(folder)
        except OSError:
            continue
        init = next((e for e in entries if e.name == "__init__.py"), None)
        if init is not None:
            modules.append(
                Module(dotted, init.path, shown(init.path), True, link=init.is_symlink())
            )
        elif namespace:
            modules.append(Module(dotted, folder, shown(folder), True, is_folder=True))
        else:
            continue  # not part of the package, and neither is anything below it
        below = []
        for entry in entries:
            name = entry.name
            if is_folder(entry):
                if not entry.is_symlink() and not (
                    exclude and is_excluded(shown(entry.path), exclude)
                ):
                    below.append((entry.path, f"{dotted}.{name}"))
            elif name.endswith(".py") and name != "__init__.py" and "." not in name[:-3]:
                display = shown(entry.path)
                if not (exclude and is_excluded(display, exclude)):
                    link = entry.is_symlink()
                    modules.append(
                        Module(f"{dotted}.{name[:-3]}", entry.path, display, False, link=link)
                    )
        folders += reversed(below)  # depth first, in name order, as os.walk went
    return modules


def plan(paths: Iterable[Path], packages: tuple[str, ...] = ()) -> list[tuple[Path, str]]:
    """(root, package) pairs: a path holding `__init__.py` is a package, else a root
    holding `packages` (default: every package found there)."""
    pairs: list[tuple[Path, str]] = []
    for path in paths:
        if (path / "__init__.py").is_file():
            pairs.append((path.parent, path.name))
        elif packages:
            pairs += [
                (path, p) for p in packages if (path / p).exists() or (path / f"{p}.py").exists()
            ]
        else:
            pairs += [(path, p) for p in find_packages(path)]
    return sorted(set(pairs))
