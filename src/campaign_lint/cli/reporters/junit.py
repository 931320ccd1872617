r"""The ``junit`` format: JUnit XML for the test reports of GitLab, Jenkins and others.

One ``<testsuite>`` per checked file (named by its path). Each finding is a
``<testcase>`` with a ``<failure>`` (``RULE path:line:col``), so a CI page
lists every problem on its own line; a file without findings has one passing
test case, so clean campaigns show up as passed. Timing is left out: the
same input gives the same bytes.

CI pages show these texts to people: every value and path is passed through
``core.display.shown`` (control characters shown as ``\x1b``, never
written), which also leaves out every character XML 1.0 cannot carry.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from campaign_lint.cli.reporters import SHOWN_RELATED, more_related
from campaign_lint.core.display import is_plain, shown
from campaign_lint.core.findings import Finding
from campaign_lint.lint.report import Report

# Characters XML 1.0 cannot carry even escaped; ElementTree escapes the rest (<, &, quotes).
# ``shown`` escapes all of them already: this is the backstop.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CLEAN_CASE = "no findings"


def _clean(text: str) -> str:
    """One line of text for a person, as XML 1.0 can carry it (plain text: as it is)."""
    return text if is_plain(text) else _NOT_XML.sub("\ufffd", shown(text))


def _classname(path: str) -> str:
    # Jenkins splits a classname at its last dot into package and class; without the
    # extension the file's path stays one readable name.
    return _clean(path.removesuffix(".yaml").removesuffix(".yml"))


def _where(finding: Finding) -> str:
    return f"{finding.path}:{finding.span.line}:{finding.span.column}"


def _details(finding: Finding) -> str:
    lines = [f"{_where(finding)}: {finding.rule} [{finding.severity}] {finding.message}"]
    lines += [f"related: {r.path}:{r.line}:{r.column}: {r.message}" for r in finding.related[:SHOWN_RELATED]]
    more = more_related(finding, SHOWN_RELATED)
    if more:
        lines.append(f"related: {more}")
    if finding.hint:
        lines.append(f"hint: {finding.hint}")
    return "\n".join(_clean(line) for line in lines)


def _case(suite: ET.Element, finding: Finding) -> ET.Element:
    return ET.SubElement(
        suite,
        "testcase",
        classname=_classname(finding.path),
        name=_clean(f"{finding.rule} {_where(finding)}"),
        file=_clean(finding.path),
        line=str(finding.span.line),
    )


def render(report: Report, *, color: bool = False, quiet: bool = False, show_suppressed: bool = False) -> str:
    """The whole report as JUnit XML: a suite per file, a failing case per finding.

    With ``show_suppressed``, suppressed findings are skipped cases whose message is the reason.
    """
    by_path = {path: list(group) for path, group in groupby(report.findings, key=lambda f: f.path)}
    silenced: dict[str, list[tuple[Finding, str]]] = {}
    if show_suppressed:
        for finding, reason in report.suppressed:
            silenced.setdefault(finding.path, []).append((finding, reason))
    paths = sorted(set(report.paths) | set(by_path) | set(silenced))
    root = ET.Element("testsuites", name="campaign-lint")
    total = 0
    for path in paths:
        findings = by_path.get(path, [])
        skipped = silenced.get(path, [])
        tests = len(findings) + len(skipped) or 1
        total += tests
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_clean(path),
            tests=str(tests),
            failures=str(len(findings)),
            errors="0",
            skipped=str(len(skipped)),
        )
        if not findings and not skipped:
            ET.SubElement(suite, "testcase", classname=_classname(path), name=CLEAN_CASE, file=_clean(path))
        for finding in findings:
            failure = ET.SubElement(
                _case(suite, finding),
                "failure",
                message=_clean(f"{finding.rule} [{finding.severity}] {finding.message}"),
                type=_clean(finding.rule),
            )
            failure.text = _details(finding)
        for finding, reason in skipped:
            ET.SubElement(_case(suite, finding), "skipped", message=_clean(f"suppressed ({reason})"))
    root.set("tests", str(total))
    root.set("failures", str(len(report.findings)))
    root.set("errors", "0")
    root.set("skipped", str(sum(len(pairs) for pairs in silenced.values())))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
