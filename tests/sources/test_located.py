"""The one located-document reader: YAML and JSON give the same tree, the same lines
and the same wording of every wrong type."""

from __future__ import annotations

import pytest

from depguard import yamlio
from depguard.model import Diagnostic
from depguard.sources.located import Document, Located

YAML = """\
spec:
  ports:
    - 80
    - name: http
      port: "x"
  name: 7
"""

JSON = """\
{
  "spec": {
    "ports": [
      80,
      {"name": "http",
       "port": "x"}
    ],
    "name": 7
  }
}
"""


def _walk(data: object) -> list[str]:
    out: list[Diagnostic] = []
    top = Located(Document("f", out, label="Thing t"), data, "", 1)
    spec = top.path("spec")
    assert spec is not None
    for item in (ports := spec.child("ports")).items():
        if item.mapping() is not None:
            port = item.require("port")
            assert port is not None and port.text() == "x"
            item.require("protocol")
    assert ports.key == "ports"
    name = spec.get("name")
    assert name is not None and name.text() is None
    assert top.get("absent") is None
    list(spec.items())  # a mapping where a list was expected
    return [f"{d.line}: {d.message}" for d in out]


def test_yaml_and_json_give_the_same_problems_at_their_own_lines() -> None:
    from_yaml = _walk(yamlio.load_one(YAML, "f"))
    from_json = _walk(yamlio.load_json(JSON, "f"))
    assert from_yaml == [
        "3: Thing t: spec.ports[0]: expected a mapping, got 80",
        "4: Thing t: spec.ports[1].protocol: missing required key",
        "6: Thing t: spec.name: expected a string, got 7",
        "1: Thing t: spec: expected a list, got a mapping",
    ]
    assert from_json == [
        "4: Thing t: spec.ports[0]: expected a mapping, got 80",
        "5: Thing t: spec.ports[1].protocol: missing required key",
        "8: Thing t: spec.name: expected a string, got 7",
        "2: Thing t: spec: expected a list, got a mapping",
    ]


def test_json_lines_survive_strings_that_look_like_structure() -> None:
    text = '{"a": "{\\"x\\": [\\n", "b": [\n"]", {"c":\n1}], "a": {\n"d": 2}}'
    data = yamlio.load_json(text, "f")
    assert data == {"a": {"d": 2}, "b": ["]", {"c": 1}]}
    assert data.key_lines == {"a": 3, "b": 1}  # a repeated key: the last one, as json
    assert data["b"].item_lines == [2, 2]
    assert data["b"][1].key_lines == {"c": 2}
    assert data["a"].key_lines == {"d": 4}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": }', "f:1: not valid JSON: Expecting value"),
        ('{\n"a": 1,\n}', "f:3: not valid JSON: Expecting property name enclosed in double quotes"),
        ("[" * 100_000 + "]" * 100_000, "f:1: not valid JSON: maximum recursion depth exceeded"),
    ],
)
def test_bad_json_is_one_located_error(text: str, expected: str) -> None:
    with pytest.raises(yamlio.YamlError) as caught:
        yamlio.load_json(text, "f")
    assert str(caught.value).startswith(expected)


def test_a_format_decides_what_reads_as_text() -> None:
    class Lenient(Document):
        def scalar(self, at: Located[Document]) -> str | None:
            return str(at.value)

    out: list[Diagnostic] = []
    assert Located(Lenient("f", out), 8080).text() == "8080"
    assert Located(Document("f", out), 8080, "port", 3).text() is None
    assert [(d.line, d.message) for d in out] == [(3, "port: expected a string, got 8080")]
