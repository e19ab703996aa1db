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
from depguard.sources import addresses
from depguard.sources.compose.interpolation import Unset, interpolate
from depguard.sources.compose.service import At, DotEnv
from depguard.sources.located import Document, Located


class ComposeFile(Document):
    def __init__(
        self,
        shown: str,
        directory: Path,
        dotenv: DotEnv,
        out: list[Diagnostic],
        folder: Path,
        notes: list[Diagnostic],
    ) -> None:
        super().__init__(shown, out)
        self.directory = directory
        self.dotenv = dotenv
        self.folder = folder
        self.notes = notes

    def scalar(self, at: Located[Any]) -> str | None:
        scalar = _scalar(at.value)
        if scalar is None:
            at.wrong("a string")
            return None
        result, problems = interpolate(scalar, self.dotenv.values.get, at.where, self.dotenv.note)
        for message in problems:
            if isinstance(message, Unset) and not _addresses(scalar, at.key):
                # an API key, a tag, a password: read as empty, the graph is whole
                self.notes.append(Diagnostic(self.file, at.line, message + _EMPTY))
            else:
                self.problem(at.line, message)
        return result

    def top(self, data: Any, where: str) -> Field:
        """`data` (a mapping of the file) under the breadcrumb `where`."""
        return Located(self, data, where, getattr(data, "line", 0))


Field = Located[ComposeFile]


def pin(f: Field) -> At:
    """Where `f` was written, as merged records keep it."""
    return At(f.doc.file, f.line, f.where)


_EMPTY = (
    ", read as empty (depguard reads no shell environment, so that every machine sees"
    " the same graph: set it in .env to use it)"
)


def _addresses(text: str, key: Any) -> bool:
    """Whether a value may carry a service's address: a URL, or an address variable
    (`API_URL=`, `DB_HOST:`); an unset variable there leaves the graph incomplete."""
    name = key if isinstance(key, str) else text.partition("=")[0].strip()
    return "://" in text or addresses.is_address_key(name)


def _scalar(value: Any) -> str | None:
    """A YAML scalar as compose reads it as text: `true` is "true", 8080 is "8080"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None
