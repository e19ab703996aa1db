"""One piece of a manifest stream (see `read.chunks`) as a located document.

Beyond `located.Document` it knows the Helm `# Source:` note of the piece and whether
a value was written as a literal block, whose lines map one to one onto the file's.
"""

from __future__ import annotations

import re
from functools import cached_property

from depguard.model import Diagnostic
from depguard.sources.kubernetes.records import Text
from depguard.sources.located import Document, Located

# PyYAML's line breaks: lines counted here agree with its marks
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_HELM_SOURCE = re.compile(r"^# Source: (.+?)\s*$", re.MULTILINE)
# a key or list item whose value is a literal block scalar (`key: |`, `- |-`)
_LITERAL = re.compile(r"(?:^|\s)\|[1-9]?[+-]?[1-9]?\s*(?:#.*)?$")


class Piece(Document):
    """The piece of a stream some documents were parsed from."""

    def __init__(self, file: str, offset: int, text: str, out: list[Diagnostic]) -> None:
        super().__init__(file, out, offset)
        self.text = text
        found = _HELM_SOURCE.search(text)
        self.note = found.group(1) if found else ""

    @cached_property
    def lines(self) -> list[str]:
        return _LINE_BREAK.split(self.text)

    def literal(self, line: int, value: str) -> bool:
        """Whether `value`, written at `line`, is a literal block (lines one to one)."""
        index = line - self.offset - 1
        source = self.lines[index] if 0 <= index < len(self.lines) else ""
        first = value.split("\n", 1)[0].rstrip()
        # `key: a |` is a plain scalar ending in a bar: the line ends with its text
        return bool(_LITERAL.search(source)) and not (first and source.rstrip().endswith(first))


At = Located[Piece]


def text_at(at: At, value: str) -> Text:
    """`value`, read at `at`, with its file, line and whether its lines are the file's."""
    return Text(value, at.doc.file, at.line, at.doc.literal(at.line, value))
