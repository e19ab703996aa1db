"""Pointing depguard at a stranger's repository is safe: nothing of it runs, YAML cannot
construct objects, links out of the project are not followed, reports carry no paths of
the build machine, and outputs are whole or untouched (Ctrl-C included)."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

SERVICES = "services:\n  web:\n    depends_on: [{service: api}]\n  api: {}\n"


def depguard(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "depguard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


# ---------------------------------------------------------------- nothing runs


def test_analysed_code_is_never_imported_or_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    boom = f"open({str(marker)!r}, 'w').write('ran')\n"
    package = tmp_path / "victim"
    package.mkdir()
    (package / "__init__.py").write_text(boom + "from victim import b\n")
    (package / "a.py").write_text(boom + "import victim.b\n")
    (package / "b.py").write_text(boom + "from victim import a\n")
    (package / "__main__.py").write_text(boom)
    (tmp_path / "setup.py").write_text(boom)
    (tmp_path / "conftest.py").write_text(boom)
    for args in (["check", "--no-cache"], ["graph", "--level", "module", "--format", "json"]):
        result = depguard(*args, cwd=tmp_path)
        assert result.returncode in (0, 1), result.stderr
    assert "victim.a -> victim.b" in depguard("check", cwd=tmp_path).stdout
    assert not marker.exists()


def test_yaml_tags_cannot_construct_python_objects(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    tag = f'!!python/object/apply:os.system ["touch {marker}"]'
    (tmp_path / "depguard.yaml").write_text("sources:\n  - services: services.yaml\n")
    (tmp_path / "services.yaml").write_text(f"services:\n  web:\n    note: {tag}\n")
    result = depguard("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "services.yaml:3:" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "depguard.yaml").write_text(f"baseline: {tag}\n")
    result = depguard("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "depguard.yaml:1:" in result.stderr and "Traceback" not in result.stderr
    assert not marker.exists()


# ---------------------------------------------------------------- links and paths


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """A project whose manifest folder and package hold links to files outside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(SERVICES)
    (outside / "secret.py").write_text("import os\n")
    project = tmp_path / "project"
    (project / "manifests").mkdir(parents=True)
    (project / "manifests" / "own.yaml").write_text("services:\n  db: {}\n")
    (project / "manifests" / "stolen.yaml").symlink_to(outside / "secret.yaml")
    (project / "manifests" / "inside.yaml").symlink_to(project / "manifests" / "own.yaml")
    (project / "pkg").mkdir()
    (project / "pkg" / "__init__.py").write_text("")
    (project / "pkg" / "stolen.py").symlink_to(outside / "secret.py")
    (project / "pkg" / "sub").mkdir()  # a package whose __init__.py is the link
    (project / "pkg" / "sub" / "__init__.py").symlink_to(outside / "secret.py")
    (project / "depguard.yaml").write_text(
        "sources:\n  - services: manifests\n  - python: {roots: ['.'], packages: [pkg]}\n"
    )
    return project


def test_links_out_of_the_project_are_reported_and_not_followed(linked: Path) -> None:
    result = depguard("graph", "--format", "json", "--level", "service", cwd=linked)
    assert result.returncode == 2
    assert "manifests/stolen.yaml:0: a link to " in result.stderr
    assert "pkg/stolen.py:0: a link to " in result.stderr
    assert "pkg/sub/__init__.py:0: a link to " in result.stderr
    assert "outside the project root: not followed" in result.stderr
    names = {n["id"] for n in json.loads(result.stdout)["nodes"]}
    assert "service:db" in names and "service:web" not in names  # a link inside is read


def test_an_excluded_link_is_quiet_and_an_outside_target_needs_the_command_line(
    linked: Path,
) -> None:
    """The config is the repository's too: naming an outside file there reads nothing;
    only --allow-read on the command line does."""
    (linked / ".git").mkdir()
    config = linked / "depguard.yaml"
    excluded = "exclude: ['manifests/stolen.yaml', 'pkg/stolen.py', 'pkg/sub']\n"
    config.write_text(config.read_text() + excluded)
    assert depguard("check", cwd=linked).returncode == 0
    config.write_text("sources:\n  - services: [manifests/own.yaml, ../outside/secret.yaml]\n")
    result = depguard("graph", "--format", "json", "--level", "service", cwd=linked)
    assert result.returncode == 2
    assert "../outside/secret.yaml:0: services source named in depguard.yaml is outside the " in (
        result.stderr
    )
    assert "service:web" not in {n["id"] for n in json.loads(result.stdout)["nodes"]}
    allowed = ["--allow-read", str(linked.parent / "outside")]
    result = depguard("graph", "--format", "json", "--level", "service", *allowed, cwd=linked)
    assert result.returncode == 0, result.stderr
    assert "service:web" in {n["id"] for n in json.loads(result.stdout)["nodes"]}


def test_zero_config_sets_aside_links_out_and_pipes_it_finds(tmp_path: Path) -> None:
    """A run with no config finds files by name; what a walk would not read is reported
    the same way, never followed, never opened, never dropped silently."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "compose.yaml").write_text("services:\n  leaked: {image: x}\n")
    (outside / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        "metadata: {name: leaked}\nspec: {type: service, owner: x, lifecycle: production}\n"
    )
    (outside / "app.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: leaked}\n")
    project = tmp_path / "project"
    (project / "team").mkdir(parents=True)
    (project / "k8s").mkdir()
    (project / "compose.yaml").symlink_to(outside / "compose.yaml")
    (project / "team" / "catalog-info.yaml").symlink_to(outside / "catalog-info.yaml")
    (project / "k8s" / "app.yaml").symlink_to(outside / "app.yaml")
    (project / "catalog-info.yml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        "metadata: {name: own}\nspec: {type: service, owner: x, lifecycle: production}\n"
    )
    os.mkfifo(project / "services.yaml")  # opening it would wait for a writer forever
    result = depguard("graph", "--format", "json", "--level", "service", cwd=project)
    assert result.returncode == 2, result.stderr
    for link, target in (("compose.yaml", "compose.yaml"), ("k8s/app.yaml", "app.yaml")) + (
        ("team/catalog-info.yaml", "catalog-info.yaml"),
    ):
        assert f"{link}:0: a link to {outside / target}, outside the project" in result.stderr
    assert "services.yaml:0: a named pipe, not a regular file: not read" in result.stderr
    assert {n["id"] for n in json.loads(result.stdout)["nodes"]} == {"service:own"}


def test_reports_name_files_relative_to_the_project_root(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "depguard.yaml").write_text("sources:\n  - services: services.yaml\n")
    (project / "services.yaml").write_text(SERVICES + "  db:\n    depends_on: [{service: web}]\n")
    (project / "services.yaml").write_text(
        "services:\n  web: {depends_on: [{service: api}]}\n  api: {depends_on: [{service: web}]}\n"
    )
    for fmt in ("json", "sarif", "markdown", "junit", "github", "text"):
        result = depguard("check", "--no-baseline", "-f", fmt, str(project), cwd=Path("/"))
        assert result.returncode == 1, result.stderr
        assert "services.yaml" in result.stdout
        assert str(tmp_path) not in result.stdout, fmt


# ---------------------------------------------------------------- outputs


def big_project(folder: Path, files: int = 20_000) -> Path:
    for i in range(files):
        package = folder / "pkg" / f"m{i // 300}"
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").touch()
        (package / f"x{i}.py").write_text(f"import pkg.m{(i + 1) // 300}.x{i + 1}\n")
    (folder / "pkg" / "__init__.py").touch()
    return folder


# Signals land once depguard's own code runs (after about 0.2 s of imports); a Ctrl-C in
# the first milliseconds of interpreter start-up is CPython's to answer, not ours.
@pytest.mark.parametrize("delay", [0.6, 1.2])
def test_ctrl_c_exits_130_and_leaves_the_old_output_whole(tmp_path: Path, delay: float) -> None:
    project = big_project(tmp_path)
    out = project / "report.json"
    out.write_text("old\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "depguard", "check", "--no-cache", "-f", "json", "-o", str(out)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert "Traceback" not in err
    if process.returncode == 130:
        assert out.read_text() == "old\n"
    else:  # finished before the signal: then the report is whole
        assert process.returncode in (0, 1)
        json.loads(out.read_text())
    assert [p.name for p in project.iterdir() if p.name.endswith(".tmp")] == []


def test_an_interrupted_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: object
) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    baseline = tmp_path / "depguard-baseline.json"
    (tmp_path / "services.yaml").write_text(SERVICES.replace("api: {}", "api: {depends_on: [web]}"))
    assert run_cli("baseline", "-o", str(baseline), cwd=tmp_path).exit_code == 0  # type: ignore[operator]
    precious = baseline.read_text()
    (tmp_path / "services.yaml").write_text(SERVICES)

    def interrupted(_: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    result: Any = run_cli("baseline", "-o", str(baseline), cwd=tmp_path)  # type: ignore[operator]
    assert result.exit_code == 130
    assert baseline.read_text() == precious and "cycle" in precious
    assert sorted(p.name for p in tmp_path.iterdir()) == ["depguard-baseline.json", "services.yaml"]


def read_fifo(fifo: Path, received: list[bytes]) -> threading.Thread:
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    return reader


@pytest.mark.parametrize(
    "args",
    [["check", "-f", "json"], ["baseline"], ["diagram", "-f", "svg"], ["graph", "-f", "json"]],
    ids=["check", "baseline", "diagram-svg", "graph"],
)
def test_a_fifo_output_is_written_through_not_replaced(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "services.yaml").write_text(SERVICES)
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = read_fifo(fifo, received)
    result = depguard(*args, "-o", str(fifo), cwd=tmp_path)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert fifo.is_fifo() and received and received[0].strip()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_private_null_device_stays_a_device(tmp_path: Path) -> None:
    """What `-o /dev/null` does, on a device node of our own: never the machine's. SVG,
    not PNG: PNG still needs Graphviz's `dot`, which the README's install step does not
    install, and the suite may only assume what that step installs."""
    (tmp_path / "services.yaml").write_text(SERVICES)
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    for args in (["check", "-f", "sarif"], ["baseline"], ["diagram", "-f", "svg"]):
        result = depguard(*args, "-o", str(null), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert stat.S_ISCHR(null.stat().st_mode), args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "services.yaml"]


def test_report_refuses_absurdly_nested_json_in_one_line(tmp_path: Path) -> None:
    saved = tmp_path / "result.json"
    saved.write_text("[" * 100_000 + "]" * 100_000)
    result = depguard("report", str(saved), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith("result.json:1: not a depguard JSON result (nested too deeply)\n")


@pytest.mark.parametrize(
    ("code", "status", "stderr"),
    [("None", 0, ""), ("0", 0, ""), ("1", 1, ""), ("2", 2, ""), ("'bad input'", 1, "bad input\n")],
)
def test_the_fast_exit_flushes_output_and_keeps_the_exit_status(
    code: str, status: int, stderr: str
) -> None:
    """The command ends with os._exit (no object-by-object teardown): what was printed
    but still buffered must arrive, and the status must be what sys.exit would give."""
    program = (
        "import sys; from depguard.entry import _leave\n"
        "sys.stdout.write('report' * 10000); sys.stderr.write('note ')\n"
        f"_leave({code})\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == status
    assert done.stdout == "report" * 10000
    assert done.stderr == "note " + stderr


def test_a_run_lists_each_folder_once_and_the_next_run_lists_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run with no config walks the tree for catalog files and for Python modules:
    the second walk reuses the first one's listings, and nothing is kept past the run."""
    from depguard import pipeline
    from depguard.sources import files

    (tmp_path / "shop" / "sub").mkdir(parents=True)
    for name in ("shop/__init__.py", "shop/sub/__init__.py", "shop/sub/a.py"):
        (tmp_path / name).write_text("import shop\n")
    (tmp_path / "shop" / "sub" / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
        "metadata: {name: shop}\nspec: {type: service, owner: x, lifecycle: production}\n"
    )
    listed: list[str] = []
    real = os.scandir

    def counted(path: str) -> Any:
        listed.append(path)
        return real(path)

    monkeypatch.setattr(os, "scandir", counted)  # the module `files` lists with
    result, graph = pipeline.run(tmp_path / "shop", use_cache=False)
    assert listed and sorted(listed) == sorted(set(listed))  # each folder once
    assert str(tmp_path / "shop" / "sub") in listed
    assert files._listed is None  # nothing kept past the run
    assert graph.has_node("module:shop.sub.a") and graph.has_node("service:shop")
    (tmp_path / "shop" / "sub" / "b.py").write_text("")
    listed.clear()
    _, graph = pipeline.run(tmp_path / "shop", use_cache=False)
    assert str(tmp_path / "shop" / "sub") in listed  # listed again: a new run
    assert graph.has_node("module:shop.sub.b")
