"""Issue 11.7: a crash while checking one parcel is that parcel's located error; the batch goes
on and writes every other verdict (it used to end the run with exit 5 and, with --detail, write
nothing at all)."""

from __future__ import annotations

import decimal
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, CliResult

import landrules.batch


def test_a_crash_on_one_parcel_becomes_its_located_error_and_the_batch_goes_on(
    tmp_path: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    for stem in ("p1-applies-renovation", "p2-applies", "p3-applies"):
        shutil.copy(EXAMPLES / f"{stem}.yaml", tmp_path / f"{stem}.yaml")
    real = landrules.batch.check_parcel

    def crash_on_p2(pack: Any, parcel: Any, source: str = "", **kw: Any) -> Any:
        if "p2-applies" in source:
            raise decimal.InvalidOperation([decimal.InvalidOperation])
        return real(pack, parcel, source, **kw)

    monkeypatch.setattr(landrules.batch, "check_parcel", crash_on_p2)
    out = tmp_path / "out.jsonl"
    result = run_cli(["check", str(tmp_path), "--detail", "--format", "jsonl", "-o", str(out)])
    assert "Traceback" not in result.stdout + result.stderr, result.describe()
    assert result.exit_code != 5, result.describe()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_source = {Path(r["source"]).stem: r for r in records if "source" in r}
    assert {"p1-applies-renovation", "p3-applies"} <= set(by_source), records
    assert "internal error" in (result.stdout + result.stderr + out.read_text("utf-8")), (
        result.describe()
    )
