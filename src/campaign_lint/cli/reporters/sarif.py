"""The ``sarif`` format: SARIF 2.1.0, as GitHub code scanning and other tools read it.

One run; the tool driver lists one rule descriptor per rule that has a result
(with short and full descriptions, help as text and Markdown, and a link to the
rule reference). Each result points at its file relative to ``%SRCROOT%`` (the
working directory), carries the portfolio's other places as related locations
(at most ``SHOWN_RELATED``; the rest counted in the message and in
``properties.relatedOmitted``) and a partial fingerprint that survives moved lines and
changes to other campaigns. Suppressed findings
(``--show-suppressed``) are results with a ``suppressions`` entry. A finding
with a fix (``check --fix``) carries it as SARIF ``fixes``: the text edits as
replacements of its file, described with their safety.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from campaign_lint import REPOSITORY, __version__
from campaign_lint.cli.explain import explain_text
from campaign_lint.cli.reporters import RULES_DOC, SHOWN_RELATED, fingerprints, related_left_out
from campaign_lint.cli.ruledocs import doc_sections
from campaign_lint.core.display import json_text
from campaign_lint.core.edits import Fix, position
from campaign_lint.core.findings import Finding, Severity
from campaign_lint.lint.report import Report
from campaign_lint.policies.base import Rule
from campaign_lint.policies.registry import RULES_BY_ID

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
# v2: built from meaning only (``fingerprint_key``); v1 also hashed the message.
FINGERPRINT = "campaignLint/v2"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_location(path: str) -> dict[str, str]:
    """A file as SARIF wants it: a relative URI against ``%SRCROOT%`` (absolute: a file URI)."""
    if PurePosixPath(path).is_absolute():
        return {"uri": PurePosixPath(path).as_uri()}
    # A name that is not UTF-8 (read with surrogate escapes) is quoted as its bytes.
    return {"uri": quote(path, safe="/", errors="surrogateescape"), "uriBaseId": SRCROOT}


def _markdown(rule: type[Rule]) -> str:
    out = [f"**{rule.id} {rule.name}**: {rule.doc().summary}", "", *doc_sections(rule)]
    out.append(f"[Rule reference]({RULES_DOC}#{rule.id.lower()})")
    return "\n".join(out)


def descriptor(rule_id: str) -> dict[str, Any]:
    """The reportingDescriptor of a rule (built-in: from its documentation)."""
    rule = RULES_BY_ID.get(rule_id)
    if rule is None:  # an organisation's custom rule: its text lives in the policy file
        text = f"{rule_id}: a custom rule of this repository's campaign-lint policy file."
        return {
            "id": rule_id,
            "name": rule_id,
            "shortDescription": {"text": text},
            "fullDescription": {"text": text},
            "help": {"text": text, "markdown": text},
            "properties": {"tags": ["campaign-lint", "custom"]},
        }
    doc = rule.doc()
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.sections.get("What it checks", doc.summary)},
        "help": {"text": explain_text(rule).rstrip("\n"), "markdown": _markdown(rule)},
        "helpUri": f"{RULES_DOC}#{rule.id.lower()}",
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["campaign-lint", rule.family(), rule.principle]},
    }


def _region(
    line: int, column: int, end_line: int | None = None, end_column: int | None = None
) -> dict[str, int]:
    region = {"startLine": line, "startColumn": column}
    if end_line is not None and end_column is not None and (end_line, end_column) >= (line, column):
        region |= {"endLine": end_line, "endColumn": end_column}
    return region


def _message(finding: Finding, left_out: int) -> str:
    text = finding.message + (f" (hint: {finding.hint})" if finding.hint else "")
    if left_out:
        text += f" ({left_out:,} more related locations are not listed)"
    return text


def _fix(path: str, text: str, fix: Fix) -> dict[str, Any]:
    """A SARIF fix: the edits as replacements (an insertion is an empty deleted region)."""
    replacements = []
    for edit in fix.edits:
        line, column = position(text, edit.start)
        end_line, end_column = position(text, edit.end)
        region = {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}
        replacements.append({"deletedRegion": region, "insertedContent": {"text": edit.text}})
    flag = "--fix" if fix.safety == "safe" else "--fix --unsafe-fixes"
    return {
        "description": {"text": f"{fix.title} ({fix.safety} fix: campaign-lint check {flag})"},
        "artifactChanges": [{"artifactLocation": artifact_location(path), "replacements": replacements}],
        "properties": {"safety": str(fix.safety)},
    }


def _result(finding: Finding, index: int, fingerprint: str, reason: str | None) -> dict[str, Any]:
    span = finding.span
    left_out = related_left_out(finding, SHOWN_RELATED)
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVELS[finding.severity],
        "message": {"text": _message(finding, left_out)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(finding.path),
                    "region": _region(span.line, span.column, span.end_line, span.end_column),
                },
            }
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    }
    if finding.campaign:
        result["locations"][0]["logicalLocations"] = [{"name": finding.campaign, "kind": "object"}]
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": {
                    "artifactLocation": artifact_location(related.path),
                    "region": _region(related.line, related.column),
                },
                "message": {"text": related.message},
            }
            for number, related in enumerate(finding.related[:SHOWN_RELATED], start=1)
        ]
    if left_out:
        result["properties"] = {"relatedOmitted": left_out}
    if reason is not None:
        kind = "inSource" if reason.startswith("inline:") else "external"
        result["suppressions"] = [{"kind": kind, "status": "accepted", "justification": reason}]
    return result


def render(report: Report, *, color: bool = False, quiet: bool = False, show_suppressed: bool = False) -> str:
    """The whole report as a SARIF 2.1.0 log (deterministic: no times, no absolute paths)."""
    shown: list[tuple[Finding, str | None]] = [(finding, None) for finding in report.findings]
    if show_suppressed:
        shown += [(finding, reason) for finding, reason in report.suppressed]
    rule_ids = sorted({finding.rule for finding, _ in shown})
    index = {rule_id: number for number, rule_id in enumerate(rule_ids)}
    prints = fingerprints([finding for finding, _ in shown])
    results = [
        _result(finding, index[finding.rule], fingerprint, reason)
        for (finding, reason), fingerprint in zip(shown, prints, strict=True)
    ]
    if any(finding.fix is not None for finding, _ in shown):
        from campaign_lint.lint.fixing import text_fixes

        for number, (text, fix) in text_fixes([finding for finding, _ in shown]).items():
            results[number]["fixes"] = [_fix(shown[number][0].path, text, fix)]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "campaign-lint",
                        "version": __version__,
                        "informationUri": REPOSITORY,
                        "rules": [descriptor(rule_id) for rule_id in rule_ids],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json_text(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"
