"""Import statements to module edges, with grimp's convention so results compare with
import-linter: `import a.b.c` -> a.b.c; `from a.b import c` -> a.b.c when that module
exists, else a.b; relative imports resolved against the importer; externals optional,
collapsed to their top-level name."""

from __future__ import annotations

from depguard.sources.python.scanner import ImportStatement


def absolute_base(importer: str, importer_is_package: bool, statement: ImportStatement) -> str:
    """The absolute module a statement names (before adding the imported names)."""
    if statement.level == 0:
        return statement.module
    parts = importer.split(".")
    # in a package's __init__, `.` is the package itself; in a module, its parent
    drop = statement.level - (1 if importer_is_package else 0)
    if drop >= len(parts):
        return ""  # beyond the top-level package: Python would fail too
    base = parts[: len(parts) - drop]
    return ".".join([*base, statement.module] if statement.module else base)


def targets(
    importer: str,
    importer_is_package: bool,
    statement: ImportStatement,
    modules: set[str],
    internal_roots: set[str],
    include_external: bool,
) -> list[tuple[str, bool]]:
    """(target module, is_external) for each module a statement imports."""
    base = absolute_base(importer, importer_is_package, statement)
    if not base:
        return []
    top = base.partition(".")[0]
    if top not in internal_roots:
        return [(top, True)] if include_external else []
    if not statement.names:
        found = _internal(base, modules)
        return [(found, False)] if found else []
    result: list[tuple[str, bool]] = []
    for name in statement.names:
        # `from a.b import c`: the module a.b.c if it exists, else the name c in a.b
        found = _internal(base if name == "*" else f"{base}.{name}", modules)
        if found:
            result.append((found, False))
    return result


def _internal(name: str, modules: set[str]) -> str | None:
    if name in modules:
        return name
    parent = name.rpartition(".")[0]
    return parent if parent in modules else None
