"""The `ast` reference of `ast_imports.py`, computed by a Python 3.12+ interpreter.

PEP 701 f-strings need a 3.12+ `ast`; the suite may run on an older Python. Imported,
this module finds such an interpreter (`newer_python`) and asks it for the entries of
many sources at once (`newer_entries`): starting an interpreter costs more than parsing
a file. Run as a script by that interpreter, it reads a JSON list of source texts or
`{"path": ...}` objects on stdin and prints, for each, the `from_ast` entries or null
where that `ast` reports a syntax error.
"""

from __future__ import annotations

import ast
import functools
import glob
import json
import os
import shutil
import subprocess
import sys
import warnings

from ast_imports import Entry, from_ast

Item = str | dict[str, str]  # a source text, or {"path": file to read}


@functools.cache
def newer_pythons() -> dict[str, str]:
    """Python 3.12+ interpreters by version ("3.13"), newest first: python3.X on PATH,
    else pyenv's. A candidate counts only if it runs (a pyenv shim on PATH may name a
    version that it does not enable)."""
    candidates = [shutil.which(f"python3.{minor}") for minor in range(19, 11, -1)]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python")))
    found: dict[str, str] = {}
    for python in filter(None, candidates):
        version = _version(python)
        if version is not None:
            found.setdefault(version, python)
    return {version: found[version] for version in sorted(found, key=_key, reverse=True)}


def newer_python() -> str | None:
    """The newest of `newer_pythons`, if any."""
    return next(iter(newer_pythons().values()), None)


def _version(python: str) -> str | None:
    """The version ("3.12") of a Python 3.12+ interpreter that runs, else None."""
    code = "import sys; v = sys.version_info; print(f'{v[0]}.{v[1]}' if v >= (3, 12) else '')"
    try:
        done = subprocess.run(
            [python, "-c", code], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = done.stdout.strip()
    return version if done.returncode == 0 and version else None


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def newer_entries(python: str, items: list[Item]) -> list[list[Entry] | None]:
    """The entries of each item by `python`'s `ast` (None: a syntax error there)."""
    done = subprocess.run(
        [python, __file__],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    found: list[list[Entry] | None] = []
    for entries in json.loads(done.stdout):
        if entries is None:
            found.append(None)
        else:  # JSON turned the tuples into lists
            found.append([(a, b, tuple(c), d, e, f) for a, b, c, d, e, f in entries])
    return found


def _entries(source: str | bytes) -> list[Entry] | None:
    try:
        with warnings.catch_warnings():  # invalid escapes and the like
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    return from_ast(tree)


def _main() -> None:
    found: list[list[Entry] | None] = []
    for item in json.load(sys.stdin):
        if isinstance(item, dict):
            with open(item["path"], "rb") as file:
                found.append(_entries(file.read()))
        else:
            found.append(_entries(item))
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    _main()
