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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from depguard import validation, yamlio
from depguard.model import Diagnostic, Edge, Evidence, Fragment, Node, node_id
from depguard.sources.files import relative, walk

SOURCE = "pydeps"


def collect(
    paths: list[Path],
    root: Path,
    exclude: tuple[str, ...] = (),
    options: object = None,
    *,
    use_cache: bool = True,
) -> Fragment:
    fragment = Fragment(SOURCE)
    for path in walk(paths, root, (".json",), exclude, fragment.diagnostics):
        shown = relative(path, root)
        fragment.files.append(shown)
        try:
            text = yamlio.read_text(path, shown)  # UTF-8 (a BOM allowed), no NUL bytes
            data = json.loads(text)
        except yamlio.YamlError as exc:
            fragment.diagnostics.append(Diagnostic(exc.file, exc.line, exc.message))
            continue
        except json.JSONDecodeError as exc:
            fragment.diagnostics.append(Diagnostic(shown, exc.lineno, f"not valid JSON: {exc.msg}"))
            continue
        except (ValueError, RecursionError) as exc:  # huge integers, absurd nesting
            fragment.diagnostics.append(Diagnostic(shown, 1, f"not valid JSON: {exc}"))
            continue
        if (lone := yamlio.lone_surrogate(text)) is not None:  # a name no report could print
            fragment.diagnostics.append(Diagnostic(shown, *lone))
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
    finder = _LineFinder(lines)
    for line, message in _malformed(data, finder):  # such entries are left out, not guessed
        fragment.diagnostics.append(Diagnostic(shown, line, message))
    modules = {
        name: facts
        for name, facts in data.items()
        if name != "__main__" and isinstance(facts, dict)
    }
    internal = {name for name, facts in modules.items() if _is_internal(facts, root)}
    roots = {name.split(".", 1)[0] for name in internal}
    for name in sorted(internal):
        fragment.nodes.append(Node(id=node_id("module", name), kind="module", name=name))
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


def _malformed(data: dict[str, Any], finder: _LineFinder) -> Iterator[tuple[int, str]]:
    """(line, message) for each entry whose facts are not shaped as pydeps writes them."""
    for name, facts in data.items():
        if not isinstance(facts, dict):
            got = validation.show(facts)
            yield finder.key(name), f"{name}: expected a mapping of the module's facts, got {got}"
            continue
        path = facts.get("path")
        if path is not None and not isinstance(path, str):
            got = validation.show(path)
            yield finder.key(name, "path"), f"{name}.path: expected a file path, got {got}"
        imports = facts.get("imports")
        if imports is not None and not isinstance(imports, list):
            got = validation.show(imports)
            yield (
                finder.key(name, "imports"),
                f"{name}.imports: expected a list of module names, got {got}",
            )
        for index, target in enumerate(imports if isinstance(imports, list) else []):
            if not isinstance(target, str):
                got = validation.show(target)
                yield (
                    finder.key(name, "imports"),
                    f"{name}.imports[{index}]: expected a module name, got {got}",
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
            if line.startswith('    "'):  # a module's entry: pydeps indents them by four
                self.starts[line.strip().split('"')[1]] = number

    def key(self, module: str, key: str = "") -> int:
        """The line of `key` in the module's entry, or of the entry itself."""
        start = self.starts.get(module, 0)
        for number in range(start + 1, len(self.lines) if key else 0):
            text = self.lines[number]
            if text.startswith(("    }", '    "')):
                break
            if text.strip().startswith(f'"{key}":'):
                return number + 1
        return start + 1

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
    from depguard.sources.python.modules import plan

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
    for package_root, package in plan(paths, tuple(packages)):
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
