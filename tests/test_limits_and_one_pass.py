"""Limits per YAML file (each with its own code and flag) and every problem of a file in one run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLES, CliResult

from landrules.exitcodes import ExitCode

HEAD = 'schema_version: "1"\n'
Run = Callable[..., CliResult]


def _errors(result: CliResult) -> list[str]:
    return [line for line in result.stderr.splitlines() if not line.startswith("    hint: ")]


def _hints(result: CliResult) -> list[str]:
    return [line[10:] for line in result.stderr.splitlines() if line.startswith("    hint: ")]


def test_too_big_names_the_flag_and_the_flag_lets_the_file_through(
    tmp_path: Path, run_cli: Run
) -> None:
    text = (EXAMPLES / "p1-applies-renovation.yaml").read_text(encoding="utf-8")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    size = len(text.encode("utf-8"))
    refused = run_cli(["check", "p.yaml", "--max-bytes", str(size - 1)], cwd=tmp_path)
    assert refused.exit_code == ExitCode.INPUT_ERROR, refused.describe()
    assert _errors(refused) == [
        f"p.yaml:1:1: error[too-big] the file is larger than {size - 1} bytes"
    ]
    assert _hints(refused) == ["if the file is genuine, raise the limit with --max-bytes"]
    allowed = run_cli(["check", "p.yaml", "--max-bytes", str(size)], cwd=tmp_path)
    assert allowed.exit_code == ExitCode.OK, allowed.describe()


def test_too_deep_names_the_flag_and_the_flag_raises_it(tmp_path: Path, run_cli: Run) -> None:
    nested = "".join("  " * i + "a:\n" for i in range(1, 71))
    (tmp_path / "deep.yaml").write_text(HEAD + "parcel:\n" + nested, encoding="utf-8")
    refused = run_cli(["check", "deep.yaml"], cwd=tmp_path)
    assert refused.exit_code == ExitCode.INPUT_ERROR, refused.describe()
    assert _errors(refused)[0] == (
        "deep.yaml:66:129: error[too-deep] " + "parcel" + ".a" * 63 + ": "
        "the data is nested deeper than 64 levels"
    )
    assert "raise the limit with --max-depth" in _hints(refused)[0]
    raised = run_cli(["check", "deep.yaml", "--max-depth", "100"], cwd=tmp_path)
    assert _errors(raised) == [
        "deep.yaml:3:3: error[extra_forbidden] parcel.a: Extra inputs "
        "are not permitted (got a mapping)"
    ], raised.describe()


def test_too_long_and_too_many_nodes_name_their_flags(tmp_path: Path, run_cli: Run) -> None:
    (tmp_path / "long.yaml").write_text(
        HEAD + "parcel:\n  name: " + "某" * 100_001 + "\n", encoding="utf-8"
    )
    long = run_cli(["check", "long.yaml"], cwd=tmp_path)
    assert _errors(long) == [
        "long.yaml:3:9: error[too-long] parcel.name: a value is longer than 100000 characters "
        "(100001)"
    ], long.describe()
    assert _hints(long) == ["if the value is genuine, raise the limit with --max-scalar"]
    raised = run_cli(["check", "long.yaml", "--max-scalar", "200000"], cwd=tmp_path)
    assert _errors(raised)[0].startswith(
        "long.yaml:3:9: error[string_too_long] parcel.name: String should have at most 500 "
        "characters"
    ), raised.describe()

    many = run_cli(["check", str(EXAMPLES / "p2-applies.yaml"), "--max-nodes", "10"])
    assert many.exit_code == ExitCode.INPUT_ERROR, many.describe()
    assert "error[too-many-nodes]" in _errors(many)[0]
    assert "the file holds more than 10 values (nodes)" in _errors(many)[0]
    assert _hints(many) == ["if the file is genuine, raise the limit with --max-nodes"]


@pytest.mark.parametrize("flag", ["--max-bytes", "--max-depth", "--max-nodes", "--max-scalar"])
def test_a_limit_below_one_is_a_usage_error(flag: str, run_cli: Run) -> None:
    result = run_cli(["check", str(EXAMPLES / "p2-applies.yaml"), flag, "0"])
    assert result.exit_code == ExitCode.USAGE, result.describe()


def test_limits_reach_every_file_of_a_folder(tmp_path: Path, run_cli: Run) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / "f" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "f" / name).write_text(HEAD + "parcel:\n  name: " + "x" * 50 + "\n")
    result = run_cli(["check", "f", "--max-scalar", "20"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert [e.split(" ")[0] for e in _errors(result)] == ["f/a.yaml:3:9:", "f/b.yaml:3:9:"]


ONE_PASS = HEAD + (
    "parcel:\n"
    '  land_area_m2: "12,000"\n'
    "  land_tenure: grnted\n"
    "  land_tenure: granted\n"
    "  code: !!str 330282\n"
    "  nmae: 宁波某某机械有限公司\n"
    "project:\n"
    "  kind: &k technical_renovation\n"
    "  works: [new_multistory_factory]\n"
)


def test_every_problem_of_a_file_is_reported_in_one_run(tmp_path: Path, run_cli: Run) -> None:
    (tmp_path / "p.yaml").write_text(ONE_PASS, encoding="utf-8")
    result = run_cli(["check", "p.yaml"], cwd=tmp_path)
    assert result.exit_code == ExitCode.INPUT_ERROR, result.describe()
    assert result.stderr.splitlines() == [
        "p.yaml:3:17: error[value_error] parcel.land_area_m2: thousands separators are not "
        "allowed (got '12,000'); expected square metres (m²), a number above 0 such as 20000 "
        "or 1250.5",
        "    hint: write 12000",
        "p.yaml:4:16: error[literal_error] parcel.land_tenure: Input should be 'granted', "
        "'出让', 'allocated', '划拨', 'other' or '其他' (got 'grnted')",
        "    hint: did you mean 'granted'?",
        "p.yaml:5:3: error[duplicate-key] parcel.land_tenure: duplicate key 'land_tenure' "
        "(first defined at line 4, column 3)",
        "    hint: remove one of them; other YAML readers would silently keep the last",
        "p.yaml:6:9: error[tag] parcel.code: tag '!!str' is not allowed",
        "    hint: remove the tag: every value is read as text and typed by the schema",
        "p.yaml:7:3: error[extra_forbidden] parcel.nmae: Extra inputs are not permitted "
        "(got '宁波某某机械有限公司')",
        "    hint: did you mean 'name'?",
        "p.yaml:9:9: error[anchor] project.kind: anchor '&k' is not allowed",
        "    hint: write the value out in full; anchors and aliases are refused",
        "p.yaml:10:11: error[literal_error] project.works.0: Input should be "
        "'expand_production_buildings', '扩大生产性用房', "
        "'new_multistorey_factory', '新建多层厂房', "
        "'extend_multistorey_factory', '扩建多层厂房', "
        "'rebuild_multistorey_factory', '翻建多层厂房', "
        "'in_situ_rebuild_or_extension', '原地改扩建', 'other_buildings' or '其他建筑' "
        "(got 'new_multistory_factory')",
        "    hint: did you mean 'new_multistorey_factory'?",
    ], result.describe()


def test_a_refused_value_is_not_reported_twice(tmp_path: Path, run_cli: Run) -> None:
    """A tagged mapping where text belongs is one tag error, not also a string_type error."""
    text = HEAD + "parcel:\n  name: !Parcel {a: 1}\n  code: *nowhere\n"
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    result = run_cli(["check", "p.yaml"], cwd=tmp_path)
    assert [e.split(": error")[1].split("]")[0] for e in _errors(result)] == [
        "[tag",
        "[alias",
    ], result.describe()


def test_a_dropped_merge_key_does_not_also_report_missing_fields(
    tmp_path: Path, run_cli: Run
) -> None:
    text = HEAD + (
        "approvals:\n  environmental:\n    <<: {status: given}\n    document: 慈环建〔2024〕12号\n"
    )
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    result = run_cli(["check", "p.yaml"], cwd=tmp_path)
    assert _errors(result) == [
        "p.yaml:4:5: error[merge-key] approvals.environmental.<<: the merge key '<<' is not allowed"
    ], result.describe()


def test_syntax_errors_stop_at_the_first_and_suggest_quotes(tmp_path: Path, run_cli: Run) -> None:
    (tmp_path / "p.yaml").write_text(HEAD + "parcel:\n  name: 某某: 分厂\n", encoding="utf-8")
    result = run_cli(["check", "p.yaml"], cwd=tmp_path)
    assert _errors(result) == [
        "p.yaml:3:11: error[syntax] mapping values are not allowed in this context"
    ], result.describe()
    assert _hints(result) == [
        "if the value is text containing ': ', ' #', or starting with '[', '{', '@', '`', '&', "
        "'*' or '!', put it in quotes"
    ]
