from __future__ import annotations

import json

from conftest import EXAMPLES

from depguard import pipeline, report
from depguard.report.json_report import from_data, to_data


def test_a_saved_result_reads_back_to_the_same_report() -> None:
    result, _ = pipeline.run(EXAMPLES / "cloud-control-plane")
    data = json.loads(report.render("json", result))
    again = from_data(data)
    assert to_data(again) == data
    assert report.render("text", again) == report.render("text", result)


def test_unknown_reporter_names_the_known_ones() -> None:
    result, _ = pipeline.run(EXAMPLES / "cloud-control-plane-fixed")
    try:
        report.render("yaml", result)
    except KeyError as exc:
        assert "choose from text, json" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("no error")
