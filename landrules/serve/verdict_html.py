"""One provision's verdict as an HTML fragment, for the applicant's page.

The page shows a verdict as soon as the facts are filled in, one provision at a time, with the
reasoning open: every condition with its quote and the values it read (the same evidence the text
tree shows), the reviews, what is still needed and what would change it, and the advisories. The
register report draws its reasoning in the browser from compact data instead, so this fragment is
the page's own.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from landrules.i18n import Lang, t
from landrules.report.html import _MARK  # the report's marks: ✓ holds, ✗ fails, ? unknown

if TYPE_CHECKING:
    from landrules.api import Verdict
    from landrules.evaluate import ProvisionVerdict, Step


def _step_html(step: Step, lang: Lang) -> str:
    cond = step.condition
    quote = f' <q class="quote">「{escape(cond.quote)}」</q>' if cond.quote else ""
    facts = ""
    if not step.children:
        from landrules.report.text import _facts_text  # the same evidence the text tree shows

        shown = _facts_text(step, lang)
        facts = f' <span class="facts">[{escape(shown)}]</span>' if shown else ""
    children = "".join(_step_html(c, lang) for c in step.children)
    inner = f"<ul>{children}</ul>" if children else ""
    return (
        f'<li class="r-{step.result.value}"><span class="mark">{_MARK[step.result]}</span> '
        f"{escape(str(getattr(cond.label, lang)))}{quote}{facts}{inner}</li>"
    )


def provision_html(verdict: Verdict, pv: ProvisionVerdict, lang: Lang) -> str:
    """The provision's outcome, its text, its conditions as a tree, its reviews, explanations
    and advisories; every string escaped."""
    from landrules.report.explained import sections

    p = pv.provision
    outcome = pv.outcome.value
    caveat = t("tree.caveat", lang, text=getattr(pv.caveat, lang)) if pv.caveat else ""
    parts = [
        f'<details open><summary><b>{escape(p.id)}</b> <span class="o-{outcome}">'
        f"{escape(t(f'outcome.{outcome}', lang))}</span>{escape(caveat)} — "
        f"{escape(str(getattr(p.title, lang)))}</summary>",
        f'<p>{escape(str(getattr(p.outcome.label, lang)))} <q class="quote">「'
        f"{escape(p.outcome.quote)}」</q></p>",
        f"<p>{escape(t('report.conditions', lang))}</p>",
        f'<ul class="tree">{"".join(_step_html(c, lang) for c in pv.root.children)}</ul>',
    ]
    for amb in pv.ambiguities:
        parts.append(f"<p>{escape(t('report.review', lang, text=getattr(amb, lang)))}</p>")
    for finding in pv.triggered:
        text = f"{getattr(finding.review.label, lang)}: {getattr(finding.review.explanation, lang)}"
        parts.append(f"<p>{escape(t('report.review', lang, text=text))}</p>")
    for section in sections(verdict, pv, lang):
        items = "".join(f"<li>{escape(line)}</li>" for line in section.lines)
        parts.append(f'<div class="explain"><p>{escape(section.title)}</p><ul>{items}</ul></div>')
    for advisory in p.advisories:
        text = t("report.advisory", lang, text=getattr(advisory.text, lang))
        parts.append(f'<p class="dim">{escape(text)}</p>')
    parts.append("</details>")
    return "".join(parts)
