"""The console script's entry.

The CLI is imported inside the guard, so Ctrl-C during start-up (the pipeline's
modules take tens of milliseconds to import) exits 130 quietly instead of printing an
import traceback. Once the command has finished, Ctrl-C is ignored: every output is
written, and an interrupt during interpreter shutdown would only turn the exit code into
a death by signal.

The cyclic garbage collector is switched off for the run: depguard builds hundreds of
thousands of small, acyclic objects (evidence, edges, graph dicts) that reference
counting frees anyway, and each collection walks all of them again. Measured on
homeassistant (7,978 files), a warm `check` went from 2.65 s to 1.45 s with the same peak
memory; a run is one short-lived process.

For the same reason the process ends with `os._exit` once stdout and stderr are flushed
(as mypy does): freeing every object one by one at shutdown took 0.1 s on homeassistant,
and nothing is left to do then. Every file output is written and closed by the command
itself, and the scan's forked copies have been waited for.
"""

from __future__ import annotations

import errno
import gc
import os
import signal
import sys


class Terminated(BaseException):
    """SIGTERM, raised where the run is, so that a file half-written is removed as it is
    on Ctrl-C (`fsutil.atomic_write` cleans up on any exception)."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


class _Closed:
    """Standard output or error that was closed before the run (`depguard ... >&-`): a
    write fails as it would on a closed descriptor, and the error funnel says so."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.buffer = self

    def write(self, data: object) -> int:
        raise OSError(errno.EBADF, f"standard {self.name} is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def main() -> None:
    gc.disable()
    if sys.stdout is None:
        sys.stdout = _Closed("output")
    if sys.stderr is None:
        sys.stderr = _Closed("error")
    signal.signal(signal.SIGTERM, _terminated)
    try:
        from depguard.cli import main as run

        run()
    except KeyboardInterrupt:
        _leave(130)
    except Terminated:
        _leave(128 + signal.SIGTERM)
    except SystemExit as exc:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _leave(exc.code)
    _leave(0)


def _leave(code: object) -> None:
    """Exit now with what `sys.exit(code)` would give; 120 if stdout cannot be flushed (a
    closed pipe), as the interpreter itself does."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
            if isinstance(stream, _Closed) and stream is sys.stdout and status == 0:
                status = 120  # nothing could be written, as for a closed pipe
        except (OSError, ValueError):  # a closed pipe, or a stream closed already
            status = 120 if stream is sys.stdout and status == 0 else status
    os._exit(status)
