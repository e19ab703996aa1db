"""Kubernetes manifests: workloads, the Services in front of them, and what they call.

User documentation: docs/sources/kubernetes.md. The pipeline calls `collect` (which
drops the summary; `options` is unused); tests call `collect_with_summary`, and pass
`stdin=` a binary stream for the path `-`. A run flows read (inputs, chunks) ->
objects (`Reader`, through `cursor`, into `records`) -> emit (`Emitter`, resolving hosts
through `dns`, scanning command lines with `commands`). Keep this module light: it is
imported only when a run reads `kubernetes` (see depguard.sources).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from depguard.model import Fragment
from depguard.sources.kubernetes.commands import MAX_EXPANDED, Oversized
from depguard.sources.kubernetes.emit import Emitter
from depguard.sources.kubernetes.objects import DEFAULT_NAMESPACE, Reader
from depguard.sources.kubernetes.read import STDIN, SUFFIXES, inputs
from depguard.sources.kubernetes.records import SOURCE, KubernetesSummary
from depguard.sources.kubernetes.words import MAX_SCAN

__all__ = [
    "DEFAULT_NAMESPACE",
    "MAX_EXPANDED",
    "MAX_SCAN",
    "SOURCE",
    "STDIN",
    "SUFFIXES",
    "KubernetesSummary",
    "Oversized",
    "collect",
    "collect_with_summary",
]


def collect(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...] = (),
    options: object = None,
    *,
    use_cache: bool = True,
    stdin: BinaryIO | None = None,
) -> Fragment:
    """Read manifests into nodes and edges; problems become diagnostics, never exceptions."""
    fragment, summary = collect_with_summary(paths, root, exclude, options, stdin=stdin)
    fragment.skipped = dict(summary.skipped_kinds)
    return fragment


def collect_with_summary(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...] = (),
    options: object = None,
    *,
    stdin: BinaryIO | None = None,
) -> tuple[Fragment, KubernetesSummary]:
    """`collect`, with what was skipped and counted. The path `-` reads `stdin`
    (default: the process's standard input)."""
    fragment = Fragment(SOURCE)
    summary = KubernetesSummary()
    reader = Reader(fragment, summary)
    for shown, text in inputs(paths, root, exclude, stdin, fragment, summary):
        reader.read_stream(text, shown)
    Emitter(reader, fragment, summary).run()
    fragment.diagnostics = list(dict.fromkeys(fragment.diagnostics))
    _tidy(summary)
    return fragment, summary


def _tidy(summary: KubernetesSummary) -> None:
    summary.objects = dict(sorted(summary.objects.items()))
    summary.skipped_kinds = dict(sorted(summary.skipped_kinds.items()))
    summary.missing_config_maps = sorted(set(summary.missing_config_maps))
    summary.unbacked_services = sorted(set(summary.unbacked_services))
