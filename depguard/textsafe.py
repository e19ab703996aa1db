"""Untrusted text made safe to show: names, paths, messages and evidence from the input.

Any of them may be written by whoever opened the pull request. `oneline` shows control,
line-breaking and bidi characters as visible escapes (`\\n`, `\\x1b`, `\\u202e`) and
doubles backslashes, so the result is one unambiguous line that a terminal, a CI log or a
parser reads as plain text. Each format then escapes its own syntax on top: `xml` here,
the others beside their writers (DOT, Mermaid, Markdown, GitHub commands, SARIF).
"""

from __future__ import annotations

import html
import re

# C0 (\n \r \t ESC ...), DEL and C1; the line and paragraph separators; the bidi controls,
# which make text read other than it is ("Trojan Source"); lone surrogates (file-name bytes
# that are not UTF-8, which no output could encode) and the noncharacters XML 1.0 forbids
_UNSAFE = re.compile(
    "[\\\\\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_SHORT = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# A CI runner reads a log line as a command when it starts (after blanks) with `::`
# (GitHub), or wherever `##[` (GitHub's legacy form), `##vso[` (Azure) and the like sit
_LEADING_COLON = re.compile(r"^(\s*):")
_LOG_COMMAND = re.compile(r"(##[A-Za-z]*)\[")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def oneline(text: str) -> str:
    """`text` as one line of visible characters that no reader takes for markup or a command.

    Distinct texts stay distinct (every backslash in the result starts an escape), so a
    name that spells an escape cannot pass for the character it names.
    """
    # most names need nothing: ten times faster than the substitutions, on every edge
    return text if _plain(text) else _escaped(text)


def _escaped(text: str) -> str:
    text = _UNSAFE.sub(_escape, text)
    text = _LEADING_COLON.sub(r"\1\\x3a", text, count=1)
    return _LOG_COMMAND.sub(r"\1\\x5b", text)


def _plain(text: str) -> bool:
    """Printable ASCII (no control character) with no backslash, `##` or leading `:`."""
    return (
        text.isascii()
        and text.isprintable()
        and "\\" not in text
        and "##" not in text
        and not text.lstrip().startswith(":")
    )


def xml(text: str) -> str:
    """`oneline(text)` as XML or HTML text or a quoted attribute value (`& < > " '`)."""
    return html.escape(oneline(text), quote=True)


def json_text(dumped: str) -> str:
    """A JSON text with its lone surrogates (from file names that are not UTF-8) written as
    `\\udcxx` escapes: the same data, and a text that encodes as UTF-8."""
    if dumped.isascii():  # the usual case, told without a scan
        return dumped
    return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", dumped)
