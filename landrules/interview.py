"""`landrules ask`: an interview that asks only what is still needed, most decisive first.

Each round re-checks the parcel, ranks the missing facts (`explain.rank_missing`) and asks the
first one whose answer alone can change some outcome (or, when none can alone, the first one
still needed); it stops as soon as every provision is decided, or when nothing is left to ask.
Answers are written into the parcel data exactly as a person would type them in the file, and
validated by the parcel model, so the written file is the one that was judged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from landrules.evaluate import Outcome
from landrules.explain import condition_for, fact_kind, fact_words, literal_values, rank_missing
from landrules.i18n import Lang, t

if TYPE_CHECKING:
    from landrules.api import Verdict
    from landrules.rulepack import RulePack

Ask = Callable[[str], str]
Say = Callable[[str], None]


WRITTEN_AS = {"new_land.plot_ratio_indicator": "new_land.plot_ratio_requirement"}
"""A question whose answer may be written as the documents write it: the plot-ratio indicator
question takes `≥1.2` or `1.2-2.0`, kept in the requirement field it belongs in."""


def allowed_answers(fact: str, lang: Lang) -> str:
    """The answers a question accepts, as the question shows them (in Chinese, the Chinese
    words of the one table of words; the English words and the other spellings are accepted)."""
    from landrules.model.words import WORDS, YES_NO, shown_word

    if fact in WRITTEN_AS:
        return t("ask.plot_ratio", lang)
    kind = fact_kind(fact)
    if kind == "approval":
        return ", ".join(shown_word(v, list(WORDS["approval_status"]), lang) for v in _APPROVAL)
    if kind in ("enum", "list"):
        values = literal_values(fact)
        return ", ".join(shown_word(v, values, lang) for v in values)
    if kind == "yes_no":
        return ", ".join(YES_NO[b][0] for b in (True, False)) if lang == "zh" else "yes, no"
    if kind == "land_use":
        return t("ask.land_use", lang)
    if kind == "date":
        return t("ask.date", lang)
    return t("ask.number", lang)


_APPROVAL = ("given", "refused")
"""The approval answers a question offers (not_stated is accepted too, never offered)."""


def _choice(fact: str, answer: str, lang: Lang | None = None) -> str:
    """A number typed for an enumerated answer picks that entry of the list shown, written as
    shown (in Chinese, the Chinese word)."""
    from landrules.model.words import WORDS, shown_word

    kind = fact_kind(fact)
    options = (
        list(_APPROVAL)
        if kind == "approval"
        else ["yes", "no"]
        if kind == "yes_no"
        else literal_values(fact)
    )
    if answer.isdigit() and options and 1 <= int(answer) <= len(options):
        chosen = options[int(answer) - 1]
        if lang != "zh":
            return chosen
        if kind == "yes_no":
            return allowed_answers(fact, lang).split(", ")[int(answer) - 1]
        values = list(WORDS["approval_status"]) if kind == "approval" else options
        return shown_word(chosen, values, lang)
    return answer


def yaml_value(fact: str, answer: str, lang: Lang | None = None) -> Any:
    """The answer as it is written in a parcel file (`lang`: the words of a numbered choice)."""
    kind = fact_kind(fact)
    if kind in ("approval", "enum", "list", "yes_no"):
        answer = _choice(fact, answer, lang)
    if kind == "approval":
        return {"status": answer}
    if kind == "list":
        return [a.strip() for a in re.split(r"[,，、]", answer) if a.strip()]
    if kind == "land_use":
        return {"gbt21010": answer} if answer.isdigit() else {"planning_class": answer}
    return answer


def answer_fact(fact: str, answer: str) -> str:
    """The fact an answer is written to, as `check` would read what was typed: an area with its
    unit for the land area in m² (`30亩`, `2公顷`) is the land area with its unit
    (`land_area: 30亩`); a plot-ratio requirement as the announcement writes it (`≥1.2`,
    `1.2-2.0`, `≤2.0`) goes in its own field, where the parcel model reads it (or refuses it with
    the accepted forms); a bare number answers the question asked."""
    from landrules.model.types import NumberTextError, area_unit, parse_plain_decimal

    if fact == "parcel.land_area_m2":
        match = re.fullmatch(r"\s*[0-9][0-9.]*\s*(\S+?)\s*", answer)
        if match is not None and area_unit(match.group(1)) is not None:
            return "parcel.land_area"
        return fact
    target = WRITTEN_AS.get(fact)
    if target is None:
        return fact
    try:
        parse_plain_decimal(answer)
    except NumberTextError:
        return target
    return fact


def set_fact(data: dict[str, Any], fact: str, value: Any) -> None:
    *parents, last = fact.split(".")
    node = data
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[last] = value


def next_question(verdict: Verdict, asked: list[str]) -> str | None:
    """The first-ranked fact not yet asked whose answer alone can change an outcome; failing
    that, the first-ranked one still named missing (some facts decide only together, such as
    the four floor areas behind a plot ratio: each is needed, none is enough alone)."""
    ranks = [r for r in rank_missing(verdict) if r.fact not in asked]
    alone = [r for r in ranks if r.can_change_an_outcome]
    chosen = alone or ranks
    return chosen[0].fact if chosen else None


@dataclass(slots=True)
class Interview:
    """One interview over parcel data (plain dicts and text, as read from a parcel file)."""

    pack: RulePack
    data: dict[str, Any]
    lang: Lang
    ask: Ask
    say: Say
    source: str = "<interview>"
    asked: list[str] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    """Each accepted answer by the fact it was written to, as written (for `answers.py`)."""

    def verdict(self) -> Verdict:
        from landrules.api import check_parcel
        from landrules.model.parcel import Parcel

        return check_parcel(self.pack, Parcel.model_validate(self.data), self.source)

    def run(self) -> Verdict:
        """Ask until every provision is decided or no answer could decide one; the final verdict."""
        self.say(t("ask.intro", self.lang))
        while True:
            verdict = self.verdict()
            if all(pv.outcome is not Outcome.UNDETERMINED for pv in verdict.provisions):
                self.say(t("ask.settled", self.lang))
                return verdict
            fact = next_question(verdict, self.asked)
            if fact is None:
                self.say(t("ask.unsettled", self.lang))
                return verdict
            self._question(verdict, fact)

    def _question(self, verdict: Verdict, fact: str) -> None:
        from pydantic import ValidationError

        self.asked.append(fact)
        lang = self.lang
        self.say("")
        self.say(t("ask.question", lang, n=len(self.asked), fact=fact_words(fact, lang)))
        cond = condition_for(verdict, fact)
        if cond is not None:
            self.say("  " + t("ask.condition", lang, label=getattr(cond.label, lang)))
            if cond.quote:
                self.say("  " + t("ask.quote", lang, quote=cond.quote))
        self.say("  " + t("ask.allowed", lang, values=allowed_answers(fact, lang)))
        while True:
            answer = self.ask(t("ask.prompt", lang)).strip()
            if not answer:
                return  # skipped: the fact stays unknown and is not asked again
            trial = _copy(self.data)
            target = answer_fact(fact, answer)
            value = yaml_value(fact, answer, lang)
            set_fact(trial, target, value)
            try:
                from landrules.model.parcel import Parcel

                Parcel.model_validate(trial)
            except ValidationError as err:
                from landrules.yamlio import error_hint, error_message

                first = err.errors()[0]
                message = error_message(first, tuple(first["loc"]))  # in the reader's language
                self.say("  " + t("ask.invalid", lang, error=message))
                hint = error_hint(first)  # the same hint `check` gives
                if hint:
                    self.say("  " + t("ask.hint", lang, hint=hint))
                continue
            self.data = trial
            self.answers[target] = value
            return


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


def dump(data: dict[str, Any]) -> str:
    """Parcel data as YAML text; codes and numbers stay quoted text (`0601` is never a number)."""
    import yaml

    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return "# written by `landrules ask`\n" + body
