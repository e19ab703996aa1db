from __future__ import annotations

from conftest import EXAMPLES

from depguard import pipeline, report


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
