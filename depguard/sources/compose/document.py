"""One compose file as a located document: beside its name it knows the project's
folder (paths in values are relative to it), its own folder (`extends` and `include`
name files from it) and the `.env` values its scalars are interpolated with.

A scalar reads as compose reads it (`true` is "true", 8080 is "8080"), interpolated;
a value of the wrong type is a problem, never an exception.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from depguard.model import Diagnostic
from depguard.sources.compose.interpolation import interpolate
from depguard.sources.compose.service import At, DotEnv
from depguard.sources.located import Document, Located


class ComposeFile(Document):
    def __init__(
        self, shown: str, directory: Path, dotenv: DotEnv, out: list[Diagnostic], folder: Path
    ) -> None:
        super().__init__(shown, out)
        self.directory = directory
        self.dotenv = dotenv
        self.folder = folder

    def scalar(self, at: Located[Any]) -> str | None:
        scalar = _scalar(at.value)
        if scalar is None:
            at.wrong("a string")
            return None
        result, problems = interpolate(scalar, self.dotenv.values.get, at.where, self.dotenv.note)
        for message in problems:
            self.problem(at.line, message)
        return result

    def top(self, data: Any, where: str) -> Field:
        """`data` (a mapping of the file) under the breadcrumb `where`."""
        return Located(self, data, where, getattr(data, "line", 0))


Field = Located[ComposeFile]


def pin(f: Field) -> At:
    """Where `f` was written, as merged records keep it."""
    return At(f.doc.file, f.line, f.where)


def _scalar(value: Any) -> str | None:
    """A YAML scalar as compose reads it as text: `true` is "true", 8080 is "8080"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None
