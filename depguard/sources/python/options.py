"""The Python source's options, as the config's `sources: [{python: {...}}]` writes them.

A validated dataclass like the config's own models: its annotations stay strings until a
config is first validated (`validation.adapter`), so reading them costs no pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

from depguard.validation import Model

if TYPE_CHECKING:
    from pydantic import Field, StrictBool, StrictInt

    from depguard.validation import Paths, Patterns

MAX_FILE_SIZE = 10 * 1024 * 1024


@dataclass(frozen=True)
class PythonSource(Model):
    """Python packages to scan for imports."""

    roots: Annotated[Paths, Field(description="folders holding the packages (e.g. src)")] = (".",)
    packages: Annotated[Patterns, Field(description="top-level packages (default: all found)")] = ()
    include_external: Annotated[
        StrictBool,
        Field(description="add edges to outside packages, collapsed to their top-level name"),
    ] = False
    namespace_packages: Annotated[
        StrictBool, Field(description="treat folders without __init__.py as packages")
    ] = False
    max_file_size: Annotated[
        StrictInt, Field(ge=1, description="larger files are skipped with a diagnostic")
    ] = MAX_FILE_SIZE
    collector: Annotated[
        Literal["scanner", "pydeps"],
        Field(description="'pydeps' runs pydeps instead of depguard's own scanner"),
    ] = "scanner"
