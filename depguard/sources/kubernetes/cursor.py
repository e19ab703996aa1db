"""A located view of a parsed document: values with their breadcrumb and absolute line.

`Doc` is one piece of a stream (see `read.chunks`) and the offset of its first line;
`Cursor` walks its parsed tree, turning every wrong type into a diagnostic at the exact
line (`spec.template.spec.containers[0].env[2].value: expected a string, got 8080`)
instead of an exception, so the object reader can just ask for what it needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from depguard import validation, yamlio
from depguard.model import Diagnostic
from depguard.sources.kubernetes.records import Text

# PyYAML's line breaks: lines counted here agree with its marks
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_HELM_SOURCE = re.compile(r"^# Source: (.+?)\s*$", re.MULTILINE)
# a key or list item whose value is a literal block scalar (`key: |`, `- |-`)
_LITERAL = re.compile(r"(?:^|\s)\|[1-9]?[+-]?[1-9]?\s*(?:#.*)?$")


class Doc:
    """The piece of a stream some documents were parsed from."""

    def __init__(self, file: str, offset: int, text: str, out: list[Diagnostic]) -> None:
        self.file = file
        self.offset = offset  # lines before the piece
        self.text = text
        self.out = out
        found = _HELM_SOURCE.search(text)
        self.note = found.group(1) if found else ""

    @cached_property
    def lines(self) -> list[str]:
        return _LINE_BREAK.split(self.text)

    def problem(self, line: int, message: str) -> None:
        self.out.append(Diagnostic(self.file, line, message))

    def literal(self, line: int, value: str) -> bool:
        """Whether `value`, written at `line`, is a literal block (lines one to one)."""
        index = line - self.offset - 1
        source = self.lines[index] if 0 <= index < len(self.lines) else ""
        first = value.split("\n", 1)[0].rstrip()
        # `key: a |` is a plain scalar ending in a bar: the line ends with its text
        return bool(_LITERAL.search(source)) and not (first and source.rstrip().endswith(first))


class Cursor:
    """A value of a document with its breadcrumb and absolute line; reports wrong types."""

    __slots__ = ("doc", "value", "where", "line")

    def __init__(self, doc: Doc, value: Any, where: str, line: int) -> None:
        self.doc = doc
        self.value = value
        self.where = where
        self.line = line

    def crumb(self, key: Any) -> str:
        if isinstance(key, int):
            return f"{self.where}[{key}]"
        return f"{self.where}.{key}" if self.where else str(key)

    def child(self, key: Any) -> Cursor:
        relative_line = yamlio.line_of(self.value, (key,))
        line = self.doc.offset + relative_line if relative_line else self.line
        return Cursor(self.doc, self.value[key], self.crumb(key), line)

    def get(self, key: str) -> Cursor | None:
        """The value under `key` of a mapping; None when absent or null."""
        if not isinstance(self.value, dict) or self.value.get(key) is None:
            return None
        return self.child(key)

    def require(self, key: str) -> Cursor | None:
        found = self.get(key)
        if found is None:
            self.doc.problem(self.line, f"{self.crumb(key)}: missing required key")
        return found

    def path(self, *keys: str) -> Cursor | None:
        """The value under nested mappings; a non-mapping on the way is reported."""
        here: Cursor | None = self
        for key in keys:
            if here is None or here.mapping() is None:
                return None
            here = here.get(key)
        return here

    def problem(self, message: str) -> None:
        self.doc.problem(self.line, f"{self.where}: {message}" if self.where else message)

    def wrong(self, expected: str) -> None:
        self.problem(f"expected {expected}, got {validation.show(self.value)}")

    def mapping(self) -> dict[Any, Any] | None:
        if isinstance(self.value, dict):
            return self.value
        self.wrong("a mapping")
        return None

    def items(self) -> Iterator[Cursor]:
        """The items of a list, each a cursor; anything else is reported."""
        if not isinstance(self.value, list):
            self.wrong("a list")
            return
        for index in range(len(self.value)):
            yield self.child(index)

    def entries(self) -> Iterator[tuple[str, Cursor]]:
        """(key, value) of a mapping whose keys must be strings."""
        if self.mapping() is None:
            return
        for key in self.value:
            item = self.child(key)
            if isinstance(key, str):
                yield key, item
            else:
                item.problem("a key must be a string")

    def text(self) -> str | None:
        if isinstance(self.value, str):
            return self.value
        self.wrong("a string")
        return None

    def located(self, value: str) -> Text:
        return Text(value, self.doc.file, self.line, self.doc.literal(self.line, value))
