"""Shared helpers: the repository's paths, a CLI runner that keeps stderr apart, and a
deadline that turns a hang into a failure."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from textwrap import dedent
from typing import NamedTuple

import pytest

from depguard.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


class Overran(BaseException):
    """Raised by `deadline`. Not TimeoutError: that is an OSError, which the code under
    test catches around file reads, so a hang inside a read loop would go on."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging the run) when the body takes longer than `seconds`."""

    def expired(signum: int, frame: object) -> None:
        raise Overran(f"took more than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(autouse=True, scope="session")
def _user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Validated configs are kept in the user's cache folder: the suite's go to a
    temporary one (child processes inherit it), never to the real home."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        yield


def depguard_process(
    cwd: Path, *args: str, timeout: float = 60, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`depguard ARGS` in a subprocess, as CI runs it: exit code and streams as they are."""
    return subprocess.run(
        [sys.executable, "-m", "depguard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        input=stdin,
        env={**os.environ, "NO_COLOR": "1"},
    )


class Ran(NamedTuple):
    """One in-process `depguard` run: its exit code and what it wrote, apart."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli() -> Callable[..., Ran]:
    """Run `depguard ARGS` in-process, as the console script would (exceptions escape)."""

    def run(*args: object, cwd: Path | None = None) -> Ran:
        out, err = io.BytesIO(), io.BytesIO()
        stdout, stderr = (
            io.TextIOWrapper(b, encoding="utf-8", write_through=True) for b in (out, err)
        )
        old = Path.cwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            with redirect_stdout(stdout), redirect_stderr(stderr):
                main([str(a) for a in args])
            code: object = 0
        except SystemExit as exc:
            code = exc.code
        finally:
            os.chdir(old)
            for stream in (stdout, stderr):
                stream.flush()
                stream.detach()  # leaves the bytes readable
        assert isinstance(code, int), code
        return Ran(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented file under tmp_path and return its path."""

    def put(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return put
