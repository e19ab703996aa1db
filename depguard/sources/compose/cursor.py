"""A located cursor over one compose file's YAML: `Reader` knows the file (its name as
shown, folders, `.env`, where problems go); `FieldAt` is a path into the data with its
breadcrumb (`services.web.depends_on[0]`) and line, so every value read, every problem
and every piece of evidence carries its `file:line`.

`text()` reads a scalar as compose does (`true` is "true", 8080 is "8080") and
interpolates it; a value of the wrong type is a problem, never an exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from depguard import validation, yamlio
from depguard.model import Diagnostic
from depguard.sources.compose.interpolation import interpolate
from depguard.sources.compose.service import At, DotEnv


class Reader:
    """Reads values of one file: lines, interpolation and problems."""

    def __init__(
        self, shown: str, directory: Path, dotenv: DotEnv, out: list[Diagnostic], folder: Path
    ) -> None:
        self.shown = shown
        self.directory = directory  # paths in values (`env_file`) are relative to it
        self.dotenv = dotenv
        self.out = out
        self.folder = folder  # of the file itself: `extends` and `include` name files from it

    def problem(self, line: int, message: str) -> None:
        self.out.append(Diagnostic(self.shown, line, message))

    def at(self, data: Any, where: str, *path: Any) -> FieldAt:
        return FieldAt(self, data, where, path)

    def text(self, value: Any, line: int, where: str) -> str | None:
        """A scalar as compose reads it, interpolated; None (and a problem) otherwise."""
        scalar = _scalar(value)
        if scalar is None:
            self.problem(line, f"{where}: expected a string, got {validation.show(value)}")
            return None
        result, problems = interpolate(scalar, self.dotenv.values.get, where, self.dotenv.note)
        for message in problems:
            self.problem(line, message)
        return result


@dataclass(frozen=True)
class FieldAt:
    """A mapping of the YAML tree with its breadcrumb: where its keys and items are."""

    reader: Reader
    data: Any
    where: str
    path: tuple[Any, ...] = ()

    def child(self, key: Any) -> FieldAt:
        crumb = f"{self.where}[{key}]" if isinstance(key, int) else f"{self.where}.{key}"
        return FieldAt(self.reader, self.data, crumb, (*self.path, key))

    @property
    def value(self) -> Any:
        node = self.data
        for part in self.path:
            node = node[part]
        return node

    @property
    def line(self) -> int:
        return yamlio.line_of(self.data, self.path)

    def pin(self) -> At:
        return At(self.reader.shown, self.line, self.where)

    def text(self) -> str | None:
        return self.reader.text(self.value, self.line, self.where)

    def wrong(self, expected: str) -> None:
        self.reader.problem(
            self.line, f"{self.where}: expected {expected}, got {validation.show(self.value)}"
        )

    def items(self) -> Iterator[FieldAt]:
        """The items of a list, or the keys of a mapping, each as a field."""
        for key in range(len(self.value)) if isinstance(self.value, list) else self.value:
            yield self.child(key)


def _scalar(value: Any) -> str | None:
    """A YAML scalar as compose reads it as text: `true` is "true", 8080 is "8080"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None
