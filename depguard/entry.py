"""The console script's entry: the CLI is imported inside the guard, so Ctrl-C during
start-up (typer, pydantic and networkx take a tenth of a second to import) exits 130
quietly instead of printing an import traceback."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from depguard.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.exit(130)
