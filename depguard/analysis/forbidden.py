"""Forbidden dependencies: named sources must not depend on named targets, directly or
(when `transitive`) through any chain; a transitive finding shows the shortest chain."""

from __future__ import annotations

from depguard.analysis.paths import adjacency, bfs_parents, path_to
from depguard.config import Config, Forbidden, matches
from depguard.graph import DependencyGraph
from depguard.model import Finding, Hop, Level, Node, finding_id

MAX_PER_RULE = 1000


def find_forbidden(graph: DependencyGraph, level: Level, config: Config) -> list[Finding]:
    findings: list[Finding] = []
    for rule in (*config.forbidden, *_isolation_rules(config)):
        if level in rule.levels:
            findings.extend(_check(graph, level, rule))
    return findings


def _isolation_rules(config: Config) -> list[Forbidden]:
    """An isolated node must have no hard path to what it watches: a transitive rule."""
    return [
        Forbidden(
            name=f"isolation: {rule.name}",
            from_=rule.nodes,
            to=rule.watches,
            transitive=True,
            strengths=("hard",),
        )
        for rule in config.isolated
    ]


def _check(graph: DependencyGraph, level: Level, rule: Forbidden) -> list[Finding]:
    nodes = graph.nodes(level)
    sources = [n for n in nodes if any(matches(s, n, _layer) for s in rule.from_)]
    targets = {n.id for n in nodes if any(matches(s, n, _layer) for s in rule.to)}
    digraph = graph.digraph(level)

    def counts(u: str, v: str) -> bool:
        edge = digraph.edge(u, v)
        return not edge.typing_only and edge.strength in rule.strengths

    adj = adjacency(digraph, counts)
    findings: list[Finding] = []
    for source in sources:
        if rule.transitive:
            parents = bfs_parents(adj, source.id, stop=targets)
            reached = sorted(t for t in targets if t in parents and t != source.id)
        else:
            parents = {}
            reached = [t for t in adj[source.id] if t in targets and t != source.id]
        for target in reached:
            chain = path_to(parents, target) if rule.transitive else [source.id, target]
            findings.append(_finding(graph, level, rule, chain))
            if len(findings) >= MAX_PER_RULE:
                return findings
    return findings


def _layer(node: Node) -> str | None:
    return node.layer


def _finding(graph: DependencyGraph, level: Level, rule: Forbidden, chain: list[str]) -> Finding:
    hops = []
    for u, v in zip(chain, chain[1:], strict=False):
        edge = graph.edge(level, u, v)
        hops.append(Hop(u, v, tuple(edge.evidence), edge.edge_class))
    names = " -> ".join(graph.node(n).name for n in chain)
    how = "through " + names if len(chain) > 2 else names
    return Finding(
        id=finding_id("forbidden", level, rule.name, [chain[0], chain[-1]]),
        type="forbidden",
        level=level,
        severity=rule.severity,
        rule=rule.name,
        nodes=[chain[0], chain[-1]],
        message=f"{rule.name}: {how}",
        witnesses=[hops],
        cut=[(chain[0], chain[1])],
        details={"transitive": rule.transitive, "chain_length": len(chain) - 1},
    )
