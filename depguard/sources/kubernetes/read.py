"""Inputs: manifest files and folders, `-` for standard input, and streams cut in pieces.

`inputs` yields one (shown name, text) at a time so only one input is in memory;
`chunks` cuts a stream before every `---` so a broken document does not hide the rest
and only one piece's tree is parsed at a time; `breaks` counts lines as PyYAML does,
so the pieces' line offsets keep every reported line exact.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from depguard import yamlio
from depguard.model import Diagnostic, Fragment
from depguard.sources.discovery import CHART_NAMES, KUSTOMIZATION_NAMES
from depguard.sources.files import is_excluded, relative, walk
from depguard.sources.kubernetes.records import KubernetesSummary

STDIN = "<stdin>"
SUFFIXES = (".yaml", ".yml")

# `---` in column 0, alone or before a space or comment, always starts a YAML document
_DOC_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)
# a piece whose last line that is not blank or a comment is a `%` directive
_DIRECTIVE_LAST = re.compile(r"^%[^\n]*\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*\Z", re.MULTILINE)


def _is_stdin(path: Path) -> bool:
    # the pipeline may have joined `-` onto the project root
    return path.as_posix() == "-" or (path.name == "-" and not path.exists())


def inputs(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...],
    stdin: BinaryIO | None,
    out: Fragment,
    summary: KubernetesSummary,
) -> Iterator[tuple[str, str]]:
    """(shown name, text) of every input, one at a time so only one is in memory."""
    seen: set[Path] = set()
    for path in paths:
        if _is_stdin(path):
            text = _read_stdin(stdin, out)
            if text is not None:
                yield STDIN, text
            continue
        shown = relative(path, root)
        if is_excluded(shown, exclude):
            continue
        if not path.exists():
            out.diagnostics.append(Diagnostic(shown, 0, "cannot read: No such file or directory"))
            continue
        for file in _manifest_files(path, root, exclude, summary, out.diagnostics):
            if file in seen:
                continue
            seen.add(file)
            if file.name in KUSTOMIZATION_NAMES:
                summary.count(summary.skipped_kinds, "Kustomization")
                continue
            shown = relative(file, root)
            text = _read_file(file, shown, out)
            if text is not None:
                yield shown, text


def _manifest_files(
    path: Path,
    root: Path,
    exclude: tuple[str, ...],
    summary: KubernetesSummary,
    skipped: list[Diagnostic],
) -> list[Path]:
    """The YAML files below `path`, without Helm charts (templates are not manifests)."""
    found = walk([path], root, SUFFIXES, exclude, skipped)
    if path.is_file():
        return found
    charts = sorted({f.parent for f in found if f.name in CHART_NAMES})
    summary.helm_charts.extend(relative(chart, root) for chart in charts)
    return [f for f in found if not any(f.is_relative_to(chart) for chart in charts)]


def _read_file(path: Path, shown: str, out: Fragment) -> str | None:
    try:
        return yamlio.read_text(path, shown)
    except yamlio.YamlError as exc:
        out.files.append(shown)
        out.diagnostics.append(Diagnostic(exc.file, exc.line, exc.message))
        return None


def _read_stdin(stdin: BinaryIO | None, out: Fragment) -> str | None:
    try:
        stream = stdin if stdin is not None else sys.stdin.buffer
        text = yamlio.decode(stream.read(), STDIN)
    except (OSError, ValueError, AttributeError) as exc:  # closed, unreadable or absent
        out.diagnostics.append(Diagnostic(STDIN, 0, f"cannot read: {exc}"))
        return None
    except yamlio.YamlError as exc:
        out.files.append(STDIN)
        out.diagnostics.append(Diagnostic(exc.file, exc.line, exc.message))
        return None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        out.files.append(STDIN)
        out.diagnostics.append(Diagnostic(STDIN, line, "contains a NUL byte: not a text file"))
        return None
    return text


def chunks(text: str) -> Iterator[str]:
    """The stream cut before every `---` line: each piece holds whole documents. A
    `%YAML` directive stays with the document it introduces."""
    start = 0
    for match in _DOC_START.finditer(text):
        piece = text[start : match.start()]
        if piece and not _DIRECTIVE_LAST.search(piece):
            yield piece
            start = match.start()
    yield text[start:]


def breaks(text: str) -> int:
    """Line breaks in `text`, counted as PyYAML counts them."""
    lf, cr, crlf = text.count("\n"), text.count("\r"), text.count("\r\n")
    return lf + cr - crlf + text.count("\x85") + text.count("\u2028") + text.count("\u2029")
