"""The records every stage passes on: nodes, edges, evidence, findings, results.

This module imports nothing from outside the standard library (but depguard.textsafe,
which is standard library only), so the model can be read, tested and reused without the
CLI, YAML or rendering libraries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from depguard.textsafe import oneline

Level = Literal["module", "service"]
LEVELS: tuple[Level, ...] = ("module", "service")
Strength = Literal["hard", "soft"]
Severity = Literal["error", "warning"]
FindingType = Literal["cycle", "layer", "forbidden", "bootstrap", "fallback"]


class FindingKind(NamedTuple):
    """Everything that is said of one kind of finding, in one record."""

    type: FindingType
    code: str  # stable, beside a readable name: suppressions survive renames
    name: str
    heading: str  # what the text report groups it under
    order: int  # its place in a report (cycles first)
    help: str


# In the order of their codes' first release: SARIF and JUnit list them so.
FINDING_KINDS: dict[str, FindingKind] = {
    kind.type: kind
    for kind in (
        FindingKind(
            "cycle",
            "DG001",
            "dependency-cycle",
            "Cycles",
            0,
            "Dependencies form a cycle: no part of it can start or fail alone. Cut one "
            "edge of each witness loop, preferably an upward one.",
        ),
        FindingKind(
            "layer",
            "DG002",
            "layer-violation",
            "Layer violations",
            2,
            "A lower layer depends on a higher one, or members of an independent layer "
            "depend on each other.",
        ),
        FindingKind(
            "bootstrap",
            "DG004",
            "bootstrap-cycle",
            "Bootstrap cycles (no cold start)",
            1,
            "Services need each other to start: from cold, none of them can. Break the "
            "named edge (an upward one, else the one with the weakest evidence).",
        ),
        FindingKind(
            "fallback",
            "DG005",
            "fallback-shares-fate",
            "Fallbacks that share fate",
            4,
            "An escape route depends on the thing it routes around: when that fails, so "
            "does the fallback.",
        ),
        FindingKind(
            "forbidden",
            "DG003",
            "forbidden-dependency",
            "Forbidden dependencies",
            3,
            "A dependency that a rule of the config forbids, directly or through a chain.",
        ),
    )
}

# Kinds whose edges never close an error cycle by default: a collector that every
# service exports to, and that probes some of them, is not an outage waiting to happen.
QUIET_KINDS = frozenset({"telemetry", "monitoring"})
# roles of well-known infrastructure that make a node a resource (it needs nothing to run)
RESOURCE_ROLES = frozenset({"datastore", "cache", "broker", "storage"})
ROLE_LABEL = (
    "depguard.role"  # the label a node's role is written in (select `label:depguard.role=cache`)
)
# a merged edge takes its most binding kind, whatever order its sources came in
BINDING_KINDS = ("startup", "runtime", "import")


def _kind_rank(kind: str) -> tuple[int, int, str]:
    if kind in BINDING_KINDS:
        return (0, BINDING_KINDS.index(kind), kind)
    return (2 if kind in QUIET_KINDS else 1, 0, kind)


class Evidence(NamedTuple):
    """Where an edge was read: a file, a line, the text there and the source that read it.

    A named tuple, not a frozen dataclass: a large tree has one per import line, and a
    tuple is several times cheaper to make, hash and sort.
    """

    file: str
    line: int
    text: str = ""  # for people: reports show it, rules never read it
    source: str = ""
    env: str = ""  # the environment variable that carried the address, for `edges:` rules

    def location(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Diagnostic:
    """An input problem (not a finding): the run goes on, then exits 2."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        """One line whatever the file name or message hold: it is printed to a CI log."""
        return f"{oneline(self.file)}:{self.line}: {oneline(self.message)}"


@dataclass(frozen=True, slots=True)
class Node:
    """A module, a service or a resource. `id` is `kind:name`."""

    id: str
    kind: str
    name: str
    layer: str | None = None
    service: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    entrypoint: bool = False
    declared_in: Evidence | None = None

    def label(self, key: str) -> str | None:
        return dict(self.labels).get(key)

    def placed(self, layer: str | None, service: str | None) -> Node:
        """This node in a layer and owned by a service. `dataclasses.replace` does the
        same five times slower, and a large tree places every module."""
        return Node(
            self.id, self.kind, self.name, layer, service, self.labels, self.entrypoint,
            self.declared_in,
        )  # fmt: skip


def node_id(kind: str, name: str) -> str:
    return f"{kind}:{name}"


MODULE_KINDS = ("module", "external")
MODULE_PREFIXES = tuple(f"{kind}:" for kind in MODULE_KINDS)  # ids at the module level


def level_of_kind(kind: str) -> Level:
    return "module" if kind in MODULE_KINDS else "service"


@dataclass(slots=True)
class Edge:
    """A dependency from `source` (the dependent) to `target` (the dependency)."""

    source: str
    target: str
    kind: str = "runtime"
    strength: Strength = "hard"
    typing_only: bool = False
    deferred: bool = False
    evidence: list[Evidence] = field(default_factory=list)
    fallback: str | None = None  # a node id the dependent uses when the target is down

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.target)

    @property
    def edge_class(self) -> str:
        """The class that decides whether the edge closes a cycle: typing, a quiet kind,
        or its strength."""
        if self.typing_only:
            return "typing"
        if self.kind in QUIET_KINDS:
            return self.kind
        return self.strength

    def merge(self, other: Edge) -> None:
        """Fold a parallel edge from another source into this one.

        The merged edge is as strong as its strongest part and runtime-relevant if any
        part is: a typing-only import beside a real one is a real import.
        """
        self.evidence = sorted(set(self.evidence) | set(other.evidence))
        if other.strength == "hard":
            self.strength = "hard"
        self.typing_only = self.typing_only and other.typing_only
        self.deferred = self.deferred and other.deferred
        self.kind = min(self.kind, other.kind, key=_kind_rank)
        routes = [f for f in (self.fallback, other.fallback) if f is not None]
        self.fallback = min(routes) if routes else None


@dataclass
class Fragment:
    """What one source read: nodes, edges and input problems."""

    source: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # valid content the source does not use (a Kubernetes kind, a Backstage Group), counted
    skipped: dict[str, int] = field(default_factory=dict)
    # what was found and deliberately not read or not applied, and how to (not a problem)
    notes: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class Hop:
    """One step of a witness: an edge and its evidence."""

    source: str
    target: str
    evidence: tuple[Evidence, ...] = ()
    edge_class: str = "hard"


@dataclass
class Finding:
    """Something wrong with the graph, identified by `id` (never by line numbers)."""

    id: str
    type: FindingType
    level: Level
    severity: Severity
    rule: str
    nodes: list[str]
    message: str
    witnesses: list[list[Hop]] = field(default_factory=list)
    cut: list[tuple[str, str]] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    new: bool = True
    details: dict[str, object] = field(default_factory=dict)
    # a cycle's cyclic edges (what the baseline gate compares); not part of the report
    edges: list[tuple[str, str]] = field(default_factory=list, repr=False)


@dataclass(frozen=True)
class FixedEntry:
    """A baseline finding that is gone now."""

    id: str
    type: str
    level: str
    message: str


@dataclass
class Coverage:
    """Per service, the sources that gave it outgoing edges; who has none; dangling refs."""

    sources: dict[str, list[str]] = field(default_factory=dict)
    no_evidence: list[str] = field(default_factory=list)
    dangling: list[str] = field(default_factory=list)
    # with traces as a source: declared edges never observed, observed calls never declared
    declared_not_observed: list[str] = field(default_factory=list)
    observed_not_declared: list[str] = field(default_factory=list)


@dataclass
class Summary:
    new: int = 0
    baselined: int = 0
    fixed: int = 0


@dataclass
class GraphStats:
    level: Level
    nodes: int
    edges: int


@dataclass
class Result:
    """Everything a reporter needs; the JSON report is this, serialised."""

    version: str
    root: str
    findings: list[Finding]
    diagnostics: list[Diagnostic]
    stats: list[GraphStats]
    sources: list[str]
    summary: Summary = field(default_factory=Summary)
    fixed: list[FixedEntry] = field(default_factory=list)
    stale_edges: int = 0
    coverage: Coverage = field(default_factory=Coverage)
    skipped: dict[str, int] = field(default_factory=dict)  # "kubernetes Ingress" -> 2
    # selectors of an extended ready rule set that name no node here (not an error)
    unused_selectors: list[str] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)  # source -> the files it read
    notes: list[Diagnostic] = field(default_factory=list)  # said, never failing

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def exit_code(self, fail_on: Severity = "error") -> int:
        failing = ("error",) if fail_on == "error" else ("error", "warning")
        return exit_code(
            self.diagnostics, any(f.new and f.severity in failing for f in self.findings)
        )


def exit_code(diagnostics: Sequence[Diagnostic], failed: bool) -> int:
    """The one place that decides how a command ends: 2 when the analysis was incomplete
    (an input problem: it never passes silently), else 1 when it found what fails (new
    error findings, a cold start that is impossible), else 0."""
    if diagnostics:
        return 2
    return 1 if failed else 0


def finding_id(type_: str, level: str, rule: str, nodes: list[str] | tuple[str, ...]) -> str:
    """A stable identity from the finding type, level, rule and node ids: never from line
    numbers or messages, so moving code or rewording a message keeps old findings old."""
    import hashlib

    key = "\x1f".join([type_, level, rule, *nodes])
    # surrogateescape: a module named from a file name that is not UTF-8 still has an id
    data = key.encode("utf-8", "surrogateescape")
    return f"{type_}-{level}-{hashlib.sha256(data).hexdigest()[:12]}"
