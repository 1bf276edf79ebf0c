"""Findings (located `Problem`s) and rule-test results as text, JSON, GitHub annotations, JUnit
XML and SARIF 2.1.0: one function per format, so `validate`, `test` and `check` share them.

Every format carries the real file, line and column from the YAML; a problem with line 0 (a
whole file, e.g. unreadable) has no region.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from landrules import __version__
from landrules.i18n import t
from landrules.problems import Problem

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FORMATS = ("text", "json", "github", "junit", "sarif")


def problem_line(p: Problem) -> str:
    """`file:line:col: severity[id] message`, the hint on an indented line below."""
    head = f"{p.path}:{p.line}:{p.col}: {t(f'severity.{p.severity}')}[{p.code}] {p.message}"
    return t("problem.hint", head=head, hint=p.hint) if p.hint else head


def counts(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(p.severity == "error" for p in problems)
    return errors, len(problems) - errors


def _plural(n: int, word: str) -> str:
    """`1 error`, `2 errors` (catalogue keys `findings.<word>_one` / `_many`)."""
    return t(f"findings.{word}_{'one' if n == 1 else 'many'}", n=n)


def render_text(
    problems: list[Problem], files: int | None = None, suppressed: Sequence[Problem] = ()
) -> str:
    """Each finding, then the counts; suppressed findings are only counted."""
    errors, warnings = counts(problems)
    lines = [problem_line(p) for p in problems]
    where = t("findings.in_files", files=_plural(files, "file")) if files is not None else ""
    silenced = t("findings.suppressed", n=len(suppressed)) if suppressed else ""
    lines.append(
        t(
            "findings.summary",
            errors=_plural(errors, "error"),
            warnings=_plural(warnings, "warning") + silenced,
            where=where,
        )
    )
    return "\n".join(lines) + "\n"


def render_json(
    problems: list[Problem], files: int | None = None, suppressed: Sequence[Problem] = ()
) -> str:
    errors, warnings = counts(problems)
    payload = {
        "schema_version": 1,
        "problems": [p.to_dict() for p in problems],
        "suppressed": [p.to_dict() for p in suppressed],
        "summary": {
            "files": files,
            "errors": errors,
            "warnings": warnings,
            "suppressed": len(suppressed),
        },
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(p: Problem, title: str = "landrules") -> str:
    """One GitHub Actions workflow command (::error / ::warning) with file, line and column."""
    level = {"error": "error", "note": "notice"}.get(p.severity, "warning")
    props = [f"file={_escape_property(p.path)}"]
    if p.line:
        props += [f"line={p.line}", f"col={p.col}"]
    props.append(f"title={_escape_property(f'{title} [{p.code}]')}")
    message = p.message + (f" (hint: {p.hint})" if p.hint else "")
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


def render_github(
    problems: list[Problem],
    files: int | None = None,  # noqa: ARG001
    suppressed: Sequence[Problem] = (),
) -> str:
    """Suppressed findings are not annotated; one notice counts them."""
    lines = [github_line(p) + "\n" for p in problems]
    if suppressed:
        count = t("findings.suppressed", n=len(suppressed)).lstrip(",， ")
        lines.append(f"::notice title=landrules::{_escape_data(count)}\n")
    return "".join(lines)


def _uri(path: str) -> str:
    return Path(path).as_posix()


def sarif_result(p: Problem, suppressed: bool = False) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(p.path)}}
    if p.line > 0:
        physical["region"] = {"startLine": p.line, "startColumn": max(p.col, 1)}
    result: dict[str, Any] = {
        "ruleId": p.code,
        "level": p.severity if p.severity in ("error", "note") else "warning",
        "message": {"text": p.message + (f" (hint: {p.hint})" if p.hint else "")},
        "locations": [{"physicalLocation": physical}],
    }
    if suppressed:
        justification = t("findings.suppressed_by", code=p.code)
        result["suppressions"] = [{"kind": "inSource", "justification": justification}]
    return result


def _rules_for(codes: Iterable[str]) -> list[dict[str, Any]]:
    """SARIF rule descriptors: each validate check's docstring, or just the code."""
    from landrules.checks import CHECKS

    rules = []
    for code in sorted(set(codes)):
        module = CHECKS.get(code)
        doc = (module.__doc__ or "").strip() if module is not None else ""
        first = doc.split("\n\n")[0].replace("\n", " ") if doc else code
        descriptor: dict[str, Any] = {"id": code, "shortDescription": {"text": first}}
        if doc:
            descriptor["fullDescription"] = {"text": doc}
            descriptor["defaultConfiguration"] = {
                "level": "error" if module.SEVERITY == "error" else "warning"  # type: ignore[union-attr]
            }
        rules.append(descriptor)
    return rules


def render_sarif(
    problems: list[Problem],
    files: int | None = None,  # noqa: ARG001
    suppressed: Sequence[Problem] = (),
) -> str:
    """A SARIF 2.1.0 log with one run of landrules (validates against the OASIS schema); a
    suppressed finding is a result with an in-source suppression."""
    results = [sarif_result(p) for p in problems]
    results += [sarif_result(p, suppressed=True) for p in suppressed]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "landrules",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/landrules/",
                        "rules": _rules_for(p.code for p in [*problems, *suppressed]),
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def render_junit(
    problems: list[Problem],
    files: int | None = None,
    suite: str = "landrules validate",
    suppressed: Sequence[Problem] = (),
) -> str:
    """JUnit XML: one testcase per file that has findings, so CI test tabs list them. An error is
    a <failure>; a warning, which does not fail the run, is in the testcase's output, so the test
    tab and the exit code agree; each suppressed finding is a skipped testcase."""
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.path, []).append(p)
    root = ET.Element("testsuites", name="landrules")
    tests = max(len(by_file) + len(suppressed), 1)
    ts = ET.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(tests),
        failures=str(len({p.path for p in problems if p.severity == "error"})),
        errors="0",
        skipped=str(len(suppressed)),
    )
    if files is not None:
        props = ET.SubElement(ts, "properties")
        ET.SubElement(props, "property", name="files_checked", value=str(files))
    if not by_file and not suppressed:
        ET.SubElement(ts, "testcase", name="no findings", classname=suite)
    for path, found in by_file.items():
        case = ET.SubElement(ts, "testcase", name=path, classname=suite)
        for p in found:
            if p.severity != "error":
                continue
            failure = ET.SubElement(
                case, "failure", type=p.severity, message=f"[{p.code}] {p.message}"
            )
            failure.text = problem_line(p)
        warnings = [problem_line(p) for p in found if p.severity != "error"]
        if warnings:
            ET.SubElement(case, "system-out").text = "\n".join(warnings)
    for p in suppressed:
        case = ET.SubElement(ts, "testcase", name=f"{p.path}:{p.line}:{p.col}", classname=suite)
        skipped = ET.SubElement(case, "skipped", message=t("findings.suppressed_by", code=p.code))
        skipped.text = problem_line(p)
    root.set("tests", ts.get("tests", "0"))
    root.set("failures", ts.get("failures", "0"))
    root.set("errors", "0")
    return _xml(root)


RENDERERS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "junit": render_junit,
    "sarif": render_sarif,
}


# ---------------------------------------------------------------------------------------------
# Rule-test results


def results_data(reports: list[Any], min_coverage: float | None = None) -> dict[str, Any]:
    """`landrules test` results as plain data (the JSON format, and the source of the others)."""
    from landrules.ruletests import coverage_percent

    cases = []
    leaves = []
    for report in reports:
        for r in report.results:
            cases.append(
                {
                    "path": r.path,
                    "line": r.line,
                    "col": r.col,
                    "name": r.name,
                    "passed": r.passed,
                    "failures": r.failures,
                }
            )
        for leaf in report.leaves.values():
            leaves.append(
                {
                    "path": leaf.file,
                    "line": leaf.line,
                    "col": leaf.col,
                    "provision": leaf.provision,
                    "id": leaf.id,
                    "kind": leaf.kind,
                    "seen": {k: len(v) for k, v in leaf.seen.items()},
                    "required": list(leaf.required),
                    "not_seen": leaf.missing,
                }
            )
    passed = sum(c["passed"] for c in cases)
    percent = round(coverage_percent(reports), 1)
    return {
        "schema_version": 1,
        "packs": [
            {
                "id": r.pack.id,
                "version": r.pack.meta.version,
                "sha256": r.pack.sha256,
                "path": str(r.pack.directory / "pack.yaml"),
            }
            for r in reports
        ],
        "cases": cases,
        "problems": [p.to_dict() for r in reports for p in r.problems],
        "coverage": {
            "percent": percent,
            "seen": sum(r.coverage[0] for r in reports),
            "required": sum(r.coverage[1] for r in reports),
            "min": min_coverage,
            "meets_min": None if min_coverage is None else percent >= min_coverage,
            "conditions": leaves,
        },
        "summary": {"tests": len(cases), "passed": passed, "failed": len(cases) - passed},
    }


def coverage_problems(data: dict[str, Any]) -> list[Problem]:
    """Each leaf condition not seen with every result, as a located warning."""
    out = []
    for leaf in data["coverage"]["conditions"]:
        if leaf["not_seen"]:
            seen = t("findings.or").join(leaf["not_seen"])
            message = t("findings.never_seen", id=leaf["id"], results=seen)
            out.append(
                Problem(
                    leaf["path"], leaf["line"], leaf["col"], "coverage", message, severity="warning"
                )
            )
    return out


def gate_problems(data: dict[str, Any]) -> list[Problem]:
    """`--min-coverage` not met, as an error at the pack (each format shows it as a failure)."""
    cov = data["coverage"]
    if cov["meets_min"] is not False:
        return []
    message = t("findings.gate_below", percent=f"{cov['percent']:.1f}", min=f"{cov['min']:g}")
    return [
        Problem(pack["path"], 0, 0, "min-coverage", message, hint=t("findings.gate_hint"))
        for pack in data["packs"][:1]
    ]


def failure_problems(data: dict[str, Any]) -> list[Problem]:
    return [
        Problem(c["path"], c["line"], c["col"], "test-failed", f"{c['name']}: {f}")
        for c in data["cases"]
        for f in c["failures"]
    ]


def coverage_line(data: dict[str, Any]) -> str:
    cov = data["coverage"]
    leaves = len(cov["conditions"])
    line = t(
        "findings.coverage",
        percent=f"{cov['percent']:.1f}",
        seen=cov["seen"],
        required=cov["required"],
        leaves=leaves,
    )
    if cov["min"] is not None:
        key = "findings.below_min" if cov["percent"] < cov["min"] else "findings.meets_min"
        line += t(key, min=f"{cov['min']:g}")
    return line


def results_text(data: dict[str, Any]) -> str:
    lines = []
    for c in data["cases"]:
        mark = t("findings.pass" if c["passed"] else "findings.fail")
        lines.append(f"{mark} {c['path']}:{c['line']}: {c['name']}")
        lines.extend(f"    {f}" for f in c["failures"])
    problems = [Problem(**p) for p in data["problems"]]
    lines.extend(problem_line(p) for p in problems)
    lines.extend(problem_line(p) for p in coverage_problems(data))
    lines.append(coverage_line(data))
    s = data["summary"]
    lines.append(t("findings.tests", tests=s["tests"], passed=s["passed"], failed=s["failed"]))
    return "\n".join(lines) + "\n"


def results_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def results_github(data: dict[str, Any]) -> str:
    problems = [Problem(**p) for p in data["problems"]]
    found = problems + failure_problems(data) + gate_problems(data) + coverage_problems(data)
    return "".join(github_line(p, "landrules test") + "\n" for p in found) + (
        f"::notice title=landrules test::{_escape_data(coverage_line(data))}\n"
    )


def results_sarif(data: dict[str, Any]) -> str:
    problems = [Problem(**p) for p in data["problems"]]
    found = problems + failure_problems(data) + gate_problems(data) + coverage_problems(data)
    return render_sarif(found)


def results_junit(data: dict[str, Any]) -> str:
    """One testsuite per test file, one testcase per named case; coverage as properties. A test
    file that cannot be read is a testcase in error; `--min-coverage` is a testcase of its own,
    failed when coverage is below it."""
    root = ET.Element("testsuites", name="landrules test")
    by_file: dict[str, list[dict[str, Any]]] = {}
    for c in data["cases"]:
        by_file.setdefault(c["path"], []).append(c)
    total = failed = 0
    for path, cases in by_file.items():
        bad = sum(not c["passed"] for c in cases)
        ts = ET.SubElement(
            root,
            "testsuite",
            name=path,
            tests=str(len(cases)),
            failures=str(bad),
            errors="0",
            skipped="0",
            file=path,
        )
        props = ET.SubElement(ts, "properties")
        ET.SubElement(
            props, "property", name="coverage_percent", value=f"{data['coverage']['percent']:.1f}"
        )
        for c in cases:
            case = ET.SubElement(ts, "testcase", name=c["name"], classname=Path(path).stem)
            if c["failures"]:
                failure = ET.SubElement(case, "failure", type="failure", message=c["failures"][0])
                failure.text = "\n".join(c["failures"])
        total += len(cases)
        failed += bad
    by_path: dict[str, list[Problem]] = {}
    for p in (Problem(**p) for p in data["problems"]):
        by_path.setdefault(p.path, []).append(p)
    for path, problems in by_path.items():
        ts = ET.SubElement(
            root, "testsuite", name=path, tests="1", failures="0", errors="1", skipped="0"
        )
        case = ET.SubElement(
            ts, "testcase", name=t("findings.test_file_problem"), classname=Path(path).stem
        )
        error = ET.SubElement(case, "error", type=problems[0].code, message=problems[0].message)
        error.text = "\n".join(problem_line(p) for p in problems)
    total += len(by_path)
    cov = data["coverage"]
    if cov["min"] is not None:
        gate = gate_problems(data)
        ts = ET.SubElement(
            root,
            "testsuite",
            name="landrules test --min-coverage",
            tests="1",
            failures=str(len(gate)),
            errors="0",
            skipped="0",
        )
        name = t("findings.gate_coverage", min=f"{cov['min']:g}")
        case = ET.SubElement(ts, "testcase", name=name, classname="coverage")
        for p in gate:
            failure = ET.SubElement(case, "failure", type=p.code, message=p.message)
            failure.text = problem_line(p)
        total += 1
        failed += len(gate)
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", str(len(by_path)))
    return _xml(root)


TEST_RENDERERS = {
    "text": results_text,
    "json": results_json,
    "github": results_github,
    "junit": results_junit,
    "sarif": results_sarif,
}
