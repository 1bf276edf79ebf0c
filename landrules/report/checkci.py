"""`check --format github|junit|sarif`: verdicts and input errors as CI findings.

Input errors are errors. An outcome named by `--fail-on` is an error; undetermined and needs
review are warnings (something to supply or decide); applies and does not apply are notes. The
findings point at the parcel's file (and row, for registers), so CI shows them in place.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO, Any

from landrules.batch import Result, Summary
from landrules.i18n import current_lang, t
from landrules.problems import Problem
from landrules.report import findings


def outcome_problems(result: Result, fail_on: frozenset[str]) -> list[Problem]:
    if not result.ok:
        return list(result.problems)
    problems = []
    item = result.item
    details = {p["id"]: p for p in (result.verdict or {}).get("provisions", [])}
    for provision, outcome in result.outcomes.items():
        severity = (
            "error"
            if outcome in fail_on
            else "warning"
            if outcome in ("undetermined", "needs_review")
            else "note"
        )
        detail = details.get(provision, {})
        lang = current_lang()
        message = t("line.outcome", id=provision, outcome=t(f"outcome.{outcome}"))
        if detail.get("title"):
            message += t("ci.title", title=detail["title"][lang])
        if detail.get("missing_facts"):
            missing = t("tree.list_separator").join(detail["missing_facts"])
            message += t("ci.missing", missing=missing)
        reviews = [r["label"][lang] for r in detail.get("reviews", [])]
        reviews += [a[lang] for a in detail.get("ambiguities", [])]
        if reviews:
            message += t("ci.review", reviews=t("tree.separator").join(reviews))
        problems.append(
            Problem(
                item.source, item.line or 1, 1, f"{provision}-{outcome}", message, severity=severity
            )
        )
    return problems


class CiWriter:
    """Collects findings (small: one per provision per parcel) and renders them at the end."""

    def __init__(self, fmt: str, out: IO[str], fail_on: frozenset[str]) -> None:
        self.fmt, self.out, self.fail_on = fmt, out, fail_on
        self.cases: list[tuple[str, list[Problem]]] = []

    def start(self, pack: dict[str, Any]) -> None:
        self.pack = pack

    def write(self, result: Result) -> None:
        self.cases.append((result.item.label, outcome_problems(result, self.fail_on)))

    def finish(self, summary: Summary) -> None:
        problems = [p for _, found in self.cases for p in found]
        if self.fmt == "github":
            self.out.write(findings.render_github(problems))
            self.out.write(f"::notice title=landrules::{summary.line()}\n")
        elif self.fmt == "sarif":
            self.out.write(findings.render_sarif(problems))
        else:
            self.out.write(self._junit(summary))

    def _junit(self, summary: Summary) -> str:
        """One testcase per parcel; input errors and --fail-on outcomes are its failures."""
        root = ET.Element("testsuites", name="landrules")
        failed = sum(any(p.severity == "error" for p in found) for _, found in self.cases)
        suite = ET.SubElement(
            root,
            "testsuite",
            name="landrules check",
            tests=str(len(self.cases)),
            failures=str(failed),
            errors="0",
            skipped="0",
        )
        for label, found in self.cases:
            case = ET.SubElement(suite, "testcase", name=label, classname="landrules check")
            for p in found:
                if p.severity == "error":
                    failure = ET.SubElement(case, "failure", type=p.code, message=p.message)
                    failure.text = findings.problem_line(p)
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(p.message for p in found)
        ET.SubElement(suite, "system-out").text = summary.line()
        root.set("tests", str(len(self.cases)))
        root.set("failures", str(failed))
        root.set("errors", "0")
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
