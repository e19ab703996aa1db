"""RESULTS.md, shared by the benchmarks: each owns one `## ` section and rewrites only it."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def write_section(heading: str, text: str) -> None:
    """Replace the section under `heading` (or append it), keeping every other section."""
    old = RESULTS.read_text() if RESULTS.exists() else "# depguard benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _: text + "\n", old, count=1).rstrip("\n") + "\n"
    else:
        new = old.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(new)
