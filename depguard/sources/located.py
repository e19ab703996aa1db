"""Values of a parsed YAML or JSON document with their breadcrumb and line.

Every reader walks its documents with `Located`, so a wrong type is a diagnostic at
the exact line (`spec.containers[0].env[2].value: expected a string, got 8080`), never
an exception, and every reader words it the same way. `Document` says where values
come from and how its format reads a scalar as text; a reader subclasses it for more.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar

from depguard import validation, yamlio
from depguard.model import Diagnostic


class Document:
    """One parsed document (or piece of a stream): its file and where problems go."""

    def __init__(self, file: str, out: list[Diagnostic], offset: int = 0, label: str = "") -> None:
        self.file = file  # as shown
        self.out = out
        self.offset = offset  # lines before the piece the lines of its tree count from
        self.label = label  # said before every problem (`Component web: ...`)

    def problem(self, line: int, message: str) -> None:
        self.out.append(
            Diagnostic(self.file, line, f"{self.label}: {message}" if self.label else message)
        )

    def scalar(self, at: Located[Any]) -> str | None:
        """`at`'s value as text, as this format reads it: here, only a string is."""
        if isinstance(at.value, str):
            return at.value
        at.wrong("a string")
        return None


D = TypeVar("D", bound=Document)


class Located(Generic[D]):
    """A value of a document with its breadcrumb and absolute line."""

    __slots__ = ("doc", "value", "where", "line", "key")

    def __init__(self, doc: D, value: Any, where: str = "", line: int = 0, key: Any = None) -> None:
        self.doc = doc
        self.value = value
        self.where = where
        self.line = line
        self.key = key  # under which its parent holds it; None at the top

    def crumb(self, key: Any) -> str:
        if isinstance(key, int):
            return f"{self.where}[{key}]"
        return f"{self.where}.{key}" if self.where else str(key)

    def child(self, key: Any) -> Located[D]:
        relative_line = yamlio.line_of(self.value, (key,))
        line = self.doc.offset + relative_line if relative_line else self.line
        return Located(self.doc, self.value[key], self.crumb(key), line, key)

    def get(self, key: Any) -> Located[D] | None:
        """The value under `key` of a mapping; None when absent or null (or no mapping)."""
        if not isinstance(self.value, dict) or self.value.get(key) is None:
            return None
        return self.child(key)

    def require(self, key: str) -> Located[D] | None:
        found = self.get(key)
        if found is None:
            self.doc.problem(self.line, f"{self.crumb(key)}: missing required key")
        return found

    def path(self, *keys: str) -> Located[D] | None:
        """The value under nested mappings; a non-mapping on the way is reported."""
        here: Located[D] | None = self
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

    def items(self, expected: str = "a list") -> Iterator[Located[D]]:
        """The items of a list, each located; anything else is reported."""
        if not isinstance(self.value, list):
            self.wrong(expected)
            return
        for index in range(len(self.value)):
            yield self.child(index)

    def members(self) -> Iterator[Located[D]]:
        """The items of a list or the values of a mapping, whichever it is."""
        keys = range(len(self.value)) if isinstance(self.value, list) else self.value
        for key in keys:
            yield self.child(key)

    def entries(self) -> Iterator[tuple[str, Located[D]]]:
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
        """The value as text, as the document's format reads it; else reported."""
        return self.doc.scalar(self)
