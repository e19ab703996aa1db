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

Other generated modules hold PEP 701 f-strings (Python 3.12+) around and between import
statements; their reference is the same walk over the `ast` of a 3.12+ interpreter, run
in a subprocess for a batch of modules at once (`tests/newer_ast.py`).
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Callable

import pytest
from ast_imports import Entry, from_ast
from conftest import deadline
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from newer_ast import newer_entries, newer_python

from depguard.sources.python import fstrings, scanner
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


# ---------------------------------------------------------------- PEP 701 f-strings
#
# Python 3.12 reads the replacement fields of f-strings as code: strings of the f-string's
# own quote, triple-quoted strings, nested f-strings, backslashes, comments and newlines
# may all stand there. Generated f-strings hold all of those (and import statements as
# text) around and between import statements; the reference is the `ast` of a 3.12+
# interpreter, asked for a whole batch of modules in one subprocess.

NEWER_PYTHON = newer_python()
PEP_701_BATCHES = 10  # hypothesis examples, each a batch of modules for one subprocess
PEP_701_BATCH_SIZE = 8
EXAMPLES_PEP_701_REWRITE = 60
EXAMPLES_PEP_701_PROOF = 200

F_PREFIXES = ["f", "F", "rf", "fR", "Rf", "FR", "f", "f"]
HIDDEN_TEXT = ["import hidden", "from hidden import x", "import a.b as c", ";import no"]


def other_quote(quote: str) -> str:
    return "'" if quote[0] == '"' else '"'


@st.composite
def literal_part(draw: st.DrawFn, quote: str) -> str:
    """Text between fields: words, import statements, `{{` and `}}`, escapes, quotes of
    the other kind (and lone ones of its own in a triple-quoted f-string), newlines in a
    triple-quoted one."""
    own = quote[0]
    pieces = [" text ", *HIDDEN_TEXT, "{{", "}}", "{{x}}", "\\n", "\\\\", "\\" + own]
    pieces += [other_quote(quote), "\\N{BULLET}", "\\{x}"]
    if len(quote) == 3:
        pieces += ["\n", "\nimport hidden\n", own + "q", own * 2 + "q", "#"]
    return "".join(draw(st.lists(st.sampled_from(pieces), max_size=3)))


@st.composite
def field_expression(draw: st.DrawFn, quote: str, depth: int) -> str:
    """Code in a replacement field of an f-string delimited by `quote`."""
    own, other = quote[0], other_quote(quote)
    kinds = ["name", "same", "other", "triple", "backslash", "lines", "dict", "lambda"]
    kinds += ["if", "nested", "nested"] if depth < 2 else ["if"]
    kind = draw(st.sampled_from(kinds))
    if kind == "name":
        return draw(st.sampled_from(["x", "d.e", "x[0]", "f(x, y)", "x[1:2]", "-x"]))
    if kind in ("same", "other"):  # PEP 701 allows the f-string's own quote
        q = own if kind == "same" else other
        return f"d[{q}{draw(st.sampled_from(['k', 'import x', '}', '{', '#']))}{q}]"
    if kind == "triple":
        triple = draw(st.sampled_from(['"""', "'''"]))
        return f"{triple}\n{draw(st.sampled_from(HIDDEN_TEXT))}\n{triple}"
    if kind == "backslash":
        q = draw(st.sampled_from([own, other]))
        return f"{q}\\n{q}.join(a)"
    if kind == "lines":
        return draw(st.sampled_from(["(a +\n b)", "a\n", "[\n1,\n2]", "a\\\n+ b"]))
    if kind == "dict":  # a field opening with `{` needs a space
        return f" {{{own}k{own}: 1}}[{own}k{own}] "
    if kind == "lambda":
        return "(lambda: 1)()"
    if kind == "if":
        return f"{own}a{own} if x else {other}b{other}"
    return draw(f_string(depth + 1))


@st.composite
def field(draw: st.DrawFn, quote: str, depth: int) -> str:
    """`{expression=!r:spec}`, each part but the expression optional; or a field whose
    expression ends with a comment (then a newline)."""
    expression = draw(field_expression(quote, depth))
    if draw(st.integers(0, 5)) == 0:
        comment = draw(st.sampled_from(["", " import hidden", " }", " " + quote, " '''"]))
        return "{" + expression + "  #" + comment + "\n}"
    debug = "=" if draw(st.integers(0, 4)) == 0 else ""
    conversion = draw(st.sampled_from(["", "", "", "!r", "!s", "!a"]))
    own = quote[0]
    specs = ["", "", "", ":>10", ":#x", ":.2f", ":{w}", ":{w}.{p}", ":{x!r}"]
    specs += [":" + other_quote(quote) + "^9"]  # a fill character
    specs += [":{" + own + "x" + own + "}", ":{'\\n'}"]
    return "{" + expression + debug + conversion + draw(st.sampled_from(specs)) + "}"


@st.composite
def f_string(draw: st.DrawFn, depth: int = 0) -> str:
    quote = draw(st.sampled_from(['"', "'", '"""', "'''"]))
    body = draw(literal_part(quote))
    for _ in range(draw(st.integers(1, 3))):
        body += draw(field(quote, depth)) + draw(literal_part(quote))
    return draw(st.sampled_from(F_PREFIXES)) + quote + body + quote


@st.composite
def f_string_statement(draw: st.DrawFn) -> str:
    """An f-string in one of a few places, maybe followed by `; import` on its last line."""
    shape = draw(st.sampled_from(["assign", "call", "concat", "paren", "if"]))
    text = draw(f_string())
    if shape == "call":
        text = f"print({text}, {draw(f_string())})"
    elif shape == "concat":  # no space: two strings, the first maybe a prefix's letter
        before = draw(st.sampled_from(['"a"', "'f'", '"t"', "'''f'''", '"""F"""', "r'f'"]))
        text = f"x = {before}{text}"
    elif shape == "paren":
        text = f"x = (\n    {text}\n    {draw(f_string())})"
    elif shape == "if":
        return f"if {text}: import in_if"
    else:
        text = "x = " + text
    if draw(st.booleans()):
        text += "; " + draw(IMPORT)
    return text


@st.composite
def pep_701_unit(draw: st.DrawFn, indent: str, depth: int) -> str:
    """An import, an f-string statement, or a block holding a few of them."""
    kinds = ["import", "fstring", "fstring"] + (["block"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "import":
        return indent + draw(IMPORT)
    if kind == "fstring":
        return indent + draw(f_string_statement())
    header = draw(st.sampled_from(["def g():", "if TYPE_CHECKING:", "class C:", "if x:"]))
    inner = indent + "    "
    units = draw(st.lists(pep_701_unit(inner, depth + 1), min_size=1, max_size=3))
    return indent + header + "\n" + "\n".join(units)


@st.composite
def pep_701_module(draw: st.DrawFn) -> str:
    return "\n".join(draw(st.lists(pep_701_unit("", 0), min_size=2, max_size=4))) + "\n"


BRIEF_EXAMPLE = "x = f\"{'''\nimport pkg.c\n'''}\"\nimport pkg.b\n"


@pytest.mark.skipif(NEWER_PYTHON is None, reason="no Python 3.12+ interpreter found")
@settings(
    max_examples=PEP_701_BATCHES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same batches every run: a CI gate must not flake
)
@given(st.lists(pep_701_module(), min_size=PEP_701_BATCH_SIZE, max_size=PEP_701_BATCH_SIZE))
@example([BRIEF_EXAMPLE] * PEP_701_BATCH_SIZE)
def test_the_scanner_agrees_with_the_ast_of_python_3_12_on_pep_701_f_strings(
    sources: list[str],
) -> None:
    assert NEWER_PYTHON is not None
    references = newer_entries(NEWER_PYTHON, list(sources))
    valid = 0
    for source, reference in zip(sources, references, strict=True):
        if reference is None:  # a syntax error there: the generator is not exact
            continue
        valid += 1
        assert sorted(from_scanner(source.encode())) == sorted(reference), source
    # most generated modules are valid, so the property is not true vacuously
    assert valid >= 0.5 * len(sources), f"only {valid} of {len(sources)} modules are valid"


@settings(max_examples=EXAMPLES_PEP_701_PROOF, deadline=None)
@given(f_string())
def test_an_f_string_taken_as_read_alike_ends_where_the_pre_3_12_rules_end_it(
    literal: str,
) -> None:
    """The cheap proof (a regular expression over the body) against the PEP 701 lexer,
    no interpreter needed: where the proof holds, both end the f-string at one place."""
    text = "x = " + literal + "\n"
    quote = text.index(literal[-1])  # the prefix is at most two letters
    if fstrings._diverges_at(text, quote):
        return
    opening = fstrings._opening(text, quote)
    assert opening is not None
    pep_701_end = fstrings._fstring_end(text, quote, opening)
    assert _Scanner(text, exact=True)._string_end(quote) == pep_701_end == len(text) - 1


@settings(max_examples=EXAMPLES_PEP_701_REWRITE, deadline=None)
@given(pep_701_module())
@example(BRIEF_EXAMPLE)
def test_a_scan_left_unrewritten_is_the_scan_of_the_rewritten_text(source: str) -> None:
    """Where the scan finds no f-string that PEP 701 reads otherwise, reading the text
    with every f-string neutralized changes nothing; the rewrite keeps every line."""
    rewritten = fstrings.neutralize(source)
    assert rewritten.count("\n") == source.count("\n")
    exact = _Scanner(rewritten, exact=True).run()
    try:
        plain = _Scanner(source).run()
    except scanner._Diverges:
        return
    assert plain == exact, source
