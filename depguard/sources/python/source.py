"""The Python source: modules and their imports, read statically.

Nothing is imported or executed: files are read as bytes and only their import
statements are scanned. Results are cached by file content, and a large tree is scanned
on every core.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from itertools import chain, pairwise, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from depguard import __version__
from depguard.fsutil import digest, read_bytes
from depguard.model import Diagnostic, Edge, Evidence, Fragment, Node, node_id
from depguard.sources.files import not_regular, outside_link
from depguard.sources.python import cache as scan_cache
from depguard.sources.python import edges_cache, resolve
from depguard.sources.python.edges_cache import FLAGS, Entry, ModuleEdges
from depguard.sources.python.modules import Module, find_modules, plan
from depguard.sources.python.options import MAX_FILE_SIZE, PythonSource
from depguard.sources.python.resolve import Resolver

if TYPE_CHECKING:
    from depguard.sources.python import scanner

SOURCE = "python"
PARALLEL_FROM = 400  # files; below this a second process costs more than it saves
CHUNKS_PER_JOB = 16  # small enough to balance the cores, few enough to claim cheaply
SCANNER_VERSION = "3"  # bumped whenever a scan of the same bytes may give another result


@dataclass(frozen=True)
class Options:
    roots: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    include_external: bool = False
    namespace_packages: bool = False
    max_file_size: int = MAX_FILE_SIZE
    use_cache: bool = True
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)


def collect(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...] = (),
    options: Any = None,
    *,
    use_cache: bool = True,
) -> Fragment:
    """Modules and their imports, with the config's options (`PythonSource`) or this
    module's own (`Options`, as the tests and benchmarks give them)."""
    if isinstance(options, PythonSource):
        if options.collector == "pydeps":
            from depguard.sources import pydeps

            return pydeps.run_pydeps(paths, root, exclude, options)
        options = Options(
            packages=tuple(options.packages),
            include_external=options.include_external,
            namespace_packages=options.namespace_packages,
            max_file_size=options.max_file_size,
            use_cache=use_cache,
        )
    opts = options if isinstance(options, Options) else Options(use_cache=use_cache)
    fragment = Fragment(SOURCE)
    modules: dict[str, Module] = {}
    for package_root, package in plan(paths, opts.packages):
        for module in find_modules(package_root, package, root, exclude, opts.namespace_packages):
            if module.link and (outside := outside_link(module.path, root)) is not None:
                fragment.diagnostics.append(outside)
                continue
            modules.setdefault(module.name, module)
    if not modules:
        return fragment
    files = {name: m for name, m in modules.items() if not m.is_folder}
    stats = _stat_all(files, opts, fragment)
    # edges of files unchanged since they were cached within the same module set; the
    # rest scanned (or read back from the statement cache) and resolved
    key = _modules_key(modules, opts) if opts.use_cache else None
    edges_file = _cache_file(root, "edges")
    known = edges_cache.load(edges_file, key) if key is not None else edges_cache.Table()
    kept: list[str] = []
    todo: dict[str, Module] = {}
    for name, module in files.items():
        stat = stats.get(module.shown)
        if stat is None:
            continue  # unreadable: already a diagnostic
        if known.unchanged(name, stat.st_size, stat.st_mtime_ns):
            kept.append(name)
        else:
            todo[name] = module  # read again; scanned unless its content is as cached
    table = known
    if todo or len(kept) != len(known):
        # the statement cache pays when everything must be resolved again (no edges
        # cached, or a module added or removed); after an edit, reading and rewriting it
        # whole to scan a few files would cost more than it saves
        statements = opts.use_cache and not len(known)
        names = set(modules)
        fresh = _scan_all(todo, stats, root, opts, fragment, names, statements, known)
        table = edges_cache.merged(known, kept, fresh)
        if key is not None:
            edges_cache.save(edges_file, key, table)
    fragment.nodes = [
        Node(id="module:" + name, kind="module", name=name) for name in sorted(modules)
    ]
    fragment.edges, externals = _edges(modules, table)
    fragment.nodes += [
        Node(id=node_id("external", e), kind="external", name=e) for e in sorted(externals)
    ]
    return fragment


def _modules_key(modules: dict[str, Module], opts: Options) -> str:
    options = (SCANNER_VERSION, opts.include_external, opts.namespace_packages)
    return edges_cache.modules_key(modules, options, _code())


def _code() -> bytes:
    """The scanner's, the resolver's and this module's own source: a change to any (an
    editable install between releases) must not be answered from edges older code made."""
    found = b""
    for path in (os.path.join(os.path.dirname(__file__), "scanner.py"), resolve.__file__, __file__):
        try:
            found += read_bytes(path or "")
        except OSError:
            found += __version__.encode()
    return found


def _cache_file(root: Path, kind: str) -> Path:
    return scan_cache.cache_path(f"{root.resolve()}|{SCANNER_VERSION}", kind)


# The resolver of the running scan, set before it starts: the forked copies that share
# the scan inherit it.
_resolver = Resolver(set(), False)


def _use_resolver(modules: set[str], include_external: bool) -> None:
    global _resolver
    _resolver = Resolver(modules, include_external)


def _module_edges(
    name: str, is_package: bool, statements: list[scanner.ImportStatement]
) -> ModuleEdges:
    """One edge per module imported, carrying every import line of it; typing only or
    deferred only if every one of those lines is. In columns, as the edge cache keeps
    them, made by whichever process scanned the file rather than after the scan."""
    targets = _resolver.targets
    rows: dict[str, list[Any]] = {}  # target id -> [typing_only, deferred, lines, texts]
    for statement in statements:
        for target, external in targets(name, is_package, statement):
            key = ("external:" if external else "module:") + target
            row = rows.get(key)
            if row is None:
                rows[key] = [
                    statement.typing_only,
                    statement.deferred,
                    [statement.line],
                    [statement.text],
                ]
            else:
                row[0] = row[0] and statement.typing_only
                row[1] = row[1] and statement.deferred
                row[2].append(statement.line)
                row[3].append(statement.text)
    if not rows:
        return [[], [], [], [], []]
    values = rows.values()
    return [
        list(rows),
        [typing_only | deferred << 1 for typing_only, deferred, _, _ in values],
        [len(row[2]) for row in values],
        [line for row in values for line in row[2]],
        [text for row in values for text in row[3]],
    ]


def _edges(modules: dict[str, Module], table: edges_cache.Table) -> tuple[list[Edge], set[str]]:
    """One edge per (importer, imported), carrying every import line as evidence.

    Column by column: the evidence of every import line is made in one pass and each
    edge takes its slice (a large tree has tens of thousands of edges)."""
    c = table.columns
    files = [modules[name].shown for name in table.modules]
    starts = table.line_starts()
    lines_per_module = [starts[b] - starts[a] for a, b in pairwise(table.edge_starts())]
    # tuple.__new__ makes each named tuple in C; `Evidence(...)` is a Python call per line
    evidence: list[Evidence] = list(
        map(
            tuple.__new__,
            repeat(Evidence),
            zip(
                chain.from_iterable(map(repeat, files, lines_per_module)),
                c["lines"],
                c["texts"],
                repeat(SOURCE),
                repeat(""),  # no environment variable: an import line
            ),
        )
    )
    sources = chain.from_iterable(map(repeat, ["module:" + n for n in table.modules], c["counts"]))
    edges: list[Edge] = []
    append = edges.append
    for source, target, flag, (first, last) in zip(
        sources, c["targets"], c["flags"], pairwise(starts), strict=True
    ):
        typing_only, deferred = FLAGS[flag]
        append(Edge(source, target, "import", "hard", typing_only, deferred, evidence[first:last]))
    externals = {t[9:] for t in set(c["targets"]) if t.startswith("external:")}
    return edges, externals


def _stat_all(
    files: dict[str, Module], opts: Options, fragment: Fragment
) -> dict[str, os.stat_result]:
    """Each file's size and time, by shown path; what cannot be read is a diagnostic."""
    stats: dict[str, os.stat_result] = {}
    for module in files.values():
        shown = module.shown
        fragment.files.append(shown)
        try:
            stat = os.stat(module.path)
        except OSError as exc:
            fragment.diagnostics.append(Diagnostic(shown, 0, f"cannot read: {exc.strerror}"))
            continue
        if (odd := not_regular(shown, stat.st_mode)) is not None:  # a pipe would block
            fragment.diagnostics.append(odd)
            continue
        if stat.st_size > opts.max_file_size:
            fragment.diagnostics.append(
                Diagnostic(
                    shown,
                    0,
                    f"skipped: {stat.st_size:,} bytes is over the "
                    f"{opts.max_file_size:,}-byte limit for a Python file",
                )
            )
            continue
        stats[shown] = stat
    fragment.files.sort()
    return stats


def _scan_all(
    files: dict[str, Module],
    stats: dict[str, os.stat_result],
    root: Path,
    opts: Options,
    fragment: Fragment,
    names: set[str],
    statements: bool,
    cached_edges: edges_cache.Table,
) -> dict[str, Entry]:
    """An edge-cache entry per module: its cached edges where a touched file's content
    is unchanged (a checkout), else its imports read back from the statement cache (with
    `statements`) or scanned, and resolved (on every core for a large tree). Contents are
    hashed only when caching."""
    store = scan_cache.ScanCache(
        _cache_file(root, "python") if statements else None, SCANNER_VERSION
    )
    _use_resolver(names, opts.include_external)
    results: dict[str, Entry] = {}
    todo: list[Task] = []
    for name, module in files.items():
        shown = module.shown
        stat = stats.get(shown)
        if stat is None:
            continue  # unreadable: already a diagnostic
        cached = store.fresh(shown, stat)
        if cached is not None:
            rows = _module_edges(name, module.is_package, cached)
            results[name] = _entry(stat, store.digest_of(shown), rows)
        else:
            known = cached_edges.digest(name)  # not its edges: only a rescan's answer needs them
            if known is None and opts.use_cache:
                known = store.digest_of(shown)
            todo.append((name, module.is_package, shown, str(module.path), known))
    for name, shown, outcome in _run_scans(todo, opts.jobs):
        if isinstance(outcome, Diagnostic):
            fragment.diagnostics.append(outcome)
            continue
        module = files[name]
        content_digest, records, rows = outcome
        if records is None:  # same content, new mtime (a checkout): no need to rescan
            entry = cached_edges.entry(name)
            if entry is not None:
                results[name] = _entry(stats[shown], content_digest, entry[3])
                continue
            cached = store.by_content(shown, content_digest)
            if cached is not None:
                rows = _module_edges(name, module.is_package, cached)
                results[name] = _entry(stats[shown], content_digest, rows)
                store.touch(shown, stats[shown])
                continue
            # a damaged record: scan again
            outcome = _scan_file(name, module.is_package, shown, str(module.path), "")
            if isinstance(outcome, Diagnostic):
                fragment.diagnostics.append(outcome)
                continue
            content_digest, records, rows = outcome
        results[name] = _entry(stats[shown], content_digest, rows)
        store.store(shown, stats[shown], content_digest, records or [])
    store.save(set(stats))
    return results


def _entry(stat: os.stat_result, content_digest: str, rows: ModuleEdges) -> Entry:
    return [stat.st_size, stat.st_mtime_ns, content_digest, rows]


# A scan's outcome: the content digest, the imports as cache records (None: unchanged
# since cached, so not scanned; empty without a cache, which needs no records) and the
# module's edge rows; or a diagnostic.
Outcome = tuple[str, list[scan_cache.Record] | None, ModuleEdges] | Diagnostic
Task = tuple[str, bool, str, str, str | None]  # module, is package, shown, path, digest


def _run_scans(todo: list[Task], jobs: int) -> list[tuple[str, str, Outcome]]:
    """Scan and resolve on every core: forked copies of this process and this process
    take small chunks from one queue until it is empty (files differ a lot in size, so
    equal shares would leave a core waiting). The queue is a pipe holding one byte per
    chunk: reading a byte claims a chunk, whichever process reads it.

    Fork, not a process pool: a copy inherits the chunks and the resolver, so nothing is
    sent to it, and it answers once, at the end. A pool's helper threads pickled every
    chunk and answer while holding the GIL this process scans with; homeassistant's
    scan took 0.47-0.53 s with one, 0.42-0.44 s like this. Where there is no fork, or
    where other threads run (a program using depguard as a library: a thread holding a
    lock at the fork would leave the copy waiting on it forever), one process scans.
    """
    if len(todo) < PARALLEL_FROM or jobs < 2 or not _may_fork():
        return _scan_chunk(todo)
    count = min(jobs * CHUNKS_PER_JOB, 256)
    chunks = [todo[i::count] for i in range(count)]
    queue, filler = os.pipe()
    os.write(filler, bytes(range(count)))
    os.close(filler)  # so that an empty queue reads as the end, not as a wait
    copies = [_fork(chunks, queue) for _ in range(jobs - 1)]
    done = _take(chunks, queue)
    os.close(queue)
    for pid, answers in copies:
        done += _answers(pid, answers)
    scanned = {name for name, _, _ in done}
    if len(scanned) < len(todo):  # a copy died (killed, out of memory): its share here
        done += _scan_chunk([task for task in todo if task[0] not in scanned])
    return done


def _may_fork() -> bool:
    # threading and pickle are imported where they are used: a warm run scans nothing
    import threading

    return hasattr(os, "fork") and threading.active_count() == 1


def _fork(chunks: list[list[Task]], queue: int) -> tuple[int, int]:
    """Start a copy that scans chunks from the queue and pickles what it found to a pipe:
    its process id and the pipe's end to read."""
    import pickle

    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: it must never return into the caller's code (outputs, exits)
        code = 1
        try:
            os.close(reader)
            with open(writer, "wb") as out:
                pickle.dump(_take(chunks, queue), out, pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    return pid, reader


def _take(chunks: list[list[Task]], queue: int) -> list[tuple[str, str, Outcome]]:
    done: list[tuple[str, str, Outcome]] = []
    while claimed := os.read(queue, 1):
        done += _scan_chunk(chunks[claimed[0]])
    return done


def _answers(pid: int, reader: int) -> list[tuple[str, str, Outcome]]:
    """What a copy found; nothing if it died before answering in full."""
    import pickle

    try:
        with open(reader, "rb") as answers:
            found: list[tuple[str, str, Outcome]] = pickle.load(answers)
            return found
    except (EOFError, OSError, pickle.UnpicklingError):
        return []
    finally:
        os.waitpid(pid, 0)


def _scan_chunk(todo: list[Task]) -> list[tuple[str, str, Outcome]]:
    return [
        (name, shown, _scan_file(name, is_package, shown, path, known))
        for name, is_package, shown, path, known in todo
    ]


def _scan_file(
    name: str, is_package: bool, shown: str, path: str, known_digest: str | None
) -> Outcome:
    """Scan one file and resolve its imports; `known_digest` None means no cache, so the
    content is neither hashed nor kept as records."""
    # imported on the first scan: a warm run scans nothing, and compiling the scanner's
    # patterns took 3.4 ms of a 0.1 s warm check (0.3 us a call once imported)
    from depguard.sources.python import scanner

    try:
        data = read_bytes(path)
    except OSError as exc:
        return Diagnostic(shown, 0, f"cannot read: {exc.strerror or exc}")
    content_digest = "" if known_digest is None else digest(data)
    if content_digest and content_digest == known_digest:
        return content_digest, None, []
    try:
        statements = scanner.scan(data)
    except scanner.ScanError as exc:
        return Diagnostic(shown, exc.line, exc.message)
    except (RecursionError, ValueError) as exc:  # defensive: the scanner must never crash
        return Diagnostic(shown, 0, f"could not scan: {exc}")
    records = [] if known_digest is None else scan_cache.encode(statements)
    return content_digest, records, _module_edges(name, is_package, statements)
