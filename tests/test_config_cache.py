"""depguard.config_cache: a validated config read back, never a stale or foreign one."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from depguard import config_cache
from depguard.config import Config, ConfigError, load
from depguard.config import loading as config_load
from depguard.config import model as config
from depguard.validation import Model

REPO = Path(__file__).resolve().parent.parent

RICH = """\
extends: [base.yaml]
sources:
  - python: {roots: [src], packages: [shop], include_external: true, max_file_size: 99}
  - compose: [compose.yaml, compose.override.yaml]
  - pydeps: deps.json
exclude: ["tests/*"]
services:
  zeta: {code: ["shop.zeta.*"], layer: high, labels: {tier: "1", "~": odd}}
  alpha: {layer: low, entrypoint: true}
layers:
  - {name: low, match: ["shop.core.*"], description: the core}
  - {name: high, match: ["shop.web.*", "label:tier=1"], independent: true}
forbidden:
  - {name: no web, from: ["layer:low"], to: ["layer:high"], transitive: true, strengths: [hard]}
isolated:
  - {name: status, nodes: [status], watches: [alpha]}
edges:
  - {match: {from: zeta, env: "OTEL_*"}, kind: telemetry, strength: soft}
infrastructure:
  - {role: service, names: [redis-proxy]}
  - {role: cache, images: ["*/our-cache"]}
cycles: {count: [hard, soft], warn: [telemetry], witnesses_per_component: 3, levels: [module]}
baseline: accepted.json
"""


def put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    put(tmp_path / "base.yaml", "forbidden:\n  - {name: base rule, from: [a], to: [b]}\n")
    return put(tmp_path / "depguard.yaml", RICH)


def round_trip(value: Config) -> Config:
    decoded = config_cache.decode(
        json.loads(json.dumps(config_cache.encode(value))), config._KEPT.classes
    )
    assert isinstance(decoded, Config)
    return decoded


def every_config() -> list[Path]:
    found = sorted((REPO / "examples").glob("*/depguard.yaml"))
    return found + sorted((REPO / "rules").glob("*.yaml"))


@pytest.mark.parametrize("path", every_config(), ids=lambda p: p.parent.name + "/" + p.name)
def test_every_shipped_config_reads_back_equal(path: Path) -> None:
    valid = load(path)
    assert round_trip(valid) == valid


def test_a_config_using_every_model_reads_back_equal_and_in_order(rich: Path) -> None:
    valid = load(rich)
    kept = round_trip(valid)
    assert kept == valid
    assert list(kept.services) == ["zeta", "alpha"]  # as written, not sorted
    assert kept.services["zeta"].labels == {"tier": "1", "~": "odd"}
    assert kept.forbidden[1].from_ == ("layer:low",)
    assert kept.sources[0].options == valid.sources[0].options
    # every model class is used here: a new one must be registered to be kept
    used = {type(v).__name__ for v in walk(valid)}
    assert used == set(config._KEPT.classes)


def walk(value: object) -> list[object]:
    found = [value] if dataclasses.is_dataclass(value) else []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        children = [getattr(value, f.name) for f in dataclasses.fields(value)]
    elif isinstance(value, tuple):
        children = list(value)
    elif isinstance(value, dict):
        children = list(value.values())
    else:
        children = []
    return found + [v for child in children for v in walk(child)]


def test_every_config_model_is_registered() -> None:
    models = {
        name
        for name, value in vars(config).items()
        if isinstance(value, type)
        and issubclass(value, Model)
        and dataclasses.is_dataclass(value)  # not a base such as config._SourceEntry
    }
    assert models == set(config._KEPT.classes)


def test_an_unchanged_config_is_not_validated_again(
    rich: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load(rich, cached=True)

    def refuse(*args: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(config_load, "_validate", refuse)
    monkeypatch.setattr(config_load, "_read_raw", refuse)
    assert load(rich, cached=True) == first
    with pytest.raises(AssertionError, match="validated again"):
        load(rich)  # without the cache nothing is read back


def test_an_edit_of_the_same_size_is_seen(rich: Path) -> None:
    assert load(rich, cached=True).cycles.witnesses_per_component == 3
    text = rich.read_text().replace("witnesses_per_component: 3", "witnesses_per_component: 4")
    stat = rich.stat()
    rich.write_text(text)
    os.utime(rich, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time
    assert load(rich, cached=True).cycles.witnesses_per_component == 4


def test_an_edit_of_an_extended_file_is_seen(rich: Path) -> None:
    assert [r.name for r in load(rich, cached=True).forbidden] == ["base rule", "no web"]
    put(rich.parent / "base.yaml", "forbidden:\n  - {name: other rule, from: [a], to: [b]}\n")
    assert [r.name for r in load(rich, cached=True).forbidden] == ["other rule", "no web"]


def test_an_edit_that_breaks_the_config_is_reported(rich: Path) -> None:
    load(rich, cached=True)
    rich.write_text(RICH.replace("transitive: true", "transitiv: true"))
    with pytest.raises(ConfigError, match="unknown key 'transitiv'"):
        load(rich, cached=True)


def test_a_config_with_errors_is_not_kept(tmp_path: Path) -> None:
    path = put(
        tmp_path / "depguard.yaml", "forbidden:\n  - {name: x, from: ['layer:nope'], to: [b]}\n"
    )
    with pytest.raises(ConfigError):
        load(path, cached=True)
    assert not config_cache.entry_path(path).exists()
    with pytest.raises(ConfigError):
        load(path, cached=True)


def test_a_pyproject_table_is_kept_too(tmp_path: Path) -> None:
    path = put(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.depguard]\nexclude = ["build/*"]\n'
        '[[tool.depguard.layers]]\nname = "core"\nmatch = ["x.core.*"]\n',
    )
    first = load(path, cached=True)
    assert config_cache.lookup(path, config._KEPT) == first
    assert first.layers[0].name == "core"


def test_only_the_bytes_that_were_parsed_make_the_entry(rich: Path) -> None:
    """A file changed between its reading and the entry's writing must not be trusted."""
    valid = load(rich)
    config_cache.store(rich, [(rich, b"what was read then")], valid, config._KEPT)
    assert config_cache.lookup(rich, config._KEPT) is None


@pytest.mark.parametrize(
    "damage",
    [
        b"not json",
        b"[]",
        b'{"key": 1}',
        None,  # the right key and files, a class that is not a config model
        "bare list",
        "unknown tag",
        "wrong field",
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_rewritten(rich: Path, damage: object) -> None:
    valid = load(rich, cached=True)
    path = config_cache.entry_path(rich)
    entry = json.loads(path.read_bytes())
    if isinstance(damage, bytes):
        path.write_bytes(damage)
    else:
        body = {
            None: {"c": ["Path", {"args": "/etc"}]},
            "bare list": {"c": ["Config", {"layers": []}]},
            "unknown tag": {"x": 1},
            "wrong field": {"c": ["Config", {"nonsense": 1}]},
        }[damage]  # type: ignore[index]
        path.write_text(json.dumps({**entry, "config": body}))
    assert config_cache.lookup(rich, config._KEPT) is None
    assert load(rich, cached=True) == valid
    assert config_cache.lookup(rich, config._KEPT) == valid  # rewritten whole


def test_an_entry_from_other_code_is_a_miss(
    rich: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The source of the model modules is part of the key (an editable install)."""
    models = put(tmp_path / "models.py", "# version 1\n")
    monkeypatch.setattr(config._KEPT, "code", (*config._KEPT.code, str(models)))
    load(rich, cached=True)
    assert config_cache.lookup(rich, config._KEPT) is not None
    models.write_text("# version 2\n")
    assert config_cache.lookup(rich, config._KEPT) is None


def test_an_entry_names_its_config_file(rich: Path, tmp_path: Path) -> None:
    """Entries are found by the config's path; one copied under another name is refused."""
    load(rich, cached=True)
    other = put(tmp_path / "other" / "depguard.yaml", "layers: []\n")
    config_cache.entry_path(other).write_bytes(config_cache.entry_path(rich).read_bytes())
    assert config_cache.lookup(other, config._KEPT) is None
    assert load(other, cached=True) == Config()


def test_a_cache_folder_that_cannot_be_written_costs_nothing_but_time(
    rich: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = put(tmp_path / "a-file", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert load(rich, cached=True) == load(rich)
    assert config_cache.lookup(rich, config._KEPT) is None


def test_the_folder_follows_xdg_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert config_cache.folder() == tmp_path / "xdg" / "depguard" / "config"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert config_cache.folder() == tmp_path / "home" / ".cache" / "depguard" / "config"


# ---------------------------------------------------------------- whole runs


def shop(root: Path) -> Path:
    (root / ".git").mkdir(parents=True)
    put(root / "shop" / "__init__.py", "")
    put(root / "shop" / "core.py", "import shop.web\n")
    put(root / "shop" / "web.py", "")
    put(
        root / "depguard.yaml",
        "layers:\n  - {name: core, match: [shop.core]}\n  - {name: web, match: [shop.web]}\n",
    )
    return root


def depguard(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "depguard", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def imports(result: subprocess.CompletedProcess[str]) -> set[str]:
    return {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_a_second_run_neither_imports_pydantic_nor_changes_its_report(tmp_path: Path) -> None:
    root = shop(tmp_path / "project")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = depguard("check", ".", cwd=root, env=env)
    second = depguard("check", ".", cwd=root, env=env)
    assert first.returncode == second.returncode == 1  # shop.core -> shop.web is upward
    assert "layer" in first.stdout and second.stdout == first.stdout
    assert "pydantic" in imports(first)
    assert not imports(second) & {"pydantic", "pydantic_core", "yaml"}
    # an edit is seen at once: the upward import allowed by turning the layers around
    put(
        root / "depguard.yaml",
        "layers:\n  - {name: web, match: [shop.web]}\n  - {name: core, match: [shop.core]}\n",
    )
    third = depguard("check", ".", cwd=root, env=env)
    assert third.returncode == 0, third.stdout


def test_no_cache_neither_reads_nor_writes_an_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = shop(tmp_path / "project")
    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    result = depguard("check", ".", "--no-cache", cwd=root, env=env)
    assert result.returncode == 1
    assert not cache.exists()
    # an entry for these very bytes that says there are no rules: read back without
    # --no-cache (the run passes), not consulted with it (the layers still fail it)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    rules = root / "depguard.yaml"
    config_cache.store(rules, [(rules, rules.read_bytes())], Config(), config._KEPT)
    assert depguard("check", ".", cwd=root, env=env).returncode == 0
    assert depguard("check", ".", "--no-cache", cwd=root, env=env).returncode == 1


def test_the_folder_is_private(rich: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries name a project's layers and services: other users need not read them."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh"))
    load(rich, cached=True)
    assert config_cache.folder().stat().st_mode & 0o077 == 0


def test_storing_an_entry_drops_the_oldest_beyond_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One entry per config path: a CI machine checking out to a new folder each run
    would fill the cache folder forever."""
    monkeypatch.setattr(config_cache, "KEEP", 5)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # this test's alone
    where = config_cache.folder()
    where.mkdir(parents=True, exist_ok=True)
    old = [where / f"{index:016x}.json" for index in range(8)]
    for age, path in enumerate(old):  # old[0] the newest, old[7] the oldest
        path.write_text("{}")
        os.utime(path, ns=(0, 10**18 - age * 10**12))
    foreign = [where / "notes.txt", where / "0123456789abcdef.json.tmp"]
    for path in foreign:
        path.write_text("mine")
    linked = where / "fedcba9876543210.json"
    linked.symlink_to(tmp_path / "elsewhere.json")  # never followed, never removed
    kept = put(tmp_path / "depguard.yaml", "layers: [{name: core, match: ['a.*']}]\n")
    load(kept, cached=True)
    entry = config_cache.entry_path(kept)
    left = sorted(p.name for p in where.iterdir())
    assert left == sorted(
        [entry.name, *(p.name for p in old[:4]), *(p.name for p in foreign), linked.name]
    )
    assert load(kept, cached=True) == load(kept)  # the new entry is read back
