from __future__ import annotations

import pytest
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from depguard import pipeline, report
from depguard.report import text


def test_plain_text_has_no_escape_codes_and_colour_has_some() -> None:
    result, _ = pipeline.run(EXAMPLES / "cloud-control-plane")
    plain = report.render("text", result, report.Options(color=False))
    coloured = report.render("text", result, report.Options(color=True))
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured
    assert plain.splitlines()[0] == "Cycles"


def test_summary_line_counts_errors_warnings_and_the_graph() -> None:
    result, _ = pipeline.run(EXAMPLES / "cloud-control-plane")
    last = report.render("text", result).splitlines()[-1]
    assert last == (
        "10 errors, 2 warnings, module level: 9 nodes and 5 edges, service level: "
        "23 nodes and 37 edges from compose, kubernetes, python, services"
    )


def rich_without_colour(lines: text._Lines) -> str:
    """How the report was drawn before plain text stopped going through rich."""
    return lines.drawn(100, color=False)


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_plain_text_is_what_rich_draws_without_colour(example: str) -> None:
    result, _ = pipeline.run(EXAMPLES / example)
    lines = text.report_lines(result)
    assert lines.lines, example
    assert lines.plain() == rich_without_colour(lines)
    assert report.render("text", result, report.Options(color=False)) == lines.plain()


def _lines(pieces: list[list[tuple[str, str]]]) -> text._Lines:
    lines = text._Lines()
    for line_pieces in pieces:
        line = text.Text()
        for piece, style in line_pieces:
            line.append(piece, style)
        lines.print(line)
    return lines


STYLES = st.sampled_from(["", "bold", "dim", "magenta", "bold white on red"])
NO_TABS = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\t"))
# rich expands tabs by cell width, so a zero-width escape or a wide character earlier on
# the line would move a tab: plain text counts characters (tabs are rare in evidence)
ASCII_TABS = st.text(st.sampled_from("ab [x] :smile: \t\r\x07\n"))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(NO_TABS, STYLES), max_size=4)
        | st.lists(st.tuples(ASCII_TABS, STYLES), max_size=4),
        max_size=5,
    )
)
def test_any_text_is_drawn_as_rich_would_without_colour(
    pieces: list[list[tuple[str, str]]],
) -> None:
    """Markup-like brackets, emoji codes, control codes, wide characters and tabs (after
    printable ASCII) come out as rich drew them."""
    lines = _lines(pieces)
    assert lines.plain() == rich_without_colour(lines)
