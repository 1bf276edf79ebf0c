"""The Windows instructions and the CI matrix say what the code does and what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_ci_matrix_runs_the_readme_test_command_on_windows() -> None:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    section = text.split("## landrules itself on Linux, macOS and Windows")[1]
    workflow = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, flags=re.S)[1])  # type: ignore[index]
    job = workflow["jobs"]["tests"]
    assert "windows-latest" in job["strategy"]["matrix"]["os"]
    assert job["defaults"]["run"]["shell"] == "bash"
    readme_test = re.findall(r"```sh\n(.*?)```", README, flags=re.S)[1].strip()
    tail = readme_test.split(". .venv/bin/activate && ")[1]  # the part after the venv
    assert any(tail in step.get("run", "") for step in job["steps"]), tail


def test_the_readme_says_how_to_install_on_windows() -> None:
    section = README.split("### On Windows")[1].split("\n## ")[0]
    assert "`py -m venv .venv`" in section and "`pipx install .`" in section
    assert "`.venv\\Scripts\\activate`" in section


def test_the_guarded_windows_code_named_in_hardening_exists() -> None:
    from landrules import batch, i18n

    text = (ROOT / "docs" / "hardening.md").read_text(encoding="utf-8")
    section = text.split("## 7. Windows and legacy code pages")[1]
    assert "landrules.i18n.windows_ui_lang" in section and callable(i18n.windows_ui_lang)
    assert "LANDRULES_MP_START" in section and batch.START_METHOD_ENV == "LANDRULES_MP_START"
