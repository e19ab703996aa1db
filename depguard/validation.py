"""Turn pydantic validation errors into `file:line: breadcrumb: message` lines.

Shared by the config and by every source whose files are validated against a model.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Any, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ValidationError
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
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


def list_of(noun: str) -> BeforeValidator:
    """Accept a list, or one string standing for a list of one; name the noun on error."""

    def check(value: Any) -> Any:
        if isinstance(value, str):
            return [value]
        if isinstance(value, list | tuple):
            return value
        raise PydanticCustomError(
            "list_of", "expected a list of {noun}, got {got}", {"noun": noun, "got": show(value)}
        )

    return BeforeValidator(check, json_schema_input_type=str | list[str])


def breadcrumb(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


_EXPECTED = {
    "string_type": "a string",
    "bool_type": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "int_from_float": "a whole number",
}


def keys_at(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The keys the model allows at `loc` (a path into the data), for "did you mean"."""
    current: Any = model
    skip_key = False  # the next part is a key of a mapping (a service name), not a field
    for part in loc:
        if skip_key or isinstance(part, int):
            skip_key = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = next(
            (f for name, f in current.model_fields.items() if part in (name, f.alias)), None
        )
        if field is None:
            return []
        current, skip_key = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(f.alias or name for name, f in current.model_fields.items())
    return []


def _inner_model(annotation: Any) -> tuple[Any, bool]:
    """The model inside Optional/tuple/dict/Annotated, and whether a dict holds it."""
    stack = [(annotation, False)]
    while stack:
        item, in_dict = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item, in_dict
        args = get_args(item)
        is_dict = get_origin(item) is dict
        # a dict's key type is not where the model lives
        stack.extend((arg, in_dict or is_dict) for arg in (args[1:] if is_dict else args))
    return None, False


def describe(err: Any, known_keys: Sequence[str]) -> str:
    kind, given = err["type"], err.get("input")
    if kind == "extra_forbidden":
        key = str(err["loc"][-1])
        close = difflib.get_close_matches(key, list(known_keys), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {key!r}{hint}"
    if kind == "missing":
        return "missing required key"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {show(given)}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"expected at least {err['ctx'].get('ge', err['ctx'].get('gt'))}, got {show(given)}"
    if kind in ("less_than_equal", "less_than"):
        return f"expected at most {err['ctx'].get('le', err['ctx'].get('lt'))}, got {show(given)}"
    if kind == "literal_error":
        return f"expected {err['ctx']['expected']}, got {show(given)}"
    message: str = err["msg"]
    return message[0].lower() + message[1:] if message else kind


def clean_loc(loc: Sequence[Any]) -> tuple[Any, ...]:
    # pydantic puts the names of union branches and validators in the path; keys never
    # hold brackets, so those parts are easy to drop
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or "(" in p)))


def errors(
    exc: ValidationError,
    raw: Any,
    model: type[BaseModel],
    line_for: Callable[[tuple[Any, ...]], int] | None = None,
) -> list[tuple[int, str]]:
    """(line, "breadcrumb: message") per error, one per place, sorted by line.

    A value that fails every branch of a union gives pydantic one error per branch;
    only the most telling one is kept.
    """
    seen: dict[tuple[Any, ...], tuple[int, str]] = {}
    for err in exc.errors():
        loc = clean_loc(err["loc"])
        line = line_for(loc) if line_for else yamlio.line_of(raw, loc)
        text = describe(err, keys_at(model, loc[:-1]))
        if loc not in seen or err["type"] in ("list_of", "extra_forbidden"):
            seen[loc] = (line, f"{breadcrumb(loc)}: {text}")
    return sorted(seen.values())


def error_lines(
    exc: ValidationError,
    raw: Any,
    shown: str,
    model: type[BaseModel],
    line_for: Callable[[tuple[Any, ...]], int] | None = None,
) -> list[str]:
    """`file:line: breadcrumb: message`, one line per error."""
    return [f"{shown}:{line}: {text}" for line, text in errors(exc, raw, model, line_for)]
