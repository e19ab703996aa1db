"""`oneline` shows any text as one unambiguous line of visible characters."""

from __future__ import annotations

import json

import pytest
from hostile import UNSAFE
from hypothesis import given
from hypothesis import strategies as st

from depguard import textsafe
from depguard.textsafe import json_text, oneline, xml


@pytest.mark.parametrize(
    "text, shown",
    [
        ("shop.services.pricing", "shop.services.pricing"),
        ("a\nb\r\tc", "a\\nb\\r\\tc"),
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
        ("\x00\x7f\x85\x9f", "\\x00\\x7f\\x85\\x9f"),
        ("a\u2028b\u2029", "a\\u2028b\\u2029"),
        ("\u202ebackwards\u2066\u2069\u200f", "\\u202ebackwards\\u2066\\u2069\\u200f"),
        ("\udcff.py", "\\udcff.py"),
        ("C:\\x1b", "C:\\\\x1b"),  # a name that spells an escape is not the escape
        ("::error::x", "\\x3a:error::x"),  # a workflow command at a line's start
        ("  ::warning", "  \\x3a:warning"),
        ("a::b", "a::b"),
        ("x ##[error] ##vso[task.x]", "x ##\\x5berror] ##vso\\x5btask.x]"),
        ("é ü 中文 🙂", "é ü 中文 🙂"),
    ],
)
def test_oneline_shows_what_could_act_as_visible_escapes(text: str, shown: str) -> None:
    assert oneline(text) == shown


@given(st.text(), st.text())
def test_distinct_texts_stay_distinct_on_one_line(a: str, b: str) -> None:
    assert (oneline(a) == oneline(b)) == (a == b)
    assert not UNSAFE.search(oneline(a))  # no control, separator, bidi or lone surrogate
    oneline(a).encode("utf-8")


@given(st.text() | st.text(st.sampled_from(" :#[\\ab\n")))
def test_the_fast_path_for_plain_names_changes_nothing(text: str) -> None:
    assert oneline(text) == textsafe._escaped(text)


def test_xml_escapes_markup_in_text_and_attributes() -> None:
    assert xml("<a href=\"x\" title='y'>&\x1b</a>") == (
        "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;\\x1b&lt;/a&gt;"
    )


def test_json_text_keeps_the_data_and_encodes_as_utf8() -> None:
    data = {"file": "a\udcffb.py", "name": "é\n"}
    text = json_text(json.dumps(data, ensure_ascii=False))
    assert json.loads(text) == data
    assert text.encode("utf-8").decode("utf-8") == text
