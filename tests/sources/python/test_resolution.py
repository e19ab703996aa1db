"""Module resolution on hand-made packages, with grimp's edge convention."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from depguard.sources import discovery
from depguard.sources.python.source import Options, collect

Write = Callable[[str, str], Path]


def edges(root: Path, paths: list[Path] | None = None, **options: object) -> set[tuple[str, str]]:
    fragment = collect(paths or [root], root, (), Options(use_cache=False, **options))  # type: ignore[arg-type]
    assert fragment.diagnostics == [], fragment.diagnostics
    return {(e.source.split(":", 1)[1], e.target) for e in fragment.edges}


def test_plain_and_dotted_imports(tmp_path: Path, write: Write) -> None:
    write("pkg/__init__.py", "")
    write("pkg/a.py", "import pkg.b\nimport pkg.sub.c as c\nimport os\n")
    write("pkg/b.py", "")
    write("pkg/sub/__init__.py", "")
    write("pkg/sub/c.py", "")
    assert edges(tmp_path) == {("pkg.a", "module:pkg.b"), ("pkg.a", "module:pkg.sub.c")}


def test_from_import_of_a_submodule_versus_a_name(tmp_path: Path, write: Write) -> None:
    write("pkg/__init__.py", "")
    write("pkg/sub/__init__.py", "VALUE = 1\n")
    write("pkg/sub/mod.py", "")
    write("pkg/a.py", "from pkg.sub import mod\nfrom pkg.sub import VALUE\n")
    # `mod` is a module: edge to it; `VALUE` is a name: edge to the package
    assert edges(tmp_path) == {("pkg.a", "module:pkg.sub.mod"), ("pkg.a", "module:pkg.sub")}


def test_relative_imports_in_modules_and_in_package_inits(tmp_path: Path, write: Write) -> None:
    write("pkg/__init__.py", "from . import a\nfrom .sub import deep\n")
    write("pkg/a.py", "from . import b\nfrom .. import nothing\n")
    write("pkg/b.py", "from .sub.deep import f\n")
    write("pkg/sub/__init__.py", "from .. import a\n")
    write("pkg/sub/deep.py", "from ..a import x\nfrom ... import too_far\n")
    assert edges(tmp_path) == {
        ("pkg", "module:pkg.a"),
        ("pkg", "module:pkg.sub.deep"),
        ("pkg.a", "module:pkg.b"),
        ("pkg.b", "module:pkg.sub.deep"),
        ("pkg.sub", "module:pkg.a"),
        ("pkg.sub.deep", "module:pkg.a"),
    }


def test_star_imports_point_at_the_module(tmp_path: Path, write: Write) -> None:
    write("pkg/__init__.py", "")
    write("pkg/a.py", "from pkg.b import *\n")
    write("pkg/b.py", "")
    assert edges(tmp_path) == {("pkg.a", "module:pkg.b")}


def test_externals_are_optional_and_collapsed_to_their_top_level(
    tmp_path: Path, write: Write
) -> None:
    write(
        "pkg/__init__.py", "import yaml\nfrom networkx.algorithms import cycles\nimport os.path\n"
    )
    assert edges(tmp_path) == set()
    assert edges(tmp_path, include_external=True) == {
        ("pkg", "external:yaml"),
        ("pkg", "external:networkx"),
        ("pkg", "external:os"),
    }


def test_several_packages_and_several_roots(tmp_path: Path, write: Write) -> None:
    write("one/alpha/__init__.py", "import beta\n")
    write("two/beta/__init__.py", "import alpha.x\n")
    write("one/alpha/x.py", "")
    assert edges(tmp_path, [tmp_path / "one", tmp_path / "two"]) == {
        ("alpha", "module:beta"),
        ("beta", "module:alpha.x"),
    }


def test_folders_without_init_are_left_out_unless_namespace_packages(
    tmp_path: Path, write: Write
) -> None:
    write("pkg/__init__.py", "import pkg.loose.mod\n")
    write("pkg/loose/mod.py", "")
    assert edges(tmp_path) == set()
    assert edges(tmp_path, namespace_packages=True) == {("pkg", "module:pkg.loose.mod")}


def discover(root: Path) -> list[Path]:
    return discovery.paths("python", root)


def test_src_layout_and_package_discovery(tmp_path: Path, write: Write) -> None:
    write("src/app/__init__.py", "from app import core\n")
    write("src/app/core.py", "")
    write("tests/test_x.py", "import app\n")
    assert discover(tmp_path) == [tmp_path / "src"]
    assert discover(tmp_path / "src" / "app") == [tmp_path / "src" / "app"]
    assert edges(tmp_path, discover(tmp_path)) == {("app", "module:app.core")}


def test_flags_and_evidence(tmp_path: Path, write: Write) -> None:
    write("pkg/__init__.py", "")
    write("pkg/b.py", "")
    write(
        "pkg/a.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.b\n\n"
        "def f():\n    from pkg import b\n",
    )
    fragment = collect([tmp_path], tmp_path, (), Options(use_cache=False))
    # both imports of pkg.b are one edge, carrying both lines; one runs, so it counts
    [edge] = fragment.edges
    assert (edge.typing_only, edge.deferred) == (False, False)
    assert [(e.location(), e.text) for e in edge.evidence] == [
        ("pkg/a.py:3", "import pkg.b"),
        ("pkg/a.py:6", "from pkg import b"),
    ]
    write("pkg/c.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.b\n")
    write("pkg/d.py", "def f():\n    import pkg.b\n")
    found = {e.source: e for e in collect([tmp_path], tmp_path, (), Options(use_cache=False)).edges}
    assert (found["module:pkg.c"].typing_only, found["module:pkg.c"].deferred) == (True, False)
    assert (found["module:pkg.d"].typing_only, found["module:pkg.d"].deferred) == (False, True)


def test_one_statement_is_one_evidence_line_per_module_it_imports(
    tmp_path: Path, write: Write
) -> None:
    write("pkg/__init__.py", "")
    write("pkg/b.py", "X = Y = Z = 1\n")
    write("pkg/sub/__init__.py", "V = 1\n")
    write("pkg/sub/mod.py", "")
    write("pkg/a.py", "from pkg.b import X, Y, Z\nfrom pkg.sub import V, mod, V as W\n")
    fragment = collect([tmp_path], tmp_path, (), Options(use_cache=False))
    found = {e.target: [e.location() for e in e.evidence] for e in fragment.edges}
    # three names of pkg.b are one import of it, not three; a name and a submodule in one
    # statement are two modules imported
    assert found == {
        "module:pkg.b": ["pkg/a.py:1"],
        "module:pkg.sub": ["pkg/a.py:2"],
        "module:pkg.sub.mod": ["pkg/a.py:2"],
    }


def test_excluded_paths_are_not_read(tmp_path: Path, write: Write) -> None:
    write("pkg/__init__.py", "")
    write("pkg/fixtures/__init__.py", "import pkg\n")
    write("pkg/bad.py", "\x00\x00")
    fragment = collect(
        [tmp_path], tmp_path, ("pkg/fixtures", "pkg/bad.py"), Options(use_cache=False)
    )
    assert fragment.diagnostics == []
    assert [n.name for n in fragment.nodes] == ["pkg"]
