"""The optional extras (``pyproject.toml``): what each needs, and the error that says how to install it.

``check`` and a pre-commit hook never import an extra's libraries; the
commands that need one ask :func:`require` first, so a missing library is
one line that names the extra, never a traceback.
"""

from __future__ import annotations

import importlib.util

from campaign_lint.core.errors import UsageError

# Extra -> (what it is for, the import names it provides, the packages to pipx inject).
EXTRAS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "report": (
        "draws the page with",
        ("jinja2", "markdown_it", "matplotlib"),
        "jinja2 markdown-it-py matplotlib",
    ),
    "server": ("speaks LSP with", ("pygls", "lsprotocol"), "pygls"),
}


def require(extra: str, command: str) -> None:
    """A usage error saying how to install ``extra`` when one of its modules is missing."""
    doing, modules, packages = EXTRAS[extra]
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise UsageError(
            f"`{command}` {doing} {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not installed; "
            f"install the {extra} extra: pip install 'campaign-lint[{extra}]' "
            f"(or pipx inject campaign-lint {packages})"
        )
