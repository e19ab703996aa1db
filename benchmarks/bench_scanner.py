"""Benchmark: depguard's static import scanner versus `ast.parse` plus a walk.

For every `.py` file under a folder (default: the running interpreter's standard library,
without the `site-packages` folder inside it), both sides read the file's bytes from
disk and find its import statements:

* scanner: `depguard.sources.python.scanner.scan(data)`;
* ast: `ast.parse(data)` and an `ast.walk` collecting `Import` / `ImportFrom` nodes.

Files that `ast` cannot parse still count for the scanner (it never needs to parse them)
and are reported. Times are the best of `--repeats` runs for the scanner (the page
cache is warm after the first read) and of `--ast-repeats` runs for ast; a run over the
in-memory bytes (no reading) is reported too. Nothing is asserted; run on demand:

    .venv/bin/python benchmarks/bench_scanner.py [FOLDER] [--repeats 5] [--ast-repeats 1]
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

from depguard.sources.python.scanner import ScanError, scan


def python_files(root: Path, include_site_packages: bool) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        if not include_site_packages:
            dirs[:] = [d for d in dirs if d not in ("site-packages", "dist-packages")]
        dirs.sort()
        found += [Path(folder, name) for name in sorted(files) if name.endswith(".py")]
    return found


def scan_file(data: bytes) -> int:
    try:
        return len(scan(data))
    except ScanError:
        return -1


def ast_file(data: bytes) -> int:
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return -1
    return sum(
        len(node.names) if isinstance(node, ast.Import) else 1
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    )


def best(run: Callable[[], list[int]], repeats: int) -> tuple[float, list[int]]:
    times: list[float] = []
    result: list[int] = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--ast-repeats", type=int, default=1)
    parser.add_argument("--include-site-packages", action="store_true")
    args = parser.parse_args()

    paths = python_files(Path(args.folder), args.include_site_packages)
    blobs = [path.read_bytes() for path in paths]
    size = sum(map(len, blobs)) / 1e6
    print(f"{args.folder}: {len(paths)} files, {size:.1f} MB")
    print(f"Python {platform.python_version()}, nproc {os.cpu_count()}")

    def from_disk(count: Callable[[bytes], int]) -> Callable[[], list[int]]:
        return lambda: [count(path.read_bytes()) for path in paths]

    def in_memory(count: Callable[[bytes], int]) -> Callable[[], list[int]]:
        return lambda: [count(data) for data in blobs]

    rows = [
        ("scanner, reading files", *best(from_disk(scan_file), args.repeats)),
        ("scanner, bytes in memory", *best(in_memory(scan_file), args.repeats)),
    ]
    if args.ast_repeats > 0:  # 0: the scanner only
        rows.append(
            ("ast.parse + walk, reading files", *best(from_disk(ast_file), args.ast_repeats))
        )
    for label, seconds, _ in rows:
        print(
            f"{label:34} {seconds:7.3f} s  {len(paths) / seconds:9.0f} files/s"
            f"  {size / seconds:7.1f} MB/s"
        )
    scanner_time, scanned = rows[0][1], rows[0][2]
    rejected = sum(1 for n in scanned if n < 0)
    print(
        f"imports found by the scanner: {sum(n for n in scanned if n > 0)} ({rejected} files"
        " rejected with ScanError)"
    )
    if len(rows) > 2:
        ast_time, parsed = rows[2][1], rows[2][2]
        print(f"scanner is {ast_time / scanner_time:.1f}x faster than ast.parse + walk")
        unparsable = sum(1 for n in parsed if n < 0)
        print(
            f"imports found by ast: {sum(n for n in parsed if n > 0)} ({unparsable} files"
            " ast cannot parse)"
        )


if __name__ == "__main__":
    main()
