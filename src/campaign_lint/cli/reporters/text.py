r"""The ``text`` format: ``path:line:col: ID [severity] message``, source line, caret, hint.

Every value, path and source line is passed through ``core.display.shown``
(control characters are shown as ``\x1b``, never sent to the terminal), and
a path that begins a line through ``line_start`` (no workflow command).
"""

from __future__ import annotations

from campaign_lint.cli.reporters import SHOWN_RELATED_TEXT, more_related
from campaign_lint.core.display import is_plain, line_start, shown
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


def _escaped(text: str, offset: int, width: int) -> tuple[str, int, int]:
    """``shown(text)``, with the caret's offset and width moved to match."""
    before, under = shown(text[:offset]), shown(text[offset : offset + width])
    return before + under + shown(text[offset + width :]), len(before), len(under)


def render_finding(finding: Finding, lines: dict[int, str] | None, *, color: bool, label: str = "") -> str:
    """One finding: header, the source line with a caret, related places, hint.

    ``label`` (``[suppressed] ``) goes before the severity.
    """
    span = finding.span
    path, rule, message, hint = finding.path, finding.rule, finding.message, finding.hint
    source = None if lines is None else lines.get(span.line)
    # One check of every value shown (most findings have nothing to escape), and
    # no colour codes of our own when there is no colour: both per finding.
    plain = is_plain(f"{path}{rule}{message}{hint}{source}")
    if not plain:
        path, rule, message, hint = shown(path), shown(rule), shown(message), hint and shown(hint)
    if path.lstrip().startswith("::"):
        path = line_start(path)
    code = _COLORS[finding.severity]
    if color:
        out = [
            f"{_paint(f'{path}:{span.line}:{span.column}:', '1', color)} {rule} {label}"
            f"{_paint(f'[{finding.severity}]', code, color)} {message}"
        ]
    else:
        out = [f"{path}:{span.line}:{span.column}: {rule} {label}[{finding.severity}] {message}"]
    if source is not None:
        source = source.replace("\t", " ")
        width = (
            span.end_column - span.column
            if span.end_line == span.line and span.end_column > span.column
            else 1
        )
        width = max(1, min(width, len(source) - span.column + 1))
        source, offset, width = _clip(source, span.column - 1, width)
        if not plain:
            source, offset, width = _escaped(source, offset, width)
        gutter = str(span.line)
        out.append(f"  {gutter} | {source}")
        caret = " " * offset + "^" * width
        out.append(f"  {' ' * len(gutter)} | {_paint(caret, code, color) if color else caret}")
    if finding.related:
        for related in finding.related[:SHOWN_RELATED_TEXT]:
            out.append(
                f"  related: {shown(related.path)}:{related.line}:{related.column}: {shown(related.message)}"
            )
        more = more_related(finding, SHOWN_RELATED_TEXT)
        if more:
            out.append(f"  related: {more}")
    if hint:
        out.append(f"  hint: {hint}")
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
            render_finding(finding, None, color=False, label="[suppressed] ") + f"\n  why: {shown(reason)}"
            for finding, reason in report.suppressed
        ]
    text = "\n\n".join(blocks)
    if not quiet:
        text = f"{text}\n\n{summary(report)}" if text else summary(report)
    return text + "\n" if text else ""
