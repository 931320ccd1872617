"""Findings as the Language Server Protocol shows them: diagnostics, ranges, code actions, hovers.

Positions: campaign-lint counts columns in characters (code points), 1-based;
LSP counts UTF-16 code units, 0-based. :func:`lsp_range` converts with the
line's text, so a finding after an emoji or an accented name still lands on
the right characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from campaign_lint.cli.reporters import RULES_DOC
from campaign_lint.core.findings import Finding, Severity

SOURCE = "campaign-lint"
SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}
# A suppression comment and the rule IDs in it (core/suppressions.py has the grammar).
SUPPRESSION = re.compile(r"#\s*campaign-lint:\s*disable(?:-file)?\s*=\s*([A-Za-z0-9_,\s-]+?)(?:\s+--|$)")
RULE_ID = re.compile(r"[A-Z][A-Z0-9_-]*[0-9]+")
EXPLAIN = "campaign-lint.explain"
PLACEHOLDER = "why this is acceptable"


def _units(line: str, column: int) -> int:
    """UTF-16 units before the 1-based character ``column`` of ``line``."""
    before = line[: max(0, column - 1)]
    return len(before.encode("utf-16-le")) // 2 + max(0, column - 1 - len(before))


def lsp_range(finding: Finding, lines: Sequence[str]) -> lsp.Range:
    """The finding's span as an LSP range (0-based, UTF-16)."""
    span = finding.span

    def position(line: int, column: int) -> lsp.Position:
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return lsp.Position(line=max(0, line - 1), character=_units(text, column))

    start = position(span.line, span.column)
    end = position(span.end_line, span.end_column)
    if (end.line, end.character) <= (start.line, start.character):  # a point: show one character
        end = lsp.Position(line=start.line, character=start.character + 1)
    return lsp.Range(start=start, end=end)


def diagnostic(finding: Finding, lines: Sequence[str], root: Path) -> lsp.Diagnostic:
    """One finding as a diagnostic: rule ID as code with a link to its docs, the hint, related places."""
    message = finding.message if finding.hint is None else f"{finding.message}\nHow to fix: {finding.hint}"
    related = [
        lsp.DiagnosticRelatedInformation(
            location=lsp.Location(
                uri=(root / place.path).resolve().as_uri(),
                range=lsp.Range(
                    start=lsp.Position(line=max(0, place.line - 1), character=max(0, place.column - 1)),
                    end=lsp.Position(line=max(0, place.line - 1), character=max(0, place.column)),
                ),
            ),
            message=place.message,
        )
        for place in finding.related
    ]
    data: dict[str, Any] = {"rule": finding.rule}
    return lsp.Diagnostic(
        range=lsp_range(finding, lines),
        message=message,
        severity=SEVERITY[finding.severity],
        code=finding.rule,
        code_description=lsp.CodeDescription(href=f"{RULES_DOC}#{finding.rule.lower()}"),
        source=SOURCE,
        related_information=related or None,
        data=data,
    )


def suppress_action(uri: str, diagnostic: lsp.Diagnostic, lines: Sequence[str]) -> lsp.CodeAction:
    """The action "Disable RULE for this line": the suppression comment, with a reason to fill in."""
    rule = str(diagnostic.code)
    line = diagnostic.range.start.line
    text = lines[line] if line < len(lines) else ""
    found = SUPPRESSION.search(text)
    if found is not None:  # add the rule to the comment already there
        at = found.end(1)
        insert, where = f",{rule}", lsp.Position(line=line, character=_units(text, at + 1))
    else:
        insert = f"  # campaign-lint: disable={rule} -- {PLACEHOLDER}"
        where = lsp.Position(line=line, character=_units(text, len(text.rstrip()) + 1))
    edit = lsp.TextEdit(range=lsp.Range(start=where, end=where), new_text=insert)
    return lsp.CodeAction(
        title=f"Disable {rule} for this line (write the reason)",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
    )


def explain_action(diagnostic: lsp.Diagnostic) -> lsp.CodeAction:
    """The action "Explain RULE": the rule's explanation, shown by the server."""
    rule = str(diagnostic.code)
    return lsp.CodeAction(
        title=f"Explain {rule}",
        kind=lsp.CodeActionKind.Empty,
        diagnostics=[diagnostic],
        command=lsp.Command(title=f"Explain {rule}", command=EXPLAIN, arguments=[rule]),
    )


def rules_at(line: str, character: int) -> list[str]:
    """The rule IDs of a suppression comment on ``line`` under the cursor (UTF-16 ``character``)."""
    found = SUPPRESSION.search(line)
    if found is None:
        return []
    for match in RULE_ID.finditer(line, found.start(1), found.end(1)):
        if _units(line, match.start() + 1) <= character <= _units(line, match.end() + 1):
            return [match.group()]
    return []
