"""After `pip install .`, the installed command finds the shipped pack from any directory."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALLED = shutil.which("landrules")

needs_install = pytest.mark.skipif(
    INSTALLED is None and not os.environ.get("CI"),
    reason="landrules is not installed in this environment (CI installs it)",
)


@needs_install
def test_the_installed_command_uses_the_shipped_pack_from_another_directory(
    tmp_path: Path,
) -> None:
    assert INSTALLED is not None, "CI must have installed the landrules command"
    example = ROOT / "examples" / "p1-applies-renovation.yaml"
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [INSTALLED, "check", str(example)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "rule pack cixi-jingxinjian-2019-13" in result.stdout
    assert "P1 APPLIES" in result.stdout
    python = Path(INSTALLED).with_name("python")
    where = subprocess.run(
        [str(python), "-c", "import landrules.rulepack as r; print(r.default_pack_dir())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    pack_dir = Path(where.stdout.strip())
    assert pack_dir.name == "cixi-jingxinjian-2019-13"
    if os.environ.get("CI"):  # CI installs non-editable: the pack must come from the package
        assert pack_dir.parent.name == "packs", pack_dir
