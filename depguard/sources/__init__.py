"""Sources turn input files into fragments (nodes, edges, diagnostics).

A source is a module with `collect(paths, root, exclude) -> Fragment` and
`discover(root) -> paths` for zero-config runs; a new format is one module and one line.
"""

from __future__ import annotations

from types import ModuleType

from depguard.sources import backstage, compose, kubernetes, pydeps, services, traces
from depguard.sources.python import source as python

SOURCES: dict[str, ModuleType] = {
    "services": services,
    "python": python,
    "pydeps": pydeps,
    "compose": compose,
    "kubernetes": kubernetes,
    "backstage": backstage,
    "traces": traces,
}
