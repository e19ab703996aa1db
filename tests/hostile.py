"""Input an attacker wrote: names, layers, rules, paths and evidence texts that try to break
out of every output format, and the checks that every output must pass with them."""

from __future__ import annotations

import re

from depguard.analysis import analyse
from depguard.config import parse
from depguard.graph import DependencyGraph
from depguard.model import (
    Coverage,
    Diagnostic,
    Edge,
    Evidence,
    FixedEntry,
    GraphStats,
    Node,
    Result,
)

FORGED = "\n::error file=x.py,line=1::forged"  # a GitHub annotation on a line of its own
TITLE = "\x1b]0;pwned\x07"  # a terminal escape: sets the window title
PASSED = "```\n</details>\n\n## :white_check_mark: depguard passed"  # a job summary verdict
SCRIPT = "<script>alert(1)</script>"
DOT = '"];\n  evil [label="x'  # closes a DOT string and the statement, adds a node
MARKUP = "[bold red]markup[/]"  # rich markup
RLO = "\u202e"  # right-to-left override: text that reads backwards
LINE_SEPARATOR = "\u2028"
# beyond the brief's list: a command at the start of a line, a legacy command anywhere in
# one, a table cell, an entity Graphviz would copy into SVG, a trailing backslash
LEADING = "::warning file=y.py::leading"
LEGACY = "##[error]legacy"
EXTRA = ("a|b", "&#27;&x;", "tail\\")
# a file-name byte that is not UTF-8, as os.listdir gives it (paths only: a node named so
# crashes finding_id, a bug of its own)
SURROGATE = "\udcff"
PIECES = (FORGED, TITLE, PASSED, SCRIPT, DOT, MARKUP, RLO, LINE_SEPARATOR, LEGACY, *EXTRA)
NAMES = tuple(f"svc{index}{piece}" for index, piece in enumerate(PIECES)) + (LEADING,)
LAYERS = (f"low{SCRIPT}", f"high{FORGED}")
RULE = f"rule{PASSED}"

# what may not reach any output: C0 but \t and \n, DEL, C1, the line and paragraph
# separators, the bidi controls, lone surrogates
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)


def hostile_graph() -> DependencyGraph:
    """The hostile names in one cycle across two layers, each edge read from a hostile
    path with a hostile evidence text."""
    graph = DependencyGraph()
    graph.layers = LAYERS
    for index, name in enumerate(NAMES):
        node = Node(f"service:{name}", "service", name, layer=LAYERS[index % 2])
        graph.add_node(node)
    for index, name in enumerate(NAMES):
        piece = PIECES[index % len(PIECES)]
        target = NAMES[(index + 1) % len(NAMES)]
        where = f"deploy{piece}{SURROGATE}/compose.yaml"
        evidence = Evidence(where, index + 1, f"needs {piece}", "compose")
        graph.add_edge(Edge(f"service:{name}", f"service:{target}", evidence=[evidence]), "service")
    return graph


def hostile_result() -> Result:
    """Findings of every kind from the hostile graph, and hostile text in every other field
    a reporter shows."""
    config = parse(
        {
            "layers": [{"name": LAYERS[0], "match": ["*"]}, {"name": LAYERS[1]}],
            "forbidden": [{"name": RULE, "from": ["svc0*"], "to": ["svc1*"]}],
        }
    )
    graph = hostile_graph()
    findings = analyse(graph, config)
    assert {f.type for f in findings} >= {"cycle", "bootstrap", "layer", "forbidden"}
    findings[-1].new = False  # a baselined one too
    return Result(
        version="0.1.0",
        root=f"root{TITLE}",
        findings=findings,
        diagnostics=[Diagnostic(f"bad{piece}.yaml", 3, f"unknown key {piece}") for piece in PIECES]
        + [Diagnostic(LEADING, 1, LEGACY), Diagnostic(f"x{SURROGATE}.yaml", 1, "not UTF-8")],
        stats=[GraphStats("service", len(NAMES), len(NAMES))],
        sources=[f"compose{TITLE}"],
        fixed=[FixedEntry(f"cycle-gone{PASSED}", "cycle", f"service{FORGED}", f"gone {SCRIPT}")],
        coverage=Coverage(
            no_evidence=[f"quiet{RLO}"],
            dangling=[f"{LEADING} -> ghost{FORGED} (x.yaml:1)"],
            declared_not_observed=[f"{LEADING} -> a{TITLE}"],
            observed_not_declared=[f"b{LINE_SEPARATOR} -> c"],
        ),
        skipped={f"kubernetes {TITLE}": 2},
    )


def assert_safe(output: str, own_commands: int = 0) -> None:
    """No control, separator or bidi character; no CI log command but the `own_commands`
    lines the format writes itself (at the start of its lines)."""
    found = UNSAFE.findall(output)
    assert not found, f"unsafe characters in the output: {sorted(set(found))!r}"
    lines = output.split("\n")
    commands = [line for line in lines if line.lstrip().startswith("::")]
    assert len(commands) == own_commands, commands
    assert commands == lines[: len(commands)], "a command after other output"
    legacy = [line for line in lines if re.search(r"##[A-Za-z]*\[", line)]
    assert not legacy, legacy


def without_colour(drawn: str) -> str:
    """Drawn text without its SGR colour codes (`ESC [ ... m`), the only escapes allowed."""
    return re.sub("\x1b\\[[0-9;]*m", "", drawn)
