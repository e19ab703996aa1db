"""The static import scanner, one construct per test, with exact results."""

from __future__ import annotations

import codecs
import re
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from depguard.sources.python import scanner
from depguard.sources.python.scanner import _COMMENT, ImportStatement, ScanError, _clean, scan

Row = tuple[int, str, tuple[str, ...], int, bool, bool, str]


def rows(source: str | bytes) -> list[Row]:
    """(line, module, names, level, typing_only, deferred, text) for each statement."""
    data = source if isinstance(source, bytes) else dedent(source).encode()
    return [
        (s.line, s.module, s.names, s.level, s.typing_only, s.deferred, s.text) for s in scan(data)
    ]


def test_result_is_a_list_of_frozen_statements() -> None:
    found = scan(b"import os\n")
    assert found == [ImportStatement(1, "os", (), 0, False, False, "import os")]
    with pytest.raises(AttributeError):
        found[0].line = 2  # type: ignore[misc]


def test_no_imports() -> None:
    assert rows("") == []
    assert rows("x = 1\n") == []


def test_plain_import() -> None:
    assert rows("import os\n") == [(1, "os", (), 0, False, False, "import os")]


def test_dotted_import_with_alias_and_several_modules() -> None:
    text = "import a.b as c, d"
    assert rows("import a.b as c, d\n") == [
        (1, "a.b", (), 0, False, False, text),
        (1, "d", (), 0, False, False, text),
    ]


def test_from_import_with_names_and_alias() -> None:
    assert rows("from a.b import c, d as e\n") == [
        (1, "a.b", ("c", "d"), 0, False, False, "from a.b import c, d as e")
    ]


def test_star_import() -> None:
    assert rows("from a import *\n") == [(1, "a", ("*",), 0, False, False, "from a import *")]


def test_relative_imports() -> None:
    source = """\
        from .. import x
        from .mod import y
        from . import (a, b)
        from .import z
        from ...pkg.sub import w
    """
    assert rows(source) == [
        (1, "", ("x",), 2, False, False, "from .. import x"),
        (2, "mod", ("y",), 1, False, False, "from .mod import y"),
        (3, "", ("a", "b"), 1, False, False, "from . import (a, b)"),
        (4, "", ("z",), 1, False, False, "from .import z"),
        (5, "pkg.sub", ("w",), 3, False, False, "from ...pkg.sub import w"),
    ]


def test_future_import_is_an_import() -> None:
    assert rows("from __future__ import annotations\n") == [
        (1, "__future__", ("annotations",), 0, False, False, "from __future__ import annotations")
    ]


def test_docstring_hides_imports() -> None:
    assert rows('"""\nimport os\n"""\n') == []
    assert rows("'''\nfrom a import b\n'''\nimport c\n") == [
        (4, "c", (), 0, False, False, "import c")
    ]


def test_string_prefixes_single_and_triple_quoted() -> None:
    source = """\
        a = r"import a"
        b = b'import b'
        c = f"{x} import c"
        d = u'import d'
        e = rb'''
        import e
        '''
        f = Rb\"\"\"
        import f\"\"\"
        g = fr'''{x}
        import g'''
        h = BR"import h"
        import real
    """
    assert rows(source) == [(13, "real", (), 0, False, False, "import real")]


def test_escaped_quotes_do_not_end_strings() -> None:
    source = """\
        a = 'it\\'s; import no'
        b = \"\"\"a \\\"\"\" import no2
        \"\"\"
        c = r'\\'; import no3'
        import yes
    """
    assert rows(source) == [(5, "yes", (), 0, False, False, "import yes")]


def test_comments_hide_imports() -> None:
    assert rows("# import x\nimport y  # import z\n") == [(2, "y", (), 0, False, False, "import y")]


def test_parenthesised_multiline_from_import_with_comment() -> None:
    source = """\
        from a import (
            b,
            c,  # comment (with parentheses)
        )
    """
    assert rows(source) == [(1, "a", ("b", "c"), 0, False, False, "from a import (b, c,)")]


def test_backslash_continuations() -> None:
    source = """\
        import a, \\
            b
        from c \\
            import d
    """
    assert rows(source) == [
        (1, "a", (), 0, False, False, "import a, b"),
        (1, "b", (), 0, False, False, "import a, b"),
        (3, "c", ("d",), 0, False, False, "from c import d"),
    ]


def test_semicolon_separated_statements() -> None:
    source = """\
        import a; import b
        x = 1; from y import z
        f = lambda: 0; import c
    """
    assert rows(source) == [
        (1, "a", (), 0, False, False, "import a"),
        (1, "b", (), 0, False, False, "import b"),
        (2, "y", ("z",), 0, False, False, "from y import z"),
        (3, "c", (), 0, False, False, "import c"),
    ]


def test_words_that_are_not_import_statements() -> None:
    source = """\
        x.import_thing()
        importlib.import_module("a")
        s = "import b"
        f(import_=1)
        import_x = 2
        reimport = 3
    """
    assert rows(source) == []


def test_type_checking_block_is_typing_only() -> None:
    source = """\
        from typing import TYPE_CHECKING
        import typing
        import typing as t
        if TYPE_CHECKING:
            import a
            from b import c
        if typing.TYPE_CHECKING:
            import d
        if t.TYPE_CHECKING:  # an alias works too
            import e
        if (TYPE_CHECKING):
            import f
    """
    found = [(line, module, typing_only) for line, module, _, _, typing_only, _, _ in rows(source)]
    assert found == [
        (1, "typing", False),
        (2, "typing", False),
        (3, "typing", False),
        (5, "a", True),
        (6, "b", True),
        (8, "d", True),
        (10, "e", True),
        (12, "f", True),
    ]


def test_type_checking_else_branch_is_runtime() -> None:
    source = """\
        if TYPE_CHECKING:
            import a
        else:
            import b
        import c
    """
    assert rows(source) == [
        (2, "a", (), 0, True, False, "import a"),
        (4, "b", (), 0, False, False, "import b"),
        (5, "c", (), 0, False, False, "import c"),
    ]


def test_elif_type_checking_is_typing_only() -> None:
    source = """\
        if sys.version_info >= (3, 11):
            import a
        elif TYPE_CHECKING:
            import b
        else:
            import c
    """
    assert [(module, typing_only) for _, module, _, _, typing_only, _, _ in rows(source)] == [
        ("a", False),
        ("b", True),
        ("c", False),
    ]


def test_other_tests_are_not_type_checking() -> None:
    source = """\
        if not TYPE_CHECKING:
            import a
        if TYPE_CHECKING and x:
            import b
        if TYPE_CHECKING_2:
            import c
        while TYPE_CHECKING:
            import d
    """
    assert [typing_only for _, _, _, _, typing_only, _, _ in rows(source)] == [False] * 4


def test_type_checking_on_one_line() -> None:
    source = """\
        if TYPE_CHECKING: import a; import b
        else: import c
    """
    assert rows(source) == [
        (1, "a", (), 0, True, False, "import a"),
        (1, "b", (), 0, True, False, "import b"),
        (2, "c", (), 0, False, False, "import c"),
    ]


def test_type_checking_covers_nested_blocks() -> None:
    source = """\
        if TYPE_CHECKING:
            try:
                import a
            except ImportError:
                import b
        import c
    """
    assert [(module, typing_only) for _, module, _, _, typing_only, _, _ in rows(source)] == [
        ("a", True),
        ("b", True),
        ("c", False),
    ]


def test_imports_in_functions_and_methods_are_deferred() -> None:
    source = """\
        def f():
            import a
        async def g():
            import b
        class C:
            def m(self):
                if x:
                    import c
            async def n(self):
                class D:
                    import d
    """
    assert rows(source) == [
        (2, "a", (), 0, False, True, "import a"),
        (4, "b", (), 0, False, True, "import b"),
        (8, "c", (), 0, False, True, "import c"),
        (11, "d", (), 0, False, True, "import d"),
    ]


def test_one_line_function_is_deferred() -> None:
    source = """\
        def f(): import a
        async def g(): x = 1; import b
        import c
    """
    assert [(module, deferred) for _, module, _, _, _, deferred, _ in rows(source)] == [
        ("a", True),
        ("b", True),
        ("c", False),
    ]


def test_class_body_is_not_deferred() -> None:
    source = """\
        class C:
            import a
            class D: import b
    """
    assert [(module, deferred) for _, module, _, _, _, deferred, _ in rows(source)] == [
        ("a", False),
        ("b", False),
    ]


def test_multiline_function_header() -> None:
    source = """\
        class C:
            @property
            def p(
                self,
            ) -> int:
                import a
        def g(a,
              b): import b
    """
    assert [(line, module, deferred) for line, module, _, _, _, deferred, _ in rows(source)] == [
        (6, "a", True),
        (8, "b", True),
    ]


def test_typing_only_and_deferred_together() -> None:
    source = """\
        def f():
            if TYPE_CHECKING:
                import a
    """
    assert rows(source) == [(3, "a", (), 0, True, True, "import a")]


def test_try_except_import_error_fallback_finds_both() -> None:
    source = """\
        try:
            import simplejson as json
        except ImportError:
            import json
    """
    assert rows(source) == [
        (2, "simplejson", (), 0, False, False, "import simplejson as json"),
        (4, "json", (), 0, False, False, "import json"),
    ]


def test_dedented_continuation_lines_inside_a_function() -> None:
    # Lines at column 0 inside brackets or a triple-quoted string do not end the function.
    source = """\
        def f():
            x = [
        1, 2]
            y = '''
        text
        '''
            d = {a
        if b else c: 1}
            import os
    """
    assert rows(source) == [(9, "os", (), 0, False, True, "import os")]


def test_string_continued_by_backslash_hides_imports() -> None:
    assert rows("x = 'a\\\nimport os'\nimport b\n") == [(3, "b", (), 0, False, False, "import b")]


def test_backslash_at_the_end_of_a_comment_does_not_continue() -> None:
    source = """\
        def f():
            x = 1  # a comment \\
            import os
    """
    assert rows(source) == [(3, "os", (), 0, False, True, "import os")]


def test_line_is_where_the_statement_starts() -> None:
    source = """\
        from a import (b,
                       c)
        from d \\
            import e
        x = 1; \\
            import f
    """
    assert [line for line, *_ in rows(source)] == [1, 3, 6]


def test_tabs_form_feeds_and_crlf_newlines() -> None:
    source = b"def f():\r\n\tif TYPE_CHECKING:\r\n\t\timport a\r\n\timport b\r\n\x0cimport c\r"
    assert rows(source) == [
        (3, "a", (), 0, True, True, "import a"),
        (4, "b", (), 0, False, True, "import b"),
        (5, "c", (), 0, False, False, "import c"),
    ]


def test_names_are_normalized_like_the_parser_does() -> None:
    # NFKC: the ligature "ﬁ" is "fi"; spaces around dots are dropped.
    assert rows("import \ufb01le . sub\n") == [
        (1, "file.sub", (), 0, False, False, "import \ufb01le . sub")
    ]


def test_match_statement_blocks_are_neutral() -> None:
    source = """\
        match command:
            case "go":
                import a
    """
    assert rows(source) == [(3, "a", (), 0, False, False, "import a")]


def test_pep_701_f_string_with_nested_quotes() -> None:
    source = """\
        s = f"{x["k"]} import no"
        import yes
    """
    assert rows(source) == [(2, "yes", (), 0, False, False, "import yes")]


Imported = tuple[str, int, bool, bool]


def imported(source: str) -> list[Imported]:
    """(module, line, typing_only, deferred) for each imported module."""
    return [(s.module, s.line, s.typing_only, s.deferred) for s in scan(dedent(source).encode())]


# PEP 701 (Python 3.12+): a replacement field is code. In each source the pre-3.12 rules
# miss where a string ends and misread the lines after it (every case failed before the
# scanner knew PEP 701); `ast` of Python 3.12 and 3.13 gives the expected imports.
PEP_701: dict[str, tuple[str, list[Imported]]] = {
    "triple_quoted_string_in_a_field": (
        """\
        x = f"{'''
        import pkg.c
        '''}"
        import pkg.b
        """,
        [("pkg.b", 4, False, False)],
    ),
    "same_quote_nesting": (
        """\
        s = f"{"a"}{"'''"}"
        import a
        # '''
        """,
        [("a", 2, False, False)],
    ),
    "nested_f_strings": (
        """\
        s = f"{f'{x}'}{f'{"'''"}'}"
        import a
        # '''
        """,
        [("a", 2, False, False)],
    ),
    "format_spec_with_a_nested_field": (
        """\
        s = f"{x:{w}}{x:{"'''"}}"
        import a
        # '''
        """,
        [("a", 2, False, False)],
    ),
    "conversion_and_format_spec": (
        """\
        s = f"{x!r:>10}{y!s:{"'''"}}"
        import a
        # '''
        """,
        [("a", 2, False, False)],
    ),
    "backslash_in_a_field": (
        """\
        s = f"{'\\n'.join(a)}{'\\n'.join(["'''"])}"
        import a
        # '''
        """,
        [("a", 2, False, False)],
    ),
    "comment_in_a_multi_line_field_of_a_triple_quoted_f_string": (
        '''\
        x = f"""{
            a  # """
        }"""
        import a
        # """
        ''',
        [("a", 4, False, False)],
    ),
    "newline_in_a_field_of_a_single_quoted_f_string": (
        """\
        x = f"{a
        }'''"
        import evil
        y = 1  # '''
        """,
        [("evil", 3, False, False)],
    ),
    "f_string_right_after_a_triple_quoted_string": (
        '''\
        s = """x
        """f"{"\'\'\'"}"
        import a
        # \'\'\'
        ''',
        [("a", 3, False, False)],
    ),
    "newline_ending_a_format_spec": (
        """\
        x = f"{y:>10
        }'''"
        import evil
        # '''
        """,
        [("evil", 3, False, False)],
    ),
    "multi_line_fields_before_deferred_and_typing_only_imports": (
        """\
        def f():
            x = f"{a +
        b}"
            import y
        if TYPE_CHECKING:
            z = f"{a # "
        }"
            from m import n
        """,
        [("y", 4, False, True), ("m", 8, True, False)],
    ),
    "continued_string_in_a_field": (
        """\
        x = f"{"a\\
        ;import hidden;\\
        "}"; import real
        """,
        [("real", 3, False, False)],
    ),
}


@pytest.mark.parametrize("name", sorted(PEP_701))
def test_pep_701_f_strings_are_read_exactly(name: str) -> None:
    source, expected = PEP_701[name]
    assert imported(source) == expected


@pytest.mark.parametrize("prefix", ["f", "F", "rf", "Rf", "fR", "FR", "rF", "t", "T", "tr", "Rt"])
def test_every_f_and_t_string_prefix_reads_fields_as_code(prefix: str) -> None:
    """t-strings (Python 3.14) have the syntax of f-strings."""
    source = f"""\
        s = {prefix}"\\d{{"'''"}}"
        import a
        # '''
        """
    assert imported(source) == [("a", 2, False, False)]


def test_a_double_brace_after_a_field_nested_in_a_format_spec_is_a_literal_brace() -> None:
    """As CPython 3.13 reads it (3.12.1 opens another field there, and rejects this)."""
    source = """\
        s = f"{"a"}{y:{w}{{}'''"
        import a
        # '''
        """
    assert imported(source) == [("a", 2, False, False)]


def test_a_keyword_just_before_a_quote_is_no_string_prefix() -> None:
    """`if"x"` is `if "x"`: were its `f` taken for a prefix, `{` would open a field."""
    source = """\
        if"{":
            import a
        elif"{x}{'''":
            import b
        else:
            from c import d
        """
    assert imported(source) == [
        ("a", 2, False, False),
        ("b", 4, False, False),
        ("c", 6, False, False),
    ]


def test_f_strings_read_alike_both_ways_are_not_rewritten() -> None:
    """The usual f-strings keep the plain scan: the rewrite costs a second lexing."""
    source = """\
        import a
        x = f"{d['k']} {y!r:>{w}} {z:#x} {{}} {', '.join(f'{v}' for v in q[1:])}"
        y = rf'''{a}\\d
        {b["c"]}'''
        d = {"k": f"{v}", 'j': {1, 2}}
        e = {'f': {"k": 1}}
        g = {"T": {'a': 2}}
        def f():
            import b
        """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scanner, "neutralize", lambda text: pytest.fail(f"rewritten: {text}"))
        assert imported(source) == [("a", 1, False, False), ("b", 9, False, True)]


def test_deep_unterminated_or_broken_f_strings_never_raise() -> None:
    deep = 'x = f"{' * 5000 + "1" + '}"' * 5000 + "\nimport a\n"
    assert imported(deep) == [("a", 2, False, False)]
    broken = ['f"{', "f'{x", 'f"""{\n', 'f"{x:{', "f'{'''", 'rf"\\{', 'f"\\N{', 'f"{x!', "f'}"]
    for text in broken:
        assert isinstance(scan(("{'" + text + "\nimport b\n").encode()), list)
        assert isinstance(scan((text + "\nimport b\n").encode()), list)


def test_invalid_code_gives_a_best_effort_and_never_raises() -> None:
    assert rows("import\nfrom import x\nimport a,\nfrom a import (b\nimport 1x\n") == []
    assert rows("'''\nimport a\n") == []  # an unterminated string hides the rest
    for broken in ("x = (\nimport a\n", "def f(:\n  import a\n", "'a\\", "(((", ")))\n import a"):
        assert isinstance(scan(broken.encode()), list)


def test_utf8_bom() -> None:
    assert rows(codecs.BOM_UTF8 + b"import a\n") == [(1, "a", (), 0, False, False, "import a")]


def test_encoding_cookie_on_line_1_or_2() -> None:
    utf8 = "# -*- coding: utf-8 -*- caf\xe9\nimport caf\xe9\n".encode()  # not ASCII around it
    assert [module for _, module, *_ in rows(utf8)] == ["caf\xe9"]
    latin = "# -*- coding: latin-1 -*-\nimport caf\xe9\n".encode("latin-1")
    assert rows(latin) == [(2, "caf\xe9", (), 0, False, False, "import caf\xe9")]
    second = "#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\nimport caf\xe9\n"
    assert [module for _, module, *_ in rows(second.encode("latin-1"))] == ["caf\xe9"]


def test_undecodable_bytes_raise_scan_error_with_line() -> None:
    with pytest.raises(ScanError) as error:
        scan(b"import a\nx = '\xff'\n")
    assert error.value.line == 2
    assert "cannot decode as utf-8" in error.value.message


def test_nul_byte_raises_scan_error() -> None:
    with pytest.raises(ScanError) as error:
        scan(b"import a\n\nx = 1\0\n")
    assert (error.value.line, error.value.message) == (3, "source contains a NUL byte")


@pytest.mark.parametrize("name", ["utf-16", "utf-16-le", "utf-32", "cp037"])
@pytest.mark.parametrize("tail", [b"import os\n", b"import os\n\n"])  # odd and even length
def test_a_cookie_naming_an_encoding_that_is_not_ascii_compatible_is_refused(
    name: str, tail: bytes
) -> None:
    """Decoded as UTF-16, `import os` would be other text and no import at all."""
    with pytest.raises(ScanError) as error:
        scan(f"# coding: {name}\n".encode() + tail)
    assert (error.value.line, error.value.message) == (
        1,
        f"encoding problem: {name} is not ASCII-compatible",
    )


def test_unknown_encoding_or_bom_conflict_raises_scan_error() -> None:
    with pytest.raises(ScanError, match="unknown encoding: klingon"):
        scan(b"# coding: klingon\nimport a\n")
    with pytest.raises(ScanError, match="with a UTF-8 BOM"):
        scan(codecs.BOM_UTF8 + b"# coding: latin-1\nimport a\n")


def _clean_in_full(text: str) -> str:
    """`_clean` without its shortcut for text that is clean already."""
    text = _COMMENT.sub("", text)
    text = " ".join(text.replace("\\\n", " ").split())
    return text.replace("( ", "(").replace(" )", ")")


@settings(max_examples=2000, deadline=None)
@given(
    st.text(st.sampled_from("ab.( ),#\\\n\t\f\v\x1c\x85\xa0\u2003\u200b_é")).map(
        lambda rest: "from " + rest
    )
)
def test_a_statement_text_that_looks_clean_is_clean(text: str) -> None:
    """Any whitespace but a single space, a comment or a bracket's inner space goes the
    whole way; what is left must be what the whole way gives."""
    assert _clean(text) == _clean_in_full(text)


LINES = [
    "import a",
    "import a.b as c, d",
    "import a.b as c,d",
    "import a  ",
    "import a # note",
    "import a;import b",
    "import a \\",
    "import é",
    "from . import x",
    "from .. import x as y, z",
    "from .a.b import *",
    "from a import b as c, d",
    "from a import b as c",
    "from a import (b, c)",
    "from a import (",
    "    b,",
    ")",
    "from  import x",
    "from import import x",
    "from x.import.y import z",
    "from a import b\\",
    '"""',
    "'''",
    "x = '''",
    "s = 'import a'",
    "def f():",
    "    import q",
    "\timport t",
    "if TYPE_CHECKING:",
    "if TYPE_CHECKING: import a",
    "else:",
    "class C:",
    "#",
    "",
    "(",
]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=12), st.booleans())
def test_whole_simple_lines_read_at_once_agree_with_the_statement_parse(
    lines: list[str], final_newline: bool
) -> None:
    """`_top_lines` takes runs of one-line statements in one match each; turned off, every
    statement goes the general way. Both must give the same statements, texts included."""
    text = ("\n".join(lines) + ("\n" if final_newline else "")).encode()
    fast = rows(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scanner, "_TOP_LINE", re.compile(r"(?!)"))
        assert rows(text) == fast
