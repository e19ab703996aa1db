"""A static, exact and fast scanner for Python import statements.

Nothing is imported, executed or parsed as a whole: `ast.parse` is 6-20 times slower and
fails on syntax newer than the running interpreter (`def f[T](x: T)`, `type X = int`,
PEP 701 f-strings under 3.11). Instead the scanner looks only at the places where the
word `import` occurs and at what can hide or qualify such a place:

1. Every occurrence of `import` that is not part of a longer word is a candidate. In
   valid Python, a candidate outside strings and comments *is* the keyword of an import
   statement, since `import` is a hard keyword.
2. Strings that span lines are triple-quoted ones, and they are found lazily, in file
   order, only up to the candidate: `str.find` jumps from one triple quote to the next,
   and only the line holding a triple quote is tokenized to learn whether it opens a
   string (or sits inside a one-line string or a comment). Other strings and comments
   end with their line, so the candidate's own line (with its backslash continuations)
   tells whether the candidate is code.
3. The statement's context comes from indentation: the enclosing block of a logical line
   is the nearest preceding logical line that is indented less. Candidates for it are
   found with a pattern anchored on newlines, in windows going backwards, so that deeper
   lines are skipped in C. A line indented less can still be a continuation inside
   brackets, so the bracket balance (outside strings and comments) between it and a
   line known to start a logical line decides. Headers found once are remembered per
   file, and a search jumps from a line whose header is known straight to that header.
4. Most imports are whole lines at module level (`from a.b import c, d`), often in runs:
   such a run is read one regular-expression match a line, with none of the above.

A `def` or `async def` block makes an import *deferred*, the body of `if TYPE_CHECKING:`
or `if <anything>.TYPE_CHECKING:` (or of such an `elif`) makes it *typing only*; `else`
branches, class bodies and every other block are neutral. The scanner agrees with an
`ast` walk on every file of the standard library and of a virtualenv's site-packages that
`ast` parses (see `tests/sources/python/test_scanner_corpus.py`), and on the standard
libraries of Python 3.12 and 3.13 (`test_scanner_newer_stdlib.py`).

PEP 701 f-strings (Python 3.12+; t-strings of 3.14 alike) are read exactly. Strings are
lexed by the pre-3.12 rules, and those end an f-string where PEP 701 does unless one of
its replacement fields, which PEP 701 reads as code, holds a string of the f-string's own
quote, a comment, a backslash, a newline or the like. Before each candidate,
`fstrings.Checker` proves that no f-string before it is of that kind, with one
`str.find` per `{` (a `{` whose field holds nothing of the kind passes with one match);
the f-strings opening on the line of any other `{` are checked whole, by a regular
expression that follows the PEP 701 lexer on bounded nesting. A triple-quoted f-string
is checked where it is found. Where the proof fails, the scan is redone on a copy of the
text in which `fstrings.neutralize`, a PEP 701 lexer, has replaced every f-string by a
placeholder that holds as many newlines. The proof costs about 5% of the scan of the
standard library, where 1 file of 1,790 (f-string source quoted in a test) goes the
second way.

Known limitations, all on invalid code: it gets a best effort (a line that starts with
`import` is taken as a statement without checking brackets left open above it) and never
an exception other than `ScanError`. Long lines holding thousands of candidates, long
backslash chains and deep nesting (of brackets and of f-strings) were checked to stay
linear.
"""

from __future__ import annotations

import bisect
import codecs
import re
import unicodedata
from typing import NamedTuple

from depguard.sources.python.fstrings import SINGLE_QUOTED, Checker, neutralize, triple_diverges

__all__ = ["ImportStatement", "ScanError", "scan"]


class ImportStatement(NamedTuple):
    """One imported module: `import a, b` gives two, `from a import b, c` one.

    A named tuple: a large tree has a hundred thousand of these, read back from the cache
    on every warm run, and a tuple is several times cheaper to make than a frozen dataclass.
    """

    line: int  # 1-based line of the `import` / `from` keyword
    module: str  # "a.b" for `import a.b` and `from a.b import c`; "" for `from . import x`
    names: tuple[str, ...]  # names of a `from` import (("*",) for a star); () for `import`
    level: int  # leading dots of a relative import, else 0
    typing_only: bool  # in the body of `if TYPE_CHECKING:` / `if x.TYPE_CHECKING:`
    deferred: bool  # inside a function or method body, at any depth
    text: str  # the statement, comments dropped and whitespace collapsed to one line


class ScanError(Exception):
    """The bytes are not Python source text: undecodable, or holding a NUL byte."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def scan(source: bytes) -> list[ImportStatement]:
    """Imports in file order. `import a, b.c as d` gives one ImportStatement per module."""
    text = _decode(source)
    if "import" not in text:
        return []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return _Scanner(text).run()
    except _Diverges:  # a PEP 701 f-string: read the text with every f-string neutralized
        return _Scanner(neutralize(text), exact=True).run()


class _Diverges(Exception):
    """An f-string that PEP 701 ends elsewhere than the pre-3.12 rules stands before the
    offset being read: the scan so far is dropped and redone on `neutralize(text)`."""


# --------------------------------------------------------------------------- decoding

_COOKIE = re.compile(rb"[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)
_BLANK = re.compile(rb"[ \t\f]*(?:[#\r\n]|$)")


# what an encoding must read as itself to be usable by a cookie written in ASCII
_ASCII_PROBE = b"# -*- coding: x -*-\nfrom .a import (b_1, c) as d\n"


def _byte_line(source: bytes, offset: int) -> int:
    return source.count(b"\n", 0, offset) + 1


def _decode(source: bytes) -> str:
    """Decode like the interpreter does: a UTF-8 BOM, else a PEP 263 cookie, else UTF-8."""
    nul = source.find(b"\0")
    if nul >= 0:
        raise ScanError(_byte_line(source, nul), "source contains a NUL byte")
    skip = 3 if source.startswith(codecs.BOM_UTF8) else 0
    encoding = "utf-8"
    first_end = source.find(b"\n", skip)
    second_end = source.find(b"\n", first_end + 1) if first_end >= 0 else -1
    head_end = len(source) if second_end < 0 else second_end
    line = 0  # of the coding cookie
    if source.find(b"coding", skip, head_end) >= 0:
        lines = source[skip:head_end].split(b"\n")
        match = _COOKIE.match(lines[0])
        line = 1
        if match is None and len(lines) > 1 and _BLANK.match(lines[0]):
            match = _COOKIE.match(lines[1])
            line = 2
        if match is not None:
            name = match.group(1).decode("ascii")
            try:
                encoding = codecs.lookup(name).name
            except LookupError:
                raise ScanError(line, f"unknown encoding: {name}") from None
            if skip and encoding != "utf-8":
                raise ScanError(line, f"encoding problem: {name} with a UTF-8 BOM")
            # the cookie was found in ASCII bytes: a codec that reads them as something
            # else (UTF-16, UTF-32, EBCDIC) would turn the whole file into other text and
            # hide every import; the interpreter refuses UTF-16 and UTF-32 cookies too
            try:
                same = _ASCII_PROBE.decode(encoding) == _ASCII_PROBE.decode("ascii")
            except UnicodeDecodeError:
                same = False
            except LookupError:  # no text encoding at all (`hex`): said below, decoding
                same = True
            if not same:
                raise ScanError(line, f"encoding problem: {name} is not ASCII-compatible")
    try:
        return source[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        raise ScanError(
            _byte_line(source, skip + exc.start), f"cannot decode as {encoding}: {exc.reason}"
        ) from None
    except LookupError:  # a codec that is not for text, as in `# coding: hex` or `rot13`
        raise ScanError(line, f"encoding problem: {encoding} is not a text encoding") from None


# --------------------------------------------------------------------------- lexing

# `import` not followed by a word character; the preceding character is checked by hand
# (a look-behind would cost the search its fast literal prefix).
_IMPORT = re.compile(r"import(?!\w)")
# What matters on a line when looking for strings, comments, brackets and statement ends.
_SPECIAL = re.compile(r"[#'\"\n;:()\[\]{}\\]")
# Strings and comments, to drop them before counting brackets in a stretch of code.
_STRINGS_AND_COMMENTS = re.compile(
    r"#[^\n]*"
    r"|'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*(?:'''|\Z)"
    r'|"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*(?:"""|\Z)'
    r"|'[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*'?"
    r'|"[^"\\\n]*(?:\\[\s\S][^"\\\n]*)*"?'
)
_COMMENT = re.compile(r"#[^\n]*")
_CONTINUATION = "\\\n"

# The common shape of a line before its `import`: indentation, maybe `from <module>`.
_SIMPLE_PREFIX = re.compile(r"([ \t]*)(?:(from)(?=[ \t.])[ \t.\w]*)?\Z")
# Text between a statement boundary and the `import` keyword of a `from` import.
_FROM_PREFIX = re.compile(r"(?:[ \t\f]|\\\n)*(from)(?![\w])((?:[ \t\f.]|\\\n|\w)*)\Z")
_IDENT = r"[^\W\d]\w*"
_FROM_MODULE = re.compile(rf"(\.*)((?:{_IDENT})(?:\.{_IDENT})*)?")
_DOTTED_ALIAS = re.compile(rf"({_IDENT}(?:\s*\.\s*{_IDENT})*)(?:\s+as\s+{_IDENT})?")
_NAME_ALIAS = re.compile(rf"({_IDENT})(?:\s+as\s+{_IDENT})?")
_PLAIN_BODY = re.compile(r"(?:[^\n;#\\]+|\\\n)*")
# What a parenthesized list of names can hold before its `)`: names, commas, `as`,
# whitespace, comments and continuations.
_PAREN_BODY = re.compile(r"(?:[\w\s,]+|#[^\n]*|\\\n)*")
_GAP = re.compile(r"(?:[ \t\f]|\\\n)*")
# The common shapes of a statement, each taken whole by one match: ASCII names, spaces
# and tabs, no comments or continuations inside. Anything else goes the general way.
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED = rf"{_NAME}(?:\.{_NAME})*"
_ALIAS = rf"(?:[ \t]+as[ \t]+{_NAME})?"
_END = r"[ \t]*(?=[\n;#]|\Z)"  # what `_PLAIN_BODY` would stop at, minus a continuation
_FAST_IMPORT = re.compile(rf"[ \t]+({_DOTTED}{_ALIAS}(?:[ \t]*,[ \t]*{_DOTTED}{_ALIAS})*){_END}")
_FAST_FROM = re.compile(rf"[ \t]+(\.*)({_DOTTED})?[ \t]+")
_FAST_NAMES = re.compile(rf"[ \t]*(\*|{_NAME}{_ALIAS}(?:[ \t]*,[ \t]*{_NAME}{_ALIAS})*){_END}")
_FAST_PARENS = re.compile(r"[ \t]*\(([A-Za-z0-9_ \t\n,]*)\)")
# A whole line holding one statement of those shapes at module level, written the way
# formatters write it: single spaces, no comment. 90% of homeassistant's imports.
_AS = rf"(?: as {_NAME})?"
_TOP_LINE = re.compile(
    rf"from (\.*)({_DOTTED})? import (\*|{_NAME}{_AS}(?:, {_NAME}{_AS})*)\n"
    rf"|import ({_DOTTED}{_AS}(?:, {_DOTTED}{_AS})*)\n"
)
_INDENT = re.compile(r"[ \t\f]*")

# First words of a logical line that matter for the context of what is inside.
_DEF, _TYPE_CHECKING, _NEUTRAL = 1, 2, 0
_KEYWORD = re.compile(r"[ \t\f]*(?:(async[ \t\f]+def|def)|(if|elif))(?![\w])")
_TYPE_CHECKING_TEST = re.compile(
    rf"(?:\s|\\\n)*((?:\((?:\s|\\\n)*)*)(?:{_IDENT}(?:\s|\\\n)*\.(?:\s|\\\n)*)*"
    r"TYPE_CHECKING(?:\s|\\\n)*((?:\)(?:\s|\\\n)*)*)"
)

# Lines whose first character is code (not blank, not a comment, not a lone backslash):
# the newline before, the indentation, that character.
_ANY_LINE = re.compile(r"\n[ \t\f]*[^ \t\f\n#\\]")
_SHALLOW_LINE: dict[int, re.Pattern[str]] = {}

_CODE, _STRING, _COMMENT_STATE = 0, 1, 2
_TAKE, _SKIP = -1, -2


def _shallow_line(indent: int) -> re.Pattern[str]:
    """Lines indented with fewer than `indent` spaces (files without tabs or form feeds)."""
    pattern = _SHALLOW_LINE.get(indent)
    if pattern is None:
        pattern = re.compile(rf"\n {{0,{indent - 1}}}[^ \t\f\n#\\]")
        _SHALLOW_LINE[indent] = pattern
    return pattern


def _is_type_checking(test: str) -> bool:
    match = _TYPE_CHECKING_TEST.fullmatch(test)
    return match is not None and match.group(1).count("(") == match.group(2).count(")")


def _clean(text: str) -> str:
    """One line of statement text: comments and continuations dropped, spaces collapsed."""
    if (  # already clean, as 91% of statements are: no whitespace but single spaces
        text.isprintable()
        and "  " not in text
        and "#" not in text
        and "( " not in text
        and " )" not in text
        and text[-1:] != " "
    ):
        return text
    if "#" in text:
        text = _COMMENT.sub("", text)
    text = " ".join(text.replace(_CONTINUATION, " ").split())
    return text.replace("( ", "(").replace(" )", ")")


def _identifier(name: str) -> str:
    """Identifiers as the parser sees them: without spaces, NFKC-normalized."""
    name = "".join(name.split())
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


# --------------------------------------------------------------------------- scanning


class _Scanner:
    """The scan of one decoded, newline-normalized text."""

    def __init__(self, text: str, exact: bool = False) -> None:
        self.text = text
        self.size = len(text)
        # Proves, up to each candidate, that the f-strings before it are read alike by the
        # pre-3.12 rules; None for a text whose f-strings were neutralized.
        self.checker = None if exact else Checker(text)
        self.tabs = "\t" in text or "\f" in text
        # Triple-quoted strings found so far, in order: start and end offsets.
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.string_end: dict[int, int] = {}
        self.code_pos = 0  # after the last triple-quoted string: in code
        self.from_boundary = -1  # the statement boundary whose `from` was last tried
        self.next_double = text.find('"""')
        self.next_single = text.find("'''")
        # Offsets of line starts known to begin a logical line (bracket depth 0).
        self.known: set[int] = {0}
        self.known_sorted: list[int] = [0]
        # (deferred, typing_only) of what a logical line (by its start) is nested in.
        self.context: dict[int, tuple[bool, bool]] = {}
        # The enclosing header of a logical line (-1: none) and indentations, for jumps.
        self.parent: dict[int, int] = {}
        self.indents: dict[int, int] = {}
        self.jumps: list[int] = []  # sorted offsets that have a known parent
        self.line_pos = 0
        self.line_no = 1
        # The line around the last offset asked for, and group starts found (see below).
        self.line_begin = 0
        self.line_end = -1
        self.groups: dict[int, int] = {}
        # Resumable tokenizer states by start offset (see `_scan_range`).
        # ((offset reached, inside-until, resume offset, state), (depth, unmatched,
        # boundary, logical line start)), where a string or comment stopped the scan if
        # inside-until >= 0: the state holds for any end before inside-until.
        self.scans: dict[int, tuple[tuple[int, int, int, int], tuple[int, int, int, int]]] = {}

    # ----------------------------------------------------------------- driver

    def run(self) -> list[ImportStatement]:
        text = self.text
        found: list[ImportStatement] = []
        done = 0  # end of the last statement
        checker = self.checker
        brace = -1 if checker is None else checker.brace  # the next `{` it looks at
        for match in _IMPORT.finditer(text):
            at = match.start()
            if at < done:
                continue
            if at:
                before = text[at - 1]
                if before.isalnum() or before == "_":
                    continue
            self._resolve(at)
            if 0 <= brace < at:  # the f-strings before `at` must be read alike by PEP 701
                assert checker is not None
                if checker.diverges_before(at, self.starts, self.ends):
                    raise _Diverges
                brace = checker.brace
            if self.ends and self.ends[-1] > at:
                continue  # inside a triple-quoted string
            line_start = self._line_start(at)
            # a line that `_TOP_LINE` takes holds no quote, so it is code unless it
            # continues the line above: a string would have to end on it
            if text.startswith(("from ", "import "), line_start) and not (
                line_start >= 2 and text[line_start - 2] == "\\"
            ):
                end = self._top_lines(line_start, found)
                if end > line_start:
                    done = end
                    continue
            located = self._locate(at)
            if located is None:
                continue
            start, line_start, indent, kind = located
            statements, end = self._statement(start, at)
            if not statements:
                continue
            done = end
            deferred, typing_only = self._context_of(line_start, indent)
            deferred = deferred or kind == _DEF
            typing_only = typing_only or kind == _TYPE_CHECKING
            line = self._line(start)
            text_of = _clean(text[start:end])
            for module, names, level in statements:
                found.append(
                    ImportStatement(line, module, names, level, typing_only, deferred, text_of)
                )
        return found

    def _top_lines(self, pos: int, found: list[ImportStatement]) -> int:
        """Statements on consecutive lines from `pos`, a line start in code, as long as each
        line is one statement of the simplest shape (`_TOP_LINE`); where they end. Such a
        line opens no string or bracket, so the next line starts a logical line in code
        too, at module level. What `_statement` would say of each, in one match a line."""
        text = self.text
        match = _TOP_LINE.match
        line = self._line(pos)
        while (top := match(text, pos)) is not None:
            dots, module, names, modules = top.groups()
            # one name or module without alias, the usual line, skips the splits below:
            # splitting every line too cost 20 ms of homeassistant's 0.36 s scan
            end = top.end()
            statement = text[pos : end - 1]
            if modules is None:
                level = len(dots)
                if not level and not module:
                    break  # `from  import x`: not an import, as `_statement` decides
                if " " in names:  # more than one, or an alias
                    listed = tuple(name.split(" ", 1)[0] for name in names.split(", "))
                else:
                    listed = (names,)
                found.append(
                    ImportStatement(line, module or "", listed, level, False, False, statement)
                )
            elif " " in modules:
                for item in modules.split(", "):
                    found.append(
                        ImportStatement(line, item.split(" ", 1)[0], (), 0, False, False, statement)
                    )
            else:
                found.append(ImportStatement(line, modules, (), 0, False, False, statement))
            pos = end
            line += 1
        return pos

    def _line_start(self, at: int) -> int:
        """Start of the physical line holding `at`; cached, so that many offsets on one
        long line cost one search."""
        if self.line_begin <= at <= self.line_end:
            return self.line_begin
        text = self.text
        self.line_begin = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        self.line_end = self.size if end < 0 else end
        return self.line_begin

    def _line(self, pos: int) -> int:
        if pos < self.line_pos:
            self.line_pos, self.line_no = 0, 1
        self.line_no += self.text.count("\n", self.line_pos, pos)
        self.line_pos = pos
        return self.line_no

    # ----------------------------------------------------------------- strings

    def _resolve(self, limit: int) -> None:
        """Find the triple-quoted strings that open before `limit`."""
        text = self.text
        while True:
            double, single = self.next_double, self.next_single
            at = single if double < 0 or 0 <= single < double else double
            if at < 0 or at >= limit:
                return
            if self._in_code(at):
                end = self._triple_end(at)
                self.starts.append(at)
                self.ends.append(end)
                self.string_end[at] = end
                self.code_pos = end
                # a cursor before the string's end is inside it; -1 stays -1 (no re-scan)
                if 0 <= self.next_double < end:
                    self.next_double = text.find('"""', end)
                if 0 <= self.next_single < end:
                    self.next_single = text.find("'''", end)
            elif text[at] == '"':
                self.next_double = text.find('"""', at + 1)
            else:
                self.next_single = text.find("'''", at + 1)

    def _triple_end(self, at: int) -> int:
        """End of the triple-quoted string opening at `at` (the file end if unterminated)."""
        text = self.text
        if at and text[at - 1] in "fFtTrR" and self.checker and triple_diverges(text, at):
            raise _Diverges
        quotes = text[at : at + 3]
        pos = at + 3
        while True:
            close = text.find(quotes, pos)
            if close < 0:
                return self.size
            back = close - 1
            while text[back] == "\\":
                back -= 1
            if (close - 1 - back) % 2 == 0:
                return close + 3
            pos = close + 1

    def _in_code(self, at: int) -> bool:
        """Whether offset `at` (no triple-quoted string left open before it) is code."""
        text = self.text
        line_start = self._line_start(at)
        if line_start < self.code_pos:
            begin = self.code_pos
        elif line_start >= 2 and text[line_start - 2] == "\\":
            begin = self._group_start(line_start)
        else:
            begin = line_start
        if at - begin < 200:
            segment = text[begin:at]
            if "'" not in segment and '"' not in segment and "#" not in segment:
                return True
        return self._scan_range(begin, at)[0] == _CODE

    def _region_around(self, pos: int) -> int:
        """Index of the triple-quoted string strictly around `pos`, else -1."""
        index = bisect.bisect_right(self.starts, pos) - 1
        if index >= 0 and self.starts[index] < pos < self.ends[index]:
            return index
        return -1

    def _group_start(self, pos: int) -> int:
        """Start of the physical line holding `pos`, moved back over lines it continues:
        lines ending in a backslash and triple-quoted strings spanning lines. The result is
        in code (a backslash inside a comment may move it too far back, which the forward
        scan notices as a newline in code)."""
        text = self.text
        line_start = text.rfind("\n", 0, pos) + 1
        visited: list[int] = []
        while True:
            known = self.groups.get(line_start)
            if known is not None:
                line_start = known
                break
            visited.append(line_start)
            index = self._region_around(line_start)
            if index >= 0:
                line_start = text.rfind("\n", 0, self.starts[index]) + 1
            elif line_start >= 2 and text[line_start - 2] == "\\":
                line_start = text.rfind("\n", 0, line_start - 1) + 1
            else:
                break
        # Valid later too: strings found later start after every line start seen here.
        for seen in visited:
            self.groups[seen] = line_start
        return line_start

    def _string_end(self, at: int) -> int:
        end = self.string_end.get(at)
        if end is not None:
            return end
        text = self.text
        quote = text[at]
        if text.startswith(quote * 3, at):
            return self._triple_end(at)
        match = SINGLE_QUOTED[quote].match(text, at)
        return match.end() if match is not None else at + 1

    def _scan_range(self, begin: int, end: int) -> tuple[int, int, int, int]:
        """Tokenize [begin, end) from code: (state at `end`, offset after the last `;` or
        depth-0 `:` or logical newline, closing brackets left unmatched since the last
        logical line start, that last logical line start).

        The state reached is kept by `begin`, and a later call with the same `begin` and a
        later `end` resumes from it: many candidates on one long line cost one pass."""
        text = self.text
        search = _SPECIAL.search
        saved = self.scans.get(begin)
        if saved is not None and saved[0][0] <= end:
            (pos, inside, resume, state), (depth, unmatched, boundary, line_start) = saved
            if end < inside:  # still in the string or comment that stopped the last scan
                return state, boundary, unmatched, line_start
            if resume >= 0:
                pos = resume
        else:
            pos = begin
            depth = unmatched = 0
            boundary = line_start = begin
            if len(self.scans) > 64:
                self.scans.clear()
        while True:
            match = search(text, pos, end)
            if match is None:
                self.scans[begin] = ((end, -1, -1, _CODE), (depth, unmatched, boundary, line_start))
                return _CODE, boundary, unmatched, line_start
            at = match.start()
            char = text[at]
            if char == "#":
                newline = text.find("\n", at)
                if newline < 0:
                    newline = self.size
                if newline >= end:  # `end` is in the comment
                    self.scans[begin] = (
                        (at, newline + 1, newline, _COMMENT_STATE),
                        (depth, unmatched, boundary, line_start),
                    )
                    return _COMMENT_STATE, boundary, unmatched, line_start
                pos = newline
                continue
            if char == "'" or char == '"':
                pos = self._string_end(at)
                if pos > end:  # `end` is in the string
                    self.scans[begin] = (
                        (at, pos, pos, _STRING),
                        (depth, unmatched, boundary, line_start),
                    )
                    return _STRING, boundary, unmatched, line_start
                continue
            pos = at + 1
            if char == "\n":
                if depth == 0:
                    boundary = line_start = pos
                    unmatched = 0
            elif char == "\\":
                if text.startswith("\n", pos):
                    pos += 1
            elif char in "([{":
                depth += 1
            elif char in ")]}":
                if depth:
                    depth -= 1
                else:
                    unmatched += 1
            elif char == ";" or (depth == 0 and not text.startswith("=", pos)):
                boundary = pos

    # ----------------------------------------------------------------- statements

    def _locate(self, at: int) -> tuple[int, int, int, int] | None:
        """For the `import` at `at`, if it is a statement's keyword: the statement start,
        the start of its logical line, that line's indentation and the kind of that line's
        block header when the statement follows one on the same line."""
        text = self.text
        line_start = self._line_start(at)
        if line_start >= self.code_pos and not (line_start >= 2 and text[line_start - 2] == "\\"):
            match = _SIMPLE_PREFIX.match(text, line_start, at)
            if match is not None:
                indent = match.end(1) - line_start
                if self.tabs:
                    indent = self._indent(line_start)
                start = match.start(2) if match.group(2) else at
                return start, line_start, indent, _NEUTRAL
        begin = self._group_start(line_start)
        state, boundary, unmatched, logical = self._scan_range(begin, at)
        if state != _CODE:
            return None
        # matched in place, not on a copy, and a `from` tried once: invalid code can join
        # thousands of candidates into one logical line, and the scan must stay linear
        if not _GAP.fullmatch(text, boundary, at):
            if boundary == self.from_boundary:
                return None  # an `import` after the one that follows this `from`
            match = _FROM_PREFIX.match(text, boundary, at)
            if match is None:
                return None
            self.from_boundary = boundary
            start = match.start(1)
        else:
            start = at
        if unmatched:  # the logical line began on an earlier line, inside brackets
            found = self._search_back(logical, unmatched, 0)
            if found >= 0:
                logical = found
                self._remember(logical)
        else:
            self._remember(logical)
        kind = self._line_kind(logical) if logical < boundary else _NEUTRAL
        return start, logical, self._indent(logical), kind

    def _statement(self, start: int, at: int) -> tuple[list[tuple[str, tuple[str, ...], int]], int]:
        """The modules of the statement starting at `start` (with `import` at `at`) and
        where the statement ends; no modules if it is not a valid import statement."""
        fast = self._plain_statement(start, at)
        return fast if fast is not None else self._any_statement(start, at)

    def _plain_statement(
        self, start: int, at: int
    ) -> tuple[list[tuple[str, tuple[str, ...], int]], int] | None:
        """`_any_statement` for the shapes nearly every file is made of, in a few C calls
        (a third of a large tree's scan went into the general parse). None: not one of
        those shapes, so the general parse decides; the result is always the same."""
        text = self.text
        if start == at:
            body = _FAST_IMPORT.match(text, at + 6)
            if body is None:
                return None
            items = body.group(1)
            if "," not in items and " " not in items and "\t" not in items:
                return [(items, (), 0)], body.end()
            return [(item.split()[0], (), 0) for item in items.split(",")], body.end()
        prefix = _FAST_FROM.fullmatch(text, start + 4, at)
        if prefix is None:
            return None
        level = prefix.end(1) - prefix.start(1)
        module = prefix.group(2) or ""
        if not module and not level:
            return None
        names = _FAST_NAMES.match(text, at + 6)
        if names is not None:  # the pattern checked every name
            items = names.group(1)
            if "," not in items and " " not in items and "\t" not in items:
                return [(module, (items,), level)], names.end()
            return [(module, tuple(i.split()[0] for i in items.split(",")), level)], names.end()
        listed = _FAST_PARENS.match(text, at + 6)
        if listed is None:
            return None
        end = listed.end()
        parts = listed.group(1).split(",")
        if len(parts) > 1 and not parts[-1].strip():
            parts.pop()  # a trailing comma inside the brackets
        found: list[str] = []
        for part in parts:
            words = part.split()
            if not (len(words) == 1 or (len(words) == 3 and words[1] == "as")):
                return None
            if words[0][0].isdigit() or words[-1][0].isdigit():
                return None
            found.append(words[0])
        return [(module, tuple(found), level)], end

    def _any_statement(
        self, start: int, at: int
    ) -> tuple[list[tuple[str, tuple[str, ...], int]], int]:
        """The general parse behind `_statement`: continuations, comments, any spacing
        and Unicode names."""
        text = self.text
        body_start = at + 6
        if start == at:
            body = _PLAIN_BODY.match(text, body_start)
            assert body is not None  # the pattern matches the empty string
            end = body.end()
            found: list[tuple[str, tuple[str, ...], int]] = []
            for item in body.group().replace(_CONTINUATION, " ").split(","):
                alias = _DOTTED_ALIAS.fullmatch(item.strip())
                if alias is None:
                    return [], end
                found.append((_identifier(alias.group(1)), (), 0))
            return found, end
        prefix = text[start + 4 : at].replace(_CONTINUATION, "")
        source = _FROM_MODULE.fullmatch("".join(prefix.split()))
        if source is None:
            return [], at
        level = len(source.group(1))
        module = _identifier(source.group(2) or "")
        if not module and not level:
            return [], at
        gap = _GAP.match(text, body_start)
        assert gap is not None  # the pattern matches the empty string
        pos = gap.end()
        if text.startswith("(", pos):
            listed = _PAREN_BODY.match(text, pos + 1)
            assert listed is not None  # the pattern matches the empty string
            close = listed.end()
            if not text.startswith(")", close):
                return [], at
            inner = text[pos + 1 : close]
            end = close + 1
            if "#" in inner:
                inner = _COMMENT.sub("", inner)
            items = inner.replace(_CONTINUATION, " ").split(",")
            if len(items) > 1 and not items[-1].strip():
                items.pop()  # a trailing comma
        else:
            body = _PLAIN_BODY.match(text, pos)
            assert body is not None
            end = body.end()
            items = body.group().replace(_CONTINUATION, " ").split(",")
            if len(items) == 1 and items[0].strip() == "*":
                return [(module, ("*",), level)], end
        names: list[str] = []
        for item in items:
            alias = _NAME_ALIAS.fullmatch(item.strip())
            if alias is None:
                return [], end
            names.append(_identifier(alias.group(1)))
        return [(module, tuple(names), level)], end

    # ----------------------------------------------------------------- blocks

    def _indent(self, line_start: int) -> int:
        match = _INDENT.match(self.text, line_start)
        assert match is not None
        indentation = match.group()
        if not self.tabs:
            return len(indentation)
        column = 0
        for char in indentation:
            if char == " ":
                column += 1
            elif char == "\t":
                column = (column // 8 + 1) * 8
            else:  # a form feed resets the column, as in the interpreter's tokenizer
                column = 0
        return column

    def _line_kind(self, line_start: int) -> int:
        """Whether the logical line at `line_start` opens a function, a TYPE_CHECKING
        branch, or something else."""
        text = self.text
        match = _KEYWORD.match(text, line_start)
        if match is None:
            return _NEUTRAL
        if match.group(1):
            return _DEF
        pos = match.end()
        parts: list[str] = []
        while True:  # the test runs to the first `:` outside comments
            colon = text.find(":", pos)
            if colon < 0:
                return _NEUTRAL
            comment = text.find("#", pos, colon)
            if comment < 0:
                parts.append(text[pos:colon])
                break
            parts.append(text[pos:comment])
            pos = text.find("\n", comment)
            if pos < 0:
                return _NEUTRAL
        return _TYPE_CHECKING if _is_type_checking("".join(parts)) else _NEUTRAL

    def _remember(self, line_start: int) -> None:
        if line_start not in self.known:
            self.known.add(line_start)
            bisect.insort(self.known_sorted, line_start)

    def _context_of(self, line_start: int, indent: int) -> tuple[bool, bool]:
        """(deferred, typing_only) for the logical line at `line_start`, from the blocks
        around it: its header, that header's header and so on (iteratively: invalid input
        may nest deeper than the recursion limit)."""
        chain: list[tuple[int, int, int]] = []  # (line start, indent, header), inner first
        context = (False, False)  # around the outermost line reached
        pos = line_start
        while indent > 0:
            cached = self.context.get(pos)
            if cached is not None:
                context = cached
                break
            self._remember(pos)
            header = self._search_back(pos, 0, indent)
            chain.append((pos, indent, header))
            if header < 0:
                break
            self._remember(header)
            indent = self._indent(header)
            self.indents[header] = indent
            pos = header
        for pos, indent, header in reversed(chain):
            if header < 0:
                context = (False, False)
            else:
                kind = self._line_kind(header)
                context = (context[0] or kind == _DEF, context[1] or kind == _TYPE_CHECKING)
            self.context[pos] = context
            self.parent[pos] = header
            self.indents[pos] = indent
            bisect.insort(self.jumps, pos)
        return context

    def _search_back(self, pos: int, depth: int, indent: int) -> int:
        """The nearest logical line start before `pos` (which is a line start at bracket
        depth `depth`) indented less than `indent` (any indentation if 0); -1 if none.

        Candidate lines are found in windows of growing size ending at a newline, with a
        pattern anchored on the newline (fast in C); the nearest candidate comes first.
        A window stops at the nearest line whose enclosing header is known: every line
        between it and that header is indented at least as deep, so the search jumps."""
        text = self.text
        generic = indent == 0 or self.tabs
        pattern = _ANY_LINE if generic else _shallow_line(indent)
        jumping = depth == 0 and indent > 0
        jumps = self.jumps
        current = pos
        limit = pos - 1  # the newline before `pos`: candidates start before it
        width = 1024
        while limit > 0:
            low = text.rfind("\n", 0, limit - width) if limit > width else -1
            width *= 2
            jump = -1
            if jumping:
                index = bisect.bisect_right(jumps, limit) - 1
                if index >= 0 and jumps[index] > low:
                    jump = jumps[index]
            floor = jump if jump >= 0 else max(low, 0)
            starts = [match.start() + 1 for match in pattern.finditer(text, floor, limit)]
            if jump < 0 and low < 0 and self._first_line_is_code(generic, indent):
                starts.insert(0, 0)
            limit = floor
            for line_start in reversed(starts):
                verdict = self._candidate(line_start, generic, indent)
                if verdict == _SKIP:
                    continue
                if verdict != _TAKE:  # inside a string: go on before it
                    limit = verdict
                    jump = -1
                    break
                if line_start in self.known:
                    return line_start
                index = bisect.bisect_right(self.known_sorted, line_start)
                if index < len(self.known_sorted) and self.known_sorted[index] < current:
                    current, depth = self.known_sorted[index], 0
                depth -= self._balance(line_start, current)
                current = line_start
                if depth == 0:
                    return line_start
            if jump >= 0:  # nothing shallower after the jump point: follow its headers
                while True:
                    if self.indents[jump] < indent:
                        return jump
                    parent = self.parent.get(jump)
                    if parent is None:
                        break
                    if parent < 0:
                        return -1
                    jump = parent
                current, depth = jump, 0
                limit = jump - 1
        return -1

    def _first_line_is_code(self, generic: bool, indent: int) -> bool:
        text = self.text
        match = _INDENT.match(text)
        assert match is not None
        first = match.end()
        if first >= len(text) or text[first] in " \t\f\n#\\":
            return False
        return generic or first < indent

    def _candidate(self, line_start: int, generic: bool, indent: int) -> int:
        """Whether a line found by the search may start a logical line: _TAKE, _SKIP, or
        for a line inside a triple-quoted string the offset to search on before."""
        text = self.text
        if generic and indent and self._indent(line_start) >= indent:
            return _SKIP
        region = self._region_around(line_start)
        if region >= 0:
            return text.find("\n", self.starts[region])
        if line_start >= 2 and text[line_start - 2] == "\\" and self._continues(line_start):
            return _SKIP
        return _TAKE

    def _continues(self, line_start: int) -> bool:
        """Whether the backslash ending the line before `line_start` joins the lines (it
        does in code and in strings, not in a comment)."""
        text = self.text
        previous = text.rfind("\n", 0, line_start - 1) + 1
        if text.find("#", previous, line_start - 2) < 0:
            return True
        begin = self._group_start(line_start - 1)
        return self._scan_range(begin, line_start - 2)[0] != _COMMENT_STATE

    def _balance(self, begin: int, end: int) -> int:
        """Brackets opened minus closed in code between two logical-line-safe offsets."""
        segment = self.text[begin:end]
        if "'" in segment or '"' in segment or "#" in segment:
            segment = _STRINGS_AND_COMMENTS.sub("", segment)
        return (
            segment.count("(")
            + segment.count("[")
            + segment.count("{")
            - segment.count(")")
            - segment.count("]")
            - segment.count("}")
        )
