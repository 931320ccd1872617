"""``campaign-lint server``: the language server (``server.py``), over what it lints (``workspace.py``).

Its library, pygls, is the optional extra ``campaign-lint[server]``: this
module imports none of it, so ``check`` and a pre-commit hook stay as they are.
"""

from __future__ import annotations

import importlib.util

from campaign_lint.core.errors import UsageError


def require_extra() -> None:
    """A usage error saying how to install the ``server`` extra when pygls is missing."""
    if importlib.util.find_spec("pygls") is None or importlib.util.find_spec("lsprotocol") is None:
        raise UsageError(
            "`campaign-lint server` needs pygls, which is not installed; "
            "install the server extra: pip install 'campaign-lint[server]' (or pipx inject campaign-lint pygls)"
        )
