"""Sources turn input files into fragments (nodes, edges, diagnostics).

A source is a module with `collect(paths, root, exclude) -> Fragment` and
`discover(root) -> paths` for zero-config runs; a new format is one module and one line.
Modules are imported when first used: a run that names only its Python code does not
pay for loading the Kubernetes or compose readers.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

MODULES = {
    "services": "depguard.sources.services",
    "python": "depguard.sources.python.source",
    "pydeps": "depguard.sources.pydeps",
    "compose": "depguard.sources.compose",
    "kubernetes": "depguard.sources.kubernetes",
    "backstage": "depguard.sources.backstage",
    "traces": "depguard.sources.traces",
}


def source(name: str) -> ModuleType:
    """The module that reads the format `name` (one of MODULES)."""
    return import_module(MODULES[name])
