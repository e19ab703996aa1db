"""Exactness against grimp: the module import edges of one package, as each tool sees them.

grimp's graph is built in the benchmark venv (`benchmarks/.work/venv`, made by
`bench_python.py`), in a subprocess with the package root on PYTHONPATH, and dumped as
`(importer, imported)` pairs over `g.modules` and `g.find_modules_directly_imported_by`.
depguard's is `depguard graph PKGDIR --level module --format json --no-cache`; only edges
whose two ends are `module:` nodes count (grimp's graph holds no external packages).
The script prints how many edges each side has, how many they share, and the first 30
edges found by only one of them. Importable: `grimp_edges(root, package)` and
`depguard_edges(pkgdir)` return the sets.

Usage: `python benchmarks/compare_grimp.py django` (a corpus unpacked by bench_python.py
under `benchmarks/.work/src/`), or `... PACKAGE --root FOLDER` for any other package.
depguard is the one importable by the running Python (so `.venv/bin/python` compares the
working tree), else the benchmark venv's.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
BIN = WORK / "venv" / "bin"
SHOWN = 30
Edges = set[tuple[str, str]]

GRIMP_DUMP = """
import json, sys, grimp
g = grimp.build_graph(sys.argv[1], cache_dir=None)
print(json.dumps(sorted(
    (importer, imported)
    for importer in g.modules
    for imported in g.find_modules_directly_imported_by(importer)
)))
"""


def grimp_edges(root: Path, package: str) -> Edges:
    """grimp's direct module imports inside `package`, whose folder is in `root`."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [str(BIN / "python"), "-c", GRIMP_DUMP, package],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"grimp failed: {done.stderr.strip()[-2000:]}")
    return {(a, b) for a, b in json.loads(done.stdout)}


def depguard_command() -> list[str]:
    if importlib.util.find_spec("depguard") is not None:
        return [sys.executable, "-m", "depguard"]
    return [str(BIN / "depguard")]


def depguard_edges(pkgdir: Path) -> Edges:
    """depguard's module-to-module edges for the package folder `pkgdir`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "graph.json"
        argv = [*depguard_command(), "graph", str(pkgdir), "--level", "module"]
        argv += ["--format", "json", "--no-cache", "-o", str(out)]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if not out.exists():
            raise RuntimeError(f"depguard failed ({done.returncode}): {done.stderr.strip()}")
        if done.returncode:  # 2 with a graph written: some input problems, on stderr
            print(f"depguard exit {done.returncode}:\n{done.stderr.strip()}", file=sys.stderr)
        graph = json.loads(out.read_text())
    prefix = "module:"
    return {
        (e["source"].removeprefix(prefix), e["target"].removeprefix(prefix))
        for e in graph["edges"]
        if e["source"].startswith(prefix) and e["target"].startswith(prefix)
    }


def show(title: str, edges: Edges) -> None:
    print(f"\n{title}: {len(edges)}")
    for source, target in sorted(edges)[:SHOWN]:
        print(f"  {source} -> {target}")
    if len(edges) > SHOWN:
        print(f"  ... and {len(edges) - SHOWN} more")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("package", help="top-level package name, e.g. django")
    parser.add_argument(
        "--root",
        type=Path,
        help="folder holding the package folder (default: benchmarks/.work/src/PACKAGE)",
    )
    args = parser.parse_args()
    root = (args.root or WORK / "src" / args.package).resolve()
    theirs = grimp_edges(root, args.package)
    ours = depguard_edges(root / args.package)
    print(f"grimp {len(theirs)} edges, depguard {len(ours)} edges, {len(theirs & ours)} shared")
    show("only grimp", theirs - ours)
    show("only depguard", ours - theirs)
    sys.exit(0 if theirs == ours else 1)


if __name__ == "__main__":
    main()
