"""`ask` writes answers into a parcel file's own lines (landrules/answers.py)."""

from __future__ import annotations

import pytest

from landrules import yamlio
from landrules.answers import write_answers

FILE = """\
# a parcel: comments must stay
schema_version: "1"
parcel:  # the parcel
  code: G1  # its code
  land_supply:  # existing or newly_supplied
approvals:
  urban_rural_planning: {status: given}
# the end
"""


def _data(text: str) -> object:
    return yamlio.load_text(text, "t.yaml").data


def test_an_answer_goes_on_its_key_line_and_every_comment_stays() -> None:
    text = write_answers(
        FILE,
        {
            "parcel.land_supply": "existing",
            "parcel.land_area": "30亩",
            "approvals.environmental": {"status": "是"},
            "land_use.current": {"gbt21010": "0601"},
            "project.works": ["新建多层厂房", "其他建筑"],
        },
    )
    assert "  land_supply: existing  # existing or newly_supplied\n" in text
    for line in FILE.splitlines():
        if "#" in line and "land_supply" not in line:
            assert line in text, line
    assert _data(text) == {
        "schema_version": "1",
        "parcel": {"code": "G1", "land_supply": "existing", "land_area": "30亩"},
        "approvals": {
            "urban_rural_planning": {"status": "given"},
            "environmental": {"status": "是"},
        },
        "land_use": {"current": {"gbt21010": "0601"}},
        "project": {"works": ["新建多层厂房", "其他建筑"]},
    }
    assert '    gbt21010: "0601"' in text  # a code stays text for every YAML reader


def test_crlf_line_ends_are_kept() -> None:
    text = write_answers(FILE.replace("\n", "\r\n"), {"parcel.land_supply": "existing"})
    assert "\n" not in text.replace("\r\n", "")
    assert "  land_supply: existing  # existing or newly_supplied\r\n" in text


def test_a_flow_mapping_cannot_be_edited_by_line() -> None:
    with pytest.raises(ValueError, match="inline"):
        write_answers(FILE, {"approvals.urban_rural_planning.document": "建字第1号"})
