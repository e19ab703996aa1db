"""Compose's `$` interpolation: `$$`, `$VAR`, `${VAR}` and the `:-`, `-`, `:?`, `?`, `:+`,
`+` forms, nested. Problems come back as text, never raised; the caller places them.

Only the `lookup` it is given is read (the project `.env`), never the process
environment, so a scan gives the same graph on every machine. `MAX_EXPANDED` bounds
what one value may grow to: variables that double each other stop early.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# What one interpolated value may grow to: forty `.env` lines that each double the one
# above would otherwise expand to terabytes.
MAX_EXPANDED = 64 * 1024
_VAR_NAME = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")
_BRACED = re.compile(r"([_A-Za-z][_A-Za-z0-9]*)(?:(:?[-?+])(.*))?", re.DOTALL)

Lookup = Callable[[str], str | None]


class Unset(str):
    """The problem of a variable that is not set: the value reads as empty, as compose
    reads it; whether that matters depends on where it was (an address, or not)."""


def interpolate(text: str, lookup: Lookup, where: str, note: str) -> tuple[str, list[str]]:
    """`text` with compose's `$` syntax expanded -> (result, problems).

    An unset variable without a default expands to "" and is a problem (`note` says why
    it is unset); so is `${VAR:?err}`; an unterminated `${` keeps the rest as written.
    """
    out: list[str] = []
    problems: list[str] = []
    position = 0
    size = 0  # of `out`: checked as it grows, so a chain of doubling variables stops early
    while (dollar := text.find("$", position)) >= 0:
        out.append(text[position:dollar])
        after = text[dollar + 1 : dollar + 2]
        if after == "$":
            out.append("$")
            position = dollar + 2
        elif after == "{":
            end = _closing_brace(text, dollar + 2)
            if end < 0:
                problems.append(f"unterminated ${{ in {where}")
                out.append(text[dollar:])
                return "".join(out), problems
            out.append(_braced(text[dollar + 2 : end], lookup, where, note, problems))
            position = end + 1
        elif name := _VAR_NAME.match(text, dollar + 1):
            out.append(_value_of(name.group(), lookup, note, problems))
            position = name.end()
        else:  # a lone `$` (`pa$`, `$1`) is kept, as compose keeps it
            out.append("$")
            position = dollar + 1
        size += len(out[-2]) + len(out[-1])
        if size > MAX_EXPANDED:
            return _oversized(text, where, problems)
    out.append(text[position:])
    return "".join(out), problems


def _oversized(text: str, where: str, problems: list[str]) -> tuple[str, list[str]]:
    """A value whose expansion passes the bound: a problem, and the text unexpanded."""
    problems.append(
        f"{where} expands to more than {MAX_EXPANDED:,} characters "
        "(variables that double each other?): not expanded"
    )
    return text[:MAX_EXPANDED], problems


def _closing_brace(text: str, start: int) -> int:
    """Index of the `}` closing a `${` whose body starts at `start`; nested `${` count."""
    depth, position = 1, start
    while position < len(text):
        if text.startswith("${", position):
            depth, position = depth + 1, position + 2
            continue
        if text[position] == "}":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return -1


def _braced(body: str, lookup: Lookup, where: str, note: str, problems: list[str]) -> str:
    match = _BRACED.fullmatch(body)
    if match is None:
        problems.append(f"invalid interpolation ${{{body}}} in {where}")
        return ""
    name, op, arg = match.groups()
    value = lookup(name)
    if op is None:
        return _value_of(name, lookup, note, problems)
    empty = value is None or (op.startswith(":") and value == "")
    if op.endswith("-"):
        return _expand(arg, lookup, where, note, problems) if empty else str(value)
    if op.endswith("+"):
        return "" if empty else _expand(arg, lookup, where, note, problems)
    if empty:  # `?`: required
        problems.append(
            f"required variable {name} is missing a value" + (f": {arg}" if arg else "")
        )
        return ""
    return str(value)


def _expand(text: str, lookup: Lookup, where: str, note: str, problems: list[str]) -> str:
    result, found = interpolate(text, lookup, where, note)
    problems.extend(found)
    return result


def _value_of(name: str, lookup: Lookup, note: str, problems: list[str]) -> str:
    value = lookup(name)
    if value is None:
        problems.append(Unset(f"variable {name} is not set {note}"))
        return ""
    return value
