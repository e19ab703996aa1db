"""Finding, reading, merging and checking a config file and the rule sets it extends."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from depguard import config_cache, validation, yamlio
from depguard.config.model import (
    _KEPT,
    CONFIG_NAMES,
    SELECTOR_PREFIXES,
    Config,
    ConfigError,
    Project,
    parse,
)
from depguard.fsutil import OUTSIDE, InputError, outside, read_input

# ---------------------------------------------------------------- finding the file


def find_config(start: Path) -> Path | None:
    """The nearest config from `start` upwards, stopping at the repository root."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            # not `is_file`: a config that is a link to a pipe, a device or a missing
            # file is still the config, and reading it says why it cannot be used
            if os.path.lexists(folder / name) and not (folder / name).is_dir():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if os.path.lexists(pyproject) and _has_depguard_table(pyproject):
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def _has_depguard_table(path: Path) -> bool:
    """A [tool.depguard] table; a pyproject that cannot be parsed counts if it names one,
    so that its syntax error is reported rather than the config silently skipped."""
    import tomllib

    try:
        text = read_input(path, path.name).decode("utf-8", errors="replace")
    except InputError:
        return True  # it may hold the rules: reading it again reports why it cannot be read
    if "depguard" not in text:  # `[tool.depguard]`, or `depguard = {...}` under `[tool]`
        return False
    try:
        tool = tomllib.loads(text).get("tool")
        return isinstance(tool, dict) and "depguard" in tool
    except (ValueError, RecursionError):  # a syntax error, a huge integer, absurd nesting
        return any(
            line.strip().startswith(("[tool.depguard", "[[tool.depguard"))
            for line in text.splitlines()
        )


# ---------------------------------------------------------------- loading


def rules_dir() -> Path:
    """Ready rule sets: packaged as depguard/rules in a wheel, rules/ in a checkout."""
    package = Path(__file__).parent.parent
    packaged = package / "rules"
    return packaged if packaged.is_dir() else package.parent / "rules"


def rule_set_names() -> list[str]:
    return sorted(p.stem for p in rules_dir().glob("*.yaml"))


@dataclass(frozen=True)
class _Loaded:
    file: Path
    shown: str
    raw: Any
    config: Config
    data: bytes  # the bytes `raw` was parsed from


def load(path: Path, root: Path | None = None, cached: bool = False) -> Config:
    """Load a config file and everything it extends; raise ConfigError with every problem.

    With `cached`, a config that validated before and whose files are unchanged is read
    back from the user's cache instead (`config_cache`), without pydantic or PyYAML.
    """
    if cached:
        kept: Config | None = config_cache.lookup(path, _KEPT)
        if kept is not None:
            return kept
    loaded = load_chain(path, root or path.parent)
    merged = Config()
    for part in loaded:
        merged = _merge(merged, part.config, set(part.raw))
    merged = replace(merged, extends=())
    problems = [line for part in loaded for line in _check_references(part, merged)]
    if problems:
        raise ConfigError(problems)
    if cached:
        config_cache.store(path, [(part.file, part.data) for part in loaded], merged, _KEPT)
    return merged


def load_chain(path: Path, root: Path, seen: tuple[Path, ...] = ()) -> list[_Loaded]:
    shown = _shown(path, root)
    raw, data = _read_raw(path, shown)
    config = _validate(raw, shown)
    chain: list[_Loaded] = []
    here = (*seen, path.resolve())
    for index, name in enumerate(config.extends):
        where = ("extends", index) if isinstance(raw.get("extends"), list) else ("extends",)
        line = raw_line(raw, where)
        base = _resolve_extends(name, path.parent)
        if base is not None and outside(base):
            raise ConfigError([f"{shown}:{line}: extends: {name} is {OUTSIDE}"])
        if base is None:
            raise ConfigError([f"{shown}:{line}: extends: {_why_unresolved(name, path.parent)}"])
        if base.resolve() in here:
            raise ConfigError([f"{shown}:{line}: extends: circular extends ({name} again)"])
        chain.extend(load_chain(base, root, here))
    chain.append(_Loaded(path, shown, raw, config, data))
    return chain


def _why_unresolved(name: str, here: Path) -> str:
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return f"file not found: {name}"
    known = ", ".join(rule_set_names())
    return f"unknown rule set {name!r} (known: {known}; or give a path to a YAML file)"


def raw_line(raw: Any, loc: tuple[Any, ...]) -> int:
    return raw.line_for(loc) if isinstance(raw, _TomlLines) else yamlio.line_of(raw, loc)


def _shown(path: Path, root: Path) -> str:
    """A config file as named (a link by its own name, not its target's)."""
    here = Path(os.path.normpath(path.absolute()))
    for top in (Path(os.path.normpath(root.absolute())), root.resolve()):
        try:
            return here.relative_to(top).as_posix()
        except ValueError:
            continue
    return here.as_posix()


def _resolve_extends(name: str, here: Path) -> Path | None:
    if name.endswith((".yaml", ".yml")) or "/" in name:
        candidate = here / name
        return candidate if candidate.is_file() else None
    candidate = rules_dir() / f"{name}.yaml"
    return candidate if candidate.is_file() else None


def _read_raw(path: Path, shown: str) -> tuple[Any, bytes]:
    """A config file's data as read, and the bytes it was read from."""
    if not path.exists():
        raise ConfigError([f"{shown}:0: config file not found"])
    try:
        data = yamlio.read_data(path, shown)
        text = yamlio.text_of(data, shown)
        if path.name == "pyproject.toml":
            return _read_pyproject(text, shown), data
        raw = yamlio.load_one(text, shown)
    except yamlio.YamlError as exc:
        raise ConfigError([str(exc)]) from None
    if raw is None:
        raise ConfigError(
            [
                f"{shown}:1: the config is empty: expected a mapping with keys "
                "such as 'sources', 'layers', 'forbidden'"
            ]
        )
    if not isinstance(raw, dict):
        raise ConfigError([f"{shown}:1: expected a mapping at the top, got {validation.show(raw)}"])
    return raw, data


def _read_pyproject(text: str, shown: str) -> Any:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc), text)
        raise ConfigError([f"{shown}:{line}: TOML syntax error: {exc}"]) from None
    except RecursionError:
        raise ConfigError([f"{shown}:0: TOML nested too deeply"]) from None
    except ValueError as exc:  # an integer of more digits than Python converts
        huge = re.search(r"\d{4301}", text)
        line = text.count("\n", 0, huge.start()) + 1 if huge else 0
        raise ConfigError([f"{shown}:{line}: cannot read the TOML: {exc}"]) from None
    tool = data.get("tool")
    section = tool.get("depguard") if isinstance(tool, dict) else None
    if section is None:
        raise ConfigError([f"{shown}:1: no [tool.depguard] table"])
    if not isinstance(section, dict):  # `depguard = 1` under [tool]
        lines = text.splitlines()
        line = next((i + 1 for i, s in enumerate(lines) if s.lstrip().startswith("depguard")), 1)
        raise ConfigError(
            [f"{shown}:{line}: tool.depguard: expected a table, got {validation.show(section)}"]
        )
    return _TomlLines(section, text)


def _toml_error_line(message: str, text: str) -> int:
    marker = "(at line "
    if marker in message:
        return int(message.split(marker, 1)[1].split(",", 1)[0])
    if "(at end of document)" in message:  # an unclosed array or table: the last line
        return max(1, len(text.splitlines()))
    return 0


class _TomlLines(dict[str, Any]):
    """The [tool.depguard] table with a best-effort line finder (tomllib keeps none)."""

    def __init__(self, data: dict[str, Any], text: str) -> None:
        super().__init__(data)
        self.lines = text.splitlines()

    def line_for(self, loc: tuple[Any, ...]) -> int:
        """Follow keys down the text; a list index picks the n-th `[[...]]` table."""
        found = next(
            (i for i, s in enumerate(self.lines) if s.strip().startswith("[tool.depguard")), 0
        )
        table = "tool.depguard"
        for position, part in enumerate(loc):
            if isinstance(part, int):
                key = loc[position - 1] if position else None
                headers = [i for i, s in enumerate(self.lines) if s.strip() == f"[[{table}.{key}]]"]
                if part < len(headers):
                    found = headers[part]
                    table = f"{table}.{key}"
                continue
            for i in range(found, len(self.lines)):
                stripped = self.lines[i].strip()
                if stripped.startswith((f"{part} ", f"{part}=", f'"{part}"')) or (
                    stripped.startswith("[") and stripped.strip("[]").endswith(f".{part}")
                ):
                    found = i
                    break
        return found + 1


def _validate(raw: Any, shown: str) -> Config:
    try:
        return parse(raw)
    except validation.Invalid as exc:
        line_for = raw.line_for if isinstance(raw, _TomlLines) else None
        raise ConfigError(validation.error_lines(exc, raw, shown, Config, line_for)) from None


_REPLACE = ("sources", "exclude", "layers", "cycles", "baseline")


def _merge(base: Config, child: Config, keys: set[str]) -> Config:
    """A child replaces what it sets (`keys`, as written), adds to rules and edges, and
    merges services."""
    update: dict[str, Any] = {}
    for key in _REPLACE:
        if key in keys:
            update[key] = getattr(child, key)
    update["forbidden"] = base.forbidden + child.forbidden
    update["isolated"] = base.isolated + child.isolated
    update["edges"] = base.edges + child.edges
    update["infrastructure"] = child.infrastructure + base.infrastructure  # the first match wins
    update["services"] = {**base.services, **child.services}
    return replace(base, **update)


def _check_references(part: _Loaded, merged: Config) -> list[str]:
    """Selectors naming layers must name layers that exist once every file is merged."""
    known = {layer.name for layer in merged.layers}
    problems: list[tuple[int, str]] = []

    def check(selectors: Iterable[str], loc: tuple[Any, ...]) -> None:
        for index, selector in enumerate(selectors):
            where = (*loc, index)
            line = raw_line(part.raw, where)
            crumb = validation.breadcrumb(where)
            if ":" in selector and not selector.startswith(SELECTOR_PREFIXES):
                prefix = selector.split(":", 1)[0]
                problems.append(
                    (
                        line,
                        f"{crumb}: unknown selector {prefix!r}: "
                        f"use a name, a glob, 'layer:NAME' or 'label:KEY=VALUE'",
                    )
                )
            elif selector.startswith("layer:") and selector[6:] not in known:
                close = difflib.get_close_matches(selector[6:], sorted(known), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(
                    (
                        line,
                        f"{crumb}: unknown layer "
                        f"{selector[6:]!r}{hint}; layers are: "
                        f"{', '.join(sorted(known)) or 'none defined'}",
                    )
                )
            elif selector.startswith("label:") and "=" not in selector:
                problems.append((line, f"{crumb}: a label selector reads 'label:KEY=VALUE'"))

    for i, isolated in enumerate(part.config.isolated):
        check(isolated.nodes, ("isolated", i, "nodes"))
        check(isolated.watches, ("isolated", i, "watches"))
    for i, rule in enumerate(part.config.forbidden):
        check(rule.from_, ("forbidden", i, "from"))
        check(rule.to, ("forbidden", i, "to"))
    for i, layer in enumerate(part.config.layers):
        check([s for s in layer.match if not s.startswith("layer:")], ("layers", i, "match"))
    names = [layer.name for layer in part.config.layers]
    for i, name in enumerate(names):
        if name in names[:i]:
            line = raw_line(part.raw, ("layers", i, "name"))
            problems.append((line, f"layers[{i}].name: duplicate layer {name!r}"))
    for service, facts in part.config.services.items():
        if facts.layer is not None and facts.layer not in known:
            line = raw_line(part.raw, ("services", service, "layer"))
            problems.append((line, f"services.{service}.layer: unknown layer {facts.layer!r}"))
    return [f"{part.shown}:{line}: {text}" for line, text in sorted(problems)]


# ---------------------------------------------------------------- the project


def open_project(
    path: Path,
    config_file: Path | None = None,
    cached: bool = False,
    named: tuple[tuple[str, Path], ...] = (),
) -> Project:
    """The project rooted at the config's folder, or at PATH when there is no config;
    `cached`: the config may be read back from the user's cache (see `load`)."""
    if not path.exists():
        raise ConfigError([f"{path}:0: no such file or folder"])
    if config_file is not None:
        if config_file.is_dir():
            what = "a folder, not a config file (name depguard.yaml or a pyproject.toml)"
            raise ConfigError([f"{config_file}:0: {what}"])
        if not config_file.is_file():
            raise ConfigError([f"{config_file}:0: config file not found"])
        found: Path | None = config_file
    else:
        found = find_config(path)
    if found is None:
        if path.is_dir():
            return Project(root=path, config=Config(), config_file=None, named=named)
        only = None if any(what != "env_file" for what, _ in named) else path
        return Project(path.parent, Config(), None, only=only, named=named)
    root = found.parent
    return Project(root, load(found, root, cached), found, named=named)
