"""Benchmark: Python import graphs, depguard against grimp, import-linter, tach and pydeps.

What it measures, as whole processes (start-up included, since that is what a pre-commit
hook or CI step pays), median of `--repeat` runs timed with `time.perf_counter` around
`subprocess.run`, on three real packages unpacked from pinned wheels (django, sympy,
homeassistant):

1. building the module import graph: `grimp.build_graph` cold (no cache) and warm (its
   cache primed by one untimed run) against `depguard graph --level module` with
   `--no-cache` and warm;
2. checking a three-layer contract over three top-level subpackages of each corpus:
   `lint-imports` (a `layers` contract, cold with `--no-cache` and warm), `tach check`
   (the same modules as tach layers), `pydeps --show-deps --no-output` (no contract: it
   only builds the graph, being what depguard's `collector: pydeps` would run) against
   `depguard check` with the same layers, cold and warm;
3. the warm run a user makes most, after editing one file: grimp's and `depguard check`'s
   caches primed, then one line added to the lowest layer's `__init__.py` before every
   timed run (the file is restored at the end);
4. depguard's scan-and-build stage alone (`pipeline.collect` plus `pipeline.build`, no
   cache), timed inside one process so start-up is left out, against grimp's whole cold
   run (issue 3's "<= 0.7x" target);
5. a zero-config `depguard check PKG --no-cache` (no config file: the default rules, no
   layers), the run issue 3's "<= 1.0x grimp cold" target names. The package folder is
   marked as a repository root (an empty `.git` folder) so that depguard's config search
   stops there, before the corpus root's `depguard.yaml` and this repository's own
   `pyproject.toml`.

depguard's warm runs use both its caches: `.depguard_cache/` in the corpus root and the
validated config it keeps in the user's cache folder, which is pointed (XDG_CACHE_HOME)
inside `.depguard_cache/` here, so that clearing one folder clears both. Cold runs pass
`--no-cache`, which reads and writes neither.

Why: depguard reads Python with its own import scanner (no `ast.parse`, nothing
imported) and caches by file content; these are the tools a user would otherwise pick,
so their times on real code are the bar. The tools check different things (import-linter
follows indirect chains, tach only direct imports between declared modules, depguard
also looks for cycles): the times compare cost, not findings.

Everything lives in `benchmarks/.work/` (git-ignored): the venv with the tools (made once)
and depguard (reinstalled from the repo, non-editable, on every run), the wheels, the
unpacked sources and every cache. Run on demand, not in the test suite; nothing here is
asserted on time. Rerun with `python3 benchmarks/bench_python.py --write`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from results import RESULTS, write_section

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
VENV = WORK / "venv"
BIN = VENV / "bin"
WHEELS = WORK / "wheels"
SRC = WORK / "src"
CACHE = WORK / "cache"
OUT = WORK / "out"
TOOLS = ("grimp", "import-linter", "pydeps", "tach")
TIMEOUT = 900.0  # seconds, for one run of one command
HEADING = "## Python import graphs: depguard vs grimp, import-linter, tach, pydeps"
COMMAND = "python3 benchmarks/bench_python.py --write"
# django 6 needs Python 3.12 and homeassistant 2025.4 needs 3.13: without a target version
# pip, running on 3.11, would not even list them. The wheels are pure Python, never run.
TARGET_PYTHON = "3.13"


@dataclass(frozen=True)
class Corpus:
    name: str  # distribution and top-level package
    version: str  # pinned
    layers: tuple[str, str, str]  # subpackages, lowest first
    fallback: str | None = None  # requirement to use when the pin is not on the index

    def modules(self) -> list[str]:
        return [f"{self.name}.{sub}" for sub in self.layers]


CORPORA = (
    Corpus("django", "6.1.3", ("utils", "db", "contrib"), fallback="django>=5,<7"),
    Corpus("sympy", "1.14.0", ("core", "polys", "solvers")),
    Corpus("homeassistant", "2025.4.4", ("util", "helpers", "components")),
)
LAYER_NAMES = ("low", "mid", "high")


@dataclass(frozen=True)
class Cmd:
    label: str
    argv: list[str]
    cwd: Path
    env: dict[str, str]
    ok_codes: frozenset[int] = frozenset({0})
    warm: Path | None = None  # a cache folder: cleared, then primed by one untimed run
    # a file given one more line before every timed run (restored afterwards): the warm
    # run a user makes most, after editing one file
    edit: Path | None = None
    valid: Callable[[str], bool] = lambda output: True  # checks stdout + stderr
    # the command prints `elapsed=SECONDS` for the part it times itself (a stage measured
    # inside one process); that, not the whole process, is the run's time
    reports_elapsed: bool = False


class Failed(Exception):
    """A command that did not do its job; the message is the cell shown instead of a time."""


# ---------------------------------------------------------------- setup


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "python"), "-m", "pip", "-q", *args], capture_output=True, text=True
    )


def setup_venv() -> None:
    """The tools once; depguard fresh from the repo every run.

    Non-editable on purpose: it measures what users install (site-packages, compiled
    bytecode), and it freezes the source at the start of the run, so every repeat
    measures the same depguard even while the working tree is being edited.
    """
    if not (BIN / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not all((BIN / exe).exists() for exe in ("lint-imports", "pydeps", "tach")):
        done = pip("install", *TOOLS)
        if done.returncode:
            sys.exit(f"installing {' '.join(TOOLS)} failed:\n{done.stderr}")
    done = pip("install", str(REPO))
    if done.returncode:
        print(f"warning: installing depguard failed: {first_line(done.stderr)}", file=sys.stderr)


def wheel_version(corpus: Corpus) -> str | None:
    """The best wheel of this corpus already downloaded: the pin, else the newest."""
    versions = [
        w.name.split("-")[1]
        for w in WHEELS.glob("*.whl")
        if w.name.split("-")[0].lower() == corpus.name
    ]
    if corpus.version in versions:
        return corpus.version
    key = lambda v: tuple(int(n) for n in re.findall(r"\d+", v))  # noqa: E731
    return max(versions, key=key, default=None)


def fetch(corpus: Corpus) -> str:
    """Download (once) and unpack the corpus wheel; return the version used."""
    if wheel_version(corpus) != corpus.version:
        for requirement in (f"{corpus.name}=={corpus.version}", corpus.fallback):
            if (
                requirement
                and not pip(
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--python-version",
                    TARGET_PYTHON,
                    "-d",
                    str(WHEELS),
                    requirement,
                ).returncode
            ):
                break
    version = wheel_version(corpus)
    if version is None:
        sys.exit(f"no wheel of {corpus.name} could be downloaded")
    root = SRC / corpus.name
    marker = root / ".version"
    if not (marker.exists() and marker.read_text() == version):
        shutil.rmtree(root, ignore_errors=True)
        wheel = next(
            w
            for w in WHEELS.glob("*.whl")
            if w.name.lower().startswith(f"{corpus.name}-{version}-")
        )
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(
                root, [n for n in archive.namelist() if n.startswith(f"{corpus.name}/")]
            )
        marker.write_text(version)
    return version


def write_configs(corpus: Corpus) -> None:
    """The same three layers for import-linter, tach and depguard, in the corpus root."""
    root, high_first = SRC / corpus.name, corpus.modules()[::-1]
    (root / ".importlinter").write_text(
        f"[importlinter]\nroot_package = {corpus.name}\n\n"
        f"[importlinter:contract:layers]\nname = {corpus.name} layers\ntype = layers\n"
        "layers =\n" + "".join(f"    {m}\n" for m in high_first)
    )
    # exclude: tach skips tests and docs folders by default, which the others read.
    tach = [
        'source_roots = ["."]',
        "exclude = []",
        "respect_gitignore = false",
        "layers = [" + ", ".join(f'"{layer}"' for layer in LAYER_NAMES[::-1]) + "]",
    ]
    for layer, module in zip(LAYER_NAMES, corpus.modules(), strict=True):
        tach += ["", "[[modules]]", f'path = "{module}"', f'layer = "{layer}"']
    (root / "tach.toml").write_text("\n".join(tach) + "\n")
    depguard = ["sources:", f'  - python: {{roots: ["."], packages: [{corpus.name}]}}', "layers:"]
    for layer, module in zip(LAYER_NAMES, corpus.modules(), strict=True):
        depguard.append(f'  - {{name: {layer}, match: ["{module}", "{module}.*"]}}')
    (root / "depguard.yaml").write_text("\n".join(depguard) + "\n")
    (root / corpus.name / ".git").mkdir(exist_ok=True)  # the config search stops here (5.)


# ---------------------------------------------------------------- commands


def commands(corpus: Corpus, skip_pydeps: bool) -> list[Cmd]:
    """Every command for one corpus, run with the corpus root (holding the configs) as cwd.

    depguard finds `depguard.yaml` there (upwards from the package folder), so its project
    root, and with it its `.depguard_cache/`, is the corpus root inside `.work/`.
    """
    name, root = corpus.name, SRC / corpus.name
    pkgdir, out = str(root / name), str(OUT / f"{name}.graph.json")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    importable = {**env, "PYTHONPATH": str(root)}  # grimp and import-linter import by name
    grimp_cache, linter_cache = CACHE / "grimp" / name, CACHE / "importlinter" / name
    depguard_cache = root / ".depguard_cache"
    # the validated config too (see the module docstring): one folder clears both caches
    dg_env = {**env, "XDG_CACHE_HOME": str(depguard_cache / "user")}
    kept = frozenset({0, 1})  # 1: the contract is broken, which is a result
    edited = root / name / corpus.layers[0] / "__init__.py"  # in the lowest layer

    def grimp(cache: Path | None) -> list[str]:
        cache_dir = str(cache) if cache else None
        code = f"import grimp; grimp.build_graph({name!r}, cache_dir={cache_dir!r})"
        return [str(BIN / "python"), "-c", code]

    def tach_ok(output: str) -> bool:
        found = "[FAIL]" in output or "validated" in output
        return found and "No first-party imports" not in output

    def linter_ok(output: str) -> bool:
        return "Contracts:" in output

    def dg(*args: str) -> list[str]:
        return [str(BIN / "depguard"), *args]

    stage = (
        "import gc, time; from pathlib import Path; from depguard import config, pipeline\n"
        "gc.disable()  # as depguard's entry point does for every command\n"
        f"project = config.open_project(Path({pkgdir!r}), Path('depguard.yaml'))\n"
        "start = time.perf_counter()\n"
        "graph, problems = pipeline.build(project, pipeline.collect(project, use_cache=False))\n"
        "print(f'elapsed={time.perf_counter() - start}')\n"
    )
    graph = dg("graph", pkgdir, "--level", "module", "--format", "json", "-o", out)
    check = dg("check", pkgdir, "--config", "depguard.yaml")
    cmds = [
        Cmd("grimp cold", grimp(None), root, importable),
        Cmd("grimp warm", grimp(grimp_cache), root, importable, warm=grimp_cache),
        Cmd(
            "lint-imports cold",
            [str(BIN / "lint-imports"), "--no-cache", ".importlinter"],
            root,
            importable,
            kept,
            valid=linter_ok,
        ),
        Cmd(
            "lint-imports warm",
            [str(BIN / "lint-imports"), "--cache-dir", str(linter_cache), ".importlinter"],
            root,
            importable,
            kept,
            warm=linter_cache,
            valid=linter_ok,
        ),
        Cmd("tach check", [str(BIN / "tach"), "check"], root, env, kept, valid=tach_ok),
        Cmd(
            "pydeps",
            [str(BIN / "pydeps"), pkgdir, "--show-deps", "--no-output", "--max-bacon", "0"],
            root,
            importable,
            valid=lambda output: output.lstrip().startswith("{"),
        ),
        Cmd("depguard graph cold", [*graph, "--no-cache"], root, dg_env),
        Cmd("depguard graph warm", graph, root, dg_env, warm=depguard_cache),
        Cmd("depguard check cold", [*check, "--no-cache"], root, dg_env, kept),
        Cmd(
            "depguard check cold, no config",
            dg("check", pkgdir, "--no-cache"),
            root,
            dg_env,
            kept,
            valid=lambda output: "Layer violations" not in output,  # no config was found
        ),
        Cmd("depguard check warm", check, root, dg_env, kept, warm=depguard_cache),
        Cmd(
            "depguard scan and build, in-process, no cache",
            [str(BIN / "python"), "-c", stage],
            root,
            dg_env,
            reports_elapsed=True,
        ),
        Cmd(
            "grimp warm, one file edited",
            grimp(grimp_cache),
            root,
            importable,
            warm=grimp_cache,
            edit=edited,
        ),
        Cmd(
            "depguard check warm, one file edited",
            check,
            root,
            dg_env,
            kept,
            warm=depguard_cache,
            edit=edited,
        ),
    ]
    return [c for c in cmds if not (skip_pydeps and c.label == "pydeps")]


RATIOS = (
    ("depguard graph cold", "grimp cold"),
    ("depguard graph warm", "grimp warm"),
    ("depguard check cold", "grimp cold"),
    ("depguard check cold, no config", "grimp cold"),
    ("depguard scan and build, in-process, no cache", "grimp cold"),
    ("depguard check warm", "grimp warm"),
    ("depguard check warm, one file edited", "grimp warm, one file edited"),
    ("depguard check cold", "lint-imports cold"),
    ("depguard check warm", "lint-imports warm"),
    ("depguard check cold", "tach check"),
    ("depguard check cold", "pydeps"),
)


# ---------------------------------------------------------------- timing


def first_line(text: str) -> str:
    """The first line that says something (argparse's and click's usage lines say nothing)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith(("usage:", "Usage:", "Try '"))]
    return (useful or lines or [""])[0]


def run_once(cmd: Cmd, edit: int = 0) -> float:
    """One timed run; with `edit` (a run number), `cmd.edit` first gets a new line."""
    log = OUT / f"{cmd.cwd.name}.{cmd.label.replace(' ', '-')}.out"
    if cmd.edit is not None and edit:  # new content, so no tool can skip it
        with cmd.edit.open("a", encoding="utf-8") as edited:
            edited.write(f"EDITED_BY_THE_BENCHMARK_{edit} = {edit}\n")
    with log.open("wb") as stdout:
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd.argv,
                cwd=cmd.cwd,
                env=cmd.env,
                stdout=stdout,
                stderr=subprocess.PIPE,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise Failed(f"timed out after {TIMEOUT:.0f} s") from None
        except OSError as exc:
            raise Failed(str(exc)) from None
        elapsed = time.perf_counter() - start
    stderr = proc.stderr.decode(errors="replace")
    output = log.read_text(errors="replace") + stderr
    if proc.returncode not in cmd.ok_codes or not cmd.valid(output):
        raise Failed(first_line(stderr) or first_line(output) or f"exit {proc.returncode}")
    if cmd.reports_elapsed:
        found = re.search(r"^elapsed=([0-9.e-]+)", output, re.MULTILINE)
        if found is None:
            raise Failed("printed no elapsed= line")
        return float(found.group(1))
    return elapsed


def measure(cmd: Cmd, repeat: int) -> float | str:
    """The median time in seconds, or `failed: <why>`."""
    original = cmd.edit.read_bytes() if cmd.edit is not None else None
    try:
        if cmd.warm is not None:
            shutil.rmtree(cmd.warm, ignore_errors=True)
            run_once(cmd)
        return statistics.median(run_once(cmd, edit=n) for n in range(1, repeat + 1))
    except Failed as exc:
        return f"failed: {str(exc)[:150]}"
    finally:
        if cmd.edit is not None and original is not None:
            cmd.edit.write_bytes(original)


# ---------------------------------------------------------------- report


def cell(value: float | str | None) -> str:
    if value is None:
        return "skipped"
    return f"{value:.3f} s" if isinstance(value, float) else value.replace("|", "\\|")


def ratio(num: float | str | None, den: float | str | None) -> str:
    if isinstance(num, float) and isinstance(den, float) and den > 0:
        return f"{num / den:.2f}×"
    return "n/a"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def report(
    corpora: list[Corpus], times: dict[str, dict[str, float | str]], labels: list[str]
) -> str:
    names = [c.name for c in corpora]
    head = ["command", *names]
    absolute = [[label, *(cell(times[n].get(label)) for n in names)] for label in labels]
    ratios = [
        [f"{a} / {b}", *(ratio(times[n].get(a), times[n].get(b)) for n in names)] for a, b in RATIOS
    ]
    return table(head, absolute) + "\n\n" + table(["ratio", *names], ratios)


def nproc() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def tool_versions() -> str:
    """The bench venv's Python and tools, and the repo commit depguard was installed from."""
    code = (
        "import platform; from importlib.metadata import version as v; "
        "print(f'Python {platform.python_version()}; ' + "
        f"', '.join(f'{{n}} {{v(n)}}' for n in {(*TOOLS, 'depguard')!r}))"
    )
    done = subprocess.run([str(BIN / "python"), "-c", code], capture_output=True, text=True)
    commit = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True
    ).stdout.strip()
    return f"{done.stdout.strip() or first_line(done.stderr)} (commit {commit})"


def section(body: str, corpora: list[Corpus], versions: dict[str, str], repeat: int) -> str:
    today = datetime.date.today().isoformat()
    sizes = ", ".join(
        f"{c.name} {versions[c.name]} ({sum(1 for _ in (SRC / c.name / c.name).rglob('*.py')):,}"
        " .py files)"
        for c in corpora
    )
    layers = "; ".join(" < ".join(c.modules()) for c in corpora)
    return (
        f"{HEADING}\n\n"
        f"Measured {today}, nproc {nproc()}, "
        f"{tool_versions()}. Corpora, unpacked from their wheels: {sizes}. "
        f"Whole processes, median of {repeat} runs; warm means the tool's own cache "
        f"was primed by one untimed run. Layers, lowest first: {layers}. "
        "lint-imports follows indirect chains, tach checks direct imports between the "
        "declared modules only, pydeps only builds its graph, depguard check also "
        "looks for cycles.\n\n"
        f"{body}\n\nRerun: `{COMMAND}`\n"
    )


def write(text: str) -> None:
    write_section(HEADING, text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (median)")
    parser.add_argument("--skip-pydeps", action="store_true", help="pydeps takes 5-20 s a run")
    parser.add_argument(
        "--corpus",
        action="append",
        choices=[c.name for c in CORPORA],
        help="only this corpus (repeatable; default: all)",
    )
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS.name}")
    args = parser.parse_args()
    corpora = [c for c in CORPORA if not args.corpus or c.name in args.corpus]
    for folder in (WHEELS, SRC, CACHE, OUT):
        folder.mkdir(parents=True, exist_ok=True)
    setup_venv()
    versions: dict[str, str] = {}
    times: dict[str, dict[str, float | str]] = {}
    labels: list[str] = []
    for corpus in corpora:
        versions[corpus.name] = fetch(corpus)
        if versions[corpus.name] != corpus.version:
            print(
                f"note: {corpus.name}=={corpus.version} is not available, "
                f"using {versions[corpus.name]}",
                file=sys.stderr,
            )
        write_configs(corpus)
        times[corpus.name] = {}
        for cmd in commands(corpus, args.skip_pydeps):
            times[corpus.name][cmd.label] = measure(cmd, args.repeat)
            labels += [cmd.label] if cmd.label not in labels else []
            print(
                f"{corpus.name:>14} {cmd.label:<20} {cell(times[corpus.name][cmd.label])}",
                file=sys.stderr,
                flush=True,
            )
    body = report(corpora, times, labels)
    print(body)
    if args.write:
        write(section(body, corpora, versions, args.repeat))
        print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
