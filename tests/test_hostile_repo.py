"""The analysed repository is hostile: nothing committed to it may change a verdict,
leak a file from outside it, or make the run hang or blow up.

Each test is one attack as a pull request could make it, run through the installed
command line in a subprocess, as CI would run it.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import depguard_process

from depguard.sources.python import source

DEPGUARD = [sys.executable, "-m", "depguard"]
SECRET = "SECRET-TOKEN-4242"
CYCLE = {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "import pkg.a\n"}


depguard = depguard_process


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git checkout (`.git` marks the repository's top) beside a secret outside it."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / ".netrc").write_text(f"machine github.com login bot password {SECRET}\n")
    return tmp_path / "repo"


def leaked(result: subprocess.CompletedProcess[str]) -> bool:
    return SECRET in result.stdout or SECRET in result.stderr


# ---------------------------------------------------------------- caches


def test_a_committed_cache_cannot_make_a_cycle_pass(repo: Path) -> None:
    """The old cache's file names were computable from the checkout path, and its
    entries trusted when the content digest matched: forge both, for every version."""
    tree(repo, CYCLE)
    files = {}
    for name in ("pkg/__init__.py", "pkg/a.py", "pkg/b.py"):
        data = (repo / name).read_bytes()
        info = (repo / name).stat()
        files[name] = [
            info.st_size,
            info.st_mtime_ns,
            hashlib.blake2b(data, digest_size=16).hexdigest(),
            [],
        ]
    for version in ("1", "2", "3", source.SCANNER_VERSION):
        identity = f"{repo.resolve()}|{version}"
        name = hashlib.blake2b(identity.encode(), digest_size=8).hexdigest()
        folder = repo / ".depguard_cache"
        folder.mkdir(exist_ok=True)
        for key in ("1:" + version, f"1:{version}"):
            payload = {"key": key, "files": files}
            (folder / f"python-{name}.json").write_text(json.dumps(payload))
    result = depguard(repo, "check", "pkg")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "pkg.a" in result.stdout and "pkg.b" in result.stdout
    assert depguard(repo, "check", "pkg", "--no-cache").stdout == result.stdout


def test_a_cache_folder_that_is_a_link_is_never_written_through(repo: Path, tmp_path: Path) -> None:
    """The user's cache folder for the scan is a link (as a committed `.depguard_cache`
    link once was): nothing is written where it leads, and the run still answers."""
    tree(repo, CYCLE)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cache_home = tmp_path / "cache-home"
    (cache_home / "depguard").mkdir(parents=True)
    (cache_home / "depguard" / "python").symlink_to(elsewhere)
    (repo / ".depguard_cache").symlink_to(elsewhere)
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "NO_COLOR": "1"}
    for _ in range(2):
        result = subprocess.run(
            [*DEPGUARD, "check", "pkg"], cwd=repo, capture_output=True, text=True, env=env
        )
        assert result.returncode == 1, result.stderr
    assert list(elsewhere.iterdir()) == []


def test_a_cache_file_that_is_a_link_to_dev_zero_is_ignored(repo: Path, tmp_path: Path) -> None:
    tree(repo, CYCLE)
    cache_home = tmp_path / "cache-home"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "NO_COLOR": "1"}
    run = [*DEPGUARD, "check", "pkg"]
    assert subprocess.run(run, cwd=repo, capture_output=True, env=env).returncode == 1
    entries = sorted((cache_home / "depguard" / "python").glob("*.json"))
    assert entries
    for entry in entries:
        entry.unlink()
        entry.symlink_to("/dev/zero")
    result = subprocess.run(run, cwd=repo, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1, result.stderr


# ---------------------------------------------------------------- files outside the repository


@pytest.mark.parametrize(
    "route",
    [
        "extends-absolute",
        "config-link",
        "pyproject-link",
        "extended-file-link",
        "compose-include",
        "compose-extends",
        "compose-env-file",
        "source-path",
    ],
)
def test_no_file_outside_the_repository_is_read(repo: Path, route: str) -> None:
    netrc = repo.parent / "home" / ".netrc"
    compose = "services:\n  web: {image: nginx}\n"
    if route == "extends-absolute":
        (repo / "depguard.yaml").write_text(f"extends: {netrc}\n")
    elif route == "config-link":
        (repo / "depguard.yaml").symlink_to(netrc)
    elif route == "pyproject-link":
        (repo / "pyproject.toml").symlink_to(netrc)
    elif route == "extended-file-link":
        (repo / "depguard.yaml").write_text("extends: base.yaml\n")
        (repo / "base.yaml").symlink_to(netrc)
    elif route == "compose-include":
        (repo / "compose.yaml").write_text(f"include: [{netrc}]\n{compose}")
    elif route == "compose-extends":
        (repo / "compose.yaml").write_text(
            f"services:\n  web:\n    image: x\n    extends: {{file: {netrc}, service: a}}\n"
        )
    elif route == "compose-env-file":
        (repo / "compose.yaml").write_text(
            "services:\n  web:\n    image: x\n    env_file: ../home/.netrc\n"
        )
    else:
        (repo / "depguard.yaml").write_text("sources:\n  - services: ../home/.netrc\n")
    for command in (["check"], ["check", "--format", "github"], ["graph", "--format", "json"]):
        result = depguard(repo, *command)
        assert result.returncode == 2, (route, result.stdout, result.stderr)
        assert not leaked(result), route
        assert "outside the repository" in result.stderr, result.stderr


def test_the_command_line_may_allow_a_folder_outside(repo: Path) -> None:
    shared = repo.parent / "shared"
    tree(shared, {"compose.yaml": "services:\n  db: {image: postgres}\n"})
    (repo / "compose.yaml").write_text(
        "include: [../shared/compose.yaml]\nservices:\n  web: {image: x, depends_on: [db]}\n"
    )
    assert depguard(repo, "check").returncode == 2
    result = depguard(repo, "graph", "--format", "json", "--allow-read", str(shared))
    assert result.returncode == 0, result.stderr
    edges = json.loads(result.stdout)["edges"]
    assert [(e["source"], e["target"]) for e in edges] == [("service:web", "resource:db")]
    files = {ev["file"] for e in edges for ev in e["evidence"]}
    assert all(not f.startswith("/") for f in files), files  # never the absolute path


def test_an_include_inside_the_repository_stays_legitimate(repo: Path) -> None:
    tree(repo, {"common/compose.yaml": "services:\n  db: {image: postgres}\n"})
    (repo / "app").mkdir()
    (repo / "app" / "compose.yaml").write_text(
        "include: [../common/compose.yaml]\nservices:\n  web: {image: x, depends_on: [db]}\n"
    )
    result = depguard(repo, "graph", "app", "--format", "json")
    assert result.returncode == 0, result.stderr


def test_a_diagnostic_quotes_only_a_short_excerpt(repo: Path) -> None:
    long_secret = "x" * 500 + SECRET
    (repo / "depguard.yaml").write_text(f"layers: '{long_secret}'\n")
    result = depguard(repo, "check")
    assert result.returncode == 2
    assert not leaked(result)
    assert max(len(line) for line in result.stderr.splitlines()) < 300


# ---------------------------------------------------------------- bounded work


def test_a_dotenv_whose_variables_double_each_other_stops_quickly(repo: Path) -> None:
    lines = ["A0=xxxxxxxxxxxxxxxx"] + [f"A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, 41)]
    (repo / ".env").write_text("\n".join(lines) + "\n")
    (repo / "compose.yaml").write_text(
        "services:\n  web:\n    image: x\n    environment: {URL: 'http://${A40}'}\n"
    )
    result = depguard(repo, "check", timeout=30)
    assert result.returncode == 2, result.stderr
    assert ".env:" in result.stderr and "expands to more than" in result.stderr


def test_kubernetes_variables_that_double_each_other_stop_quickly(repo: Path) -> None:
    env = ["          - {name: V0, value: xxxxxxxxxxxxxxxx}"] + [
        f"          - {{name: V{i}, value: '$(V{i - 1})$(V{i - 1})'}}" for i in range(1, 41)
    ]
    manifest = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n"
        "    metadata: {labels: {app: web}}\n    spec:\n      containers:\n"
        "        - name: web\n          image: x\n          args: ['$(V40)']\n"
        "          env:\n" + "\n".join(env) + "\n"
    )
    tree(repo, {"k8s/web.yaml": manifest})
    result = depguard(repo, "check", timeout=30)
    assert result.returncode == 2, result.stderr
    assert "k8s/web.yaml:" in result.stderr and "expands to more than" in result.stderr


@pytest.mark.parametrize(
    "what", ["baseline", "report", "config", "compose", "services", "fifo-baseline"]
)
def test_links_to_dev_zero_are_refused_quickly(repo: Path, what: str) -> None:
    tree(repo, {"services.yaml": "services:\n  a: {depends_on: [b]}\n  b: {}\n"})
    args = ["check"]
    if what == "baseline":
        (repo / "depguard-baseline.json").symlink_to("/dev/zero")
    elif what == "report":
        (repo / "result.json").symlink_to("/dev/zero")
        args = ["report", "result.json"]
    elif what == "config":
        (repo / "depguard.yaml").symlink_to("/dev/zero")
    elif what == "compose":
        (repo / "compose.yaml").symlink_to("/dev/zero")
    elif what == "services":
        (repo / "services.yaml").unlink()
        (repo / "services.yaml").symlink_to("/dev/zero")
    else:  # a pipe inside the repository: opening it for reading would wait forever
        os.mkfifo(repo / "depguard-baseline.json")
    result = depguard(repo, *args, timeout=30)
    assert result.returncode == 2, (result.stdout, result.stderr)
    refused = ("outside the repository", "outside the project root", "not a regular file")
    assert any(why in result.stderr for why in refused), result.stderr


def test_an_input_over_the_size_limit_is_refused(repo: Path, tmp_path: Path) -> None:
    tree(repo, {"services.yaml": "services:\n  a: {}\n" + "# padding\n" * 1000})
    program = (
        "import sys; from depguard import fsutil; fsutil.MAX_INPUT_BYTES = 2000\n"
        "from depguard.entry import main; sys.argv = ['depguard', 'check']; main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=repo, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "services.yaml:0: 10,018 bytes is over the 2,000-byte limit" in result.stderr


# ---------------------------------------------------------------- robustness


def test_a_closed_stdout_is_an_error_not_a_traceback(repo: Path) -> None:
    tree(repo, {"services.yaml": "services:\n  a: {}\n"})
    result = subprocess.run(
        [*DEPGUARD, "check"],
        cwd=repo,
        capture_output=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        close_fds=True,
        preexec_fn=lambda: os.close(1),
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr == "depguard: standard output is closed\n"


def test_a_terminal_of_zero_columns_still_gets_the_report(repo: Path) -> None:
    """`script -qc` and some CI ptys report 0x0: the report must still be printed."""
    tree(repo, {"services.yaml": "services:\n  a: {depends_on: [b]}\n  b: {depends_on: [a]}\n"})
    program = (
        "import os, sys, pty, subprocess\n"
        "leader, follower = pty.openpty()\n"  # a new pty is 0x0 until someone sizes it
        f"child = subprocess.run({DEPGUARD + ['check']!r}, stdout=follower, stderr=follower)\n"
        "os.close(follower)\n"
        "out = b''\n"
        "while True:\n"
        "    try:\n"
        "        chunk = os.read(leader, 65536)\n"
        "    except OSError:\n"
        "        break\n"
        "    if not chunk:\n"
        "        break\n"
        "    out += chunk\n"
        "sys.stdout.write(out.decode('utf-8', 'replace'))\n"
        "sys.exit(child.returncode)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 services in a cycle" in result.stdout


def test_sigterm_during_a_write_leaves_no_temporary_file(repo: Path) -> None:
    tree(repo, {"services.yaml": "services:\n  a: {depends_on: [b]}\n  b: {depends_on: [a]}\n"})
    program = (
        "import os, signal, sys\n"
        "def fsync(fd):\n"  # the signal arrives while the output is half written
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "os.fsync = fsync\n"
        "from depguard.entry import main\n"
        "sys.argv = ['depguard', 'check', '--format', 'json', '--output', 'out.json']\n"
        "main()\n"
    )
    (repo / "out.json").write_text("old")
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=repo, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 128 + signal.SIGTERM, result.stderr
    assert (repo / "out.json").read_text() == "old"
    assert sorted(p.name for p in repo.iterdir()) == [".git", "out.json", "services.yaml"]
