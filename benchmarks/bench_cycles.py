"""Benchmark: cycle witnesses on one large strongly connected service graph.

What it measures, on a synthetic graph of N services (a ring through every node, so
the whole graph is one strongly connected component, plus random chords from
`random.Random(42)` for an average out-degree of 5), median of 5 repeats:

1. building the DependencyGraph (Edge objects and `add_edge`; the random pairs are drawn
   beforehand and not timed);
2. `find_cycles(graph, "service", CycleOptions(), rank={})`: its time, the witnesses it
   returns and their lengths, and its peak memory (tracemalloc, a separate untimed run);
3. what users would otherwise reach for: `nx.simple_cycles`, given a fixed time budget,
   and `nx.find_cycle` (one cycle, no evidence).

Why: depguard reports each strongly connected component once, with a few *shortest*
cycles through its cyclic edges (one BFS per edge head, capped at
`witnesses_per_component`), and never enumerates all elementary cycles, whose number is
exponential. `simple_cycles` shows what that enumeration would mean: it never finishes
on such a graph. Run on demand, not part of the test suite; nothing here is asserted on
time. Rerun with `.venv/bin/python benchmarks/bench_cycles.py --write`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import TypeVar

import networkx as nx
from results import RESULTS, write_section

from depguard.analysis.cycles import find_cycles
from depguard.config import CycleOptions
from depguard.graph import DependencyGraph
from depguard.model import Edge, Evidence, Finding, Node

SIZES = ((2_000, 5), (20_000, 5))  # (nodes, average out-degree)
REPEATS = 5
SIMPLE_CYCLES_BUDGET = 10.0  # seconds
HEADING = "## Cycle witnesses on a 2,000-node strongly connected graph"
COMMAND = ".venv/bin/python benchmarks/bench_cycles.py --write"
T = TypeVar("T")


def edge_pairs(n: int, degree: int, seed: int = 42) -> list[tuple[int, int]]:
    """A ring through all n nodes plus distinct random chords (no self-loops): n*degree edges."""
    rng = random.Random(seed)
    pairs = {(i, (i + 1) % n) for i in range(n)}
    ring = sorted(pairs, key=lambda p: p[0])
    chords: list[tuple[int, int]] = []
    while len(pairs) < n * degree:
        u, v = rng.randrange(n), rng.randrange(n)
        if u != v and (u, v) not in pairs:
            pairs.add((u, v))
            chords.append((u, v))
    return ring + chords


def build(n: int, pairs: list[tuple[int, int]]) -> DependencyGraph:
    graph = DependencyGraph()
    for i in range(n):
        graph.add_node(Node(id=f"service:s{i}", kind="service", name=f"s{i}"))
    for line, (u, v) in enumerate(pairs, start=1):
        graph.add_edge(
            Edge(
                f"service:s{u}",
                f"service:s{v}",
                evidence=[Evidence("services.yaml", line, "x", "services")],
            ),
            "service",
        )
    return graph


def timed(fn: Callable[[], T], repeats: int = REPEATS) -> tuple[float, T]:
    """Median seconds over `repeats` calls, and the last result."""
    times: list[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_memory(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def count_simple_cycles(digraph: nx.DiGraph, budget: float) -> tuple[int, float]:
    """Elementary cycles `nx.simple_cycles` yields within `budget` seconds, and the time used."""
    start = time.perf_counter()
    deadline = start + budget
    count = 0
    for _ in nx.simple_cycles(digraph):
        count += 1
        if time.perf_counter() >= deadline:
            break
    return count, time.perf_counter() - start


def measure(n: int, degree: int) -> dict[str, str]:
    pairs = edge_pairs(n, degree)
    build_s, graph = timed(lambda: build(n, pairs))
    digraph = nx.DiGraph(pairs)  # the same edges, as networkx users would hold them
    options = CycleOptions()

    def run() -> list[Finding]:
        return find_cycles(graph, "service", options, rank={})

    cycles_s, findings = timed(run)
    witnesses = [w for f in findings for w in f.witnesses]
    if any(len(f.witnesses) > options.witnesses_per_component for f in findings):
        raise SystemExit(f"more than {options.witnesses_per_component} witnesses per component")
    peak = peak_memory(run)
    find_cycle_s, _ = timed(lambda: nx.find_cycle(digraph))
    simple, simple_s = count_simple_cycles(digraph, SIMPLE_CYCLES_BUDGET)
    lengths = sorted(len(w) for w in witnesses)
    return {
        "nodes": f"{digraph.number_of_nodes():,}",
        "edges": f"{digraph.number_of_edges():,}",
        "build": f"{build_s:.3f} s",
        "find_cycles": f"{cycles_s:.3f} s",
        "findings": str(len(findings)),
        "witnesses": str(len(witnesses)),
        "witness lengths": ", ".join(map(str, lengths)) or "-",
        "find_cycles peak": f"{peak / 2**20:.1f} MiB",
        "nx.find_cycle": f"{find_cycle_s * 1000:.2f} ms",
        "nx.simple_cycles": f"{simple:,} cycles in {simple_s:.1f} s, unfinished",
    }


def table(rows: list[dict[str, str]]) -> str:
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(row[k] for k in keys) + " |" for row in rows]
    return "\n".join(lines)


def nproc() -> int:
    """What `nproc` prints: the CPUs this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def section(body: str) -> str:
    today = datetime.date.today().isoformat()
    return (
        f"{HEADING}\n\n"
        f"Measured {today}, nproc {nproc()}, "
        f"Python {platform.python_version()}, networkx {nx.__version__}. "
        f"Median of {REPEATS} repeats; `nx.simple_cycles` is stopped after "
        f"{SIMPLE_CYCLES_BUDGET:.0f} s. Each graph is a ring through every node plus "
        f"random chords (seed 42), so it is one strongly connected component; the second "
        f"row is the 20,000-node variant. Witnesses are shortest cycles through cyclic "
        f"edges, capped at `witnesses_per_component` (10); lengths are in hops.\n\n"
        f"{body}\n\nRerun: `{COMMAND}`\n"
    )


def write(text: str) -> None:
    write_section(HEADING, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS.name}")
    args = parser.parse_args()
    body = table([measure(n, degree) for n, degree in SIZES])
    print(body)
    if args.write:
        write(section(body))
        print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
