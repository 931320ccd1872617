"""The report's HTML: a Jinja2 template over ``data.ReportData``, one self-contained page.

Jinja2 escapes every value (``autoescape``), so campaign and policy text can
never become markup. The page makes no request: styles are inline, charts
are inline SVG, rule explanations are embedded, and its content security
policy forbids anything else (``default-src 'none'``).
"""

from __future__ import annotations

from dataclasses import asdict
from importlib import resources
from typing import Any

from campaign_lint import __version__
from campaign_lint.cli.htmlreport.data import ReportData

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def render(data: ReportData, *, calendars_only: bool = False) -> str:
    """The page for ``data`` (``calendars_only``: the persona calendars without the lint results)."""
    import jinja2
    import markdown_it
    import markupsafe

    folder = resources.files("campaign_lint.cli.htmlreport")
    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # html=False: Markdown from rule docstrings and policy descriptions cannot carry raw HTML.
    markdown = markdown_it.MarkdownIt("commonmark", {"html": False}).enable("table")
    environment.filters["markdown"] = lambda text: markupsafe.Markup(markdown.render(text))
    environment.filters["svg"] = markupsafe.Markup  # charts drawn by charts.py, escaped there
    template = environment.from_string((folder / "report.html.j2").read_text(encoding="utf-8"))
    context: dict[str, Any] = asdict(data)
    context.update(
        csp=markupsafe.Markup(CSP),
        version=__version__,
        style=(folder / "report.css").read_text(encoding="utf-8"),
    )
    context["calendars_only"] = calendars_only
    return template.render(context)
