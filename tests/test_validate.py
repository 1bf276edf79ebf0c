"""`landrules validate`: the shipped pack is clean, and one seeded mistake per check is caught
with the right id at the right line (copies of the shipped pack, one edit each)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PACK_VERSION, ROOT, CliResult

from landrules.checks import CHECKS
from landrules.exitcodes import ExitCode

PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
P1 = "p1-existing-land-renovation.yaml"
P2 = "p2-new-land-above-indicator.yaml"
P3 = "p3-in-place-rebuild.yaml"
FINDING = re.compile(r"^(\S+?):(\d+):(\d+): (error|warning)\[([a-z-]+)\] (.*)$")


def test_the_shipped_pack_validates_clean(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli(["validate", "rules/"])
    assert result.exit_code == ExitCode.OK, result.describe()
    assert result.stdout == (
        f"rule pack cixi-jingxinjian-2019-13 {PACK_VERSION}: rules/cixi-jingxinjian-2019-13\n"
        "0 errors, 0 warnings in 4 files\n"
    ), result.describe()


def test_every_check_has_an_id_a_severity_and_a_docstring_with_an_example() -> None:
    for check_id, module in CHECKS.items():
        assert check_id == module.ID and re.fullmatch(r"[a-z]+(-[a-z]+)*", check_id)
        assert module.SEVERITY in ("error", "warning")
        doc = module.__doc__ or ""
        assert doc.startswith(f"{check_id}: "), check_id
        assert re.search(r"^(FAIL|WARN)\b", doc, re.M) and re.search(r"^PASS\b", doc, re.M), (
            check_id
        )


@dataclass(frozen=True)
class Seed:
    """One mistake: in `file`, replace `old` by `new`; the finding is at the line of `at`."""

    check: str
    file: str
    old: str
    new: str
    at: str
    col: int
    message: str

    @property
    def id(self) -> str:
        return self.check


SECOND_P1 = "p1-2020.yaml"

SEEDS = [
    Seed(
        "schema",
        P1,
        "  precision: year\n",
        "  precision: yearly\n",
        "  precision: yearly",
        14,
        "effective_from.precision: Input should be 'day', 'month' or 'year' (got 'yearly') "
        "[literal_error]",
    ),
    Seed(
        "unknown-kind",
        P1,
        "      kind: compare\n      label: {zh: 提高容积率",
        "      kind: comparison\n      label: {zh: 提高容积率",
        "      kind: comparison",
        13,
        "unknown condition kind 'comparison'; the kinds are all, any, not, equals, in, "
        "includes_any, compare, given",
    ),
    Seed(
        "unknown-fact",
        P3,
        "fact: approvals.relevant_rules",
        "fact: approvals.relevent_rules",
        "fact: approvals.relevent_rules",
        13,
        "no fact named 'approvals.relevent_rules'",
    ),
    Seed(
        "quote-not-in-source",
        P1,
        "      quote: 符合城乡规划\n",
        "      quote: 符合城市规划\n",
        "      quote: 符合城市规划",
        14,
        "quote '符合城市规划' is not a verbatim part of the cited clause",
    ),
    Seed(
        "missing-citation",
        P1,
        "      quote: 技术改造项目\n",
        "",
        "    - id: P1.technical-renovation",
        7,
        "condition P1.technical-renovation is a condition of the text but quotes no words of it",
    ),
    Seed(
        "missing-citation",
        P2,
        "citation:\n  document: 慈经信建〔2019〕13号\n  clause: 一(三)\n"
        "  describes: 慈政发〔2015〕40号\n",
        "",
        "id: P2\ntitle",
        1,
        "the provision does not cite its document and clause",
    ),
    Seed(
        "duplicate-id",
        P1,
        "    - id: P1.environmental-compliant",
        "    - id: P1.planning-compliant",
        "    - id: P1.planning-compliant\n      kind: equals\n      label: {zh: 符合环保要求",
        11,
        "id 'P1.planning-compliant' is used twice in this file",
    ),
    Seed(
        "incompatible-comparison",
        P2,
        '      op: gt\n      value: "0"\n',
        '      op: gt\n      value: "0"\n      unit: 亩\n',
        "      unit: 亩",
        13,
        "P2.above-indicator: compares factory_floor_area_above_indicator_m2 (in m²) with a value "
        "in 亩 (mu; 1 亩 ≈ 666.67 m²)",
    ),
    Seed(
        "never-true",
        P1,
        "          fact: parcel.land_supply\n          value: existing\n",
        "          fact: parcel.land_supply\n          value: existing\n"
        "        - id: P1.land-is-new\n          kind: equals\n"
        "          label: {zh: 新增, en: newly supplied}\n          quote: 现有工业用地\n"
        "          fact: parcel.land_supply\n          value: newly_supplied\n",
        "    - id: P1.existing-industrial-land",
        11,
        "P1.existing-industrial-land can never be true: no value of parcel.land_supply satisfies "
        "all of P1.land-is-existing, P1.land-is-new together",
    ),
    Seed(
        "never-false",
        P2,
        "      fact: factory_floor_area_above_indicator_m2\n      op: gt",
        "      fact: factory_floor_area_above_indicator_m2\n      op: ge",
        "    - id: P2.above-indicator",
        11,
        "P2.above-indicator can never be false: every value factory_floor_area_above_indicator_m2 "
        "can take satisfies it (factory_floor_area_above_indicator_m2 is never below 0)",
    ),
    Seed(
        "unused-parameter",
        "pack.yaml",
        "parameters:\n",
        'parameters:\n  storage_codes: ["0602"]\n',
        "  storage_codes:",
        3,
        "parameter 'storage_codes' is read by no condition",
    ),
]

# Two versions of P1: the second starts 2020-05-01 while the first is still open (overlap), or
# the first ends 2020-03-31 (a month uncovered: gap).
VERSION_SEEDS = [
    (
        "overlapping-versions",
        None,
        "error",
        "this version of P1 may start on 2020-05-01, but the version in {first} never ends",
    ),
    (
        "version-gap",
        '"2020-03-31"',
        "warning",
        "no version of P1 is in force from 2020-04-01 to 2020-04-30 (the version in {first} ends "
        "2020-03-31); parcels dated then get 'no rule in force'",
    ),
]


def _line_of(text: str, marker: str) -> int:
    assert text.count(marker) == 1, f"marker {marker!r} found {text.count(marker)} times"
    return text[: text.index(marker)].count("\n") + 1


def _findings(result: CliResult) -> list[tuple[str, int, int, str, str, str]]:
    lines = [line for line in result.stdout.splitlines() if FINDING.match(line)]
    return [
        (m[1], int(m[2]), int(m[3]), m[4], m[5], m[6])
        for m in (FINDING.match(line) for line in lines)
        if m
    ]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"{s.check}-{s.file}")
def test_a_seeded_mistake_is_caught_with_its_id_at_its_line(
    seed: Seed, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    target = copy / seed.file
    text = target.read_text(encoding="utf-8")
    assert text.count(seed.old) == 1, seed.old
    changed = text.replace(seed.old, seed.new)
    target.write_text(changed, encoding="utf-8")
    line = _line_of(changed, seed.at)
    result = run_cli(["validate", "pack"], cwd=tmp_path)
    severity = CHECKS[seed.check].SEVERITY
    expected = (f"pack/{seed.file}", line, seed.col, severity, seed.check, seed.message)
    assert _findings(result) == [expected], result.describe()
    wanted = ExitCode.GATING if severity == "error" else ExitCode.OK
    assert result.exit_code == wanted, result.describe()


@pytest.mark.parametrize(("check", "until", "severity", "message"), VERSION_SEEDS)
def test_a_second_version_that_overlaps_or_leaves_a_gap_is_reported(
    check: str,
    until: str | None,
    severity: str,
    message: str,
    tmp_path: Path,
    run_cli: Callable[..., CliResult],
) -> None:
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    first = (copy / P1).read_text(encoding="utf-8")
    open_end = "effective_until:\n  verified: false\n"
    assert first.count(open_end) == 1
    if until is not None:
        (copy / P1).write_text(
            first.replace(open_end, f"effective_until:\n  date: {until}\n  verified: true\n"),
            encoding="utf-8",
        )
    start = 'effective_from:\n  date: "2015-01-01"\n  precision: year\n'
    second = first.replace(start, 'effective_from:\n  date: "2020-05-01"\n')
    (copy / SECOND_P1).write_text(second, encoding="utf-8")
    pack_yaml = (copy / "pack.yaml").read_text(encoding="utf-8")
    (copy / "pack.yaml").write_text(
        pack_yaml.replace(f"  - {P1}\n", f"  - {P1}\n  - {SECOND_P1}\n"), encoding="utf-8"
    )
    result = run_cli(["validate", "pack"], cwd=tmp_path)
    line = _line_of(second, '  date: "2020-05-01"')
    expected = (f"pack/{SECOND_P1}", line, 9, severity, check, message.format(first=f"pack/{P1}"))
    assert _findings(result) == [expected], result.describe()
    assert result.exit_code == (ExitCode.GATING if severity == "error" else ExitCode.OK)


def test_there_is_a_seeded_mistake_for_every_check() -> None:
    seeded = {s.check for s in SEEDS} | {c for c, *_ in VERSION_SEEDS}
    assert seeded == set(CHECKS)
    assert len(SEEDS) + len(VERSION_SEEDS) >= 10


def test_a_folder_without_a_pack_exits_4(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli(["validate", str(tmp_path)])
    assert result.exit_code == ExitCode.RULES_ERROR, result.describe()
    assert result.stderr == (
        f"{tmp_path}:0:0: error[no-pack] no rule pack here (a pack folder holds pack.yaml)\n"
    )


def test_an_unknown_format_is_a_usage_error(run_cli: Callable[..., CliResult]) -> None:
    assert run_cli(["validate", "rules/", "--format", "xml"]).exit_code == ExitCode.USAGE


def test_the_text_output_gives_the_hint_under_the_finding(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    p3 = copy / P3
    p3.write_text(
        p3.read_text(encoding="utf-8").replace(
            "approvals.relevant_rules", "approvals.relevent_rules"
        ),
        encoding="utf-8",
    )
    result = run_cli(["validate", "pack"], cwd=tmp_path)
    line = _line_of(p3.read_text(encoding="utf-8"), "fact: approvals.relevent_rules")
    assert result.stdout == (
        f"rule pack cixi-jingxinjian-2019-13 {PACK_VERSION}: pack\n"
        f"pack/{P3}:{line}:13: error[unknown-fact] no fact named 'approvals.relevent_rules'\n"
        "    hint: did you mean 'approvals.relevant_rules'? (see docs/parcel-format.md for the "
        "fact names)\n"
        "1 error, 0 warnings in 4 files\n"
    ), result.describe()
