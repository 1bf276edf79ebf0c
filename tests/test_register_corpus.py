"""The same 300-row township register in every form an office has gives the same verdicts.

tests/corpus/registers/ holds one register written by the tools people use (Excel's and WPS's CSV
bytes, Excel's Unicode text, openpyxl, xlwt, odfpy, GDAL through pyogrio; see
scripts/make_register_corpus.py). Each file is checked as a user checks it, `landrules check FILE
--format jsonl -o OUT`, and must give: 300 verdicts, each the verdict of the YAML example the row
was made from; its expected input errors; and exactly its expected notices (expected.yaml) — so
every accepted Excel format, skipped row and combined header is named, and nothing else is.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, invoke_cli

from landrules.api import load_rules
from landrules.batch import Item, evaluate_item

CORPUS = ROOT / "tests" / "corpus" / "registers"
EXPECTED: dict[str, Any] = yaml.safe_load((CORPUS / "expected.yaml").read_text("utf-8"))
ROWS: dict[str, str] = json.loads((CORPUS / "rows.json").read_text("utf-8"))

Verdict = dict[str, tuple[str, Decimal | None]]


def _covered(provision: dict[str, Any]) -> Decimal | None:
    covers = provision["covers"]
    value = covers["value"] if covers else None
    return Decimal(value) if isinstance(value, str) else None


def _verdict(record: dict[str, Any]) -> Verdict:
    return {p["id"]: (p["outcome"], _covered(p)) for p in record["provisions"]}


@cache
def of_example(name: str) -> Verdict:
    """The verdict of examples/NAME, read as a parcel file."""
    result = evaluate_item(load_rules(), Item(str(ROOT / "examples" / name)))
    assert result.verdict is not None, [p.render() for p in result.problems]
    return _verdict(result.verdict)


def test_the_corpus_has_every_form_and_every_form_is_expected() -> None:
    forms = {p.name for p in CORPUS.iterdir() if p.suffix not in (".json", ".yaml", ".cpg")}
    forms -= {p.name for p in CORPUS.iterdir() if p.suffix in (".dbf", ".shx", ".prj")}
    assert forms == set(EXPECTED), "each register form in the corpus has its expectations"
    assert len(ROWS) == 300


@pytest.mark.parametrize("form", sorted(EXPECTED))
def test_a_form_gives_the_verdicts_of_the_parcel_files(form: str, tmp_path: Path) -> None:
    expected = EXPECTED[form]
    out = tmp_path / "out.jsonl"
    args = ["check", f"tests/corpus/registers/{form}", "--format", "jsonl", "-o", str(out)]
    args += expected.get("args", [])
    result = invoke_cli(args)
    assert result.exit_code == (3 if expected["input_errors"] else 0), result.describe()
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    verdicts = [r for r in records if r.get("provisions")]
    assert len(verdicts) == expected["parcels"], result.describe()
    codes = [r["parcel"]["code"] for r in verdicts]
    assert len(set(codes)) == len(codes), "no row read twice"
    for record in verdicts:
        code = record["parcel"]["code"]
        assert _verdict(record) == of_example(ROWS[code]), f"{form}: {code} ({ROWS[code]})"
    prefix = f"tests/corpus/registers/{form}:"
    notices = [
        line.removeprefix(prefix) for line in result.stderr.splitlines() if "warning[" in line
    ]
    assert notices == expected["notices"], result.describe()
