"""Start-up stays lean: a run with no config file imports neither pydantic nor PyYAML.

Importing pydantic and building validators took about a tenth of a second, most of a
small project's `depguard check` (and of every pre-commit run on it); PyYAML 10 ms more.
The config models are dataclasses validated only when a config file is read, the YAML
loader is built on first use, and the command line is argparse (typer and click took
about 50 ms to import and to build the commands).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO

# The run, then the modules it imported; `python -X importtime` cannot tell: depguard ends
# with os._exit, and the import lines written after the analysis started were lost.
RUN = """
import json, sys
from depguard.cli import main
sys.argv = ["depguard", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def imported(*args: str, cwd: Path) -> set[str]:
    """The modules a whole `depguard` run imports."""
    result = subprocess.run(
        [sys.executable, "-c", RUN, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    answer = json.loads(result.stderr.splitlines()[-1])
    assert answer["code"] in (0, 1), result.stderr[-2000:]
    return set(answer["modules"])


def package(root: Path) -> Path:
    (root / "shop").mkdir()
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "a.py").write_text("from shop import b\n")
    (root / "shop" / "b.py").write_text("import shop.a\n")
    return root / "shop"


def test_a_check_with_no_config_imports_neither_pydantic_nor_yaml(tmp_path: Path) -> None:
    shop = package(tmp_path)
    (tmp_path / ".git").mkdir()  # the config search stops here
    modules = imported("check", str(shop), "--no-cache", cwd=tmp_path)
    assert "depguard.report.text" in modules  # the whole run was seen
    tops = {m.split(".")[0] for m in modules}
    # nor rich: the text report goes to a pipe here, so there is no colour to draw
    assert not tops & {"pydantic", "pydantic_core", "yaml", "rich", "typer", "click"}


def test_a_config_file_is_still_validated(tmp_path: Path) -> None:
    shop = package(tmp_path)
    (tmp_path / ".git").mkdir()
    (shop / "depguard.yaml").write_text("layers:\n  - name: core\n    matchs: [shop.*]\n")
    result = subprocess.run(
        [sys.executable, "-m", "depguard", "check", str(shop), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "depguard.yaml:3: layers[0].matchs: unknown key 'matchs' (did you mean 'match'?)" in (
        result.stderr
    )


def test_a_warm_check_of_an_unchanged_tree_loads_only_what_it_uses(tmp_path: Path) -> None:
    """Scanning (the scanner's patterns, pickle, threading) and writing files (tempfile,
    with shutil and random) are imported when needed: a warm run of an unchanged tree
    scans and writes nothing."""
    shop = package(tmp_path)
    (tmp_path / ".git").mkdir()
    (shop / "depguard.yaml").write_text("layers:\n  - name: core\n    match: [shop.*]\n")
    cold = imported("check", str(shop), cwd=tmp_path)
    assert {"tempfile", "threading", "depguard.sources.python.scanner"} <= cold
    warm = imported("check", str(shop), cwd=tmp_path)
    assert "depguard.report.text" in warm and "depguard.sources.python.source" in warm
    scanning = {"depguard.sources.python.scanner", "pickle", "threading"}
    assert not warm & (scanning | {"tempfile", "pydantic", "yaml"})
