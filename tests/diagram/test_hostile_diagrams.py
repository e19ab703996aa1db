"""Diagrams of a graph whose names were written by an attacker: DOT and Mermaid keep one
statement a line, SVG is well-formed XML (graphviz-pure alone will do), HTML has no tag
but its own, and the graph JSON keeps every name exactly."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from hostile import NAMES, SCRIPT, assert_safe, hostile_graph, hostile_result

from depguard.diagram import dot, graph_json, html, mermaid
from depguard.diagram.render import render
from depguard.diagram.view import Options, View, build_view

SVG = "{http://www.w3.org/2000/svg}"
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')  # a DOT quoted ID, as Graphviz's scanner reads one
# every DOT line the writer makes, its quoted IDs written as `S`
DOT_LINE = re.compile(
    r"\t*(digraph S \{|subgraph S \{|\}|(graph|node|edge) \[[^\]]*\]|\{rank=S( S)*\}"
    r"|label=S( \w+=S)*|S( -> S)?( \[\w+=S( \w+=S)*\])?)"
)
MERMAID_LINE = re.compile(
    r" *(flowchart BT|subgraph n_\w+\[\"[^\"]*\"\]|end|n_\w+\[\"[^\"]*\"\](:::cyclic)?"
    r"|n_\w+ -\.?-> n_\w+|linkStyle \d+ [\w:#,.\- ]+|classDef cyclic [\w:#,.\- ]+)"
)


@pytest.fixture(scope="module")
def view() -> View:
    return build_view(hostile_graph(), "service", hostile_result().findings, Options())


@pytest.fixture(scope="module")
def svg(view: View) -> str:
    return render(dot.render_view(view), "svg").decode("utf-8")


def test_dot_keeps_one_statement_a_line_and_no_injected_node(view: View) -> None:
    text = dot.render_view(view)
    assert_safe(text)
    skeletons = [QUOTED.sub("S", line) for line in text.splitlines()]
    assert [s for s in skeletons if not DOT_LINE.fullmatch(s)] == []
    assert not any("evil" in s for s in skeletons)
    statements = [s for s in skeletons if s.lstrip("\t").startswith("S [label=")]
    assert len(statements) == len(NAMES) + 12  # each node once, and the legend's 12


def test_mermaid_keeps_one_statement_a_line_with_quoted_labels(view: View) -> None:
    text = mermaid.render_view(view)
    assert_safe(text)
    lines = text.splitlines()
    assert [line for line in lines if not MERMAID_LINE.fullmatch(line)] == []
    labels = re.findall(r'\["([^"]*)"\]', text)
    assert len(labels) == len(NAMES) + len(view.layers)
    # no raw HTML, Markdown string, directive or entity code but the writer's own
    assert not any(re.search(r"[<>`%&]|#(?!\w+;)", label) for label in labels)


def test_svg_is_well_formed_and_draws_the_hostile_nodes_only(svg: str) -> None:
    assert_safe(svg)
    root = ET.fromstring(svg.encode("utf-8"))
    nodes = [g.findtext(SVG + "title") for g in root.iter(SVG + "g") if g.get("class") == "node"]
    assert len([n for n in nodes if n and n.startswith("service:")]) == len(NAMES)
    assert "evil" not in nodes
    assert SCRIPT not in svg  # text, escaped: never an element


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_html_has_only_its_own_tags_and_one_script(svg: str) -> None:
    page = html.render(hostile_result(), svg, f"repo{SCRIPT}")
    assert_safe(page)
    parser = _Tags()
    parser.feed(page)
    assert parser.tags.count("script") == 1  # the filter box's own
    page_tags = {"html", "head", "meta", "title", "style", "body", "h1", "p", "div", "input"}
    table_tags = {"table", "thead", "tbody", "tr", "th", "td", "br", "code"}
    svg_tags = {"svg", "g", "title", "polygon", "path", "text", "ellipse", "a", "polyline"}
    assert set(parser.tags) <= page_tags | table_tags | svg_tags | {"script"}
    body = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    ET.fromstring(body.encode("utf-8"))  # the SVG inside stays well-formed XML


def test_graph_json_keeps_every_name_exactly_and_encodes_as_utf8() -> None:
    text = graph_json.render(hostile_graph(), "service", [])
    text.encode("utf-8")  # lone surrogates from file names are written as escapes
    data = json.loads(text)
    assert sorted(n["name"] for n in data["nodes"]) == sorted(NAMES)
    evidence = [e["file"] for edge in data["edges"] for e in edge["evidence"]]
    assert all(file.endswith("\udcff/compose.yaml") for file in evidence)
