"""The scan cache, and bad Python input: diagnostics, never tracebacks or hangs."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import deadline

from depguard.model import Diagnostic, Node
from depguard.sources.python import cache as scan_cache
from depguard.sources.python import scanner, source
from depguard.sources.python.source import Options, collect

Write = Callable[[str, str], Path]


def cache_files(root: Path) -> list[Path]:
    """The per-file import cache of the tree at `root`, in the user's cache folder (the
    per-file edge cache is `edges-*.json`)."""
    return [p for p in [source._cache_file(root, "python")] if p.exists()]


def edge_caches(root: Path) -> list[Path]:
    return [p for p in [source._cache_file(root, "edges")] if p.exists()]


def written_in(root: Path) -> list[str]:
    """Every file under `root` that a test did not write: the cache must leave none."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if "cache" in p.name)


def test_a_warm_run_over_an_unchanged_tree_scans_nothing(
    tmp_path: Path, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("pkg/__init__.py", "from pkg import a\n")
    write("pkg/a.py", "import pkg.b\n")
    write("pkg/b.py", "")
    cold = collect([tmp_path], tmp_path, (), Options())
    assert len(cache_files(tmp_path)) == 1
    assert written_in(tmp_path) == []  # kept in the user's cache folder, not the tree

    def no_scan(data: bytes) -> list[object]:
        raise AssertionError("scanned on a warm run")

    monkeypatch.setattr(scanner, "scan", no_scan)
    warm = collect([tmp_path], tmp_path, (), Options())
    assert [(e.source, e.target, e.evidence) for e in warm.edges] == [
        (e.source, e.target, e.evidence) for e in cold.edges
    ]


def test_a_touched_but_unchanged_file_is_not_rescanned(
    tmp_path: Path, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write("pkg/__init__.py", "import pkg.a\n")
    write("pkg/a.py", "")
    collect([tmp_path], tmp_path, (), Options())
    os.utime(path, ns=(1, 1))
    monkeypatch.setattr(
        scanner, "scan", lambda data: (_ for _ in ()).throw(AssertionError("rescanned"))
    )
    assert len(collect([tmp_path], tmp_path, (), Options()).edges) == 1


def test_a_changed_file_is_rescanned(tmp_path: Path, write: Write) -> None:
    write("pkg/__init__.py", "")
    write("pkg/b.py", "")
    write("pkg/a.py", "")
    assert collect([tmp_path], tmp_path, (), Options()).edges == []
    write("pkg/a.py", "import pkg.b\n")
    assert len(collect([tmp_path], tmp_path, (), Options()).edges) == 1


@pytest.mark.parametrize(
    "garbage",
    [
        "{not json",
        '{"key": "other", "files": {}}',
        "[]",
        '{"key": "1:1", "files": {"pkg/__init__.py": [1]}}',
        '{"key": ' + "[" * 200_000,  # deeper than json can decode
    ],
)
def test_a_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path, write: Write, garbage: str) -> None:
    write("pkg/__init__.py", "import pkg.a\n")
    write("pkg/a.py", "")
    collect([tmp_path], tmp_path, (), Options())
    [cache] = cache_files(tmp_path)
    [edges] = edge_caches(tmp_path)
    cache.write_text(garbage)
    edges.write_text(garbage)
    assert len(collect([tmp_path], tmp_path, (), Options()).edges) == 1
    assert json.loads(cache.read_text())["files"]
    assert json.loads(edges.read_text())["files"]


def test_no_cache_writes_nothing(tmp_path: Path, write: Write) -> None:
    write("pkg/__init__.py", "")
    collect([tmp_path], tmp_path, (), Options(use_cache=False))
    assert cache_files(tmp_path) == edge_caches(tmp_path) == []


def test_bad_files_are_diagnostics_and_the_rest_is_scanned(tmp_path: Path, write: Write) -> None:
    write("pkg/__init__.py", "import pkg.good\n")
    write("pkg/good.py", "")
    (tmp_path / "pkg" / "nul.py").write_bytes(b"import os\n\x00\x00\n")
    (tmp_path / "pkg" / "latin.py").write_bytes(b"import os\nx = '\xe9'\n")
    big = tmp_path / "pkg" / "big.py"
    big.write_bytes(b"x = 1\n" * (21 * 1024 * 1024 // 6))
    (tmp_path / "pkg" / "loop.py").symlink_to(tmp_path / "pkg" / "loop.py")
    (tmp_path / "pkg" / "sub").mkdir()
    (tmp_path / "pkg" / "sub" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "sub" / "up").symlink_to(tmp_path / "pkg")  # a folder link loop
    fragment = collect([tmp_path], tmp_path, (), Options(use_cache=False))
    messages = {d.file: (d.line, d.message) for d in fragment.diagnostics}
    assert messages["pkg/nul.py"][0] == 2
    assert messages["pkg/latin.py"][0] == 2
    assert "over the" in messages["pkg/big.py"][1]
    assert "pkg/loop.py" in messages
    assert [(e.source, e.target) for e in fragment.edges] == [("module:pkg", "module:pkg.good")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_a_diagnostic(tmp_path: Path, write: Write) -> None:
    write("pkg/__init__.py", "")
    secret = write("pkg/secret.py", "import os\n")
    secret.chmod(0)
    fragment = collect([tmp_path], tmp_path, (), Options(use_cache=False))
    assert [d.file for d in fragment.diagnostics] == ["pkg/secret.py"]


@pytest.mark.parametrize("records", [[[1, 2]], [7], [["x"] * 7]])
def test_a_damaged_record_is_rescanned_not_read_as_no_imports(
    tmp_path: Path, write: Write, records: list[object]
) -> None:
    path = write("pkg/__init__.py", "import pkg.a\n")
    write("pkg/a.py", "")
    collect([tmp_path], tmp_path, (), Options())
    [cache] = cache_files(tmp_path)
    data = json.loads(cache.read_text())
    data["files"]["pkg/__init__.py"][3] = records  # right shape, right digest, bad imports
    cache.write_text(json.dumps(data))
    for edges in edge_caches(tmp_path):
        edges.unlink()  # else the edge cache answers without reading any record
    assert len(collect([tmp_path], tmp_path, (), Options()).edges) == 1
    os.utime(path, ns=(1, 1))  # and when only the time changed, so the digest decides
    cache.write_text(json.dumps(data))
    for edges in edge_caches(tmp_path):
        edges.unlink()
    assert len(collect([tmp_path], tmp_path, (), Options()).edges) == 1


def _many_modules(tmp_path: Path, write: Write) -> int:
    count = source.PARALLEL_FROM + 100
    write("pkg/__init__.py", "")
    for i in range(count):
        text = f"import pkg.m{(i + 1) % count}\nfrom pkg import m{(i * 7) % count}\n" * (i % 5)
        text += "from . import m0\nimport os\n" if i % 3 else "def f():\n    from .m1 import x\n"
        text += f"if TYPE_CHECKING:\n    import pkg.m{(i + 2) % count}\n"
        write(f"pkg/m{i}.py", text)
    (tmp_path / "pkg" / "nul.py").write_bytes(b"import os\n\x00\n")
    return count


def test_the_parallel_scan_finds_what_one_process_finds(tmp_path: Path, write: Write) -> None:
    """Forked copies scan and resolve with the resolver they inherit; whoever scans a
    file, the answer is the same."""
    count = _many_modules(tmp_path, write)

    def run(jobs: int) -> tuple[list[tuple[Any, ...]], list[Node], list[Diagnostic]]:
        options = Options(use_cache=False, jobs=jobs, include_external=True)
        fragment = collect([tmp_path], tmp_path, (), options)
        edges = [
            (e.source, e.target, e.typing_only, e.deferred, e.evidence) for e in fragment.edges
        ]
        return edges, fragment.nodes, fragment.diagnostics

    alone = run(1)
    assert alone == run(2) == run(3)
    edges = alone[0]
    assert len(edges) > count and [d.file for d in alone[2]] == ["pkg/nul.py"]
    assert {e[2] for e in edges} == {True, False} and {e[3] for e in edges} == {True, False}
    assert any(e[1] == "external:os" for e in edges)


def test_a_copy_that_dies_mid_scan_costs_time_not_answers(
    tmp_path: Path, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forked copy killed after its first chunk (out of memory, say): this process
    scans what the copy took, and the answer is whole."""
    _many_modules(tmp_path, write)
    options = Options(use_cache=False, include_external=True)
    alone = _shape(collect([tmp_path], tmp_path, (), replace(options, jobs=1)))
    parent, real = os.getpid(), source._scan_chunk
    chunks: list[int] = []

    def dies_in_the_copy(todo: list[Any]) -> Any:
        if os.getpid() != parent and chunks:
            os.kill(os.getpid(), signal.SIGKILL)
        chunks.append(len(todo))
        return real(todo)

    monkeypatch.setattr(source, "_scan_chunk", dies_in_the_copy)
    with deadline(60):
        assert _shape(collect([tmp_path], tmp_path, (), replace(options, jobs=2))) == alone


# ---------------------------------------------------------------- the per-file edge cache


def _shape(fragment: object) -> object:
    return (
        [(e.source, e.target, e.typing_only, e.deferred, e.evidence) for e in fragment.edges],  # type: ignore[attr-defined]
        fragment.nodes,  # type: ignore[attr-defined]
        fragment.files,  # type: ignore[attr-defined]
    )


def _tree(write: Write) -> None:
    write("pkg/__init__.py", "from pkg import b\nimport os\n")
    write("pkg/a.py", "import pkg.c\nif TYPE_CHECKING:\n    import pkg\n")
    write("pkg/d.py", "def f():\n    import pkg.c\n")
    write("pkg/c.py", "from . import a  # back\n")


def test_an_unchanged_tree_reads_its_edges_back_without_any_import_statement(
    tmp_path: Path, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(write)
    options = Options(include_external=True)
    cold = collect([tmp_path], tmp_path, (), Options(include_external=True, use_cache=False))
    assert _shape(collect([tmp_path], tmp_path, (), options)) == _shape(cold)
    assert len(edge_caches(tmp_path)) == 1

    def never(*_: object) -> object:
        raise AssertionError("a statement was read back or scanned")

    monkeypatch.setattr(scanner, "scan", never)
    monkeypatch.setattr(scan_cache, "decode", never)
    assert _shape(collect([tmp_path], tmp_path, (), options)) == _shape(cold)


def test_a_new_module_changes_edges_of_files_that_did_not_change(
    tmp_path: Path, write: Write
) -> None:
    _tree(write)
    before = collect([tmp_path], tmp_path, (), Options())
    assert ("module:pkg", "module:pkg.b") not in [(e.source, e.target) for e in before.edges]
    write("pkg/b.py", "")  # `from pkg import b` in pkg/__init__.py now names a module
    after = collect([tmp_path], tmp_path, (), Options())
    assert ("module:pkg", "module:pkg.b") in [(e.source, e.target) for e in after.edges]
    assert _shape(after) == _shape(collect([tmp_path], tmp_path, (), Options(use_cache=False)))


def test_options_that_change_resolution_do_not_share_cached_edges(
    tmp_path: Path, write: Write
) -> None:
    _tree(write)
    internal = collect([tmp_path], tmp_path, (), Options())
    external = collect([tmp_path], tmp_path, (), Options(include_external=True))
    assert "external:os" not in [e.target for e in internal.edges]
    assert "external:os" in [e.target for e in external.edges]


def _columns(damage: Callable[[dict[str, Any]], object]) -> Callable[[Any], object]:
    return lambda data: damage(data["files"])


def _swap(column: str, value: object) -> Callable[[Any], object]:
    return _columns(lambda c: c[column].__setitem__(0, value))


def _shift(column: str, by: int) -> Callable[[Any], object]:
    """Move one item from the first to the second entry of a count column: the total,
    and so every column's length, stays right."""

    def shift(c: dict[str, list[Any]]) -> None:
        c[column][0] -= by
        c[column][1] += by

    return _columns(shift)


@pytest.mark.parametrize(
    "damage",
    [
        # columns missing, extra, or not lists
        _columns(lambda c: c.pop("texts")),
        _columns(lambda c: c.__setitem__("extra", [])),
        _columns(lambda c: c.__setitem__("lines", {})),
        # a value of the wrong type in each kind of column (a bool is not an int)
        *(
            _swap(column, bad)
            for column, bad in [
                ("modules", 7),
                ("sizes", "28"),
                ("mtimes", True),
                ("digests", None),
                ("counts", 1.0),
                ("targets", ["module:pkg"]),
                ("flags", False),
                ("spans", "1"),
                ("lines", "1"),
                ("texts", 1),
            ]
        ),
        # lengths that do not add up
        _columns(lambda c: c["sizes"].pop()),
        _columns(lambda c: c["flags"].pop()),
        _columns(lambda c: c["texts"].pop()),
        _columns(lambda c: c["counts"].__setitem__(-1, c["counts"][-1] + 1)),
        _columns(lambda c: c["spans"].__setitem__(-1, c["spans"][-1] + 1)),
        # right lengths, impossible values
        _shift("counts", 2),  # a negative count
        _shift("spans", 1),  # an edge without an import line
        _swap("flags", 4),
        _swap("targets", "somewhere:else"),
        _columns(lambda c: c["modules"].reverse()),  # out of order
        _columns(lambda c: c["modules"].__setitem__(1, c["modules"][0])),  # twice
        # not a table at all
        lambda data: data.__setitem__("files", [1]),
        lambda data: data.pop("files"),
    ],
)
def test_a_damaged_edge_cache_is_ignored_and_rewritten(
    tmp_path: Path, write: Write, damage: Callable[[dict[str, Any]], object]
) -> None:
    _tree(write)
    good = _shape(collect([tmp_path], tmp_path, (), Options()))
    [edges] = edge_caches(tmp_path)
    data = json.loads(edges.read_text())
    damage(data)
    edges.write_text(json.dumps(data))
    assert _shape(collect([tmp_path], tmp_path, (), Options())) == good
    # rewritten whole (compared as JSON text: 1.0 == 1 and False == 0 in Python)
    assert json.dumps(json.loads(edges.read_text())) != json.dumps(data)
    assert _shape(collect([tmp_path], tmp_path, (), Options())) == good


def test_an_input_problem_is_reported_on_every_run_and_never_cached(
    tmp_path: Path, write: Write
) -> None:
    _tree(write)
    (tmp_path / "pkg" / "nul.py").write_bytes(b"import os\n\x00\n")
    for _ in range(2):  # the problem is reported on every run, never hidden by a cache
        fragment = collect([tmp_path], tmp_path, (), Options())
        assert [d.file for d in fragment.diagnostics] == ["pkg/nul.py"]
    [edges] = edge_caches(tmp_path)
    cached = json.loads(edges.read_text())["files"]["modules"]
    assert "pkg.a" in cached and "pkg.nul" not in cached


def test_the_edge_cache_is_kept_even_when_no_file_could_be_scanned(
    tmp_path: Path, write: Write
) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_bytes(b"import os\x00\n")
    assert collect([tmp_path], tmp_path, (), Options()).diagnostics
    assert edge_caches(tmp_path)
    assert written_in(tmp_path) == []


def test_editing_one_file_scans_and_resolves_that_file_only(
    tmp_path: Path, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(write)
    collect([tmp_path], tmp_path, (), Options(jobs=1))
    resolved: list[str] = []
    real = source._module_edges

    def counted(name: str, *args: Any) -> Any:
        resolved.append(name)
        return real(name, *args)

    monkeypatch.setattr(source, "_module_edges", counted)
    write("pkg/d.py", "def f():\n    import pkg.c\nimport pkg.a\n")
    fragment = collect([tmp_path], tmp_path, (), Options(jobs=1))
    assert resolved == ["pkg.d"]
    assert _shape(fragment) == _shape(collect([tmp_path], tmp_path, (), Options(use_cache=False)))
    resolved.clear()
    assert _shape(collect([tmp_path], tmp_path, (), Options(jobs=1))) == _shape(fragment)
    assert resolved == []  # and then nothing at all


def test_edges_cached_by_other_scanner_code_are_not_reused(
    tmp_path: Path, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(write)
    collect([tmp_path], tmp_path, (), Options())
    resolved: list[str] = []
    real = source._module_edges

    def counted(*args: Any) -> Any:
        resolved.append("again")
        return real(*args)

    monkeypatch.setattr(source, "_module_edges", counted)
    collect([tmp_path], tmp_path, (), Options())
    assert resolved == []  # same code: read back
    monkeypatch.setattr(source, "_code", lambda: b"a newer scanner")
    collect([tmp_path], tmp_path, (), Options())
    assert len(resolved) == 4  # every module again


def test_every_mix_of_kept_edited_and_touched_files_gives_the_cold_answer(
    tmp_path: Path, write: Write
) -> None:
    """The edge cache splices cached modules with rescanned ones by offsets: an edit or a
    touch anywhere in name order, of a module with several edges and several lines per
    edge, must give what a run without a cache gives."""
    _tree(write)
    write("pkg/b.py", "import pkg.c\nimport pkg.c as again\nif TYPE_CHECKING:\n    import pkg.d\n")
    paths = sorted((tmp_path / "pkg").glob("*.py"))
    collect([tmp_path], tmp_path, (), Options(jobs=1))
    for step, path in enumerate(paths * 2):
        if step % 2:
            os.utime(path, ns=(step, step))  # touched, content unchanged
        else:
            path.write_text(path.read_text() + f"import pkg.a  # {step}\n")
        warm = collect([tmp_path], tmp_path, (), Options(jobs=1))
        assert _shape(warm) == _shape(collect([tmp_path], tmp_path, (), Options(use_cache=False)))
        assert _shape(collect([tmp_path], tmp_path, (), Options(jobs=1))) == _shape(warm)


def test_with_other_threads_running_one_process_scans(
    tmp_path: Path, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program that runs depguard beside threads of its own: forking then could copy a
    lock another thread holds, so the scan stays in this process."""
    _many_modules(tmp_path, write)
    options = Options(use_cache=False, jobs=2)
    forked = _shape(collect([tmp_path], tmp_path, (), options))

    def no_fork() -> int:
        raise AssertionError("forked beside another thread")

    monkeypatch.setattr(os, "fork", no_fork)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _shape(collect([tmp_path], tmp_path, (), options)) == forked
    finally:
        stop.set()
        other.join()
