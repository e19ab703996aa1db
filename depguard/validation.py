"""Turn pydantic validation errors into `file:line: breadcrumb: message` lines.

Shared by the config and by every source whose files are validated against a model.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BeforeValidator, ValidationError
from pydantic_core import PydanticCustomError

from depguard import yamlio


def show(value: Any) -> str:
    """A short description of a wrong value, as a person would say it."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value) if isinstance(value, str) else str(value)


def list_of(noun: str) -> BeforeValidator:
    """Accept a list, or one string standing for a list of one; name the noun on error."""

    def check(value: Any) -> Any:
        if isinstance(value, str):
            return [value]
        if isinstance(value, list | tuple):
            return value
        raise PydanticCustomError("list_of", "expected a list of {noun}, got {got}",
                                  {"noun": noun, "got": show(value)})

    return BeforeValidator(check)


def breadcrumb(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


_EXPECTED = {
    "string_type": "a string", "bool_type": "true or false", "int_type": "a whole number",
    "int_parsing": "a whole number", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping", "tuple_type": "a list", "list_type": "a list",
    "float_type": "a number", "bool_parsing": "true or false", "int_from_float": "a whole number",
}


def describe(err: Any, known_keys: Sequence[str]) -> str:
    kind, given = err["type"], err.get("input")
    if kind == "extra_forbidden":
        key = str(err["loc"][-1])
        close = difflib.get_close_matches(key, list(known_keys), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {key!r}{hint}"
    if kind == "missing":
        return "missing required key"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {show(given)}"
    if kind == "literal_error":
        return f"expected {err['ctx']['expected']}, got {show(given)}"
    message: str = err["msg"]
    return message[0].lower() + message[1:] if message else kind


def clean_loc(loc: Sequence[Any]) -> tuple[Any, ...]:
    # pydantic puts the names of union branches and validators in the path; keys never
    # hold brackets, so those parts are easy to drop
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or "(" in p)))


def error_lines(exc: ValidationError, raw: Any, shown: str, known_keys: Sequence[str],
                line_for: Callable[[tuple[Any, ...]], int] | None = None,
                prefix: tuple[Any, ...] = ()) -> list[str]:
    """One line per error, unions collapsed to their most telling branch, sorted by line."""
    seen: dict[tuple[Any, ...], tuple[int, str]] = {}
    for err in exc.errors():
        loc = clean_loc(err["loc"])
        line = line_for(loc) if line_for else yamlio.line_of(raw, loc)
        text = describe(err, known_keys)
        # a value that fails every branch of a union gives one error per branch: keep one
        if loc not in seen or err["type"] in ("list_of", "extra_forbidden"):
            seen[loc] = (line, text)
    return [f"{shown}:{line}: {breadcrumb((*prefix, *loc))}: {text}"
            for loc, (line, text) in sorted(seen.items(), key=lambda kv: (kv[1][0], str(kv[0])))]
