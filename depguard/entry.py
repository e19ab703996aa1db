"""The console script's entry.

The CLI is imported inside the guard, so Ctrl-C during start-up (typer, pydantic and
networkx take a tenth of a second to import) exits 130 quietly instead of printing an
import traceback. Once the command has finished, Ctrl-C is ignored: every output is
written, and an interrupt during interpreter shutdown would only turn the exit code into
a death by signal.
"""

from __future__ import annotations

import signal
import sys


def main() -> None:
    try:
        from depguard.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise
