"""pydeps as an input: the JSON that `pydeps PKG --show-deps --no-output --max-bacon 0`
writes, read as module edges; and pydeps run as an alternative collector.

How its graph differs from depguard's own scanner (and grimp's): pydeps follows imports
by bytecode from an entry package, so it lists what is reachable rather than every
module on disk; it gives no line numbers (evidence points at the JSON entry, or at the
importing file with line 0 when pydeps is run directly); `from a import b` is an edge
to `a.b` only when pydeps resolved `b` as a module; it never separates typing-only or
function-level imports; and it records the synthetic `__main__`, which is dropped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from depguard.model import Diagnostic, Edge, Evidence, Fragment, Node, node_id
from depguard.sources.files import relative, walk

SOURCE = "pydeps"


def discover(root: Path) -> list[Path]:
    return []  # a pydeps file is always named in the config


def collect(
    paths: list[Path], root: Path, exclude: tuple[str, ...] = (), options: object = None
) -> Fragment:
    fragment = Fragment(SOURCE)
    for path in walk(paths, root, (".json",), exclude, fragment.diagnostics):
        shown = relative(path, root)
        fragment.files.append(shown)
        try:
            text = path.read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, UnicodeDecodeError) as exc:
            fragment.diagnostics.append(Diagnostic(shown, 0, f"cannot read: {exc}"))
            continue
        except json.JSONDecodeError as exc:
            fragment.diagnostics.append(Diagnostic(shown, exc.lineno, f"not valid JSON: {exc.msg}"))
            continue
        _add(data, fragment, shown, text.splitlines(), root, include_external=False)
    return fragment


def _add(
    data: Any,
    fragment: Fragment,
    shown: str,
    lines: list[str] | None,
    root: Path,
    include_external: bool,
) -> None:
    if not isinstance(data, dict):
        fragment.diagnostics.append(
            Diagnostic(shown, 1, "expected pydeps' JSON: a mapping from module name to its facts")
        )
        return
    modules = {
        name: facts
        for name, facts in data.items()
        if name != "__main__" and isinstance(facts, dict)
    }
    internal = {name for name, facts in modules.items() if _is_internal(facts, root)}
    roots = {name.split(".", 1)[0] for name in internal}
    for name in sorted(internal):
        fragment.nodes.append(Node(id=node_id("module", name), kind="module", name=name))
    finder = _LineFinder(lines)
    for name in sorted(internal):
        imports = modules[name].get("imports") or []
        if not isinstance(imports, list):
            continue
        for target in sorted(set(map(str, imports))):
            if target == "__main__":
                continue
            if target in internal or target.split(".", 1)[0] in roots:
                if target not in internal:
                    continue
                end = node_id("module", target)
            elif include_external:
                end = node_id("external", target.split(".", 1)[0])
            else:
                continue
            if lines is None:
                where = relative(Path(str(modules[name].get("path", ""))), root)
                evidence = Evidence(where, 0, f"pydeps: {name} imports {target}", SOURCE)
            else:
                evidence = Evidence(
                    shown, finder.line(name, target), f"pydeps: {name} imports {target}", SOURCE
                )
            fragment.edges.append(
                Edge(node_id("module", name), end, kind="import", evidence=[evidence])
            )


def _is_internal(facts: dict[str, Any], root: Path) -> bool:
    path = facts.get("path")
    if not isinstance(path, str) or not path:
        return False
    try:
        Path(path).resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return "site-packages" not in path


class _LineFinder:
    """The line of a module's import entry in the JSON text (pydeps writes one a line)."""

    def __init__(self, lines: list[str] | None) -> None:
        self.lines = lines or []
        self.starts: dict[str, int] = {}
        for number, line in enumerate(self.lines):
            if line.startswith('    "') and line.rstrip().endswith("{"):
                self.starts[line.strip().split('"')[1]] = number

    def line(self, module: str, target: str) -> int:
        """The target's line inside the module's `"imports": [...]` list."""
        start = self.starts.get(module, 0)
        inside = False
        for number in range(start + 1, len(self.lines)):
            text = self.lines[number].strip()
            if text.startswith('"imports": ['):
                inside = True
            elif inside and text.startswith("]"):
                break
            elif inside and text.rstrip(",") == f'"{target}"':
                return number + 1
            elif self.lines[number].startswith("    }"):
                break
        return start + 1


def run_pydeps(paths: list[Path], root: Path, exclude: tuple[str, ...], options: Any) -> Fragment:
    """Run pydeps on each package (it must be installed) and read what it prints."""
    from depguard.sources.python.source import Options, plan

    fragment = Fragment(SOURCE)
    exe = shutil.which("pydeps")
    if exe is None:
        fragment.diagnostics.append(
            Diagnostic(
                "depguard.yaml",
                0,
                "collector 'pydeps' asked for, but pydeps is not installed (pip install pydeps)",
            )
        )
        return fragment
    packages = list(getattr(options, "packages", ()) or ())
    for package_root, package in plan(paths, Options(packages=tuple(packages))):
        target = package_root / package
        shown = relative(target, root)
        fragment.files.append(shown)
        done = subprocess.run(
            [exe, str(target), "--show-deps", "--no-output", "--max-bacon", "0", "--no-config"],
            capture_output=True,
            text=True,
            check=False,
            cwd=package_root,
        )
        if done.returncode != 0:
            message = (done.stderr.strip().splitlines() or ["failed"])[-1]
            fragment.diagnostics.append(Diagnostic(shown, 0, f"pydeps failed: {message}"))
            continue
        try:
            data = json.loads(done.stdout)
        except json.JSONDecodeError:
            fragment.diagnostics.append(Diagnostic(shown, 0, "pydeps printed no JSON"))
            continue
        _add(data, fragment, shown, None, root, bool(getattr(options, "include_external", False)))
    return fragment
