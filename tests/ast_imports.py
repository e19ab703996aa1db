"""The reference for the import scanner: the same facts, computed by an `ast` walk.

Shared by the corpus test (`tests/sources/python/test_scanner_corpus.py`) and the
generated-code properties (`tests/properties/test_prop_scanner.py`).
"""

from __future__ import annotations

import ast

Entry = tuple[int, str, tuple[str, ...], int, bool, bool]


def is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def from_ast(tree: ast.AST) -> list[Entry]:
    """(line, module, names, level, typing_only, deferred) per imported module."""
    found: list[Entry] = []

    def visit(node: ast.AST, typing_only: bool, deferred: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name, (), 0, typing_only, deferred) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            found.append((node.lineno, node.module or "", names, node.level, typing_only, deferred))
        inner = deferred or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for field, value in ast.iter_fields(node):
            in_body = field == "body" and isinstance(node, ast.If) and is_type_checking(node.test)
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    visit(child, typing_only or in_body, inner)

    visit(tree, False, False)
    return found
