"""The import scanner agrees with `ast` on generated code.

Generated modules hold valid import statements in every shape the scanner reads
(`import a.b as c, d`, `from . import x`, `from ..a import (b, c)`, star imports, spaces
around dots, backslash continuations, `;`-separated statements, one-line compound
statements) at module level, in functions and methods (deferred), in `if TYPE_CHECKING:`
and `if typing.TYPE_CHECKING:` blocks, their `elif` and `else` branches, in
`try`/`except ImportError` and other neutral blocks; and beside them, the same text
inside strings, docstrings and comments, where it must not be found. The reference is
the `ast` walk of the corpus test (`tests/ast_imports.py`), so both compute the same
facts: (line, module, names, level, typing_only, deferred) per imported module.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Callable

import pytest
from ast_imports import Entry, from_ast
from conftest import deadline
from hypothesis import example, given, settings
from hypothesis import strategies as st

from depguard.sources.python.scanner import _Scanner, scan

# examples per property (reported by the test run's summary; keep the folder fast)
EXAMPLES_AGREES_WITH_AST = 300
EXAMPLES_HIDDEN_IMPORTS = 200

Draw = Callable[..., object]

# identifiers: short ASCII names (soft keywords such as `match`, `type` and `_` are
# names), and a few that NFKC-normalise (the parser normalises identifiers)
ASCII_NAME = st.from_regex(r"[a-z_][a-z0-9_]{0,4}", fullmatch=True).filter(
    lambda s: not keyword.iskeyword(s)
)
NAME = st.one_of(
    ASCII_NAME,
    ASCII_NAME,
    ASCII_NAME,
    st.sampled_from(["match", "type", "_", "TYPE_CHECKING", "ﬁle", "café", "µs", "important"]),
)
# whitespace between tokens: a space, more, or a backslash continuation
GAP = st.sampled_from([" ", " ", " ", "  ", "\t", " \\\n", " \\\n    ", "\\\n  "])
# what may stand around a dot or a comma: nothing, or a gap
TIGHT = st.sampled_from(["", "", "", " ", "\\\n"])
TRAILING_COMMENT = st.sampled_from(
    ["", "", "", "  # import hidden", "  # from hidden import x", "  # noqa"]
)


@st.composite
def dotted(draw: st.DrawFn) -> str:
    parts = draw(st.lists(NAME, min_size=1, max_size=3))
    out = parts[0]
    for part in parts[1:]:
        out += draw(TIGHT) + "." + draw(TIGHT) + part
    return out


@st.composite
def plain_import(draw: st.DrawFn) -> str:
    """`import a.b as c, d`"""
    items = []
    for _ in range(draw(st.integers(1, 3))):
        item = draw(dotted())
        if draw(st.booleans()):
            item += draw(GAP) + "as" + draw(GAP) + draw(NAME)
        items.append(item)
    joined = items[0]
    for item in items[1:]:
        joined += draw(TIGHT) + "," + draw(GAP) + item
    return "import" + draw(GAP) + joined


@st.composite
def from_import(draw: st.DrawFn) -> str:
    """`from ..a import (b, c)`, `from . import x`, `from a import *`"""
    level = draw(st.integers(0, 3))
    dots = draw(st.sampled_from(["", " "])).join("." * level) if level else ""
    if level == 3 and draw(st.booleans()):
        dots = "..."
    module = draw(dotted()) if level == 0 or draw(st.booleans()) else ""
    source = dots + (draw(TIGHT) if dots and module else "") + module
    head = "from" + (draw(GAP) if not dots or draw(st.booleans()) else " ") + source
    head += (draw(GAP) if module or draw(st.booleans()) else " ") + "import"
    style = draw(st.sampled_from(["star", "plain", "paren", "paren"]))
    if style == "star":
        return head + draw(GAP) + "*"
    names = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(NAME)
        if draw(st.booleans()):
            name += draw(GAP) + "as" + draw(GAP) + draw(NAME)
        names.append(name)
    if style == "plain":
        body = names[0]
        for name in names[1:]:
            body += draw(TIGHT) + "," + draw(GAP) + name
        return head + draw(GAP) + body
    # parenthesised: newlines, comments and a trailing comma are all allowed inside
    inside = draw(st.sampled_from(["", "\n    ", " # import hidden\n  ", "\n"]))
    for index, name in enumerate(names):
        inside += name
        if index < len(names) - 1 or draw(st.booleans()):
            inside += ","
        inside += draw(st.sampled_from([" ", "\n    ", "  # from hidden import y\n    ", ""]))
    opener = draw(st.sampled_from(["(", "( "]))
    return head + draw(GAP).replace("\t", " ") + opener + inside + ")"


IMPORT = st.one_of(plain_import(), from_import())

# strings and comments that hold import statements: never imports
QUOTED = st.sampled_from(['"{}"', "'{}'", 'r"{}"', "b'{}'", 'f"{{x}} {}"', "rb'{}'"])
TRIPLE = st.sampled_from(['"""{}"""', "'''{}'''", 'r"""{}"""', 'f"""{{x}}\n{}"""'])


@st.composite
def hidden(draw: st.DrawFn) -> str:
    """A statement or comment whose text holds an import statement that is not code."""
    statement = draw(IMPORT)
    one_line = " ".join(statement.replace("\\\n", " ").split())
    shape = draw(st.sampled_from(["quoted", "triple", "comment", "docstring", "call"]))
    if shape == "quoted":
        escaped = one_line.replace("\\", "\\\\").replace('"', "").replace("'", "")
        quoted = draw(QUOTED) if escaped.isascii() else '"{}"'  # bytes are ASCII only
        return "s = " + quoted.format(escaped)
    if shape == "triple":
        body = statement.replace('"', "").replace("'", "").replace("\\", "")
        return "s = " + draw(TRIPLE).format("\n" + body + "\n")
    if shape == "comment":
        return "# " + one_line.replace("\n", " ")
    if shape == "docstring":
        return '"""' + statement.replace("\\", "").replace('"', "") + '\n"""'
    return "print(\n    " + repr(one_line) + ",\n    " + repr(statement) + ",\n)"


FILLER = st.one_of(
    st.sampled_from(
        [
            "x = 1",
            "pass",
            "important = 2",
            "import_x = 3",
            "x.import_ = 4",
            'd = {"import": 1, "from": 2}',
            "y = (1,\n    2)  # from x import y",
            "z = 1 + \\\n    2",
            "...",
            "f(x)",
            "s = 'a\\\nimport in_string'",
            'x = [\n"import y",\n  # import z\n]',
            "f = lambda: 1",
            "x = {'a': 1,\n'b': 'import q'}[\n'a']",
        ]
    ),
    hidden(),
)
SIMPLE = st.one_of(IMPORT, IMPORT, FILLER)

TYPE_CHECKING_TESTS = [
    "TYPE_CHECKING",
    "typing.TYPE_CHECKING",
    "t.TYPE_CHECKING",
    "(TYPE_CHECKING)",
    "(TYPE_CHECKING  # a comment: with a colon\n)",
    "TYPE_CHECKING \\\n",
    "typing . TYPE_CHECKING",
]
NEUTRAL_TESTS = [
    "x",
    "not TYPE_CHECKING",
    "TYPE_CHECKING and x",
    "sys.version_info >= (3, 11)",
    "(TYPE_CHECKING and\n        x)",
    'd["a:b"]',
    "TYPE_CHECKING()",
]


@st.composite
def simple_line(draw: st.DrawFn) -> str:
    """One or more simple statements on a logical line, `;`-separated."""
    statements = draw(st.lists(SIMPLE, min_size=1, max_size=3))
    if len(statements) > 1:  # a comment or docstring-like text cannot be followed by `;`
        statements = [s for s in statements if not s.startswith(("#", '"""'))] or ["pass"]
        # a statement with a trailing comment goes last: the comment ends the line
        statements.sort(key=lambda s: "#" in s)
        statements = statements[: next((i + 1 for i, s in enumerate(statements) if "#" in s), None)]
    sep = draw(st.sampled_from(["; ", ";", " ; "]))
    line = sep.join(statements)
    if not line.startswith("#"):
        line += draw(TRAILING_COMMENT)
    return line


@st.composite
def one_liner(draw: st.DrawFn, indent: str) -> str:
    """A compound statement with its body on the header's line: `if TYPE_CHECKING: import a`."""
    header = draw(
        st.sampled_from(
            [
                *(f"if {test}" for test in TYPE_CHECKING_TESTS[:4]),
                "def f()",
                "async def g()",
                "class C",
                "try",
                "with x",
                "while x",
            ]
        )
    )
    body = "; ".join(draw(st.lists(st.one_of(IMPORT, st.just("pass")), min_size=1, max_size=2)))
    line = f"{indent}{header}: {body}"
    if header == "try":
        line += f"\n{indent}except ImportError: pass"
    return line


def indent_block(text: str, indent: str) -> str:
    """`text` (one statement, maybe several lines) starting at `indent`. Only its first
    line is indented: the others are continuations, bracket contents or string contents."""
    return indent + text


@st.composite
def suite(draw: st.DrawFn, indent: str, unit: str, depth: int) -> list[str]:
    count = draw(st.integers(1, 3))
    found = [draw(statement(indent, unit, depth)) for _ in range(count)]
    if all(s.lstrip().startswith("#") for s in found):  # a block needs a statement
        found.append(indent + "pass")
    return found


@st.composite
def statement(draw: st.DrawFn, indent: str, unit: str, depth: int) -> str:
    kinds = ["simple", "simple", "one_liner"] + (["compound"] * 3 if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "simple":
        return indent_block(draw(simple_line()), indent)
    if kind == "one_liner":
        return draw(one_liner(indent))
    inner = indent + unit

    def body() -> str:
        return "\n".join(draw(suite(inner, unit, depth + 1)))

    shape = draw(
        st.sampled_from(["def", "async", "method", "class", "typing", "if", "try", "with", "for"])
    )
    if shape in ("def", "async"):
        decorator = draw(st.sampled_from(["", f"@decorator\n{indent}", f"@a.b(1)\n{indent}"]))
        prefix = "async def" if shape == "async" else "def"
        doc = draw(st.sampled_from(["", f'{inner}"""import not_a_module."""\n']))
        signature = draw(st.sampled_from(["(a, b=1)", '(a=(1, 2), b={"x": 1}) -> "import y"']))
        return f"{indent}{decorator}{prefix} f{signature}:\n{doc}{body()}"
    if shape == "method":
        method = "\n".join(draw(suite(inner + unit, unit, depth + 1)))
        return f"{indent}class C(Base):\n{inner}x = 1\n{inner}def m(self):\n{method}"
    if shape == "class":
        return f"{indent}class C:\n{body()}"
    if shape in ("typing", "if"):
        tests = TYPE_CHECKING_TESTS if shape == "typing" else NEUTRAL_TESTS
        text = f"{indent}if {draw(st.sampled_from(tests))}:\n{body()}"
        if draw(st.booleans()):
            elif_test = draw(st.sampled_from(TYPE_CHECKING_TESTS + NEUTRAL_TESTS))
            text += f"\n{indent}elif {elif_test}:\n{body()}"
        if draw(st.booleans()):
            text += f"\n{indent}else:\n{body()}"
        return text
    if shape == "try":
        text = f"{indent}try:\n{body()}\n{indent}except ImportError:\n{body()}"
        if draw(st.booleans()):
            text += f"\n{indent}else:\n{body()}"
        if draw(st.booleans()):
            text += f"\n{indent}finally:\n{body()}"
        return text
    if shape == "with":
        return f"{indent}with open(p) as f:\n{body()}"
    return f"{indent}for x in y:\n{body()}"


@st.composite
def module(draw: st.DrawFn) -> bytes:
    unit = draw(st.sampled_from(["    ", "  ", "\t", "        "]))
    head = draw(st.sampled_from(["", '"""Module docstring: import os.\n\nfrom a import b\n"""\n']))
    body = "\n".join(draw(suite("", unit, 0)))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    return (head + body + "\n").replace("\n", newline).encode()


def from_scanner(data: bytes) -> list[Entry]:
    return [(s.line, s.module, s.names, s.level, s.typing_only, s.deferred) for s in scan(data)]


@settings(max_examples=EXAMPLES_AGREES_WITH_AST, deadline=None)
@given(module())
@example(b"if TYPE_CHECKING: import a\nelse: import b\n")
@example(b"def f(): import a; from . import (b,\n  c)\nimport d . e as f\n")
@example(b"from . . import \\\n  x\nclass C:\n    def m(self):\n        from ...a import *\n")
@example(b"s = '''\nimport os\n'''; import ok\n# import no\nx = 'from a import b'\n")
def test_the_scanner_agrees_with_ast(source: bytes) -> None:
    tree = ast.parse(source)  # the generator makes valid code only
    assert sorted(from_scanner(source)) == sorted(from_ast(tree)), source.decode()


@settings(max_examples=EXAMPLES_HIDDEN_IMPORTS, deadline=None)
@given(
    st.lists(hidden(), min_size=1, max_size=4),
    st.sampled_from(["", "def f():\n", "if TYPE_CHECKING:\n", "class C:\n"]),
)
def test_imports_in_strings_docstrings_and_comments_are_never_found(
    lines: list[str], header: str
) -> None:
    indent = "    " if header else ""
    source = (header + "\n".join(indent + line for line in [*lines, "pass"]) + "\n").encode()
    assert from_ast(ast.parse(source)) == []  # the generator hides every import
    assert scan(source) == [], source.decode()


@pytest.mark.parametrize(
    "source",
    [b"import \\\n" * 40_000 + b"a\n", b"from \\\n" + b"import \\\n" * 40_000 + b"a\n"],
    ids=["import", "from"],
)
def test_a_long_backslash_chain_of_import_keywords_does_not_hang(source: bytes) -> None:
    """Found beside the properties: every `import` of one logical line copied (and for a
    `from`, matched) the line so far, so this invalid code took 16 s and 8 minutes; it
    now takes 0.15 s. The deadline is a hang guard (400 times that), not a benchmark."""
    with deadline(60):
        assert scan(source) == []


# Pieces that make statements the fast parse must either read exactly as the general
# parse does or leave to it: odd spacing, digits, Unicode, comments, continuations,
# brackets, stray commas and keywords.
PIECE = st.sampled_from(
    [" ", " ", "  ", "\t", "\f", ".", "..", "a", "b.c", "d1", "1e", "as", " as ", ",", ", ",
     "(", ")", "*", "\n", "# c\n", ";", "\\\n", "é", "ﬁ", "import", "from"]
)  # fmt: skip


@st.composite
def statement_text(draw: st.DrawFn) -> str:
    """A statement in the generated valid shapes, or one made of random pieces."""
    if draw(st.booleans()):
        return draw(IMPORT)
    head = draw(st.sampled_from(["import", "from"]))
    pieces = "".join(draw(st.lists(PIECE, max_size=8)))
    if head == "import":
        return "import" + pieces
    return (
        "from"
        + pieces
        + draw(st.sampled_from([" import", "import", " import "]))
        + "".join(draw(st.lists(PIECE, max_size=8)))
    )


@settings(max_examples=EXAMPLES_AGREES_WITH_AST, deadline=None)
@given(statement_text(), st.sampled_from(["\n", "\nx = 1\n", "", "; import z\n"]))
@example("from a import (b,\n c,)", "\n")
@example("from . import x as y, z", "\n")
@example("import a.b as c, d", "")
@example("from a import b, 1c", "\n")
@example("from a import (1b)", "\n")
@example("from . import (a as b as c)", "\n")
def test_the_fast_statement_parse_agrees_with_the_general_one(text: str, after: str) -> None:
    """Where `_plain_statement` answers (nearly every statement of a real tree), its
    answer is the general parse's, on valid and invalid text alike."""
    source = text + after
    # the first `import` keyword: not preceded by a word character
    at = next((m.start(1) for m in re.finditer(r"(?:^|(?<=\W))(import)(?!\w)", source)), None)
    if at is None:
        return
    scanner = _Scanner(source)
    start = 0 if source.startswith("from") else at
    fast = scanner._plain_statement(start, at)
    if fast is not None:
        assert fast == scanner._any_statement(start, at), source
