"""DOT to SVG/PNG/PDF: system `dot` when on PATH, else SVG from the bundled graphviz-pure."""

from __future__ import annotations

import importlib
import shutil
import sys
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path

import pytest

from depguard.diagram.render import RenderError, engine, render

# the module itself (for monkeypatching), whatever the package binds to the name `render`
render_mod = importlib.import_module("depguard.diagram.render")

SVG = "{http://www.w3.org/2000/svg}"
SMALL = """digraph "depguard_service" {
\tgraph [rankdir="BT"]
\tnode [fontname="Helvetica" shape="box"]
\tsubgraph "cluster_api" {
\t\tlabel="api" style="rounded"
\t\t"service:auth" [label="auth"]
\t\t"service:console" [label="console"]
\t}
\t"service:auth" -> "service:console" [color="red" penwidth="2.5"]
\t"service:console" -> "service:billing" [color="gray55" style="dotted"]
}
"""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
needs_posix = pytest.mark.skipif(sys.platform == "win32", reason="fake `dot` is a shell script")


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which

    def which(cmd: str, *args: object, **kwargs: object) -> str | None:
        return None if cmd == "dot" else real_which(cmd)

    monkeypatch.setattr(shutil, "which", which)


def _fake_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    script = tmp_path / "dot"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda cmd, *a, **k: str(script) if cmd == "dot" else None)


def _assert_small_svg(svg: bytes) -> None:
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    texts = {t.text for t in root.iter(SVG + "text")}
    assert {"auth", "console", "api"} <= texts
    edges = {g.findtext(SVG + "title"): g for g in root.iter(SVG + "g") if g.get("class") == "edge"}
    cycle = edges["service:auth->service:console"]
    assert {e.get("stroke") for e in cycle.iter(SVG + "path")} == {"red"}
    soft = edges["service:console->service:billing"]
    assert "red" not in {e.get("stroke") for e in soft.iter()}


@pytest.mark.usefixtures("no_dot")
def test_svg_without_dot_comes_from_the_bundled_engine() -> None:
    assert engine() == "graphviz-pure"
    _assert_small_svg(render(SMALL, "svg"))


@pytest.mark.usefixtures("no_dot")
def test_svg_without_dot_and_without_which_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    # the bundled program is found through its package's file list, not PATH
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    _assert_small_svg(render(SMALL, "svg"))


@pytest.mark.usefixtures("no_dot")
@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_png_and_pdf_without_dot_raise_the_install_hint(fmt: str) -> None:
    with pytest.raises(RenderError) as err:
        render(SMALL, fmt)
    message = str(err.value)
    assert message.startswith(f"{fmt.upper()} needs Graphviz's `dot`: install it")
    assert "apt-get install graphviz" in message and "brew install graphviz" in message
    assert "\n" not in message


@pytest.mark.usefixtures("no_dot")
def test_bad_dot_without_dot_is_a_one_line_render_error() -> None:
    with pytest.raises(RenderError, match=r"^graphviz-pure failed to render SVG: .*syntax error"):
        render("digraph { a -> ", "svg")


@pytest.mark.usefixtures("no_dot")
def test_missing_bundled_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> metadata.Distribution:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(render_mod.metadata, "distribution", not_installed)
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    with pytest.raises(RenderError, match=r"pip install graphviz-pure, or install it \(apt-get"):
        render(SMALL, "svg")


def test_unknown_format_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="use one of svg, png, pdf"):
        render(SMALL, "gif")


@needs_posix
def test_dot_on_path_is_used_and_its_error_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_dot(tmp_path, monkeypatch, 'echo "Warning: ignored" >&2; echo "Error: boom" >&2; exit 1')
    assert engine() == "dot"
    with pytest.raises(RenderError, match=r"^dot failed to render PNG: Error: boom$"):
        render(SMALL, "png")


@needs_posix
def test_a_hung_dot_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_dot(tmp_path, monkeypatch, "while :; do :; done")
    monkeypatch.setattr(render_mod, "TIMEOUT_S", 0.3)
    with pytest.raises(RenderError, match=r"^dot did not finish within 0.3 s"):
        render(SMALL, "svg")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not on PATH")
def test_with_dot_png_pdf_and_svg_come_from_dot() -> None:
    assert engine() == "dot"
    assert render(SMALL, "png").startswith(PNG_SIGNATURE)
    assert render(SMALL, "pdf").startswith(b"%PDF-")
    _assert_small_svg(render(SMALL, "svg"))
