"""The library's public API: `from landrules import InputError` works without loading the
engine, `dir(landrules)` lists the API, and a plain dict or a whole register can be checked
(for a QGIS plugin or a notebook) with the verdicts `landrules check` gives."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, invoke_cli

import landrules
from landrules import yamlio

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def test_the_error_types_import_without_the_engine() -> None:
    code = (
        "import sys\n"
        "from landrules import InputError, RulePackError, Problem\n"
        "assert issubclass(RulePackError, InputError)\n"
        "assert 'pydantic' not in sys.modules and 'landrules.api' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_dir_lists_the_public_api_and_every_name_resolves() -> None:
    listed = dir(landrules)
    assert listed == sorted(landrules.__all__)
    for name in ("InputError", "check_dict", "check_register", "check_parcel", "load_rules"):
        assert name in listed
    assert set(landrules.__all__) == {"__version__", *landrules._LAZY}
    for name in landrules.__all__:
        assert getattr(landrules, name) is not None, name
    with pytest.raises(AttributeError):
        landrules.no_such_name  # noqa: B018


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_a_dict_gets_the_verdict_its_parcel_file_gets(path: Path) -> None:
    data = yamlio.load(path).data
    assert isinstance(data, dict)
    from_dict = landrules.check_dict(data)
    from_file = landrules.check_file(landrules.load_rules(), path)
    assert [(p.provision.id, p.outcome, p.missing) for p in from_dict.provisions] == [
        (p.provision.id, p.outcome, p.missing) for p in from_file.provisions
    ]


def _p2(**new_land: object) -> dict[str, object]:
    return {
        "schema_version": "1",
        "parcel": {
            "code": "330282201001GB00012",
            "land_area_m2": 20000,
            "land_supply": "newly_supplied",
            "land_tenure": "granted",
        },
        "land_use": {"current": {"gbt21010": "0601"}, "planned": {"gbt21010": "0601"}},
        "project": {"kind": "other", "works": ["new_multistorey_factory"]},
        "new_land": new_land,
        "approvals": {"factory_floor_area": {"status": "given"}},
        "application_date": date(2024, 3, 20),
    }


def test_python_numbers_and_dates_are_read_exactly() -> None:
    verdict = landrules.check_dict(
        _p2(plot_ratio_indicator=1.2, approved_factory_floor_area_m2=30000)
    )
    p2 = verdict.provisions[1]
    assert p2.outcome.value == "applies"
    (quantity,) = [q for q in p2.quantities if q.value is not None]
    assert quantity.value == Decimal(6000)  # 30000 − 1.2 × 20000, exactly (not 5999.99…)


def test_a_bad_dict_raises_input_error_naming_the_field_in_the_chosen_language() -> None:
    data = _p2(plot_ratio_indicator=1.2)
    parcel = dict(data["parcel"])  # type: ignore[call-overload]
    parcel["land_aera_m2"] = parcel.pop("land_area_m2")
    data["parcel"] = parcel
    with pytest.raises(landrules.InputError) as caught:
        landrules.check_dict(data, lang="zh")
    (problem,) = caught.value.problems
    assert (problem.path, problem.line, problem.field) == ("<dict>", 0, "parcel.land_aera_m2")
    assert problem.hint == "是否应为 'land_area_m2'？"
    with pytest.raises(landrules.InputError) as code:
        landrules.check_dict({**_p2(), "land_use": {"current": {"gbt21010": 601}}}, lang="en")
    assert [p.field for p in code.value.problems] == ["land_use.current.gbt21010"]
    with pytest.raises(landrules.InputError):
        landrules.check_dict(["not", "a", "parcel"])  # type: ignore[arg-type]


def test_as_of_picks_the_version_in_force() -> None:
    data = yamlio.load(EXAMPLES / "p1-applies-renovation.yaml").data
    assert isinstance(data, dict)
    before = landrules.check_dict(data, as_of=date(2014, 6, 1))
    assert before.provisions[0].outcome.value == "does_not_apply"
    assert landrules.check_dict(data).provisions[0].outcome.value == "applies"


def test_a_register_is_checked_row_by_row_as_the_cli_checks_it(tmp_path: Path) -> None:
    register = tmp_path / "台账.csv"
    text = (ROOT / "examples" / "register.csv").read_text(encoding="utf-8-sig")
    header, *rows = text.splitlines()
    bad = rows[0].split(",")
    bad[4] = "很多"  # the land area in 亩
    lines = [header, rows[0], ",".join(bad), *rows[1:]]
    register.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    results = list(landrules.check_register(register))
    assert [r.line for r in results] == [2, 3, 4, 5]
    assert [r.ok for r in results] == [True, False, True, True]
    (problem,) = results[1].problems
    assert (problem.line, problem.col, problem.field) == (3, 5, "用地面积（亩）")
    assert results[1].verdict is None and results[1].outcomes == {}
    assert results[0].row is not None and results[0].row["宗地号"] == "330282012003GB00123"
    cli = invoke_cli(["check", str(register), "--format", "jsonl"])
    records = [json.loads(line) for line in cli.stdout.splitlines()]
    records = [rec for rec in records if "provisions" in rec]
    good = [r for r in results if r.ok]
    assert [r.label for r in good] == [rec["source"] for rec in records]
    assert [r.outcomes for r in good] == [
        {p["id"]: p["outcome"] for p in rec["provisions"]} for rec in records
    ]
