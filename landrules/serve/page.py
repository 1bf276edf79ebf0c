"""The applicant's page: one server-rendered HTML document (Jinja2, autoescaped) and a small
plain script served from the package (no CDN, no build step, nothing inline: the page's CSP
allows scripts and styles from this server only)."""

from __future__ import annotations

from functools import cache
from typing import Any

from landrules.i18n import Lang
from landrules.serve.words import catalogue


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("landrules.serve", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render_page(lang: Lang, config: Any = None) -> str:  # noqa: ARG001 - same call as others
    texts = {k[len("page.") :]: v for k, v in catalogue(lang).items() if k.startswith("page.")}
    other: Lang = "en" if lang == "zh" else "zh"
    return str(
        _environment()
        .get_template("index.html")
        .render(lang=lang, other=other, html_lang="zh-CN" if lang == "zh" else "en", t=texts)
    )
