"""The ``gitlab`` format: a GitLab Code Quality report (a JSON array of issues).

Each finding is an issue with ``description``, ``check_name`` (the rule ID),
a ``fingerprint`` that survives moved lines (see ``fingerprints``), a
``severity`` (error: ``major``, warning: ``minor``, info: ``info``; the Code
Quality scale also has ``blocker`` and ``critical``, which no rule claims)
and ``location.path`` with ``location.positions`` (line and column).
"""

from __future__ import annotations

import json
from typing import Any

from campaign_lint.cli.reporters import fingerprints
from campaign_lint.core.display import json_text
from campaign_lint.core.findings import Finding, Severity
from campaign_lint.lint.report import Report

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    """One Code Quality issue."""
    span = finding.span
    description = f"{finding.rule}: {finding.message}"
    body = [f"related: {r.path}:{r.line}:{r.column}: {r.message}" for r in finding.related]
    if finding.related_omitted:
        body.append(f"related: and {finding.related_omitted:,} more")
    if finding.hint:
        body.append(f"hint: {finding.hint}")
    out: dict[str, Any] = {
        "type": "issue",
        "check_name": finding.rule,
        "description": description,
        "categories": ["Style"],
        "severity": SEVERITIES[finding.severity],
        "fingerprint": fingerprint,
        "location": {
            "path": finding.path,
            "positions": {
                "begin": {"line": span.line, "column": span.column},
                "end": {"line": max(span.end_line, span.line), "column": span.end_column},
            },
        },
    }
    if body:
        out["content"] = {"body": "\n".join(body)}
    return out


def render(report: Report, *, color: bool = False, quiet: bool = False, show_suppressed: bool = False) -> str:
    """All findings as a Code Quality JSON array (suppressed findings are left out)."""
    issues = [
        issue(finding, fingerprint)
        for finding, fingerprint in zip(report.findings, fingerprints(report.findings), strict=True)
    ]
    return json_text(json.dumps(issues, indent=2, ensure_ascii=False)) + "\n"
