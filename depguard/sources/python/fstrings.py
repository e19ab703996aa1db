"""PEP 701 f-strings (and 3.14 t-strings) for the import scanner.

The scanner lexes strings by the pre-3.12 rules. `Checker` proves, lazily and mostly with
`str.find`, that every f-string before an offset ends where those rules end it (every
f-string that PEP 701 lexes otherwise holds a `{` that fails a cheap test, and is
checked whole); `triple_diverges` does it for a triple-quoted one. Where that fails,
`neutralize` lexes the text by PEP 701 and replaces each outermost f-string with a
placeholder keeping its newlines, which the scanner then reads exactly.
"""

from __future__ import annotations

import re

__all__ = ["SINGLE_QUOTED", "Checker", "neutralize", "triple_diverges"]

# The pre-3.12 rules for plain strings (shared with the scanner): a backslash escapes
# anything, a newline too; an unterminated single-quoted string stops at the end of its
# line, like the interpreter's error would, a triple-quoted one at the end of the text.
SINGLE_QUOTED = {
    "'": re.compile(r"'[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*'?"),
    '"': re.compile(r'"[^"\\\n]*(?:\\[\s\S][^"\\\n]*)*"?'),
}
_TRIPLE_QUOTED = {
    "'''": re.compile(r"'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*(?:'''|\Z)"),
    '"""': re.compile(r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*(?:"""|\Z)'),
}

_F_PREFIXES = frozenset({"f", "fr", "rf", "t", "tr", "rt"})
_PREFIXES = _F_PREFIXES | {"r", "u", "b", "br", "rb"}


def _simple_body(quote: str) -> re.Pattern[str]:
    """The body (after the opening quote, to the closing one) of an f-string that both
    rules end at the same place: a model of the PEP 701 lexer, bounded so that a regular
    expression can follow it. A field's expression holds no backslash or comment,
    brackets three deep and one-line strings of the other quote (of its own quote too in
    a triple-quoted f-string, but no other quote of that kind); its format spec holds
    literal text and fields without specs of their own. Every alternation starts its
    branches with different characters (or look-behinds that exclude each other), so
    that a failing match never backtracks much."""
    own = quote[0]
    other = "'" if own == '"' else '"'
    triple = len(quote) == 3
    newline = "" if triple else r"\n"  # a one-line literal or field cannot hold one
    bad = r"\\" + own + other + "#" + newline  # never in a field's expression
    string = _one_line_strings(other, own, "")
    if triple:  # a lone quote of the f-string's own kind cannot close it
        string += "|" + _one_line_strings(own, other, "(?!" + own + ")")
    code = r"[^{}()\[\]" + bad + "]"  # `:` too: inside brackets it is no spec
    brackets = _brackets(code, string, 3)
    top = r"[^{}()\[\]:" + bad + "]"  # a top-level `:` starts the spec
    expression = top + "*(?:(?:" + string + "|" + brackets + ")" + top + "*)*"
    spec_char = r"[^{}\\" + own + newline + "]"  # literal, `#` and the other quote too
    # a spec's field opening with `{`: CPython 3.12.1 and 3.13 read it otherwise
    nested_field = r"\{(?!\{)" + expression + "(?::" + spec_char + r"*)?\}"
    spec = ":" + spec_char + "*(?:" + nested_field + spec_char + "*)*"
    field = r"\{(?!\{)" + expression + "(?:" + spec + r")?\}"
    text_char = r"[^{}\\" + own + newline + "]"
    # PEP 701 leaves a brace after a backslash alone: `\{x}` is a backslash and a field
    escape = r"\\(?:[^{}]|(?=[{}]))"
    lone_quote = "|" + own + "(?!" + own * 2 + ")" if triple else ""  # never the closing
    special = r"\{\{|\}\}|" + escape + "|" + field + lone_quote
    # a literal part left open at the end of its line (or of the text) is a syntax error
    # by both rules: no f-string of valid code, such as one quoted inside another string
    close = "(?:" + quote + (r"|\Z)" if triple else r"|(?=\n)|\Z)")
    return re.compile(text_char + "*(?:(?:" + special + ")" + text_char + "*)*" + close)


def _one_line_strings(quote: str, other: str, after: str) -> str:
    """One-line strings of `quote` (holding neither quote): anything in a plain one; in a
    nested f-string, only fields without quotes, comments or nesting, so that it ends at
    its quote. `after` must hold after the closing quote."""
    plain = "(?<![fFtT])(?<![fFtT][rR])" + quote + r"[^\\" + quote + other + r"\n]*" + quote
    field = r"\{[^{}\\" + quote + other + r"#\n]*\}"
    nested = (
        "(?:(?<=[fFtT])|(?<=[fFtT][rR]))" + quote
        + r"(?:[^{}\\" + quote + other + r"\n]|\{\{|\}\}|" + field + ")*" + quote
    )  # fmt: skip
    return plain + after + "|" + nested + after


def _brackets(char: str, inside: str, depth: int) -> str:
    """Brackets nested up to `depth` deep, holding `char`s and `inside` items. A closing
    bracket of another kind is a syntax error, so any closes any."""
    brackets = ""
    for _ in range(depth):
        items = inside + "|" + brackets if brackets else inside
        brackets = r"[(\[{]" + char + "*(?:(?:" + items + ")" + char + r"*)*[)\]}]"
    return brackets


_SIMPLE_BODY = {quote: _simple_body(quote) for quote in ('"', "'", '"""', "'''")}
# `{`s that are harmless wherever they stand, with what follows each up to the next `{`
# (within a short stretch, a match costs less than a search does): a `{{` (in an
# f-string, a literal brace), or a `{` with no quote, backslash, comment, newline or
# nested brace before its `}` (in an f-string, a field that both rules read alike), not
# after a backslash (where PEP 701 still opens a field). The `{` comes first, so that
# the engine backs off a stretch quickly.
_HARMLESS_RUN = re.compile(r"(?:\{(?<!\\\{)(?:\{|[^{}'\"\\#\n]*\})[^{]{0,100})+")
_START = r"(?<![\w\\])"  # a backslash outside a string only ends a line
_PREFIXED_QUOTE = re.compile(
    rf"""["'](?:(?<={_START}[fFtT].)|(?<={_START}[fFtT][rR].)|(?<={_START}[rR][fFtT].))"""
)


def _diverges_at(text: str, at: int) -> bool:
    """Whether the f-string whose opening quote is at `at` may end elsewhere by PEP 701."""
    quote = text[at] * 3
    if not text.startswith(quote, at):
        quote = text[at]
    return _SIMPLE_BODY[quote].match(text, at + len(quote)) is None


class Checker:
    """Whether some single-quoted f-string before an offset is read otherwise by PEP 701,
    for growing offsets. By induction over such a string's items (literal text, `{{`,
    `}}`, escapes, fields), both rules read it alike up to its first `{` that
    `_HARMLESS_RUN` does not take; and up to that `{`, the string holds no newline but
    after a backslash. So the f-strings that open on the line of such a `{` (or on the
    lines that line continues) are checked whole, and every other `{` costs a `str.find`
    and a match: a file without `{` costs a `memchr`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.brace = text.find("{")  # the next `{` to look at; -1: none left
        self.searched = 0  # f-string openings before this offset were all checked
        self.region = 0  # the next triple-quoted string to skip (see below)

    def diverges_before(self, limit: int, starts: list[int], ends: list[int]) -> bool:
        """Whether an f-string before `limit` may be read otherwise by PEP 701. `starts`
        and `ends` hold the triple-quoted strings that the scan found before `limit`, and
        a `{` in one is skipped: up to the first `{` that matters (of the first f-string
        read otherwise, if any), both rules read the text alike, and that `{` is in an
        f-string, in no other string."""
        text = self.text
        size = len(text)
        find = text.find
        harmless = _HARMLESS_RUN.match
        opening = _PREFIXED_QUOTE.search
        pos = self.brace
        searched = self.searched
        region = self.region
        next_start = starts[region] if region < len(starts) else size
        while 0 <= pos < limit:
            if pos > next_start:  # a triple-quoted string opens before `pos`
                end = ends[region]
                region += 1
                next_start = starts[region] if region < len(starts) else size
                if pos < end:  # in it: a docstring, or a triple-quoted f-string checked
                    pos = find("{", end)
                    searched = max(searched, end)
                continue
            match = harmless(text, pos)
            if match is not None:
                pos = find("{", match.end())
                continue
            # the f-strings that start on this line before `pos`, not searched yet (a
            # search back to a line start searched already would make long lines quadratic)
            begin = text.rfind("\n", searched, pos) + 1
            if not begin:
                begin = searched
            elif begin >= 2 and text[begin - 2] == "\\":
                begin = _continued(text, begin, searched)
            found = opening(text, begin, pos)
            while found is not None:
                at = found.start()
                if _diverges_at(text, at) and not _closes_a_letter_string(text, at):
                    self.brace, self.searched, self.region = pos, searched, region
                    return True
                found = opening(text, found.end(), pos)
            searched = pos
            pos = find("{", pos + 1)
        self.brace, self.searched, self.region = pos, searched, region
        return False


def _closes_a_letter_string(text: str, at: int) -> bool:
    """Whether the quote at `at`, after letters that could be a prefix, closes a string
    of those letters, as in `{'f': 1}`: the quote before the letters, of the same kind,
    is the first one of its (continued) line and ends no triple-quoted string, so it
    opens a string rather than closing one (which `'a'f'{b}'` would do)."""
    quote = text[at]
    opening = at - 2 if text[at - 2 : at].lower() in ("rf", "fr", "rt", "tr") else at - 1
    opening -= 1
    if opening < 0 or text[opening] != quote or text.endswith(quote * 3, 0, opening + 1):
        return False
    # Linear work: a `True` needs the first quote of its kind on the line (one a line and
    # kind), and a `False` ends the check. Continued lines are followed 64 lines back.
    begin = text.rfind("\n", 0, opening) + 1
    for _ in range(64):
        if begin < 2 or text[begin - 2] != "\\":
            return text.find(quote, begin, opening) < 0
        begin = text.rfind("\n", 0, begin - 2) + 1
    return False  # not worth a closer look: no exclusion


def _continued(text: str, begin: int, searched: int) -> int:
    """The start of the lines that the line at `begin` continues (a single-quoted literal
    goes on past a backslash and a newline), or `searched` if that is later."""
    while begin > searched and begin >= 2 and text[begin - 2] == "\\":
        begin = text.rfind("\n", searched, begin - 2) + 1
    return max(begin, searched)


def _is_name_char(char: str) -> bool:
    if char.isascii():
        return char.isalnum() or char == "_"
    return ("a" + char).isidentifier()


def _prefix_start(text: str, at: int) -> int:
    """Where the string prefix before the quote at `at` starts (`at` if none); -1 if the
    letters before the quote are a longer name, which the quote does not continue."""
    begin = at
    while begin > 0 and at - begin < 3 and _is_name_char(text[begin - 1]):
        begin -= 1
    if begin == at:
        return at
    if at - begin > 2 or text[begin:at].lower() not in _PREFIXES:
        return -1
    if begin and _is_name_char(text[begin - 1]):
        return -1
    return begin


def _is_fstring(text: str, at: int) -> bool:
    begin = _prefix_start(text, at)
    return 0 <= begin < at and text[begin:at].lower() in _F_PREFIXES


def triple_diverges(text: str, at: int) -> bool:
    """Whether the triple quote at `at`, in code, opens an f- or t-string that PEP 701
    ends elsewhere than at the first unescaped closing triple quote."""
    return _is_fstring(text, at) and _diverges_at(text, at)


# --------------------------------------------------------------------------- exact lexing

# Code, comments and strings that cannot be f-strings, taken by one match: it stops at a
# quote after a letter that may end an f-string prefix (or after 256 items, so that the
# engine's memory for backtracking stays small).
_PLAIN_STRING = "|".join(
    pattern.pattern for pattern in [*_TRIPLE_QUOTED.values(), *SINGLE_QUOTED.values()]
)  # triple-quoted first: `""` must not be taken for the start of `"""`
_PLAIN_RUN = re.compile(
    r"""(?:[^#'"]+|#[^\n]*|(?<![fFtT])(?<![fFtT][rR])(?:""" + _PLAIN_STRING + ")){0,256}"
)
_FIELD_STOP = re.compile(r"[#'\"\\()\[\]{}:!]")
_LITERAL_STOP = {
    '"': re.compile(r'[{}\\"\n]'),
    "'": re.compile(r"[{}\\'\n]"),
    '"""': re.compile(r'[{}\\"]'),
    "'''": re.compile(r"[{}\\']"),
}
_LITERAL, _EXPRESSION, _SPEC = 0, 1, 2


class _Frame:
    """An f-string being read (`_LITERAL`) or one of its replacement fields (`_EXPRESSION`,
    then `_SPEC` after a top-level `:`), with the quote and rawness of its f-string."""

    __slots__ = ("depth", "fresh", "mode", "named", "quote", "raw")

    def __init__(self, mode: int, quote: str, raw: bool) -> None:
        self.mode = mode
        self.quote = quote
        self.raw = raw
        self.depth = 0  # brackets open in the field's expression
        self.named = False  # inside `\N{...}`, whose `}` is literal
        self.fresh = False  # in a format spec, before any field nested in it


def _plain_end(text: str, at: int) -> int:
    """End of the plain string opening at `at`; one-line ones end with their line."""
    quote = text[at] * 3
    if text.startswith(quote, at):
        match = _TRIPLE_QUOTED[quote].match(text, at)
    else:
        match = SINGLE_QUOTED[text[at]].match(text, at)
    assert match is not None  # the pattern matches the quote alone
    return match.end()


def _opening(text: str, at: int) -> _Frame | None:
    """The frame of the f-string whose opening quote is at `at`; None for another string."""
    begin = _prefix_start(text, at)
    prefix = text[begin:at].lower() if begin >= 0 else ""
    if prefix not in _F_PREFIXES:
        return None
    quote = text[at] * 3
    if not text.startswith(quote, at):
        quote = text[at]
    return _Frame(_LITERAL, quote, "r" in prefix)


def _fstring_end(text: str, at: int, first: _Frame) -> int:
    """End of the f-string opening at `at` (its quote), read by PEP 701: literal parts,
    fields with nested strings, f-strings, comments and format specs, with an explicit
    stack (no recursion limit to reach). A one-line literal part ends with its line, as
    the scanner ends any string left open; anything else left open runs to the end."""
    size = len(text)
    stack = [first]
    pos = at + len(first.quote)
    while stack:
        frame = stack[-1]
        if frame.mode == _EXPRESSION:
            pos = _expression_step(text, pos, stack, frame)
        else:
            pos = _literal_step(text, pos, stack, frame)
        if pos >= size:
            return size
    return pos


def _close_fstring(stack: list[_Frame]) -> None:
    """Pop the innermost f-string and the fields inside it."""
    while stack.pop().mode != _LITERAL:
        pass


def _literal_step(text: str, pos: int, stack: list[_Frame], frame: _Frame) -> int:
    """One step in a literal part or a format spec (`frame`); the offset reached."""
    quote = frame.quote
    match = _LITERAL_STOP[quote].search(text, pos)
    if match is None:
        return len(text)
    at = match.start()
    char = text[at]
    spec = frame.mode == _SPEC
    if char == "\n":  # in a one-line f-string
        if spec:  # ends the spec, and the field goes on (3.12 and later alike)
            frame.mode = _EXPRESSION
            return at + 1
        _close_fstring(stack)  # unterminated, ended with its line
        return at
    if char == quote[0]:
        if len(quote) == 1 or text.startswith(quote, at):
            _close_fstring(stack)
            return at + len(quote)
        return at + 1
    if char == "\\":
        following = text[at + 1 : at + 2]
        if following in ("{", "}"):  # PEP 701: the brace keeps its meaning
            return at + 1
        if following == "N" and not frame.raw and text.startswith("{", at + 2):
            frame.named = True
            return at + 3
        return at + 2
    if char == "{":
        # `{{` is a literal brace, but at the start of a spec, where a field opens (as
        # in CPython 3.13; 3.12.1 opens a field after a nested one too)
        if text.startswith("{", at + 1) and not (spec and frame.fresh):
            return at + 2
        frame.fresh = False
        stack.append(_Frame(_EXPRESSION, quote, frame.raw))
        return at + 1
    # `}`
    if frame.named:
        frame.named = False
    elif spec:  # ends the field the spec belongs to
        stack.pop()
    elif text.startswith("}", at + 1):
        return at + 2
    return at + 1


def _expression_step(text: str, pos: int, stack: list[_Frame], frame: _Frame) -> int:
    """One step in the expression of a replacement field (`frame`); the offset reached."""
    match = _FIELD_STOP.search(text, pos)
    if match is None:
        return len(text)
    at = match.start()
    char = text[at]
    if char == "'" or char == '"':
        nested = _opening(text, at)
        if nested is None:
            return _plain_end(text, at)
        stack.append(nested)
        return at + len(nested.quote)
    if char == "#":
        newline = text.find("\n", at)
        return len(text) if newline < 0 else newline
    if char == "\\":  # a continuation
        return at + 2 if text.startswith("\n", at + 1) else at + 1
    if char in "([{":
        frame.depth += 1
    elif char in ")]":
        frame.depth = max(frame.depth - 1, 0)
    elif frame.depth:
        if char == "}":
            frame.depth -= 1
    elif char == "}":
        stack.pop()
    elif char == ":":
        frame.mode = _SPEC
        frame.fresh = True
    elif char == "!" and text.startswith("=", at + 1):
        return at + 2  # `!=`, not a conversion
    return at + 1


def _placeholder(text: str, start: int, end: int) -> str:
    """What stands for text[start:end]: no quote, no `import`, the same newlines."""
    newlines = text.count("\n", start, end)
    return "(" + "\n" * newlines + ")" if newlines else "0"


def neutralize(text: str) -> str:
    """`text` with every outermost f- or t-string replaced by `_placeholder`: comments,
    plain strings and code are kept as they are, so are line numbers."""
    pieces: list[str] = []
    done = pos = 0  # text[:done] is in `pieces`
    size = len(text)
    plain_run = _PLAIN_RUN.match
    while True:
        run = plain_run(text, pos)
        assert run is not None  # the pattern matches the empty string
        at = run.end()
        if at >= size:
            break
        if text[at] not in "'\"":  # stopped by the bound
            pos = at
            continue
        frame = _opening(text, at)
        if frame is None:
            pos = _plain_end(text, at)
            continue
        start = _prefix_start(text, at)
        end = _fstring_end(text, at, frame)
        pieces += (text[done:start], _placeholder(text, start, end))
        done = pos = end
    pieces.append(text[done:])
    return "".join(pieces)
