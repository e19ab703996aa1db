"""What well-known infrastructure is: a node's role from its image or name.

The table is data (`infrastructure.yaml`, shipped); a config's `infrastructure:` rules
come first. One classifier for every source, so the same system read from compose or
from Kubernetes gets the same roles and the same verdict.
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Callable
from pathlib import Path

from depguard import yamlio
from depguard.config.model import Config, RoleRule
from depguard.model import Node

TABLE = Path(__file__).with_name("infrastructure.yaml")


@functools.cache
def shipped() -> tuple[RoleRule, ...]:
    data = yamlio.load_one(TABLE.read_text(encoding="utf-8"), TABLE.name)
    return tuple(
        RoleRule(rule["role"], tuple(rule.get("images", ())), tuple(rule.get("names", ())))
        for rule in data
    )


def role_for(config: Config) -> Callable[[Node], str | None]:
    """node -> its role, None for a node of the system's own (`role: service` too)."""
    own = config.infrastructure

    def role(node: Node) -> str | None:
        if node.kind not in ("service", "resource"):
            return None
        rules = (*own, *shipped())  # read on the first service: a Python run needs none
        labels = dict(node.labels)
        images = [_repository(i) for i in labels.get("image", "").split(",") if i]
        for rule in rules:
            if any(_matches(image, rule.images) for image in images) or any(
                fnmatch.fnmatchcase(node.name.lower(), p) for p in rule.names
            ):
                return None if rule.role == "service" else rule.role
        return None

    return role


def _repository(image: str) -> str:
    """`docker.io/bitnami/kafka:3.7@sha256:..` -> `bitnami/kafka` (registry, tag, digest
    aside; Docker Hub's `library/` too)."""
    name = image.split("@", 1)[0].lower()
    last = name.rsplit("/", 1)
    if ":" in last[-1]:
        name = name[: name.rindex(":")]
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]  # a registry host
    if parts[0] == "library":
        parts = parts[1:]
    return "/".join(parts)


def _matches(repository: str, patterns: tuple[str, ...]) -> bool:
    last = repository.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(repository, p) or fnmatch.fnmatchcase(last, p) for p in patterns)
