"""The import contracts of pyproject.toml ([tool.importlinter]) hold, so a new upward import or circle fails
`make test` as well as `make lint`. docs/architecture.md draws the same layers."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports() -> str:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("lint-imports is missing: pip install -r requirements/dev.txt")
    return found


def test_import_contracts_are_kept():
    proc = subprocess.run(  # noqa: S603 - our own tool, fixed arguments
        [_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def _diagram() -> str:
    doc = (ROOT / "docs" / "architecture.md").read_text()
    start = doc.index("```text\nfaces")
    return doc[start : doc.index("```", start + 3)]


def test_architecture_doc_draws_the_contract_layers():
    """Each layer of the contract is one line of the diagram, in the same order, with the same apps."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["id"] == "layers")["layers"]
    words = [
        {w for w in line.replace("|", " ").replace(":", " ").split() if w.isidentifier()}
        for line in _diagram().splitlines()
    ]
    rows = []
    for layer in layers:
        apps = {m.strip().strip("()").removeprefix("xieshang.") for m in layer.replace(":", "|").split("|")}
        found = [i for i, line in enumerate(words) if apps <= line]
        assert found, f"docs/architecture.md: no diagram line names {sorted(apps)}"
        rows.append(found[0])
    assert rows == sorted(rows), "docs/architecture.md draws the layers in another order than pyproject.toml"
