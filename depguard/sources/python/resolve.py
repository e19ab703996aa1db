"""Import statements to module edges, with grimp's convention so results compare with
import-linter: `import a.b.c` -> a.b.c; `from a.b import c` -> a.b.c when that module
exists, else a.b; relative imports resolved against the importer; externals optional,
collapsed to their top-level name."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


class Resolver:
    """Targets of import statements within one set of modules.

    Answers are remembered by (absolute module, imported names): a large tree repeats the
    same imports in thousands of files (`from homeassistant.core import HomeAssistant`).
    """

    def __init__(self, modules: set[str], include_external: bool) -> None:
        self.modules = modules
        self.internal_roots = {name.partition(".")[0] for name in modules}
        self.include_external = include_external
        self._known: dict[tuple[str, tuple[str, ...]], list[tuple[str, bool]]] = {}

    def targets(
        self, importer: str, importer_is_package: bool, statement: ImportStatement
    ) -> list[tuple[str, bool]]:
        """(target module, is_external) for each module a statement imports."""
        base = absolute_base(importer, importer_is_package, statement)
        key = (base, statement.names)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self._resolve(base, statement.names)
        return found

    def _resolve(self, base: str, names: tuple[str, ...]) -> list[tuple[str, bool]]:
        if not base:
            return []
        top = base.partition(".")[0]
        if top not in self.internal_roots:
            return [(top, True)] if self.include_external else []
        if not names:
            found = _internal(base, self.modules)
            return [(found, False)] if found else []
        result: dict[tuple[str, bool], None] = {}
        for name in names:
            # `from a.b import c`: the module a.b.c if it exists, else the name c in a.b
            found = _internal(base if name == "*" else f"{base}.{name}", self.modules)
            if found:
                result[found, False] = None
        # once per module: `from a import x, y` names a twice, but is one import of it
        return list(result)


def _internal(name: str, modules: set[str]) -> str | None:
    if name in modules:
        return name
    parent = name.rpartition(".")[0]
    return parent if parent in modules else None
