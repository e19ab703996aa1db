"""Validate data against our frozen dataclasses, and turn the errors into
`file:line: breadcrumb: message` lines.

Shared by the config and by every source whose files are validated against a model.

The models are stdlib dataclasses whose annotations are strings (PEP 563) naming pydantic
types (`Field`, `StrictBool`, `Patterns`...) that their modules import for type checking
only. pydantic is imported, and a validator built, the first time data is validated:
importing pydantic and building models took a tenth of a second, most of a small
project's run, and a run with no config file validates nothing.
"""

from __future__ import annotations

import dataclasses
import difflib
import sys
from collections.abc import Callable, Sequence
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    TypeVar,
    get_args,
    get_origin,
    get_type_hints,
)

from depguard import yamlio

if TYPE_CHECKING:
    from pydantic import BeforeValidator, TypeAdapter

    Patterns = tuple[str, ...]
    Paths = tuple[str, ...]

T = TypeVar("T")


class Invalid(Exception):
    """Data that does not fit a model; `errors` are pydantic's error dicts."""

    def __init__(self, errors: list[Any]) -> None:
        super().__init__(f"{len(errors)} validation error(s)")
        self.errors = errors


def parse(model: type[T], raw: Any) -> T:
    """`raw` validated into `model` (a dataclass), or Invalid with every error at once."""
    from pydantic import ValidationError

    try:
        valid: T = adapter(model).validate_python(raw)
        return valid
    except ValidationError as exc:
        raise Invalid(list(exc.errors())) from None


def json_schema(model: type[Any]) -> dict[str, Any]:
    return adapter(model).json_schema(by_alias=True)


_adapters: dict[type[Any], TypeAdapter[Any]] = {}


def adapter(model: type[T]) -> TypeAdapter[T]:
    """pydantic's validator for a dataclass, built once. The names its annotations use
    but its module imports only for type checking are put into that module first, where
    pydantic looks them up."""
    if model in _adapters:
        return _adapters[model]
    import pydantic

    names: dict[str, Any] = {
        "Field": pydantic.Field,
        "StrictBool": pydantic.StrictBool,
        "StrictInt": pydantic.StrictInt,
        "AfterValidator": pydantic.AfterValidator,
        "Patterns": Annotated[tuple[str, ...], list_of("patterns")],
        "Paths": Annotated[tuple[str, ...], list_of("paths")],
    }
    # every module that defines a validated model: a model may hold another module's
    # (the config holds the Python source's options)
    for module in {model.__module__, *(cls.__module__ for cls in _models(Model))}:
        namespace = vars(sys.modules[module])
        for name, value in names.items():
            namespace.setdefault(name, value)
    built = _adapters[model] = pydantic.TypeAdapter(model)
    return built


def _models(base: type[Any]) -> list[type[Any]]:
    """Every subclass of `base`, at any depth."""
    found = []
    for cls in base.__subclasses__():
        found += [cls, *_models(cls)]
    return found


class Model:
    """The base of the validated dataclasses: a key the model does not name is an error."""

    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}  # read by pydantic


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
    if isinstance(value, str):  # an excerpt: the value may be a whole file read by mistake
        return repr(value) if len(value) <= 60 else repr(value[:57]) + "..."
    shown = str(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def list_of(noun: str) -> BeforeValidator:
    """Accept a list, or one string standing for a list of one; name the noun on error."""
    from pydantic import BeforeValidator
    from pydantic_core import PydanticCustomError

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


_UNKNOWN_KEY = "unexpected_keyword_argument"  # a dataclass's extra="forbid"
_EXPECTED = {
    "string_type": "a string",
    "bool_type": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "dict_type": "a mapping",
    "dataclass_type": "a mapping",
    "dataclass_args_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "int_from_float": "a whole number",
}


def keys_at(model: type[Any], loc: Sequence[Any]) -> list[str]:
    """The keys the model allows at `loc` (a path into the data), for "did you mean"."""
    current: Any = model
    skip_key = False  # the next part is a key of a mapping (a service name), not a field
    for part in loc:
        if skip_key or isinstance(part, int):
            skip_key = False
            continue
        if not dataclasses.is_dataclass(current):
            return []
        annotation = _keys(current).get(part)
        if annotation is None:
            return []
        current, skip_key = _inner_model(annotation)
    return sorted(_keys(current)) if dataclasses.is_dataclass(current) else []


def _keys(model: Any) -> dict[str, Any]:
    """A dataclass's keys as written in the data (a field's alias, else its name), with
    their annotations; only asked once `adapter` has made the annotations resolvable."""
    hints = get_type_hints(model, include_extras=True)
    keys = {}
    for field in dataclasses.fields(model):
        hint = hints[field.name]
        alias = next((m.alias for m in getattr(hint, "__metadata__", ()) if _alias(m)), None)
        keys[alias or field.name] = hint
    return keys


def _alias(metadata: Any) -> bool:
    return isinstance(getattr(metadata, "alias", None), str)


def _inner_model(annotation: Any) -> tuple[Any, bool]:
    """The dataclass inside Optional/tuple/dict/Annotated, and whether a dict holds it."""
    stack = [(annotation, False)]
    while stack:
        item, in_dict = stack.pop()
        if isinstance(item, type) and dataclasses.is_dataclass(item):
            return item, in_dict
        args = get_args(item)
        is_dict = get_origin(item) is dict
        # a dict's key type is not where the model lives
        stack.extend((arg, in_dict or is_dict) for arg in (args[1:] if is_dict else args))
    return None, False


def describe(err: Any, known_keys: Sequence[str]) -> str:
    kind, given = err["type"], err.get("input")
    if kind == _UNKNOWN_KEY:
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
    exc: Invalid,
    raw: Any,
    model: type[Any],
    line_for: Callable[[tuple[Any, ...]], int] | None = None,
) -> list[tuple[int, str]]:
    """(line, "breadcrumb: message") per error, one per place, sorted by line.

    A value that fails every branch of a union gives pydantic one error per branch;
    only the most telling one is kept.
    """
    seen: dict[tuple[Any, ...], tuple[int, str]] = {}
    for err in exc.errors:
        loc = clean_loc(err["loc"])
        line = line_for(loc) if line_for else yamlio.line_of(raw, loc)
        text = describe(err, keys_at(model, loc[:-1]))
        if loc not in seen or err["type"] in ("list_of", _UNKNOWN_KEY):
            seen[loc] = (line, f"{breadcrumb(loc)}: {text}")
    return sorted(seen.values())


def error_lines(
    exc: Invalid,
    raw: Any,
    shown: str,
    model: type[Any],
    line_for: Callable[[tuple[Any, ...]], int] | None = None,
) -> list[str]:
    """`file:line: breadcrumb: message`, one line per error."""
    return [f"{shown}:{line}: {text}" for line, text in errors(exc, raw, model, line_for)]
