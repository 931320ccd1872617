r"""The ``github`` format: GitHub Actions workflow commands, one line per finding.

``::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=RULE::message``
(``warning`` and ``notice`` for the other severities) makes each finding an
annotation on the pull request's diff. Data is escaped as the runner expects
(``%``, CR and LF; in properties also ``:`` and ``,``), so no message can end
a command early or start another one. Before that, every value and path is
passed through ``core.display.shown``: control characters (a line feed
included) are shown as ``\x1b``, ``\x0a``, never written, so a value can
neither start a line of its own (``::stop-commands::``) nor reach the log
viewer's terminal emulation. A file whose name holds such a character is
annotated under its escaped name.
"""

from __future__ import annotations

from campaign_lint.cli.reporters import SHOWN_RELATED, more_related
from campaign_lint.core.display import is_plain, shown
from campaign_lint.core.findings import Finding, Severity
from campaign_lint.lint.report import Report

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A command's message, as actions/toolkit ``escapeData`` does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value, as actions/toolkit ``escapeProperty`` does."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    """One workflow command for ``finding``."""
    span = finding.span
    path, rule, message, hint = finding.path, finding.rule, finding.message, finding.hint
    if not is_plain(f"{path}{rule}{message}{hint}"):  # one check: most findings have nothing to escape
        path, rule, message, hint = shown(path), shown(rule), shown(message), hint and shown(hint)
    properties = {
        "file": path,
        "line": str(span.line),
        "col": str(span.column),
        "endLine": str(span.end_line),
        "endColumn": str(span.end_column),
        "title": rule,
    }
    if (span.end_line, span.end_column) < (span.line, span.column):
        del properties["endLine"], properties["endColumn"]
    listed = ",".join(f"{name}={escape_property(value)}" for name, value in properties.items())
    if finding.related:
        message += "".join(
            f"\nrelated: {shown(r.path)}:{r.line}:{r.column}: {shown(r.message)}"
            for r in finding.related[:SHOWN_RELATED]
        )
        more = more_related(finding, SHOWN_RELATED)
        if more:
            message += f"\nrelated: {more}"
    if hint:
        message += f"\nhint: {hint}"
    return f"::{COMMANDS[finding.severity]} {listed}::{escape_data(message)}"


def render(report: Report, *, color: bool = False, quiet: bool = False, show_suppressed: bool = False) -> str:
    """One command per finding (suppressed findings are not annotations); nothing when clean."""
    return "".join(command(finding) + "\n" for finding in report.findings)
