"""The scanner agrees with `ast` on real code, and reads syntax this interpreter cannot.

The corpus is every `.py` file of the running interpreter's standard library (without a
`site-packages` or `dist-packages` folder inside it, which holds third-party code) and
every 2nd file, in sorted path order, of this virtualenv's site-packages: a deterministic
sample that keeps the test near 20 s on 2 cores (`ast.parse` is the slow side). Files
that `ast` cannot parse (Python 2 test data, deliberately broken files) are skipped.
"""

from __future__ import annotations

import ast
import site
import sys
import sysconfig
import warnings
from collections import Counter
from pathlib import Path
from textwrap import dedent

import pytest
from ast_imports import Entry, from_ast

from depguard.sources.python.scanner import ScanError, scan

SITE_PACKAGES_STRIDE = 2


def from_scanner(data: bytes) -> list[Entry]:
    return [(s.line, s.module, s.names, s.level, s.typing_only, s.deferred) for s in scan(data)]


def first_difference(expected: list[Entry], got: list[Entry]) -> str:
    want, have = sorted(expected), sorted(got)
    for index, (a, b) in enumerate(zip(want, have, strict=False)):
        if a != b:
            return f"first difference at #{index}: ast {a} != scanner {b}"
    if len(want) > len(have):
        return f"ast has {len(want) - len(have)} more, the first: {want[len(have)]}"
    return f"scanner has {len(have) - len(want)} more, the first: {have[len(want)]}"


def python_files(root: Path, skip: tuple[str, ...] = ()) -> list[Path]:
    found = [path for path in root.rglob("*.py") if path.is_file()]
    if skip:
        found = [p for p in found if not set(p.relative_to(root).parts) & set(skip)]
    return sorted(found)


def corpus() -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = python_files(stdlib, skip=("site-packages", "dist-packages"))
    venv_site = Path(sysconfig.get_paths()["purelib"])
    if sys.prefix != sys.base_prefix and venv_site.is_dir():
        files += python_files(venv_site)[::SITE_PACKAGES_STRIDE]
    else:  # not in a virtualenv: the user's or the system's site-packages
        for folder in site.getsitepackages():
            if Path(folder).is_dir() and not Path(folder).is_relative_to(stdlib):
                files += python_files(Path(folder))[::SITE_PACKAGES_STRIDE]
    return files


def test_scanner_agrees_with_ast_on_the_stdlib_and_site_packages() -> None:
    checked = imports = 0
    mismatches: list[str] = []
    for path in corpus():
        data = path.read_bytes()
        try:
            with warnings.catch_warnings():  # invalid escapes and the like in old files
                warnings.simplefilter("ignore")
                tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue  # not valid for this interpreter: nothing to compare with
        expected = from_ast(tree)
        try:
            got = from_scanner(data)
        except ScanError as exc:
            mismatches.append(f"{path}: ScanError line {exc.line}: {exc.message}")
            continue
        checked += 1
        imports += len(expected)
        if Counter(expected) != Counter(got):
            mismatches.append(f"{path}: {first_difference(expected, got)}")
    assert checked > 1000, f"only {checked} files checked: is the stdlib there?"
    assert imports > 10000
    assert not mismatches, f"{len(mismatches)} of {checked} files differ:\n" + "\n".join(mismatches)


# Python 3.12+ syntax that `ast` under 3.11 cannot parse; the scanner does not parse.
NEWER_SYNTAX: dict[str, tuple[str, list[Entry]]] = {
    "pep695_generic_function": (
        """\
        from typing import TYPE_CHECKING
        def first[T](items: list[T]) -> T:
            import itertools
            return next(iter(items))
        class Box[T: (int, str)]:
            def get[U](self, other: U) -> T | U:
                from collections import abc
                return other
        if TYPE_CHECKING:
            from decimal import Decimal
        """,
        [
            (1, "typing", ("TYPE_CHECKING",), 0, False, False),
            (3, "itertools", (), 0, False, True),
            (7, "collections", ("abc",), 0, False, True),
            (10, "decimal", ("Decimal",), 0, True, False),
        ],
    ),
    "pep695_type_alias": (
        """\
        type Pair[T] = tuple[T, T]
        type X = int; import os
        import sys
        """,
        [(2, "os", (), 0, False, False), (3, "sys", (), 0, False, False)],
    ),
    "pep701_f_strings": (
        '''\
        import json
        songs = {"k": "v"}
        a = f"{songs["k"]} import not_this"
        b = f"{", ".join(f"{x!r}" for x in songs)}"
        c = f"""{
            songs["k"]
        } from nope import no"""
        def f():
            d = f'{'\\n'.join(["import no"])}'
            import late
        ''',
        [(1, "json", (), 0, False, False), (10, "late", (), 0, False, True)],
    ),
    "match_and_except_star": (
        """\
        try:
            import a
        except* ImportError:
            import b
        match b:
            case {"import": x}:
                from c import d
        """,
        [
            (2, "a", (), 0, False, False),
            (4, "b", (), 0, False, False),
            (7, "c", ("d",), 0, False, False),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(NEWER_SYNTAX))
def test_scanner_reads_syntax_newer_than_the_interpreter(name: str) -> None:
    source, expected = NEWER_SYNTAX[name]
    data = dedent(source).encode()
    if sys.version_info < (3, 12) and name != "match_and_except_star":
        with pytest.raises(SyntaxError):
            ast.parse(data)
    else:  # the interpreter knows this syntax: ast must agree too
        assert sorted(from_ast(ast.parse(data))) == sorted(expected)
    assert from_scanner(data) == expected
