"""Benchmark: the operational analyses on a 100,000-service, 1,000,000-edge graph.

`depguard.analysis.operations` promises that its searches are linear in the graph, so
that "a 100,000-node service graph stays interactive". This script checks that claim on
a synthetic graph of that size, built from `random.Random(7)`:

- 100,000 nodes `service:s{i}` in 5 layers (infra, platform, api, products, console;
  20,000 each), each layer split into 100 domains of 200 services; console services are
  entrypoints. Within a domain and layer, low positions are popular (a target position
  is drawn as `200 * r**2`), as shared services are;
- 1,000,000 distinct edges. All but 300 go downward in the total order (domain, layer,
  position): to a lower layer (80% when there is one) or the same layer, and to the same
  domain (85%) or a lower one (skewed towards domain 0, the shared core), so they alone
  are acyclic. 299 upward edges each close a short loop near the top (from a late api or
  products service to a late service of the layer above, whose reverse edge is added
  too), so few services stand behind them; one more, from the most shared infra service
  of domain 65 to the last console service of domain 99, puts a few thousand services of
  domains 65 to 99 into one strongly connected component, and everything that needs
  them behind it;
- 10% of the edges soft (the big upward edge is kept hard), 2% with a `fallback` (another
  service of the target's layer and domain); one Evidence per edge.

Measured, one run each (time.perf_counter), with the cyclic garbage collector off as
the depguard command runs (`depguard/entry.py`; with it on, each collection walks the
million live edges again and the timings depend on when one happens to fall), and the
tracemalloc peak of a second run of the same call in a forked child (tracemalloc slows
the code it traces, so it is never timed; the fork keeps its bookkeeping out of this
process's max RSS):

1. building the DependencyGraph (Node and Edge objects and `add_node`/`add_edge`; the
   random edge list is drawn beforehand and not timed);
2. `impact` of the infra service with the most direct dependents: how many fail, how
   many only degrade;
3. `start_order`: waves, blocked services, bootstrap cycles; and again with
   `bootstrap_cycles` stubbed out, to separate the Kahn waves from the cycle analysis;
4. `bootstrap_cycles` alone;
5. `cut_edges` on the largest bootstrap component's edges (needed edges inside the
   largest strongly connected component of needed edges), `limit=50`: edges chosen, and
   whether the limit was reached;
6. `shared_fate`, the remaining operation, for completeness;
7. `cut_edges` on a separate tangle (a ring through 2,000 services plus random chords,
   20,000 hard edges in all), where the limit of 50 cuts is reached.

An operation still running after `--budget` seconds (default 60) is stopped (SIGALRM)
and reported as such, then run once more under cProfile for the same budget; the top 15
functions by cumulative time are printed, and the hottest depguard functions go into
RESULTS.md. The process's max RSS (getrusage) is reported at the end. Run on demand, not
part of the test suite; nothing here is asserted on time. A full run takes several
minutes. Rerun with `.venv/bin/python benchmarks/bench_operations.py --write`.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import io
import os
import pickle
import platform
import pstats
import random
import resource
import signal
import subprocess
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from results import RESULTS, write_section

from depguard.analysis import operations
from depguard.analysis.operations import (
    bootstrap_cycles,
    cut_edges,
    impact,
    needed,
    shared_fate,
    start_order,
)
from depguard.graph import DependencyGraph
from depguard.model import Edge, Evidence, Node

SEED = 7
NODES = 100_000
EDGES = 1_000_000
LAYERS = ("infra", "platform", "api", "products", "console")
DOMAINS = 100
PER_LAYER = NODES // len(LAYERS)  # 20,000
PER_DOMAIN = PER_LAYER // DOMAINS  # 200 services per layer and domain
UPWARD = 300
BIG_FROM = 65  # the big upward edge goes from this domain's infra to the last domain
SAME_DOMAIN = 0.85
SAME_LAYER = 0.20
SOFT = 0.10
FALLBACK = 0.02
CUT_LIMIT = 50
TANGLE = (2_000, 20_000)  # a ring plus random chords: a component that needs many cuts
BUDGET = 60.0  # seconds
HEADING = "## Operational analyses on 100,000 services and 1,000,000 edges"
COMMAND = ".venv/bin/python benchmarks/bench_operations.py --write"


# ---------------------------------------------------------------- the synthetic graph


@dataclass
class Spec:
    """The drawn graph, as plain integers: built into a DependencyGraph in `build`."""

    pairs: list[tuple[int, int]] = field(default_factory=list)  # (dependent, dependency)
    soft: list[bool] = field(default_factory=list)
    fallback: list[int | None] = field(default_factory=list)
    upward: int = 0


def index(domain: int, layer: int, position: int) -> int:
    return layer * PER_LAYER + domain * PER_DOMAIN + position


def place(i: int) -> tuple[int, int, int]:
    """(domain, layer, position) of service i."""
    layer, rest = divmod(i, PER_LAYER)
    domain, position = divmod(rest, PER_DOMAIN)
    return domain, layer, position


def draw(seed: int = SEED) -> Spec:
    rng = random.Random(seed)
    r = rng.random
    spec = Spec()
    seen: set[tuple[int, int]] = set()

    def add(pair: tuple[int, int], force_hard: bool = False) -> None:
        seen.add(pair)
        spec.pairs.append(pair)
        spec.soft.append(not force_hard and r() < SOFT)
        target = place(pair[1])
        if r() < FALLBACK:
            other = (target[2] + 1 + rng.randrange(PER_DOMAIN - 1)) % PER_DOMAIN
            spec.fallback.append(index(target[0], target[1], other))
        else:
            spec.fallback.append(None)

    # one long upward edge: the most shared infra service of domain BIG_FROM needs the
    # last console service of the last domain, which reaches it through domains between
    top = len(LAYERS) - 1
    add((index(BIG_FROM, 0, 0), index(DOMAINS - 1, top, PER_DOMAIN - 1)), force_hard=True)
    spec.upward = 1
    # short loops near the top: a late api or products service needs a late service of
    # the layer above, which needs it
    late = PER_DOMAIN - PER_DOMAIN // 10
    while spec.upward < UPWARD:
        domain, layer = rng.randrange(DOMAINS), rng.randrange(top - 2, top)
        low = index(domain, layer, rng.randrange(late, PER_DOMAIN))
        high = index(domain, layer + 1, rng.randrange(late, PER_DOMAIN))
        if (low, high) in seen:
            continue
        add((low, high))
        spec.upward += 1
        if (high, low) not in seen:
            add((high, low))
    # downward edges: strictly decreasing in (domain, layer, position)
    while len(spec.pairs) < EDGES:
        u = rng.randrange(NODES)
        domain, layer, position = place(u)
        to_layer = 0 if layer == 0 else (layer if r() < SAME_LAYER else rng.randrange(layer))
        to_domain = domain if domain == 0 or r() < SAME_DOMAIN else int(domain * r() ** 2)
        if (to_domain, to_layer) == (domain, layer):
            if position == 0:
                continue
            to_position = int(position * r() ** 2)
        else:
            to_position = int(PER_DOMAIN * r() ** 2)
        pair = (u, index(to_domain, to_layer, to_position))
        if pair not in seen:
            add(pair)
    return spec


def build(spec: Spec, ids: list[str]) -> DependencyGraph:
    graph = DependencyGraph()
    graph.layers = LAYERS
    console = len(LAYERS) - 1
    for i, id_ in enumerate(ids):
        layer = i // PER_LAYER
        graph.add_node(
            Node(
                id=id_,
                kind="service",
                name=id_[8:],
                layer=LAYERS[layer],
                entrypoint=layer == console,
            )
        )
    for line, ((u, v), soft, fallback) in enumerate(
        zip(spec.pairs, spec.soft, spec.fallback, strict=True), start=1
    ):
        graph.add_edge(
            Edge(
                ids[u],
                ids[v],
                strength="soft" if soft else "hard",
                fallback=None if fallback is None else ids[fallback],
                evidence=[Evidence("services.yaml", line, "depends_on", "services")],
            ),
            "service",
        )
    return graph


def draw_tangle(seed: int = SEED) -> tuple[DependencyGraph, list[tuple[str, str]]]:
    """One strongly connected component where many cuts are needed: a ring through every
    service plus random chords, all hard, in the same 5 layers (so some chords go up)."""
    rng = random.Random(seed)
    count, chords = TANGLE
    pairs = {(i, (i + 1) % count) for i in range(count)}
    while len(pairs) < chords:
        u, v = rng.randrange(count), rng.randrange(count)
        if u != v:
            pairs.add((u, v))
    graph = DependencyGraph()
    graph.layers = LAYERS
    for i in range(count):
        layer = LAYERS[i * len(LAYERS) // count]
        graph.add_node(Node(id=f"service:t{i}", kind="service", name=f"t{i}", layer=layer))
    for line, (u, v) in enumerate(sorted(pairs), start=1):
        graph.add_edge(
            Edge(
                f"service:t{u}",
                f"service:t{v}",
                evidence=[Evidence("tangle.yaml", line, "depends_on", "services")],
            ),
            "service",
        )
    return graph, sorted((f"service:t{u}", f"service:t{v}") for u, v in pairs)


# ---------------------------------------------------------------- measuring


class Stopped(Exception):
    """The budget ran out."""


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Raise Stopped in the running code after `seconds` (pure-Python code only)."""

    def alarm(signum: int, frame: object) -> None:
        raise Stopped

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timed(fn: Callable[[], Any], seconds: float) -> tuple[float, Any, bool]:
    """Seconds, result and whether it was stopped."""
    start = time.perf_counter()
    try:
        with budget(seconds):
            result = fn()
    except Stopped:
        return time.perf_counter() - start, None, True
    return time.perf_counter() - start, result, False


def traced_peak(fn: Callable[[], object], seconds: float) -> tuple[int, bool]:
    """tracemalloc peak of `fn` in a forked child, and whether it was stopped."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read)
        try:
            tracemalloc.start()
            stopped = False
            try:
                with budget(seconds):
                    fn()
            except Stopped:
                stopped = True
            payload: tuple[object, ...] = ("ok", tracemalloc.get_traced_memory()[1], stopped)
        except BaseException as error:  # noqa: BLE001 - reported by the parent
            payload = ("error", repr(error))
        with os.fdopen(write, "wb") as out:
            out.write(pickle.dumps(payload))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as inp:
        data = inp.read()
    os.waitpid(pid, 0)
    result = pickle.loads(data)
    if result[0] != "ok":
        raise RuntimeError(f"traced run failed: {result[1]}")
    return result[1], result[2]


def profiled(fn: Callable[[], object], seconds: float) -> pstats.Stats:
    profile = cProfile.Profile()
    profile.enable()
    try:
        with budget(seconds):
            fn()
    except Stopped:
        pass
    finally:
        profile.disable()
    return pstats.Stats(profile)


def top(stats: pstats.Stats, count: int = 15) -> str:
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(count)
    return out.getvalue()


def hot_spots(stats: pstats.Stats, count: int = 4) -> str:
    """The depguard functions with the most cumulative time, their calls and own time."""
    rows = []
    for (filename, line, name), (_, calls, own, cum, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "/depguard/" in filename and "bench_operations" not in filename:
            rows.append((cum, own, calls, f"`{Path(filename).stem}.{name}` (line {line})"))
    rows.sort(reverse=True)
    return ", ".join(
        f"{label} {calls:,} calls, {cum:.1f} s cumulative, {own:.1f} s own"
        for cum, own, calls, label in rows[:count]
    )


@dataclass
class Row:
    operation: str
    seconds: float
    stopped: bool
    peak: int | None = None
    peak_stopped: bool = False
    result: str = ""
    profile: str = ""
    hot: str = ""

    def cells(self, limit: float) -> dict[str, str]:
        time_ = f"stopped after {limit:.0f} s" if self.stopped else f"{self.seconds:.3f} s"
        if self.peak is None:
            peak = "-"
        else:
            peak = f"{'>= ' if self.peak_stopped else ''}{self.peak / 2**20:,.1f} MiB"
        return {
            "operation": self.operation,
            "time": time_,
            "tracemalloc peak": peak,
            "result": self.result or "-",
        }


def measure(
    name: str, fn: Callable[[], Any], describe: Callable[[Any], str], seconds: float, profile: bool
) -> Row:
    print(f"  {name} ...", flush=True)
    elapsed, result, stopped = timed(fn, seconds)
    row = Row(name, elapsed, stopped)
    if stopped:
        if profile:
            print(
                f"  {name}: stopped after {seconds:.0f} s, profiling for {seconds:.0f} s",
                flush=True,
            )
            stats = profiled(fn, seconds)
            row.profile, row.hot = top(stats), hot_spots(stats)
        return row
    row.result = describe(result)
    del result
    # tracemalloc makes pure-Python code a few times slower: allow for it
    row.peak, row.peak_stopped = traced_peak(fn, max(seconds, 5 * elapsed))
    print(f"  {name}: {elapsed:.3f} s, {row.result}", flush=True)
    return row


# ---------------------------------------------------------------- the run


@dataclass
class Shape:
    """What the drawn graph holds, counted outside the timings."""

    soft: int
    fallback: int
    upward: int
    components: int  # strongly connected components of needed edges with a cycle
    all_components: int  # singletons included, as `bootstrap_cycles` goes through them
    sizes: list[int]
    largest_edges: list[tuple[str, str]]
    target: str
    target_dependents: int


def shape(spec: Spec, graph: DependencyGraph, ids: list[str]) -> Shape:
    digraph = graph.digraph("service")
    kept = [(e.source, e.target) for e in digraph.edges() if needed(e)]
    counted = nx.DiGraph(kept)
    every = list(nx.strongly_connected_components(counted))
    cyclic = [c for c in every if len(c) > 1]
    largest = max(cyclic, key=len)
    sizes = sorted((len(c) for c in cyclic), reverse=True)
    dependents = Counter(v for u, v in spec.pairs if v < PER_LAYER)  # infra targets
    target, count = max(dependents.items(), key=lambda item: (item[1], -item[0]))
    return Shape(
        soft=sum(spec.soft),
        fallback=sum(f is not None for f in spec.fallback),
        upward=spec.upward,
        components=len(cyclic),
        all_components=len(every),
        sizes=sizes,
        largest_edges=sorted((u, v) for u, v in kept if u in largest and v in largest),
        target=ids[target],
        target_dependents=count,
    )


def run(seconds: float, profile: bool) -> tuple[list[Row], Shape, dict[str, float]]:
    ids = [f"service:s{i}" for i in range(NODES)]
    print("drawing the graph ...", flush=True)
    spec = draw()
    rows: list[Row] = []
    print("measuring:", flush=True)
    build_s, graph, _ = timed(lambda: build(spec, ids), 10 * seconds)
    rows.append(Row("build DependencyGraph", build_s, False))
    digraph = graph.digraph("service")
    rows[0].result = f"{digraph.number_of_nodes():,} nodes, {digraph.number_of_edges():,} edges"
    print(f"  build: {build_s:.3f} s", flush=True)
    rows[0].peak, rows[0].peak_stopped = traced_peak(lambda: build(spec, ids), 10 * seconds)
    info = shape(spec, graph, ids)

    def impact_text(found: operations.Impact) -> str:
        entry = sum(a.entrypoint for a in found.failed)
        return (
            f"{info.target} ({info.target_dependents:,} direct dependents): "
            f"{len(found.failed):,} fail ({entry:,} entrypoints), "
            f"{len(found.degraded):,} degrade"
        )

    def order_text(order: operations.StartOrder) -> str:
        return (
            f"{len(order.waves):,} waves, {len(order.blocked):,} blocked, "
            f"{len(order.cycles):,} bootstrap cycles"
        )

    def start_order_without_cycles() -> operations.StartOrder:
        real = operations.bootstrap_cycles
        operations.bootstrap_cycles = lambda graph, level="service", needs=None: []
        try:
            return start_order(graph, "service")
        finally:
            operations.bootstrap_cycles = real

    def cycles_text(found: list[Any]) -> str:
        largest = max(found, key=lambda f: len(f.nodes))
        return (
            f"{len(found):,} cycles; largest {len(largest.nodes):,} services, "
            f"{len(largest.edges):,} edges, cut {len(largest.cut):,}"
        )

    def cut_text(chosen: list[tuple[str, str]]) -> str:
        reached = "limit reached" if len(chosen) >= CUT_LIMIT else "limit not reached"
        return f"{len(chosen):,} edges chosen ({reached})"

    def findings_text(found: list[Any]) -> str:
        return f"{len(found):,} findings"

    tangle, tangle_edges = draw_tangle()
    operations_: list[tuple[str, Callable[[], Any], Callable[[Any], str]]] = [
        (f"impact({info.target})", lambda: impact(graph, info.target, "service"), impact_text),
        ("start_order", lambda: start_order(graph, "service"), order_text),
        ("start_order, bootstrap_cycles stubbed", start_order_without_cycles, order_text),
        ("bootstrap_cycles", lambda: bootstrap_cycles(graph, "service"), cycles_text),
        (
            f"cut_edges(largest component, limit={CUT_LIMIT})",
            lambda: cut_edges(graph, "service", info.largest_edges, limit=CUT_LIMIT),
            cut_text,
        ),
        ("shared_fate", lambda: shared_fate(graph, "service"), findings_text),
        (
            f"cut_edges(tangle of {TANGLE[0]:,} services, {TANGLE[1]:,} edges, limit={CUT_LIMIT})",
            lambda: cut_edges(tangle, "service", tangle_edges, limit=CUT_LIMIT),
            cut_text,
        ),
    ]
    for name, fn, describe in operations_:
        rows.append(measure(name, fn, describe, seconds, profile))
    usage = {
        "self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10,  # KiB -> MiB
        "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**10,
    }
    return rows, info, usage


# ---------------------------------------------------------------- reporting


def table(rows: list[Row], seconds: float) -> str:
    cells = [row.cells(seconds) for row in rows]
    keys = list(cells[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(c[k] for k in keys) + " |" for c in cells]
    return "\n".join(lines)


def nproc() -> int:
    """What `nproc` prints: the CPUs this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def commit() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "depguard"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


def section(rows: list[Row], info: Shape, usage: dict[str, float], seconds: float) -> str:
    today = datetime.date.today().isoformat()
    small = Counter(info.sizes[1:])
    smalls = ", ".join(f"{n} of {size}" for size, n in sorted(small.items()))
    stopped = [row for row in rows if row.stopped]
    notes = "".join(
        f"\n- `{row.operation}` was stopped after {seconds:.0f} s. Hottest depguard "
        f"functions in {seconds:.0f} s under cProfile: {row.hot or 'none'}."
        for row in stopped
    )
    return (
        f"{HEADING}\n\n"
        f"Measured {today}, nproc {nproc()}, Python {platform.python_version()}, "
        f"networkx {nx.__version__}, depguard commit {commit()}. One run per operation, "
        "garbage collector off as in the command; "
        f"the tracemalloc peak is from a second run in a forked child (untimed). "
        f"Max RSS of the benchmark process at the end: {usage['self']:,.0f} MiB "
        f"(largest traced child: {usage['children']:,.0f} MiB). An operation still running "
        f"after {seconds:.0f} s is stopped.\n\n"
        f"The graph (seed {SEED}): {NODES:,} services in {len(LAYERS)} layers of "
        f"{DOMAINS} domains each, "
        f"{EDGES:,} edges, {info.soft:,} soft, {info.fallback:,} with a fallback, "
        f"{info.upward} upward; the rest go down or sideways to an earlier service. Needed "
        f"(hard) edges form {info.components} strongly connected components with a cycle: "
        f"one of {info.sizes[0]:,} services with {len(info.largest_edges):,} needed "
        f"edges (the one `cut_edges` is given), and {smalls}; "
        f"{info.all_components:,} components in all, singletons included.\n\n"
        f"{table(rows, seconds)}\n"
        + (f"\nStopped:\n{notes}\n" if stopped else "")
        + f"\nRerun: `{COMMAND}`\n"
    )


def write(text: str) -> None:
    write_section(HEADING, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS.name}")
    parser.add_argument(
        "--budget",
        type=float,
        default=BUDGET,
        help="seconds before an operation is stopped (default %(default)s)",
    )
    parser.add_argument(
        "--no-profile", action="store_true", help="do not profile the operations that were stopped"
    )
    args = parser.parse_args()
    gc.disable()  # as the command runs
    rows, info, usage = run(args.budget, not args.no_profile)
    print()
    print(table(rows, args.budget))
    print(f"\nmax RSS: {usage['self']:,.0f} MiB (traced children: {usage['children']:,.0f} MiB)")
    for row in rows:
        if row.profile:
            print(
                f"\ncProfile of {row.operation}, stopped after {args.budget:.0f} s, "
                f"top 15 by cumulative time:\n{row.profile}"
            )
    if args.write:
        write(section(rows, info, usage, args.budget))
        print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
