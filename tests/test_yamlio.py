"""depguard.yamlio: safe YAML that remembers lines and refuses what it should."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import deadline

from depguard import yamlio
from depguard.yamlio import YamlError


def lines(*rows: str) -> str:
    """A YAML text whose line N is rows[N-1], so fixtures show their line numbers."""
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------- same values as PyYAML

SAMPLES = [
    "a: 1\nb: [x, y]\nc: {d: true, e: null}\n",
    "- 1\n- two\n- [3, 4]\n- {five: 5}\n",
    "base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n",
    "anchored: &a [1, 2]\nagain: *a\n",
    "when: 2020-01-01\nfloat: 1.5\nyes_is: yes\noct: 0o17\n",
    "text: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
    "just a scalar\n",
    "nested:\n  - name: a\n    match: ['*-db', 'label:tier=x']\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_load_one_equals_safe_load(text: str) -> None:
    assert yamlio.load_one(text, "f.yaml") == yaml.safe_load(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_load_all_equals_safe_load_all(text: str) -> None:
    stream = text + "---\n" + text
    assert [doc for doc, _ in yamlio.load_all(stream, "f.yaml")] == list(yaml.safe_load_all(stream))


def test_mappings_and_lists_are_plain_dict_and_list_subclasses() -> None:
    data = yamlio.load_one("a: [1]\n", "f.yaml")
    assert isinstance(data, dict)
    assert isinstance(data["a"], list)


# ---------------------------------------------------------------- line_of

NESTED = lines(
    "top:",  # 1
    "  inner:",  # 2
    "    - first",  # 3
    "    - name: second",  # 4
    "      match: [x]",  # 5
    "    -",  # 6
    "      name: third",  # 7
    "other: 1",  # 8
)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ((), 1),
        (("top",), 1),
        (("other",), 8),
        (("top", "inner"), 2),
        (("top", "inner", 0), 3),
        (("top", "inner", 1), 4),
        (("top", "inner", 1, "name"), 4),
        (("top", "inner", 1, "match"), 5),
        (("top", "inner", 2, "name"), 7),
    ],
)
def test_line_of_keys_nested_keys_and_items(path: tuple[object, ...], line: int) -> None:
    assert yamlio.line_of(yamlio.load_one(NESTED, "f.yaml"), path) == line


MERGED = lines(
    "a: &a",  # 1
    "  k: 2",  # 2
    "  only_a: 3",  # 3
    "b: &b",  # 4
    "  k: 5",  # 5
    "  only_b: 6",  # 6
    "one:",  # 7
    "  <<: *a",  # 8
    "  k: 9",  # 9
    "two:",  # 10
    "  <<: [*a, *b]",  # 11
    "three:",  # 12
    "  only_b: 13",  # 13
    "  <<: [*b, *a]",  # 14
)


def test_a_merged_key_has_the_line_of_the_value_the_mapping_kept() -> None:
    """Each value is its own line number: whichever pair a merge keeps (a key of the
    mapping itself, else the first merged mapping that has it), its line is the key's."""
    data = yamlio.load_one(MERGED, "f.yaml")
    assert data == yaml.safe_load(MERGED)
    for name in ("one", "two", "three"):
        assert data[name].key_lines == {key: value for key, value in data[name].items()}
    assert yamlio.line_of(data, ("one", "k")) == 9 and yamlio.line_of(data, ("two", "k")) == 2


def test_line_of_a_missing_key_gives_the_deepest_known_line() -> None:
    data = yamlio.load_one(NESTED, "f.yaml")
    assert yamlio.line_of(data, ("top", "inner", 1, "nope")) == 4


def test_line_of_an_index_past_the_end_gives_the_list_line() -> None:
    data = yamlio.load_one(NESTED, "f.yaml")
    assert yamlio.line_of(data, ("top", "inner", 9)) == 2


def test_line_of_a_key_in_a_later_document_counts_from_the_stream_start() -> None:
    docs = yamlio.load_all(lines("a: 1", "---", "b: 2", "c: 3"), "f.yaml")
    assert yamlio.line_of(docs[1][0], ("c",)) == 4


def test_line_of_plain_data_without_lines_is_zero() -> None:
    assert yamlio.line_of({"a": 1}, ("a",)) == 0


# ---------------------------------------------------------------- refusals


def test_duplicate_key_names_both_lines() -> None:
    text = lines("layers: []", "forbidden: []", "layers: [x]")
    with pytest.raises(YamlError) as info:
        yamlio.load_one(text, "d.yaml")
    assert info.value.line == 3
    assert str(info.value) == "d.yaml:3: duplicate key 'layers' (first at line 1)"


def test_duplicate_nested_key_names_both_lines() -> None:
    text = lines("x:", "  a: 1", "  b: 2", "  a: 3")
    with pytest.raises(YamlError) as info:
        yamlio.load_one(text, "d.yaml")
    assert str(info.value) == "d.yaml:4: duplicate key 'a' (first at line 2)"


def test_same_key_in_sibling_mappings_is_no_duplicate() -> None:
    assert yamlio.load_one("- {a: 1}\n- {a: 2}\n", "f.yaml") == [{"a": 1}, {"a": 2}]


def _billion_laughs() -> str:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        rows.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    return lines(*rows)


def test_alias_bomb_is_refused_not_expanded() -> None:
    # expanding it would build 10**9 nodes: the deadline only guards against a hang
    with deadline(5), pytest.raises(YamlError) as info:
        yamlio.load_one(_billion_laughs(), "bomb.yaml")
    assert "alias" in info.value.message
    assert info.value.file == "bomb.yaml"


def test_a_few_aliases_are_fine() -> None:
    assert yamlio.load_one("a: &a [1, 2]\nb: [*a, *a]\n", "f.yaml") == {
        "a": [1, 2],
        "b": [[1, 2], [1, 2]],
    }


def test_only_a_stream_holding_an_anchor_is_counted_for_aliases(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counting nodes guards against alias bombs; with no `&` there can be no anchor, so
    no alias, and a rendered chart of many documents skips the count."""
    counted: list[int] = []
    real = yamlio._expanded_size

    def count(node: yaml.Node) -> int:
        counted.append(1)
        return real(node)

    monkeypatch.setattr(yamlio, "_expanded_size", count)
    docs = yamlio.load_all("a: 1\n---\nb: 'x*y'\n", "f.yaml")
    assert [(dict(data), line) for data, line in docs] == [({"a": 1}, 1), ({"b": "x*y"}, 3)]
    assert counted == []
    with pytest.raises(YamlError):  # an `&` anywhere (here in a URL): every document
        yamlio.load_all("url: 'http://h/?a=1&b=2'\n---\n" + _billion_laughs(), "g.yaml")
    assert len(counted) == 2


def test_recursive_alias_is_refused_not_looped_on() -> None:
    with deadline(1), pytest.raises(YamlError) as info:
        yamlio.load_one("a: &a [*a]\n", "r.yaml")
    assert info.value.line == 1
    assert "alias" in info.value.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (lines("a: 1", "  b: 2"), 2),  # mapping value where none is allowed
        (lines("a:", "\t- x"), 2),  # a tab indent
        (lines("- a", "b: 2"), 2),  # a mapping after a list at the top
        (lines("a: 1", "b: *nope"), 2),  # an undefined alias
        (lines("a: 1", "b: 2", "c: [x", "d: 4"), 4),  # unclosed flow list seen on line 4
    ],
)
def test_syntax_error_gives_the_line(text: str, line: int) -> None:
    with pytest.raises(YamlError) as info:
        yamlio.load_one(text, "s.yaml")
    assert info.value.line == line
    assert str(info.value).startswith(f"s.yaml:{line}: YAML syntax error: ")


def test_unclosed_quote_points_at_where_it_opened() -> None:
    with pytest.raises(YamlError) as info:
        yamlio.load_one("a: 'x\n", "s.yaml")
    assert info.value.line == 1
    assert "quoted scalar" in info.value.message


def test_decode_accepts_a_bom() -> None:
    assert yamlio.decode(b"\xef\xbb\xbfa: 1\n", "f.yaml") == "a: 1\n"


def test_decode_bad_utf8_names_the_line_of_the_byte() -> None:
    with pytest.raises(YamlError) as info:
        yamlio.decode(b"a: 1\nb: 2\nc: \xff\nd: 4\n", "f.yaml")
    assert info.value.line == 3
    assert str(info.value) == "f.yaml:3: not UTF-8 text (byte 0xff)"


def test_read_text_refuses_a_nul_byte_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: 1\nb: 2\nc: \x00\n")
    with pytest.raises(YamlError) as info:
        yamlio.read_text(path, "f.yaml")
    assert str(info.value) == "f.yaml:3: contains a NUL byte: not a text file"


def test_read_text_accepts_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    text = yamlio.read_text(path, "f.yaml")
    assert yamlio.load_one(text, "f.yaml") == {"a": 1}


def test_read_text_of_a_missing_file_is_a_yaml_error(tmp_path: Path) -> None:
    with pytest.raises(YamlError) as info:
        yamlio.read_text(tmp_path / "nope.yaml", "nope.yaml")
    assert info.value.line == 0
    assert info.value.message.startswith("cannot read: ")


def test_load_one_accepts_a_bom_in_text() -> None:
    assert yamlio.load_one("\ufeffa: 1\n", "f.yaml") == {"a": 1}


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system ['echo hi']\n",
        "a: !!python/object/apply:os.system ['echo hi']\n",
        "a: !!python/name:os.system\n",
        "a: !custom 3\n",
    ],
)
def test_arbitrary_tags_are_refused(text: str) -> None:
    with pytest.raises(YamlError) as info:
        yamlio.load_one(text, "t.yaml")
    assert info.value.line == 1


def test_refused_tag_message_says_unsupported_tag() -> None:
    with pytest.raises(YamlError) as info:
        yamlio.load_one("a: !!python/object/apply:os.system ['echo hi']\n", "t.yaml")
    assert "python/object/apply:os.system" in info.value.message
    assert "syntax" not in info.value.message
    assert "constructor" not in info.value.message


# ---------------------------------------------------------------- documents


def test_multi_document_stream_gives_each_document_and_its_line() -> None:
    text = lines("a: 1", "---", "b: 2", "---", "- x")
    assert yamlio.load_all(text, "m.yaml") == [({"a": 1}, 1), ({"b": 2}, 3), (["x"], 5)]


def test_load_one_refuses_several_documents_at_the_second() -> None:
    with pytest.raises(YamlError) as info:
        yamlio.load_one(lines("a: 1", "---", "b: 2"), "m.yaml")
    assert str(info.value) == "m.yaml:3: expected one YAML document, found several"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_document_gives_none(text: str) -> None:
    assert yamlio.load_one(text, "e.yaml") is None
    assert yamlio.load_all(text, "e.yaml") == []


def test_an_explicit_empty_document_is_none() -> None:
    assert yamlio.load_one("---\n", "e.yaml") is None


def test_yaml_error_carries_its_parts() -> None:
    err = YamlError("x.yaml", 7, "boom")
    assert (err.file, err.line, err.message, str(err)) == ("x.yaml", 7, "boom", "x.yaml:7: boom")
