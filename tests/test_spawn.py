"""The process pool gives the same bytes when its workers are spawned, as on Windows and macOS.

Linux forks by default; LANDRULES_MP_START=spawn makes landrules spawn its workers here. A spawned
worker starts a fresh interpreter and imports the main script again (as `__mp_main__`), so the
runs go through a small script shaped like pip's console-script wrapper, which logs every such
import: the log proves the workers were spawned, and the output proves the import did nothing
else (no second CLI run, nothing written). A timeout catches a pool that hangs at exit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from register_fixtures import flat_examples, write_chinese_csv

from landrules.batch import START_METHOD_ENV, start_method

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SCRIPT = """\
import os
import sys

if __name__ == "__mp_main__":  # a spawned worker imports the main script again
    with open(os.environ["SPAWN_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()}\\n")

if __name__ == "__main__":
    from landrules.entry import main

    sys.exit(main())
"""


def _run(
    script: Path, args: list[str], cwd: Path, **env: str
) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if k != START_METHOD_ENV}
    environment.update(COLUMNS="100", NO_COLOR="1", TERM="dumb", **env)
    return subprocess.run(
        [sys.executable, str(script), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        timeout=120,  # a pool that hangs at exit fails here
    )


def _same_with_spawn(tmp_path: Path, args: list[str]) -> bytes:
    script = tmp_path / "landrules-script.py"
    script.write_text(SCRIPT, encoding="utf-8")
    log = tmp_path / "spawned.log"
    one = _run(script, [*args, "--jobs", "1"], tmp_path, SPAWN_LOG=str(log))
    assert not log.exists()
    spawned = _run(
        script, [*args, "--jobs", "2"], tmp_path, SPAWN_LOG=str(log), **{START_METHOD_ENV: "spawn"}
    )
    workers = set(log.read_text("utf-8").split())
    assert len(workers) == 2, workers  # two workers, each spawned (a forked one logs nothing)
    assert one.returncode == spawned.returncode == 3, spawned.stderr.decode()
    assert spawned.stdout == one.stdout
    assert spawned.stderr == one.stderr
    assert b"Traceback" not in spawned.stderr
    return spawned.stdout


def test_the_start_method_is_fork_where_there_is_one_unless_the_tests_ask_for_spawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import multiprocessing

    default = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"  # Windows
    monkeypatch.delenv(START_METHOD_ENV, raising=False)
    assert start_method() == default
    monkeypatch.setenv(START_METHOD_ENV, "spawn")
    assert start_method() == "spawn"
    monkeypatch.setenv(START_METHOD_ENV, "no-such-method")
    assert start_method() == default


def test_a_500_file_folder_gives_the_same_bytes_with_spawned_workers(tmp_path: Path) -> None:
    folder = tmp_path / "宗地 500"
    folder.mkdir()
    for n in range(500):
        shutil.copyfile(EXAMPLES[n % len(EXAMPLES)], folder / f"{n:04d}.yaml")
    (folder / "0007.yaml").write_text('schema_version: "1"\nparcel: [x]\n', encoding="utf-8")
    out = _same_with_spawn(tmp_path, ["check", folder.name, "--lang", "zh"])  # workers render lines
    assert out.decode("utf-8").count("P1 不适用") > 300


def test_a_10000_row_register_gives_the_same_bytes_with_spawned_workers(tmp_path: Path) -> None:
    import csv

    register = write_chinese_csv(tmp_path / "台账 2024.csv", flat_examples(), "utf-8-sig")
    with register.open(encoding="utf-8-sig", newline="") as f:
        header, *examples = list(csv.reader(f))
    rows = [header, *(list(examples[n % len(examples)]) for n in range(10_000))]
    area = next(i for i, header in enumerate(rows[0]) if "亩" in header)
    for n in (7, 5001, 9999):  # a bad area in the first, a middle and the last chunk
        rows[n][area] = "-5"
    with register.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    _same_with_spawn(tmp_path, ["check", register.name, "--format", "csv"])
