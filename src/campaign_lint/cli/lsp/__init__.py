"""``campaign-lint server``: the language server (``server.py``), over what it lints (``workspace.py``).

Its library, pygls, is the optional extra ``campaign-lint[server]``: this
module imports none of it, so ``check`` and a pre-commit hook stay as they are.
"""

from __future__ import annotations
