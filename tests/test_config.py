"""The config file (`.landrules.yaml` or `[tool.landrules]` in pyproject.toml): found from the
current folder upwards, the nearest wins; a flag beats its environment variable, which beats the
file, which beats the default; every unknown key or bad value is a located error (exit 2)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CLI_ENV, PACK_VERSION, ROOT, CliResult
from typer.testing import CliRunner

from landrules.cli import app
from landrules.exitcodes import ExitCode

EXAMPLE = ROOT / "examples" / "p1-applies-renovation.yaml"
PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
ZH_PACK_LINE = "├── 规则包"


def _run(args: list[str], cwd: Path, **env: str) -> CliResult:
    """`landrules ARGS` in `cwd` with extra environment variables."""
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, args, env={**CLI_ENV, **env}, catch_exceptions=False)
    finally:
        os.chdir(previous)
    return CliResult(tuple(args), cwd, result.exit_code, result.stdout, result.stderr)


def _speaks_zh(result: CliResult) -> bool:
    assert result.exit_code == 0, result.describe()
    lines = result.stdout.splitlines()
    assert any(x.startswith(("├── rule pack", ZH_PACK_LINE)) for x in lines), result.describe()
    return any(x.startswith(ZH_PACK_LINE) for x in lines)


@pytest.fixture(autouse=True)
def _parcel(tmp_path: Path) -> None:
    """The example as `p.yaml` at the top of the test's folder (short paths in the output)."""
    shutil.copyfile(EXAMPLE, tmp_path / "p.yaml")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".landrules.yaml", "lang: zh\n"),
        ("pyproject.toml", '[project]\nname = "x"\n\n[tool.landrules]\nlang = "zh"\n'),
    ],
)
def test_the_config_file_sets_the_language_from_a_folder_below_it(
    name: str, text: str, tmp_path: Path
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    below = tmp_path / "a" / "b"
    below.mkdir(parents=True)
    result = _run(["check", str(tmp_path / "p.yaml")], below)
    assert result.exit_code == 0, result.describe()
    assert _speaks_zh(result), result.describe()


def test_a_flag_beats_the_environment_which_beats_the_file(tmp_path: Path) -> None:
    (tmp_path / ".landrules.yaml").write_text("lang: zh\n", encoding="utf-8")
    assert not _speaks_zh(_run(["check", str(tmp_path / "p.yaml")], tmp_path, LANDRULES_LANG="en"))
    assert _speaks_zh(
        _run(["check", str(tmp_path / "p.yaml"), "--lang", "zh"], tmp_path, LANDRULES_LANG="en")
    )
    (tmp_path / ".landrules.yaml").write_text("lang: en\n", encoding="utf-8")
    assert _speaks_zh(_run(["check", str(tmp_path / "p.yaml")], tmp_path, LANDRULES_LANG="zh"))


def test_the_nearest_config_wins_and_a_pyproject_without_the_table_is_passed_over(
    tmp_path: Path,
) -> None:
    (tmp_path / ".landrules.yaml").write_text("lang: zh\n", encoding="utf-8")
    child = tmp_path / "child"
    child.mkdir()
    (child / "pyproject.toml").write_text('[project]\nname = "landrules-notes"\n', "utf-8")
    assert _speaks_zh(_run(["check", str(tmp_path / "p.yaml")], child))
    (child / "pyproject.toml").write_text('[tool.landrules]\nlang = "en"\n', "utf-8")
    assert not _speaks_zh(_run(["check", str(tmp_path / "p.yaml")], child))


def test_the_file_s_encoding_reads_a_gbk_parcel_file(tmp_path: Path) -> None:
    parcel = tmp_path / "parcel.yaml"
    parcel.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    refused = _run(["check", "parcel.yaml"], tmp_path)
    assert refused.exit_code == ExitCode.INPUT_ERROR, refused.describe()
    (tmp_path / ".landrules.yaml").write_text("encoding: gb18030\n", encoding="utf-8")
    result = _run(["check", "parcel.yaml"], tmp_path)
    assert result.exit_code == 0, result.describe()
    assert "P1 APPLIES" in result.stdout


def test_the_file_s_rules_are_the_pack_check_uses(tmp_path: Path) -> None:
    shutil.copytree(PACK, tmp_path / "mine")
    meta = tmp_path / "mine" / "pack.yaml"
    meta.write_text(
        meta.read_text("utf-8").replace(f'version: "{PACK_VERSION}"', 'version: "9.9.9"'), "utf-8"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.landrules]\nrules = "mine"\njobs = 1\n', "utf-8"
    )
    result = _run(["check", str(tmp_path / "p.yaml")], tmp_path)
    assert result.exit_code == 0, result.describe()
    assert "├── rule pack cixi-jingxinjian-2019-13 9.9.9" in result.stdout, result.describe()
    shipped = _run(["check", str(tmp_path / "p.yaml"), "--rules", str(PACK)], tmp_path)
    assert f"├── rule pack cixi-jingxinjian-2019-13 {PACK_VERSION}" in shipped.stdout, (
        shipped.describe()
    )


def test_min_coverage_from_the_file_gates_landrules_test_and_the_environment_overrides_it(
    tmp_path: Path,
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    (pack / "tests" / "p3-in-place-rebuild.yaml").unlink()
    (tmp_path / ".landrules.yaml").write_text("rules: pack\nmin-coverage: 100\n", "utf-8")
    result = _run(["test"], tmp_path)
    assert result.exit_code == ExitCode.GATING, result.describe()
    assert "below --min-coverage 100" in result.stdout
    relaxed = _run(["test"], tmp_path, LANDRULES_MIN_COVERAGE="10")
    assert relaxed.exit_code == ExitCode.OK, relaxed.describe()


def test_an_unknown_yaml_key_is_located_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / ".landrules.yaml").write_text("lang: zh\nmin_coverage: 100\n", "utf-8")
    result = _run(["check", str(tmp_path / "p.yaml")], tmp_path)
    assert result.exit_code == ExitCode.USAGE, result.describe()
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        ".landrules.yaml:2:1: error[config-key] min_coverage: unknown setting; "
        "the settings are lang, rules, mapping, encoding, min-coverage, jobs",
        "    hint: did you mean 'min-coverage'?",
    ], result.describe()


def test_bad_yaml_values_are_located_with_what_to_write(tmp_path: Path) -> None:
    (tmp_path / ".landrules.yaml").write_text(
        "lang: fr\njobs: many\nmin-coverage: 120\nmapping: no-such.yaml\n", "utf-8"
    )
    result = _run(["test"], tmp_path)
    assert result.exit_code == ExitCode.USAGE, result.describe()
    path = ".landrules.yaml"
    lines = result.stderr.splitlines()
    assert lines[0] == f"{path}:1:1: error[config-value] lang: cannot use 'fr' here"
    assert lines[1] == "    hint: write zh or en"
    assert lines[2] == f"{path}:2:1: error[config-value] jobs: cannot use 'many' here"
    assert lines[4] == f"{path}:3:1: error[config-value] min-coverage: cannot use '120' here"
    assert lines[5] == "    hint: write a percentage from 0 to 100, e.g. 100"
    assert lines[6] == (f"{path}:4:1: error[config-value] mapping: no such file: no-such.yaml")


def test_toml_errors_name_the_key_and_its_line(tmp_path: Path) -> None:
    toml = tmp_path / "pyproject.toml"
    toml.write_text('[project]\nname = "x"\n\n[tool.landrules]\njobs = -1\nlangs = "zh"\n', "utf-8")
    result = _run(["check", str(tmp_path / "p.yaml")], tmp_path)
    assert result.exit_code == ExitCode.USAGE, result.describe()
    assert result.stderr.splitlines() == [
        "pyproject.toml:5:1: error[config-value] tool.landrules.jobs: cannot use -1 here",
        "    hint: write a whole number of worker processes, e.g. 2 (0: one per core)",
        "pyproject.toml:6:1: error[config-key] tool.landrules.langs: unknown setting; the "
        "settings are lang, rules, mapping, encoding, min-coverage, jobs",
        "    hint: did you mean 'lang'?",
    ], result.describe()
    toml.write_text("[tool.landrules]\nlang = zh\n", "utf-8")
    broken = _run(["check", str(tmp_path / "p.yaml")], tmp_path)
    assert broken.exit_code == ExitCode.USAGE, broken.describe()
    assert broken.stderr.startswith("pyproject.toml:2:8: error[config-syntax] not valid TOML: ")


def test_the_version_reads_no_config_file(tmp_path: Path) -> None:
    (tmp_path / ".landrules.yaml").write_text("nonsense: [\n", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "landrules", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.startswith("landrules "), done.stderr
    broken = _run(["check", str(tmp_path / "p.yaml")], tmp_path)
    assert broken.exit_code == ExitCode.USAGE, broken.describe()
    assert broken.stderr.startswith(".landrules.yaml:1:11: error[syntax]"), broken.describe()


def test_a_folder_without_a_config_file_keeps_every_default(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    from landrules import config

    assert config.current(tmp_path) == config.Config()
    result = run_cli(["check", str(tmp_path / "p.yaml")], cwd=tmp_path)
    assert f"├── rule pack cixi-jingxinjian-2019-13 {PACK_VERSION}" in result.stdout, (
        result.describe()
    )


def test_the_readme_shows_every_key_in_both_forms() -> None:
    import re

    from landrules import config, yamlio

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+ (landrules itself uses tomli on 3.10)

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    (yaml_block,) = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    (toml_block,) = re.findall(r"```toml\n(.*?)```", section, flags=re.S)
    data = yamlio.load_text(yaml_block, ".landrules.yaml").data
    assert isinstance(data, dict) and list(data) == list(config.KEYS)
    table = tomllib.loads(toml_block)["tool"]["landrules"]
    assert set(table) <= set(config.KEYS)
    for name in config.ENV.values():
        assert f"`{name}`" in section
