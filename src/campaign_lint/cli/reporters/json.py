"""The ``json`` format: the stable object of spec.md section 6."""

from __future__ import annotations

import json
from typing import Any

from campaign_lint import __version__
from campaign_lint.lint.findings import Finding, Severity
from campaign_lint.lint.report import Report

# One encoder for every finding: ``json.dumps(..., ensure_ascii=False)`` builds a new one per call.
_encode = json.JSONEncoder(ensure_ascii=False).encode


def finding_object(finding: Finding) -> dict[str, Any]:
    """One finding as the documented JSON object."""
    span = finding.span
    return {
        "rule": finding.rule,
        "severity": str(finding.severity),
        "message": finding.message,
        "path": finding.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "campaign": finding.campaign,
        "related": [
            {"path": r.path, "line": r.line, "column": r.column, "message": r.message}
            for r in finding.related
        ],
        "hint": finding.hint,
    }


def render(report: Report, *, color: bool = False, quiet: bool = False, show_suppressed: bool = False) -> str:
    """The whole report as indented JSON with a trailing newline (always complete)."""
    # One finding per line: readable, diffable, and encoded by json's C encoder
    # (``indent=`` would switch to the pure-Python encoder, 10x slower).
    tool = {"name": "campaign-lint", "version": __version__}
    summary = {
        "files": report.files,
        "errors": report.count(Severity.ERROR),
        "warnings": report.count(Severity.WARNING),
        "infos": report.count(Severity.INFO),
        "seconds": round(report.seconds, 3),
        "suppressed": len(report.suppressed),
    }
    if report.baselined is not None:  # only with `check --baseline`: other output stays the same
        summary["baselined"] = report.baselined
    findings = ",\n".join("    " + _encode(finding_object(finding)) for finding in report.findings)
    body = f"[\n{findings}\n  ]" if findings else "[]"
    extra = ""
    if show_suppressed:
        items = ",\n".join(
            "    " + _encode({**finding_object(finding), "reason": reason})
            for finding, reason in report.suppressed
        )
        extra = f'  "suppressed": [\n{items}\n  ],\n' if items else '  "suppressed": [],\n'
    return (
        f'{{\n  "tool": {json.dumps(tool)},\n  "findings": {body},\n{extra}'
        f'  "summary": {json.dumps(summary)}\n}}\n'
    )
