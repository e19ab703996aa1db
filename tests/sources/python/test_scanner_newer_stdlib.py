"""The scanner agrees with the `ast` of Python 3.12+ on that Python's standard library.

Those files use PEP 701 f-strings (a field holding a string of the f-string's own quote,
as in `f'{', '.join(x)}'`), which the running interpreter may not parse. For each 3.12+
interpreter found (`tests/newer_ast.py`), its standard library is checked: every file
whose scan rewrites f-strings, and every `STRIDE`-th of the others in sorted path order,
a deterministic sample that keeps the test to a few seconds (`ast` in a subprocess is
the slow side; a full run of 3.12 and 3.13 agreed on all 3,453 parsed files).
"""

from __future__ import annotations

import contextlib
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from ast_imports import Entry
from newer_ast import newer_entries, newer_pythons

from depguard.sources.python import fstrings, scanner
from depguard.sources.python.scanner import ScanError, scan

STRIDE = 8


def from_scanner(data: bytes) -> list[Entry]:
    return [(s.line, s.module, s.names, s.level, s.typing_only, s.deferred) for s in scan(data)]


def stdlib_of(python: str) -> Path:
    code = "import sysconfig; print(sysconfig.get_paths()['stdlib'])"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return Path(done.stdout.strip())


def rewritten(data: bytes) -> bool:
    """Whether the scan of `data` goes the exact way (f-strings neutralized)."""
    calls: list[str] = []

    def spy(text: str) -> str:
        calls.append(text)
        return fstrings.neutralize(text)

    with pytest.MonkeyPatch.context() as patch, contextlib.suppress(ScanError):
        patch.setattr(scanner, "neutralize", spy)
        scan(data)
    return bool(calls)


@pytest.mark.skipif(not newer_pythons(), reason="no Python 3.12+ interpreter found")
@pytest.mark.parametrize("version", list(newer_pythons()))
def test_scanner_agrees_with_a_newer_ast_on_its_standard_library(version: str) -> None:
    python = newer_pythons()[version]
    root = stdlib_of(python)
    paths = sorted(
        path
        for path in root.rglob("*.py")
        if path.is_file() and not {"site-packages", "dist-packages"} & set(path.parts)
    )
    datas = [path.read_bytes() for path in paths]
    exact_way = [rewritten(data) for data in datas]
    chosen = [i for i in range(len(datas)) if i % STRIDE == 0 or exact_way[i]]
    references = newer_entries(python, [{"path": str(paths[i])} for i in chosen])
    checked = exact = 0
    mismatches: list[str] = []
    for i, expected in zip(chosen, references, strict=True):
        if expected is None:
            continue  # not valid for that interpreter: nothing to compare with
        checked += 1
        exact += exact_way[i]
        try:
            got = from_scanner(datas[i])
        except ScanError as exc:
            mismatches.append(f"{paths[i]}: ScanError line {exc.line}: {exc.message}")
            continue
        if Counter(got) != Counter(expected):
            missing, extra = Counter(expected) - Counter(got), Counter(got) - Counter(expected)
            mismatches.append(f"{paths[i]}: missing {sorted(missing)}, extra {sorted(extra)}")
    assert checked > 150, f"only {checked} files checked in {root}"
    assert exact > 0, "no file of a 3.12+ standard library took the exact path"
    assert not mismatches, "\n".join(mismatches)
