"""Human-readable verdicts: a rich tree per parcel, quotes beside every condition."""

from __future__ import annotations

from typing import IO, Any

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from landrules.api import Verdict
from landrules.derive import DERIVATIONS, display
from landrules.evaluate import Outcome, ProvisionVerdict, Step
from landrules.facts import fact_title
from landrules.logic import Tri, Unknown

_OUTCOME_STYLE = {
    Outcome.APPLIES: "bold green",
    Outcome.DOES_NOT_APPLY: "bold red",
    Outcome.UNDETERMINED: "bold yellow",
    Outcome.NEEDS_REVIEW: "bold magenta",
}
_MARK_STYLE = {Tri.TRUE: "green", Tri.FALSE: "red", Tri.UNKNOWN: "yellow"}


def make_console(file: IO[str] | None = None) -> Console:
    return Console(file=file, highlight=False, emoji=False, soft_wrap=False)


def fact_label(name: str) -> str:
    if name in DERIVATIONS:
        d = DERIVATIONS[name]
        return f"{d.en} ({d.zh})"
    title = fact_title(name)
    return f"{name} ({title})" if title else name


def _facts_text(step: Step) -> str:
    """The values a condition read; for a computed figure, the figure (its inputs are in JSON)."""
    facts = step.facts
    derived = [(n, v) for n, v in facts if n in DERIVATIONS]
    if derived and not any(n.endswith("_use_class") for n, _ in derived):
        facts = tuple(derived)
    shown = [f"{name} = {display(value, name)}" for name, value in facts]
    shown += [f"{name} not given" for name in step.missing]
    shown += [f"ambiguous: {a.en}" for a in step.ambiguities]
    return "; ".join(shown)


def _step_node(parent: Tree, step: Step) -> None:
    cond = step.condition
    line = Text()
    line.append(step.result.mark, style=_MARK_STYLE[step.result])
    line.append(f" {cond.label.en}")
    if cond.quote:
        line.append(f" 「{cond.quote}」", style="cyan")
    facts = _facts_text(step) if not step.children else ""
    if facts:
        line.append(f"  [{facts}]", style="dim")
    node = parent.add(line)
    for child in step.children:
        _step_node(node, child)


def _worth_showing(name: str, value: Any) -> bool:
    """Informative-only figures are left out when the parcel gives nothing to compute them from."""
    return DERIVATIONS[name].decides or not (
        isinstance(value, Unknown) and "buildings" in value.missing
    )


def _quantity_line(name: str, value: Any) -> str:
    d = DERIVATIONS[name]
    if isinstance(value, Unknown):
        return f"{d.en} ({d.zh}): not computed — needs {', '.join(value.missing)}"
    return f"{d.en} ({d.zh}): {display(value, name)}"


def provision_tree(parent: Tree, pv: ProvisionVerdict) -> None:
    p = pv.provision
    head = Text()
    head.append(f"{p.id} ", style="bold")
    head.append(pv.outcome.text.upper(), style=_OUTCOME_STYLE[pv.outcome])
    head.append(f" — {p.title.en}")
    node = parent.add(head)
    effect = Text(f"{p.outcome.kind}: {p.outcome.label.en} 「{p.outcome.quote}」")
    if pv.outcome is not Outcome.APPLIES:
        effect = Text(f"{p.outcome.kind} if it applied: {p.outcome.label.en} 「{p.outcome.quote}」")
    node.add(effect)
    if pv.version is not None:
        node.add(Text(pv.version.en, style="dim"))
    conditions = node.add(Text(f"conditions ({p.citation.document} {p.citation.clause})"))
    for child in pv.root.children:
        _step_node(conditions, child)
    if pv.quantities or pv.covered:
        q_node = node.add(Text("quantities (landrules' computation; the text sets no formula)"))
        covered_name = pv.covered.name if pv.covered else None
        for q in pv.quantities:
            if _worth_showing(q.name, q.value):
                line = _quantity_line(q.name, q.value)
                if q.name == covered_name:
                    line += f"  ← the area the {p.outcome.kind} concerns"
                q_node.add(Text(line))
        if pv.covered and covered_name not in {q.name for q in pv.quantities}:
            covered = _quantity_line(pv.covered.name, pv.covered.value)
            q_node.add(Text(f"the area the {p.outcome.kind} concerns: {covered}"))
    if pv.outcome is Outcome.UNDETERMINED:
        todo = node.add(Text("missing facts (supply these to settle it)", style="yellow"))
        for name in pv.missing:
            todo.add(Text(fact_label(name)))
    for amb in pv.ambiguities:
        node.add(Text(f"needs review: {amb.en}", style="magenta"))
    for finding in pv.triggered:
        node.add(
            Text(
                f"needs review — {finding.review.label.en}: {finding.review.explanation.en}",
                style="magenta",
            )
        )
    for finding in pv.pending:
        missing = ", ".join(finding.step.missing)
        node.add(
            Text(
                f"not checked ({missing} not given): would need review if "
                f"{finding.review.label.en}",
                style="dim",
            )
        )
    for advisory in p.advisories:
        node.add(Text(f"advisory (not from the text): {advisory.text.en}", style="dim"))


def verdict_tree(verdict: Verdict) -> Tree:
    identity = verdict.parcel.parcel
    title = Text(verdict.source, style="bold")
    if identity is not None:
        named = " ".join(
            x for x in (identity.name, f"({identity.code})" if identity.code else "") if x
        )
        if named:
            title.append(f" — {named}")
    tree = Tree(title)
    meta = verdict.pack.meta
    tree.add(
        Text(f"rule pack {meta.id} {meta.version} (sha256 {verdict.pack.sha256[:12]})", style="dim")
    )
    for pv in verdict.provisions:
        provision_tree(tree, pv)
    tree.add(
        Text(
            f"quotes are from {meta.citation.document} {meta.citation.clause}, which describes "
            f"{meta.citation.describes}; they are not the words of {meta.citation.describes}, and "
            f"whether it is still in force is not checked",
            style="dim",
        )
    )
    return tree


def print_verdicts(verdicts: list[Verdict], console: Console) -> None:
    for verdict in verdicts:
        console.print(verdict_tree(verdict))
