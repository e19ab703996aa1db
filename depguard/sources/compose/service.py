"""What the merged project holds: one `Service` per name, built up file by file, and
the located records in it (`At`: file, line and breadcrumb, the evidence of an edge).

Merging only writes these; `emit` turns them into nodes and edges at the end, once
every file, `extends` base and `include` has been read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from depguard.model import Evidence

SOURCE = "compose"


@dataclass(frozen=True)
class At:
    """Where something was written, and its breadcrumb for messages."""

    file: str
    line: int
    where: str = ""

    def evidence(self, text: str, env: str = "") -> Evidence:
        return Evidence(self.file, self.line, text, SOURCE, env)


@dataclass
class Var:
    value: str | None  # None: a bare `- KEY` that .env does not set
    at: At


@dataclass
class DependsOn:
    condition: str = "service_started"
    required: bool = True
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class Ref:
    """A `links`, `volumes_from` or `*_mode: service:x` reference to another service."""

    target: str
    kind: str
    text: str
    at: At


@dataclass(frozen=True)
class EnvFile:
    path: Path
    required: bool
    at: At


@dataclass
class Service:
    name: str
    at: At
    labels: dict[str, str] = field(default_factory=dict)
    profiles: list[str] = field(default_factory=list)
    environment: dict[str, Var] = field(default_factory=dict)
    env_files: list[EnvFile] = field(default_factory=list)
    depends_on: dict[str, DependsOn] = field(default_factory=dict)
    refs: list[Ref] = field(default_factory=list)
    modes: dict[str, Ref | None] = field(default_factory=dict)
    hostname: str | None = None
    container_name: str | None = None
    image: str = ""
    published: bool = False  # `ports:` reach it from outside: an entry point
    aliases: list[str] = field(default_factory=list)
    link_aliases: dict[str, str] = field(default_factory=dict)
    dotenv: DotEnv | None = None  # of the project that defined it (an included one)


@dataclass(frozen=True)
class DotEnv:
    """A project's variables: its `.env` or its `include` entry's env files, under those
    of the including project."""

    values: dict[str, str]
    note: str  # why a variable is unset, for the diagnostic
