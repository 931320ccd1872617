r"""Output of ``campaign-lint test``: text for people, JUnit XML for CI.

Text: one ``PASS path::name`` or ``FAIL path::name`` line per case, a failed
case followed by its diff (``- missing:`` expectations, ``+ unexpected:``
findings, then the pairs that did match, for context), and a last line
``N passed, M failed``.

Paths, case names, messages and the other values come from the repository:
both formats show them through ``core.display.shown`` (control characters
as ``\x1b``, never written).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from campaign_lint.cli.reporters.junit import classname
from campaign_lint.cli.reporters.junit import xml_text as _clean
from campaign_lint.core.display import shown
from campaign_lint.lint.policytests import Actual, CaseResult, SuiteResult
from campaign_lint.schemas.policytest import Expectation

FORMATS = ("text", "junit")


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def describe_expected(expected: Expectation) -> str:
    """``TIM001 review.yaml:9``, ``TIM001 line 9``, or just ``TIM001``, plus the message part."""
    where = expected.file or ""
    if expected.line is not None:
        where += f":{expected.line}" if where else f"line {expected.line}"
        if expected.column is not None:
            where += f":{expected.column}"
    elif expected.column is not None:
        where += f"{', ' if where else ''}column {expected.column}"
    text = f"{expected.rule} {where}".rstrip()
    return f'{text} (message contains "{expected.message}")' if expected.message else text


def describe_actual(actual: Actual) -> str:
    """``CON001 review.yaml:25: <message>``."""
    return f"{actual.rule} {actual.file}:{actual.line}: {actual.message}"


def diff_lines(case: CaseResult) -> list[str]:
    """What differs between expected and actual findings, then what matched."""
    lines = [f"- missing: {describe_expected(expected)}" for expected in case.missing]
    lines += [f"+ unexpected: {describe_actual(actual)}" for actual in case.unexpected]
    lines += [f"  matched: {actual.rule} {actual.file}:{actual.line}" for _, actual in case.matched]
    return lines


def _summary(results: Sequence[SuiteResult]) -> tuple[int, int]:
    failed = sum(suite.failures for suite in results)
    total = sum(len(suite.cases) for suite in results)
    return total - failed, failed


def render_text(results: Sequence[SuiteResult], *, color: bool = False) -> str:
    """One line per case, the diff of each failed case, and ``N passed, M failed``."""
    out: list[str] = []
    for suite in results:
        for case in suite.cases:
            status = _paint("PASS", "32", color) if case.passed else _paint("FAIL", "1;31", color)
            out.append(f"{status} {shown(suite.path)}::{shown(case.name)}")
            if not case.passed:
                out.extend(f"    {shown(line)}" for line in diff_lines(case))
    passed, failed = _summary(results)
    out.append("")
    out.append(_paint(f"{passed} passed, {failed} failed", "1;31" if failed else "1;32", color))
    return "\n".join(out) + "\n"


def _failure_message(case: CaseResult) -> str:
    parts = []
    if case.missing:
        parts.append(f"{len(case.missing)} expected finding(s) missing")
    if case.unexpected:
        parts.append(f"{len(case.unexpected)} unexpected finding(s)")
    return ", ".join(parts)


def render_junit(results: Sequence[SuiteResult]) -> str:
    """JUnit XML: one ``<testsuite>`` per test file, one ``<testcase>`` per case."""
    passed, failed = _summary(results)
    root = ET.Element(
        "testsuites",
        name="campaign-lint test",
        tests=str(passed + failed),
        failures=str(failed),
        errors="0",
        time=f"{sum(c.seconds for s in results for c in s.cases):.3f}",
    )
    for suite in results:
        element = ET.SubElement(
            root,
            "testsuite",
            name=_clean(suite.path),
            tests=str(len(suite.cases)),
            failures=str(suite.failures),
            errors="0",
            skipped="0",
            time=f"{sum(case.seconds for case in suite.cases):.3f}",
            file=_clean(suite.path),
        )
        for case in suite.cases:
            testcase = ET.SubElement(
                element,
                "testcase",
                classname=classname(suite.path),
                name=_clean(case.name),
                time=f"{case.seconds:.3f}",
            )
            if not case.passed:
                failure = ET.SubElement(
                    testcase, "failure", message=_failure_message(case), type="PolicyTestFailure"
                )
                failure.text = "\n".join(_clean(line) for line in diff_lines(case))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render(results: Sequence[SuiteResult], output_format: str, *, color: bool = False) -> str:
    """The results in ``output_format`` (one of ``FORMATS``); colour applies to text only."""
    if output_format == "junit":
        return render_junit(results)
    return render_text(results, color=color)
