"""Sources turn input files into fragments (nodes, edges, diagnostics).

A source is a module that satisfies `base.Source`, and one line of `SOURCES`: a new
format is one module and one line.
Modules are imported when first used: a run that names only its Python code does not
pay for loading the Kubernetes or compose readers.
"""

from __future__ import annotations

from importlib import import_module

from depguard.sources.base import Source, SourceSpec

# One line a format. The order is the config's (its schema lists the keys so) and the
# order a zero-config run reads them in.
SOURCES: dict[str, SourceSpec] = {
    spec.name: spec
    for spec in (
        SourceSpec(
            "services",
            "depguard.sources.services",
            "services_files",
            "native service manifests (files or folders)",
        ),
        SourceSpec(
            "python",
            "depguard.sources.python.source",
            "python_roots",
            "Python package folders or roots, or options",
            "PythonSource",
        ),
        SourceSpec(
            "pydeps",
            "depguard.sources.pydeps",
            "named_only",
            "JSON written by pydeps --show-deps",
        ),
        SourceSpec(
            "compose",
            "depguard.sources.compose",
            "compose_projects",
            "docker compose files, merged in order (base, then overrides)",
        ),
        SourceSpec(
            "kubernetes",
            "depguard.sources.kubernetes",
            "kubernetes_manifests",
            "Kubernetes manifests: files, folders, or '-' for rendered output on stdin",
        ),
        SourceSpec(
            "backstage",
            "depguard.sources.backstage",
            "catalog_files",
            "Backstage catalog-info.yaml files",
        ),
        SourceSpec(
            "traces",
            "depguard.sources.traces",
            "named_only",
            "Jaeger dependencies JSON (observed calls)",
        ),
    )
}


def source(name: str) -> Source:
    """The module that reads the format `name` (one of SOURCES)."""
    found: Source = import_module(SOURCES[name].module)
    return found
