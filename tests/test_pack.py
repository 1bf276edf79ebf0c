"""The shipped rule pack: the law's words, byte for byte, and nothing the text does not say."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from landrules.api import load_rules
from landrules.problems import RulePackError
from landrules.rulepack import iter_conditions

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "rules" / "cixi-jingxinjian-2019-13"
SOURCE_SHA256 = "f5743d62189f15088a3d0c8bf88b01e3354423fc3e729e348d0478a8f45b0ae4"
SHARED_COPY = ROOT.parent / "shared" / "policy" / "cixi-jingxinjian-2019-13.txt"


def test_the_stored_source_is_the_reply_byte_for_byte() -> None:
    assert hashlib.sha256((PACK / "source.txt").read_bytes()).hexdigest() == SOURCE_SHA256


@pytest.mark.skipif(not SHARED_COPY.is_file(), reason="no shared/ copy beside this checkout")
def test_the_stored_source_matches_the_shared_copy() -> None:
    assert (PACK / "source.txt").read_bytes() == SHARED_COPY.read_bytes()


def test_the_cited_lines_are_clause_one_three() -> None:
    pack = load_rules(PACK)
    assert pack.clause_text.startswith("（三）支持工业企业节地挖潜。")
    assert "不再征收土地价款" in pack.clause_text
    assert "（四）" not in pack.clause_text


def test_every_condition_quote_is_verbatim_in_clause_one_three() -> None:
    pack = load_rules(PACK)
    quotes = []
    for compiled in pack.provisions:
        provision = compiled.provision
        quotes.append(provision.outcome.quote)
        for node, _loc in iter_conditions(provision.conditions, ()):
            if node.kind not in ("all", "any", "not"):
                assert node.quote, f"{node.id} has no quote"
            if node.quote is not None:
                quotes.append(node.quote)
    assert len(quotes) >= 15
    for quote in quotes:
        assert quote
        assert quote in pack.clause_text, quote


def test_review_triggers_are_not_presented_as_the_text() -> None:
    pack = load_rules(PACK)
    for compiled in pack.provisions:
        for review in compiled.provision.reviews:
            assert "not a condition of the text" in review.explanation.en
            assert "非原文条件" in review.explanation.zh
            for node, _loc in iter_conditions(review.when, ()):
                assert node.quote is None, f"{node.id} quotes the text but is not from it"


def test_provisions_have_the_documented_outcome_kinds() -> None:
    pack = load_rules(PACK)
    kinds = {c.provision.id: c.provision.outcome.kind for c in pack.provisions}
    assert kinds == {"P1": "waiver", "P2": "waiver", "P3": "permission"}


def test_a_pack_whose_quote_is_not_in_the_source_is_refused_at_its_line(tmp_path: Path) -> None:
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    p1 = copy / "p1-existing-land-renovation.yaml"
    text = p1.read_text(encoding="utf-8")
    assert "      quote: 符合城乡规划\n" in text
    p1.write_text(text.replace("      quote: 符合城乡规划\n", "      quote: 符合城市规划\n"))
    line = text[: text.index("      quote: 符合城乡规划\n")].count("\n") + 1
    with pytest.raises(RulePackError) as caught:
        load_rules(copy)
    (problem,) = caught.value.problems
    assert problem.code == "quote-not-in-source"
    assert (problem.path, problem.line) == (str(p1), line)


def test_a_pack_naming_an_unknown_fact_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "pack"
    shutil.copytree(PACK, copy)
    p3 = copy / "p3-in-place-rebuild.yaml"
    text = p3.read_text(encoding="utf-8")
    p3.write_text(text.replace("fact: approvals.relevant_rules", "fact: approvals.relevent_rules"))
    with pytest.raises(RulePackError) as caught:
        load_rules(copy)
    assert [p.code for p in caught.value.problems] == ["unknown-fact"]
