"""collect -> build -> analyse: one step a line."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace
from pathlib import Path

from depguard import __version__, analysis, baseline, config, graph
from depguard.analysis.coverage import coverage
from depguard.config import roles
from depguard.fsutil import OUTSIDE, outside
from depguard.model import LEVELS, Diagnostic, Fragment, GraphStats, Result, Summary, node_id
from depguard.sources import SOURCES, source
from depguard.sources.base import EnvFiles
from depguard.sources.discovery import discover, kind_of_file
from depguard.sources.files import is_excluded, one_listing_per_folder, relative


def collect(project: config.Project, use_cache: bool = True) -> list[Fragment]:
    """Read every configured source, or every source found under the root."""
    with one_listing_per_folder():
        return _collect_all(project, use_cache)


def _collect_all(project: config.Project, use_cache: bool) -> list[Fragment]:
    root, cfg = project.root, project.config
    fragments = []
    where = project.config_file.name if project.config_file else "config"
    for name, paths, set_aside, notes, options in _plan(project):
        # `-`: a Kubernetes stream on standard input (`kustomize build . | depguard ...`)
        stdin = [p for p in paths if name == "kubernetes" and p.name == "-" and not p.exists()]
        paths = [p for p in paths if p not in stdin]
        leaving = [p for p in paths if outside(p)]  # absolute, `..`, or through a link
        missing = [p for p in paths if p not in leaving and not p.exists()]
        present = [p for p in paths if p not in leaving and p.exists()] + stdin
        fragment = (
            _collect(name, present, root, cfg, options, use_cache) if present else Fragment(name)
        )
        fragment.diagnostics.extend(set_aside)
        fragment.notes.extend(notes)
        fragment.diagnostics.extend(
            Diagnostic(relative(p, root), 0, f"{name} source named in {where} is {OUTSIDE}")
            for p in leaving
        )
        for path in missing:
            if not is_excluded(relative(path, root), cfg.exclude):
                fragment.diagnostics.append(
                    Diagnostic(
                        relative(path, root), 0, f"{name} source named in {where} does not exist"
                    )
                )
        fragments.append(fragment)
    keep_projects_apart(fragments, root)
    if not any(f.files or f.nodes for f in fragments):
        fragments.append(_nothing_found(project))
    return fragments


_Plan = tuple[str, list[Path], list[Diagnostic], list[Diagnostic], object]


def _plan(project: config.Project) -> list[_Plan]:
    """(source, paths, found but not read, notes, options) of each reader call: the
    config's sources, else the one file PATH names, else what discovery finds."""
    root, cfg = project.root, project.config
    # `--env-file` files are not a source: they give compose's variables their values
    env_files = EnvFiles(tuple(path for what, path in project.named if what == "env_file"))
    named: list[_Plan] = [
        (name, [path], [], [], None) for name, path in project.named if name != "env_file"
    ]
    if cfg.sources:
        plan: list[_Plan] = [
            *(
                (entry.format, [root / p for p in entry.paths], [], [], entry.options)
                for entry in cfg.sources
            ),
            *named,
        ]
    elif project.only is not None:
        kind = kind_of_file(project.only)
        plan = [(kind, [project.only], [], [], None)] if kind else []
    else:
        plan = _discovered(project) + named
    if not env_files.paths:
        return plan
    return [(n, p, s, o, env_files if n == "compose" else options) for n, p, s, o, options in plan]


def _discovered(project: config.Project) -> list[_Plan]:
    plan: list[_Plan] = []
    for name in SOURCES:
        if any(name == given for given, _ in project.named):
            continue  # the command line names this source's input
        found = discover(name, project.root)
        for index, group in enumerate(found.groups or [[]]):
            first = index == 0  # what was set aside and noted is said once
            plan.append(
                (name, group, found.skipped if first else [], found.notes if first else [], None)
            )
    return plan


def _nothing_found(project: config.Project) -> Fragment:
    """Nothing read is never a pass: an input problem that says where depguard looked."""
    empty = Fragment("none")
    if project.config_file is not None:
        shown = relative(project.config_file, Path.cwd())
        message = "nothing to check: the sources it names hold no input"
    elif project.only is not None:
        shown = relative(project.only, Path.cwd())
        message = (
            "nothing to check: not a file depguard reads (a compose file, Kubernetes"
            " manifest, Backstage catalog or services.yaml)"
        )
    else:
        shown = relative(project.root, Path.cwd()) or "."
        message = (
            "nothing to check: found no Python package, compose file, Kubernetes manifest,"
            " Backstage catalog or services.yaml below it; name the inputs under `sources:`"
            " in a depguard.yaml (see docs/config.md)"
        )
    empty.diagnostics.append(Diagnostic(shown, 0, message))
    return empty


def keep_projects_apart(fragments: list[Fragment], root: Path) -> None:
    """Compose projects found in different folders are different systems: a service
    name that several define becomes `<folder>/<name>` in each, not one node."""
    projects = [f for f in fragments if f.source == "compose" and f.files]
    if len(projects) < 2:
        return
    defined = Counter(n.id for f in projects for n in f.nodes if n.kind != "dangling")
    shared = {node for node, count in defined.items() if count > 1}
    for fragment in projects:
        folder = Path(fragment.files[0]).parent.as_posix()
        prefix = root.resolve().name if folder in ("", ".") else folder
        renamed = {
            n.id: replace(n, id=node_id(n.kind, f"{prefix}/{n.name}"), name=f"{prefix}/{n.name}")
            for n in fragment.nodes
            if n.id in shared
        }
        if renamed:
            fragment.nodes = [renamed.get(n.id, n) for n in fragment.nodes]
            ids = {old: node.id for old, node in renamed.items()}
            fragment.edges = graph.renamed_ends(fragment.edges, ids)


def _collect(
    name: str, paths: list[Path], root: Path, cfg: config.Config, options: object, use_cache: bool
) -> Fragment:
    return source(name).collect(paths, root, tuple(cfg.exclude), options, use_cache=use_cache)


def build(
    project: config.Project, fragments: list[Fragment]
) -> tuple[graph.DependencyGraph, list[Diagnostic]]:
    cfg = project.config
    return graph.build(
        fragments,
        config.layer_for(cfg),
        config.owner_for(cfg),
        config.edge_classifier(cfg),
        tuple(layer.name for layer in cfg.layers),
        roles.role_for(cfg),
    )


def run(
    path: Path,
    config_file: Path | None = None,
    use_cache: bool = True,
    named: tuple[tuple[str, Path], ...] = (),
) -> tuple[Result, graph.DependencyGraph]:
    """Everything `check` needs: the result and the graph it was computed on."""
    project = config.open_project(path, config_file, use_cache, named)
    return analyse(project, use_cache)


def graph_only(
    path: Path,
    config_file: Path | None = None,
    use_cache: bool = True,
    named: tuple[tuple[str, Path], ...] = (),
) -> tuple[graph.DependencyGraph, list[Diagnostic]]:
    """The graph and the input problems, without looking for findings (a JSON export of
    the graph shows none)."""
    project = config.open_project(path, config_file, use_cache, named)
    fragments = collect(project, use_cache)
    dependency_graph, problems = build(project, fragments)
    return dependency_graph, _diagnostics(fragments, problems)


def files_read(fragments: list[Fragment]) -> dict[str, list[str]]:
    read: dict[str, set[str]] = {}
    for fragment in fragments:
        if fragment.files:
            read.setdefault(fragment.source, set()).update(fragment.files)
    return {source: sorted(files) for source, files in sorted(read.items())}


def notes(fragments: list[Fragment]) -> list[Diagnostic]:
    return sorted(
        {d for f in fragments for d in f.notes}, key=lambda d: (d.file, d.line, d.message)
    )


def _diagnostics(fragments: list[Fragment], problems: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(
        {d for f in fragments for d in f.diagnostics} | set(problems),
        key=lambda d: (d.file, d.line, d.message),
    )


def analyse(
    project: config.Project, use_cache: bool = True
) -> tuple[Result, graph.DependencyGraph]:
    fragments = collect(project, use_cache)
    dependency_graph, problems = build(project, fragments)
    unused, typos = _unmatched_selectors(project, dependency_graph)
    findings = analysis.analyse(dependency_graph, project.config)
    diagnostics = _diagnostics(fragments, problems + typos)
    stats = [
        GraphStats(
            level,
            dependency_graph.digraph(level).number_of_nodes(),
            dependency_graph.digraph(level).number_of_edges(),
        )
        for level in LEVELS
    ]
    result = Result(
        version=__version__,
        root=_shown_root(project.root),
        findings=findings,
        diagnostics=diagnostics,
        stats=stats,
        sources=sorted({f.source for f in fragments if f.files}),
        summary=Summary(new=sum(1 for f in findings if f.new)),
        coverage=coverage(dependency_graph),
        skipped={
            f"{f.source} {kind}": count
            for f in fragments
            for kind, count in sorted(f.skipped.items())
        },
        unused_selectors=unused,
        files=files_read(fragments),
        notes=notes(fragments),
    )
    return result, dependency_graph


def _unmatched_selectors(
    project: config.Project, dependency_graph: graph.DependencyGraph
) -> tuple[list[str], list[Diagnostic]]:
    """Selectors that name no node. In the user's own files each is an input problem (a
    typo there silently weakens the gate); in a ready rule set extended by name, whose
    rules are written for many systems, each is only counted as unused."""
    nodes = [node for level in LEVELS for node in dependency_graph.nodes(level)]
    missing = config.unmatched(project.config, nodes)
    if not missing:
        return [], []
    unused: set[str] = set()
    typos: list[Diagnostic] = []
    for place in config.selector_places(project, missing):
        if place.shipped:
            unused.add(place.selector)
        else:
            message = f"{place.crumb}: {place.selector!r} matches no node (a typo?)"
            typos.append(Diagnostic(place.file, place.line, message))
    return sorted(unused), typos


def _shown_root(root: Path) -> str:
    """The project root as the user would type it: relative to here when below here."""
    try:
        shown = root.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return root.resolve().as_posix()
    return "" if shown == "." else shown


def baseline_path(project: config.Project, given: Path | None) -> Path:
    """--baseline F, else the config's `baseline`, else depguard-baseline.json at the root."""
    if given is not None:
        return given
    return project.root / (project.config.baseline or baseline.DEFAULT_NAME)


def check(
    path: Path,
    config_file: Path | None,
    baseline_file: Path | None,
    use_baseline: bool,
    use_cache: bool = True,
    named: tuple[tuple[str, Path], ...] = (),
) -> tuple[Result, graph.DependencyGraph, Path | None]:
    """Analyse, then diff against the baseline: the one named or configured, else
    `depguard-baseline.json` at the root when it exists (what `depguard baseline`
    writes), which is then returned as well, for the command line to say so."""
    project = config.open_project(path, config_file, use_cache, named)
    result, dependency_graph = analyse(project, use_cache)
    chosen = baseline_file is not None or project.config.baseline is not None
    default = project.root / baseline.DEFAULT_NAME
    found = None
    if use_baseline and not chosen and os.path.lexists(default):
        found = default
        chosen = True
    if use_baseline and chosen:
        known = baseline.load(baseline_path(project, baseline_file))
        baseline.apply(
            result, dependency_graph, known, project.config.cycles.witnesses_per_component
        )
    return result, dependency_graph, found
