"""The HTML report: its data (``data``), charts (``charts``, ``calendars``) and page (``page``).

``cli/report.py`` (``report --html``) and ``cli/simulate.py`` (``simulate
--format html``) build pages with it. Its libraries are the optional extra
``campaign-lint[report]``: this module imports none of them.
"""

from __future__ import annotations

import importlib.util

from campaign_lint.core.errors import UsageError

# The extra's modules, by import name.
EXTRA_MODULES = ("jinja2", "markdown_it", "matplotlib")


def require_extra(command: str) -> None:
    """A usage error saying how to install the ``report`` extra when one of its modules is missing."""
    missing = [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise UsageError(
            f"`{command}` draws the page with {', '.join(missing)}, which are not installed; "
            "install the report extra: pip install 'campaign-lint[report]' "
            "(or pipx inject campaign-lint jinja2 markdown-it-py matplotlib)"
        )
