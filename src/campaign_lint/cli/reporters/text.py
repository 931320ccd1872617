"""The ``text`` format: ``path:line:col: ID [severity] message``, source line, caret, hint."""

from __future__ import annotations

from campaign_lint.core.findings import Finding, Severity
from campaign_lint.lint.report import Report

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


_MAX_SHOWN = 120


def _clip(source: str, start: int, width: int) -> tuple[str, int, int]:
    """A window of a long source line around the caret: (text, caret offset, caret width)."""
    if len(source) <= _MAX_SHOWN:
        return source, start, width
    width = min(width, _MAX_SHOWN // 2)
    left = max(0, start - _MAX_SHOWN // 4)
    right = min(len(source), left + _MAX_SHOWN)
    text = source[left:right]
    offset = start - left
    if left > 0:
        text, offset = "..." + text, offset + 3
    if right < len(source):
        text += "..."
    return text, offset, width


def render_finding(finding: Finding, lines: dict[int, str] | None, *, color: bool) -> str:
    """One finding: header, the source line with a caret, related places, hint."""
    span = finding.span
    severity = _paint(f"[{finding.severity}]", _COLORS[finding.severity], color)
    where = _paint(f"{finding.path}:{span.line}:{span.column}:", "1", color)
    out = [f"{where} {finding.rule} {severity} {finding.message}"]
    if lines is not None and span.line in lines:
        source = lines[span.line].replace("\t", " ")
        width = (
            span.end_column - span.column
            if span.end_line == span.line and span.end_column > span.column
            else 1
        )
        width = max(1, min(width, len(source) - span.column + 1))
        source, offset, width = _clip(source, span.column - 1, width)
        gutter = str(span.line)
        out.append(f"  {gutter} | {source}")
        caret = " " * offset + "^" * width
        out.append(f"  {' ' * len(gutter)} | {_paint(caret, _COLORS[finding.severity], color)}")
    for related in finding.related:
        out.append(f"  related: {related.path}:{related.line}:{related.column}: {related.message}")
    if finding.hint:
        out.append(f"  hint: {finding.hint}")
    return "\n".join(out)


def summary(report: Report) -> str:
    """Counts per severity, files checked, time."""
    errors = report.count(Severity.ERROR)
    warnings = report.count(Severity.WARNING)
    infos = report.count(Severity.INFO)
    files = _plural(report.files, "file")
    silenced = f", {len(report.suppressed)} suppressed" if report.suppressed else ""
    if report.baselined is not None:
        silenced += f", {report.baselined} baselined"
    if not report.findings:
        return f"All clear: no findings in {files}{silenced} ({report.seconds:.2f}s)."
    counts = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}, {infos} info"
    return f"Found {counts} in {files}{silenced} ({report.seconds:.2f}s)."


def render(report: Report, *, color: bool = False, quiet: bool = False, show_suppressed: bool = False) -> str:
    """The whole report; ``quiet`` leaves out the summary line."""
    blocks = [
        render_finding(finding, report.sources.get(finding.path), color=color) for finding in report.findings
    ]
    if show_suppressed:
        blocks += [
            render_finding(finding, None, color=False).replace(" [", " [suppressed] [", 1)
            + f"\n  why: {reason}"
            for finding, reason in report.suppressed
        ]
    text = "\n\n".join(blocks)
    if not quiet:
        text = f"{text}\n\n{summary(report)}" if text else summary(report)
    return text + "\n" if text else ""
