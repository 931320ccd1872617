r"""The ``junit`` format: JUnit XML for the test reports of GitLab, Jenkins and others.

One ``<testsuite>`` per checked file (named by its path, which is also its
``file``). Each finding is a ``<testcase>`` named ``RULE path:line:col`` whose
``classname`` is the file's path (see ``classname``), so a CI page lists every
problem on its own line under its file. A finding that fails the run (at or
above ``fail_on``) has a ``<failure>``; one below it (a warning under
``fail_on: error``) passes, with its details in ``<system-out>``: the run
does not fail on it, so the test report does not either. A file without
findings has one passing test case, so clean campaigns show up as passed.
Timing is left out: the same input gives the same bytes.

The output is valid against Jenkins' JUnit schema (``junit-10.xsd`` of the
xunit plugin, kept in tests/data): only attributes the schema allows, so no
``file`` or ``line`` on test cases and no ``skipped`` count on
``<testsuites>``.

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


def xml_text(text: str) -> str:
    """One line of text for a person, as XML 1.0 can carry it (plain text: as it is)."""
    return text if is_plain(text) else _NOT_XML.sub("\ufffd", shown(text))


def classname(path: str) -> str:
    """The ``classname`` of a file's test cases: its path without ``.yaml`` and with no dot.

    Jenkins splits a classname at its last dot into package and class
    (``campaigns/sale.yaml`` would show as class ``yaml``); GitLab shows it
    as it is. Without the extension, and with any other dot written ``_``
    (``policy-tests/engagement.test.yaml``: ``policy-tests/engagement_test``),
    both show the file's path as one readable name.
    """
    return xml_text(path.removesuffix(".yaml").removesuffix(".yml").replace(".", "_"))


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
    return "\n".join(xml_text(line) for line in lines)


def _case(suite: ET.Element, finding: Finding) -> ET.Element:
    return ET.SubElement(
        suite,
        "testcase",
        classname=classname(finding.path),
        name=xml_text(f"{finding.rule} {_where(finding)}"),
    )


def render(report: Report, *, color: bool = False, quiet: bool = False, show_suppressed: bool = False) -> str:
    """The whole report as JUnit XML: a suite per file, a case per finding (failing at ``fail_on``).

    With ``show_suppressed``, suppressed findings are skipped cases whose message is the reason.
    """
    by_path = {path: list(group) for path, group in groupby(report.findings, key=lambda f: f.path)}
    silenced: dict[str, list[tuple[Finding, str]]] = {}
    if show_suppressed:
        for finding, reason in report.suppressed:
            silenced.setdefault(finding.path, []).append((finding, reason))
    paths = sorted(set(report.paths) | set(by_path) | set(silenced))
    root = ET.Element("testsuites", name="campaign-lint")
    total = failed = 0
    for path in paths:
        findings = by_path.get(path, [])
        skipped = silenced.get(path, [])
        failing = sum(1 for finding in findings if report.fails(finding))
        tests = len(findings) + len(skipped) or 1
        total += tests
        failed += failing
        suite = ET.SubElement(
            root,
            "testsuite",
            name=xml_text(path),
            tests=str(tests),
            failures=str(failing),
            errors="0",
            skipped=str(len(skipped)),
            file=xml_text(path),
        )
        if not findings and not skipped:
            ET.SubElement(suite, "testcase", classname=classname(path), name=CLEAN_CASE)
        for finding in findings:
            case = _case(suite, finding)
            if report.fails(finding):
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=xml_text(f"{finding.rule} [{finding.severity}] {finding.message}"),
                    type=xml_text(finding.rule),
                )
                failure.text = _details(finding)
            else:  # below fail_on: the run passes, and so does the case; the finding is its output
                ET.SubElement(case, "system-out").text = _details(finding)
        for finding, reason in skipped:
            ET.SubElement(_case(suite, finding), "skipped", message=xml_text(f"suppressed ({reason})"))
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
