"""`.env` and `env_file` files: the syntax compose's dotenv parser reads (`parse_dotenv`),
and `read_env_file`, which reads one from disk into located variables.

Values are interpolated from the keys above them, then from the `outer` lookup the
caller gives (the project `.env`); never from the process environment. A bad line is a
problem for that line, and the rest of the file is still read.
"""

from __future__ import annotations

import re
from pathlib import Path

from depguard import yamlio
from depguard.model import Diagnostic, Fragment
from depguard.sources.compose.interpolation import Lookup, interpolate
from depguard.sources.compose.service import At, Var
from depguard.sources.files import is_excluded, relative

# `KEY=value`, and the `KEY: value` form compose's dotenv parser also reads
_DOTENV_KEY = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*([=:]?)(.*)", re.DOTALL)


def env_values(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...],
    required: bool,
    note: str,
    out: Fragment,
) -> dict[str, str]:
    """The variables of env files read in order, a later file (and a later line) seeing
    and overriding what came before; a missing file is a problem when `required`."""
    found: dict[str, str] = {}
    for path in paths:
        shown = relative(path, root)
        if is_excluded(shown, exclude):
            continue
        if not path.is_file():
            if required:
                out.diagnostics.append(Diagnostic(shown, 0, "env file not found"))
            continue
        out.files.append(shown)
        values = read_env_file(path, shown, found.get, note, out)
        found.update({k: v.value for k, v in values.items() if v.value is not None})
    return found


def read_env_file(
    path: Path, shown: str, outer: Lookup, note: str, out: Fragment
) -> dict[str, Var]:
    """`KEY=value` lines of an env file; problems go to `out`, never raised."""
    try:
        text = yamlio.read_text(path, shown)
    except yamlio.YamlError as exc:
        out.diagnostics.append(Diagnostic(exc.file, exc.line, exc.message))
        return {}
    values, problems = parse_dotenv(text, outer, note)
    out.diagnostics.extend(Diagnostic(shown, line, message) for line, message in problems)
    return {key: Var(value, At(shown, line, key)) for key, (value, line) in values.items()}


def parse_dotenv(
    text: str, outer: Lookup, note: str
) -> tuple[dict[str, tuple[str, int]], list[tuple[int, str]]]:
    """Variables of a compose env file -> ({key: (value, line)}, [(line, problem)]).

    The syntax compose reads: `KEY=value`, `export KEY=value`, `# comments`, a ` #`
    comment after an unquoted value, 'single quotes' (literal), "double quotes"
    (`\\n` and `\\"` escapes, may span lines), `${VAR}` interpolated from the keys above
    and then from `outer`. A `KEY` alone takes its value from `outer`, if it has one.
    """
    values: dict[str, tuple[str, int]] = {}
    problems: list[tuple[int, str]] = []
    lines = text.splitlines()

    def lookup(name: str) -> str | None:
        return values[name][0] if name in values else outer(name)

    index = 0
    while index < len(lines):
        start, line = index + 1, lines[index]
        index += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _DOTENV_KEY.fullmatch(line)
        if match is None:
            problems.append((start, "expected KEY=value"))
            continue
        key, eq, raw = match.groups()
        if not eq:
            if raw.strip():
                problems.append((start, "expected KEY=value"))
            elif (passed := outer(key)) is not None:
                values[key] = (passed, start)
            continue
        raw, index, quote = _dotenv_value(raw.strip(), lines, index)
        if quote is None:
            problems.append((start, f"unterminated quoted value for {key}"))
            continue
        if quote == "'":
            value = raw
        else:
            value, found = interpolate(raw, lookup, key, note)
            problems.extend((start, message) for message in found)
        values[key] = (value, start)
    return values, problems


def _dotenv_value(raw: str, lines: list[str], index: int) -> tuple[str, int, str | None]:
    """(value, next line index, quote: "'", '"' or "" unquoted; None if unterminated)."""
    if not raw or raw[0] not in "'\"":
        comment = re.search(r"\s#", raw)
        return (raw[: comment.start()] if comment else raw).strip(), index, ""
    quote, body = raw[0], raw[1:]
    while True:
        end = _closing_quote(body, quote)
        if end >= 0:
            value = body[:end]
            return (value if quote == "'" else _unescape(value)), index, quote
        if index >= len(lines):
            return "", index, None
        body += "\n" + lines[index]
        index += 1


def _closing_quote(body: str, quote: str) -> int:
    position = 0
    while position < len(body):
        if body[position] == "\\" and quote == '"':
            position += 2
            continue
        if body[position] == quote:
            return position
        position += 1
    return -1


def _unescape(value: str) -> str:
    # `\$` stays a literal dollar: written as `$$`, which interpolation turns into `$`
    escapes = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$$"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), value)
