"""Finding input files: sorted, excluded paths never read, symlink loops survived, and
links that lead out of the project never followed."""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path

from depguard.fsutil import is_inside, kind_of
from depguard.model import Diagnostic

# The folders listed so far in this run (None: outside a run, nothing is kept).
_listed: dict[str, list[os.DirEntry[str]]] | None = None


@contextmanager
def one_listing_per_folder() -> Iterator[None]:
    """Within the block, a folder is listed once however many sources walk it: a run
    with no config looks for catalog files in the tree that holds the Python modules."""
    global _listed
    _listed = {}
    try:
        yield
    finally:
        _listed = None


def listing(folder: str) -> list[os.DirEntry[str]]:
    """A folder's entries sorted by name; OSError if it cannot be listed. `folder` is an
    absolute, normalised path, so that every walker asks for it by the same name."""
    if _listed is not None and (known := _listed.get(folder)) is not None:
        return known
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=attrgetter("name"))
    if _listed is not None:
        _listed[folder] = entries
    return entries


def is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder, or a link to one; a link loop is not (it is reported when read)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def relative(path: Path, root: Path) -> str:
    """A path as shown in evidence: relative to the project root, with forward slashes
    (`../x` outside it). Links are not resolved first, so a link loop still has a name."""
    here = Path(os.path.normpath(path.absolute()))
    try:
        return here.relative_to(Path(os.path.normpath(root.absolute()))).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, RuntimeError, OSError):
        pass
    # outside the root (a folder the command line allowed): `../x`, never the absolute
    # path, which would show the build machine's layout in every report
    return Path(os.path.relpath(here, os.path.normpath(root.absolute()))).as_posix()


def outside_link(path: Path | str, root: Path) -> Diagnostic | None:
    """A link found while walking that leads out of the project root is not followed: a
    stranger's repository could otherwise put any file of the build machine in a report.
    Only the command line can widen what is read (`--allow-read`)."""
    if not os.path.islink(path):
        return None
    target = os.path.realpath(path)
    if is_inside(target, [os.path.realpath(root)]):
        return None
    return Diagnostic(
        relative(Path(path), root),
        0,
        f"a link to {target}, outside the project root: not followed "
        "(exclude the link, or name its target as a source and allow it with --allow-read)",
    )


def special_file(path: Path | str, root: Path) -> Diagnostic | None:
    """A file found while walking that is not a regular file is not read: opening a named
    pipe waits for a writer forever, and a device may never end."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # a link loop, a dangling link: reading it says why
    return not_regular(relative(Path(path), root), mode)


def left_out(path: Path, root: Path) -> Diagnostic | None:
    """Why a file met while walking a folder is not read (a link out of the project, a
    pipe or a device), or None to read it."""
    return outside_link(path, root) or special_file(path, root)


def not_regular(shown: str, mode: int) -> Diagnostic | None:
    """The diagnostic for a file of this mode that is neither a regular file nor a folder."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return Diagnostic(shown, 0, f"{kind_of(mode)}, not a regular file: not read")


def is_excluded(shown: str, exclude: Iterable[str]) -> bool:
    return any(
        fnmatch.fnmatchcase(shown, pattern) or fnmatch.fnmatchcase(shown + "/", pattern)
        for pattern in exclude
    )


def walk(
    paths: Iterable[Path],
    root: Path,
    suffixes: tuple[str, ...],
    exclude: Iterable[str] = (),
    skipped: list[Diagnostic] | None = None,
) -> list[Path]:
    """Files under `paths` whose names end in `suffixes`, in a stable order.

    A folder is walked without following symbolic links to folders, so a link loop can
    neither hang nor repeat the scan; a link to a file outside the root, and a file that
    is not a regular file (a named pipe), are left out and reported in `skipped`.
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
                    if (unread := left_out(candidate, root)) is None:
                        found.add(candidate)
                    elif skipped is not None:
                        skipped.append(unread)
    return sorted(found, key=lambda p: relative(p, root))
