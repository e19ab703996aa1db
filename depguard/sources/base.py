"""What a source is: a reader module behind one contract, and its line in the table.

A reader module (`services.py`, `compose/`, ...) satisfies `Source`; mypy checks each one
against it (`_checked` below). Its `SourceSpec` line in `depguard.sources.SOURCES` is all
the rest of depguard needs: the config's `sources:` keys and their JSON Schema, zero-config
discovery and the pipeline are derived from that table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from depguard.model import Fragment


class Source(Protocol):
    """A reader: files in, a fragment (nodes, edges, input problems) out."""

    SOURCE: str

    def collect(
        self,
        paths: list[Path],
        root: Path,
        exclude: tuple[str, ...] = (),
        options: Any = None,
        *,
        use_cache: bool = True,
    ) -> Fragment: ...


class SourceSpec(NamedTuple):
    """One format: its config key, the module that reads it (imported on first use, so a
    run pays only for the readers it needs), the `discovery` function that finds its
    files in a project with no config, what the config's schema says of it, and, for a
    format with options beyond paths, the name of their dataclass in the config."""

    name: str
    module: str
    find: str
    help: str
    options: str = ""


if TYPE_CHECKING:  # mypy checks every reader against the contract

    def _checked() -> list[Source]:
        from depguard.sources import backstage, compose, kubernetes, pydeps, services, traces
        from depguard.sources.python import source as python

        return [services, python, pydeps, compose, kubernetes, backstage, traces]


@dataclass(frozen=True)
class EnvFiles:
    """Compose's options from the command line: `--env-file` files, whose variables
    win over a project's `.env` (as `docker compose --env-file` supplies values)."""

    paths: tuple[Path, ...]
