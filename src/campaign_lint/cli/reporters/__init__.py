"""Reporters turn a report into bytes; they never decide severity or filter."""

from __future__ import annotations

from typing import Protocol

from campaign_lint.lint.engine import Report

FORMATS = ("text", "json")


class Reporter(Protocol):
    """Renders a report as text."""

    def __call__(self, report: Report, *, color: bool, quiet: bool, show_suppressed: bool) -> str:
        """The whole output for ``report``."""
        ...


def get_reporter(name: str) -> Reporter:
    """Import only the reporter that was asked for."""
    if name == "json":
        from campaign_lint.cli.reporters.json import render as render_json

        return render_json
    from campaign_lint.cli.reporters.text import render as render_text

    return render_text
