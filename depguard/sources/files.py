"""Finding input files: sorted, excluded paths never read, symlink loops survived."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from pathlib import Path


def relative(path: Path, root: Path) -> str:
    """A path as shown in evidence: relative to the project root, with forward slashes.

    Links are not resolved first, so a link loop still has a name to report.
    """
    here = Path(os.path.normpath(path.absolute()))
    try:
        return here.relative_to(Path(os.path.normpath(root.absolute()))).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, RuntimeError, OSError):
        return path.as_posix()


def is_excluded(shown: str, exclude: Iterable[str]) -> bool:
    return any(
        fnmatch.fnmatchcase(shown, pattern) or fnmatch.fnmatchcase(shown + "/", pattern)
        for pattern in exclude
    )


def walk(
    paths: Iterable[Path], root: Path, suffixes: tuple[str, ...], exclude: Iterable[str] = ()
) -> list[Path]:
    """Files under `paths` whose names end in `suffixes`, in a stable order.

    A folder is walked without following symbolic links to folders, so a link loop can
    neither hang nor repeat the scan.
    """
    exclude = tuple(exclude)
    found: set[Path] = set()
    for path in paths:
        if is_excluded(relative(path, root), exclude):
            continue
        if path.is_file():
            found.add(path)
            continue
        for folder, dirs, names in os.walk(path):
            here = Path(folder)
            dirs[:] = sorted(
                d
                for d in dirs
                if not d.startswith(".") and not is_excluded(relative(here / d, root), exclude)
            )
            for name in names:
                candidate = here / name
                if name.endswith(suffixes) and not is_excluded(relative(candidate, root), exclude):
                    found.add(candidate)
    return sorted(found, key=lambda p: relative(p, root))
