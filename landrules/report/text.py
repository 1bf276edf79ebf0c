"""Human-readable verdicts: a tree per parcel, quotes beside every condition.

Every word comes from the message catalogues or the rule pack's own zh/en labels, so the tree
reads in one language; the quotes stay verbatim Chinese. The tree is built of
`landrules.report.tree` nodes; rich draws it only when it has colour to add.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any

from landrules.api import Verdict
from landrules.derive import DERIVATIONS, display
from landrules.evaluate import Outcome, ProvisionVerdict, Step
from landrules.facts import fact_title
from landrules.i18n import Lang, current_lang, pick, t
from landrules.logic import Tri, Unknown
from landrules.model.parcel import LandUse
from landrules.report.tree import Label, Node, ascii_only, draw_plain, plain_width

if TYPE_CHECKING:
    from rich.console import Console

_OUTCOME_STYLE = {
    Outcome.APPLIES: "bold green",
    Outcome.DOES_NOT_APPLY: "bold red",
    Outcome.UNDETERMINED: "bold yellow",
    Outcome.NEEDS_REVIEW: "bold magenta",
}
_MARK_STYLE = {Tri.TRUE: "green", Tri.FALSE: "red", Tri.UNKNOWN: "yellow"}


def make_console(file: IO[str] | None = None) -> Console:
    """rich's console as landrules draws with it. rich ends the process with exit 1 when the
    reader of a pipe leaves (`landrules check … | head`); here the BrokenPipeError is raised
    instead, so the CLI ends that run as it ends every other one whose reader left: quietly, 0."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return _Console(file=file, highlight=False, emoji=False, soft_wrap=False)


def derived_label(name: str, lang: Lang | None = None) -> str:
    """A computed quantity's name: English with the Chinese term after it, or the Chinese term."""
    d = DERIVATIONS[name]
    return d.zh if (lang or current_lang()) == "zh" else f"{d.en} ({d.zh})"


def fact_label(name: str, lang: Lang | None = None) -> str:
    lang = lang or current_lang()
    if name in DERIVATIONS:
        return derived_label(name, lang)
    title = fact_title(name)
    if not title:
        return name
    return f"{name}（{title}）" if lang == "zh" else f"{name} ({title})"


_WORDS = ("industrial", "non_industrial")
"""Values the engine computes itself (not parcel data), shown in the reader's language."""


def show_value(value: Any, name: str, lang: Lang | None = None) -> str:
    """`display` in the reader's language: yes/no and computed land-use classes are words."""
    if isinstance(value, bool):
        return t("value.yes" if value else "value.no", lang)
    if name in DERIVATIONS and isinstance(value, str) and value in _WORDS:
        return t(f"value.{value}", lang)
    if isinstance(value, (str, list)) and (lang or current_lang()) == "zh":
        words = enum_words(name, value)
        if words is not None:
            return t("tree.list_separator", lang).join(words)
    shown = display(value, name)
    if isinstance(value, LandUse) and value.ydyh is not None:  # the classification's name
        shown = shown.replace(f"用地用海 {value.ydyh}", f"{t('value.ydyh', lang)} {value.ydyh}", 1)
    return shown


def enum_words(name: str, value: str | list[Any]) -> list[str] | None:
    """An enumerated fact's stored value(s) as the Chinese words of the one table of words
    (`newly_supplied` → 新增工业用地); None when `name` is not an enumerated fact."""
    from landrules.explain import fact_kind, literal_values
    from landrules.model.words import WORDS, shown_word

    kind = fact_kind(name)
    values = list(WORDS["approval_status"]) if kind == "approval" else literal_values(name)
    items = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) for v in items):
        return None
    return [shown_word(v, values, "zh") for v in items]


def _facts_text(step: Step, lang: Lang) -> str:
    """The values a condition read; for a computed figure, the figure (its inputs are in JSON)."""
    facts = step.facts
    derived = [(n, v) for n, v in facts if n in DERIVATIONS]
    if derived and not any(n.endswith("_use_class") for n, _ in derived):
        facts = tuple(derived)
    shown = [f"{name} = {show_value(value, name, lang)}" for name, value in facts]
    shown += [t("tree.not_given", lang, name=name) for name in step.missing]
    shown += [t("tree.ambiguous", lang, text=pick(a, lang)) for a in step.ambiguities]
    return t("tree.separator", lang).join(shown)


def _step_node(parent: Node, step: Step, lang: Lang) -> None:
    cond = step.condition
    line = Label()
    line.append(step.result.mark, style=_MARK_STYLE[step.result])
    line.append(f" {pick(cond.label, lang)}")
    if cond.quote:
        line.append(f" 「{cond.quote}」", style="cyan")
    facts = _facts_text(step, lang) if not step.children else ""
    if facts:
        line.append(f"  [{facts}]", style="dim")
    node = parent.add(line)
    for child in step.children:
        _step_node(node, child, lang)


def _worth_showing(name: str, value: Any) -> bool:
    """Informative-only figures are left out when the parcel gives nothing to compute them from."""
    return DERIVATIONS[name].decides or not (
        isinstance(value, Unknown) and "buildings" in value.missing
    )


def quantity_line(name: str, value: Any, lang: Lang | None = None) -> str:
    """`label: value`, or what the figure still needs."""
    label = derived_label(name, lang)
    if isinstance(value, Unknown):
        missing = t("tree.list_separator", lang).join(value.missing)
        return t("tree.not_computed", lang, label=label, missing=missing)
    return t("tree.quantity", lang, label=label, value=show_value(value, name, lang))


def outcome_word(outcome: Outcome, lang: Lang | None = None) -> str:
    """The outcome in the reader's language (`APPLIES` in English, as a heading)."""
    word = t(f"outcome.{outcome.value}", lang)
    return word.upper() if (lang or current_lang()) == "en" else word


def provision_tree(parent: Node, pv: ProvisionVerdict, lang: Lang | None = None) -> None:
    lang = lang or current_lang()
    p = pv.provision
    head = Label()
    head.append(f"{p.id} ", style="bold")
    head.append(outcome_word(pv.outcome, lang), style=_OUTCOME_STYLE[pv.outcome])
    if pv.caveat is not None:  # on the outcome's own line, not in a footer
        head.append(t("tree.caveat", lang, text=pick(pv.caveat, lang)), style="yellow")
    head.append(t("tree.title", lang, title=pick(p.title, lang)))
    node = parent.add(head)
    kind = t(f"kind.{p.outcome.kind}", lang)
    key = "tree.effect" if pv.outcome is Outcome.APPLIES else "tree.effect_if_applied"
    node.add(
        Label(t(key, lang, kind=kind, label=pick(p.outcome.label, lang), quote=p.outcome.quote))
    )
    if pv.version is not None:
        node.add(Label(pick(pv.version, lang), style="dim"))
    conditions = node.add(
        Label(t("tree.conditions", lang, document=p.citation.document, clause=p.citation.clause))
    )
    for child in pv.root.children:
        _step_node(conditions, child, lang)
    if pv.quantities or pv.covered:
        q_node = node.add(Label(t("tree.quantities", lang)))
        # the area concerned only where it applies, or marked "if it applies" (needs review)
        shown = pv.covered is not None and pv.quantity_shown
        suffix = "" if pv.outcome is Outcome.APPLIES else "_if_it_applies"
        covered_name = pv.covered.name if pv.covered and shown else None
        named: set[str] = set()  # facts an earlier "not computed" line already asks for
        for q in pv.quantities:
            if isinstance(q.value, Unknown) and set(q.value.missing) <= named:
                continue  # it would only repeat what the lines above need
            if _worth_showing(q.name, q.value):
                if isinstance(q.value, Unknown):
                    named.update(q.value.missing)
                line = quantity_line(q.name, q.value, lang)
                if q.name == covered_name:
                    line += t(f"tree.covered_mark{suffix}", lang, kind=kind)
                q_node.add(Label(line))
        if pv.covered and shown and covered_name not in {q.name for q in pv.quantities}:
            covered = quantity_line(pv.covered.name, pv.covered.value, lang)
            q_node.add(Label(t(f"tree.covered{suffix}", lang, kind=kind, line=covered)))
    if pv.outcome is Outcome.UNDETERMINED:
        todo = node.add(Label(t("tree.missing_facts", lang), style="yellow"))
        for name in pv.missing:
            todo.add(Label(fact_label(name, lang)))
    for amb in pv.ambiguities:
        node.add(Label(t("tree.needs_review", lang, text=pick(amb, lang)), style="magenta"))
    for finding in pv.triggered:
        node.add(
            Label(
                t(
                    "tree.review_triggered",
                    lang,
                    label=pick(finding.review.label, lang),
                    explanation=pick(finding.review.explanation, lang),
                ),
                style="magenta",
            )
        )
    for finding in pv.pending:
        missing = t("tree.list_separator", lang).join(finding.step.missing)
        node.add(
            Label(
                t(
                    "tree.review_pending",
                    lang,
                    missing=missing,
                    label=pick(finding.review.label, lang),
                ),
                style="dim",
            )
        )
    for advisory in p.advisories:
        node.add(Label(t("tree.advisory", lang, text=pick(advisory.text, lang)), style="dim"))


def verdict_tree(verdict: Verdict, lang: Lang | None = None) -> Node:
    lang = lang or current_lang()
    identity = verdict.parcel.parcel
    title = Label(verdict.source, style="bold")
    if identity is not None:
        named = " ".join(
            x for x in (identity.name, f"({identity.code})" if identity.code else "") if x
        )
        if named:
            title.append(f" — {named}")
    tree = Node(title)
    meta = verdict.pack.meta
    pack = t("tree.rule_pack", lang, id=meta.id, version=meta.version, sha=verdict.pack.sha256[:12])
    tree.add(Label(pack, style="dim"))
    for pv in verdict.provisions:
        provision_tree(tree, pv, lang)
        from landrules.report.explained import add_to_tree  # what is needed / would change it

        add_to_tree(tree.children[-1], verdict, pv, lang)
    citation = meta.citation
    tree.add(
        Label(
            t(
                "tree.quotes_source",
                lang,
                document=citation.document,
                clause=citation.clause,
                describes=citation.describes,
            ),
            style="dim",
        )
    )
    return tree


def print_verdicts(verdicts: list[Verdict], console: Console, lang: Lang | None = None) -> None:
    for verdict in verdicts:
        console.print(verdict_tree(verdict, lang))


def write_verdicts(verdicts: list[Verdict], file: IO[str], lang: Lang | None = None) -> None:
    """What `print_verdicts` on `make_console(file)` writes, byte for byte; rich's console is
    loaded only if the output is a terminal or colour is forced (see `report.tree`)."""
    width = plain_width(file)
    ascii_guides = ascii_only(file)
    console: Console | None = None
    for verdict in verdicts:
        tree = verdict_tree(verdict, lang)
        drawn = draw_plain(tree, width, ascii_guides=ascii_guides) if width is not None else None
        if drawn is None:
            console = console or make_console(file)
            console.print(tree)
        else:
            file.write(drawn)
            file.flush()
