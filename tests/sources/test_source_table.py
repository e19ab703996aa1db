"""The source table is the one place a format is declared: everything else follows it."""

from __future__ import annotations

import dataclasses
import inspect
import json

import pytest

from depguard import config
from depguard.sources import SOURCES, discovery, source
from depguard.sources.python.options import PythonSource


def test_the_config_takes_exactly_the_formats_of_the_table() -> None:
    entry: type = config.SourceEntry
    assert [f.name for f in dataclasses.fields(entry)] == list(SOURCES)


def test_the_json_schema_lists_exactly_the_formats_of_the_table() -> None:
    schema = json.loads(config.json_schema())
    entry = schema["$defs"]["SourceEntry"]
    assert sorted(entry["properties"]) == sorted(SOURCES)
    for name, spec in SOURCES.items():
        assert entry["properties"][name]["description"] == spec.help


@pytest.mark.parametrize("name", list(SOURCES))
def test_each_format_has_a_reader_and_a_finder(name: str) -> None:
    reader = source(name)
    assert name == reader.SOURCE or name == "python" and reader.SOURCE == "python"
    assert "use_cache" in inspect.signature(reader.collect).parameters
    assert callable(discovery.finder(name))


def test_a_source_entry_reads_back_its_format_and_paths() -> None:
    cfg = config.parse(
        {"sources": [{"compose": ["a.yaml", "b.yaml"]}, {"python": {"roots": ["src"]}}]}
    )
    compose, python = cfg.sources
    assert (compose.format, compose.paths, compose.options) == (
        "compose",
        ("a.yaml", "b.yaml"),
        None,
    )
    assert (python.format, python.paths) == ("python", ("src",))
    assert isinstance(python.options, PythonSource)
