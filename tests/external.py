"""What a test needs from outside the Python environment, and what happens when it is missing.

A test marked ``external`` asks for each thing it needs with ``require_tool``,
``require_module`` or ``require_index`` before it starts. When something is
missing, a developer's run skips the test with a reason that says what is
missing, why the test needs it and how to get it; under ``CI=true`` (what
GitHub Actions, GitLab CI and most other CI services set) the test fails
instead, so CI never passes with an external test skipped.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NoReturn

import pytest

PYPI = "https://pypi.org/simple/"


def in_ci() -> bool:
    """Whether this run is CI's: the variable ``CI`` is ``true`` (or ``1``)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


def unavailable(what: str, why: str, how: str) -> NoReturn:
    """Skip the test (fail it under ``CI=true``): ``what`` is missing, the test needs it ``why``."""
    message = f"{what}: {why}. To run this test, {how}."
    if in_ci():
        pytest.fail(
            f"{message} (CI=true: a missing tool fails the test rather than skipping it)", pytrace=False
        )
    pytest.skip(message)


def require_tool(name: str, why: str, how: str | None = None, *, path: str | None = None) -> str:
    """The full path of the executable ``name`` (on ``PATH``, or on ``path`` if given)."""
    found = shutil.which(name, path=path)
    if found is None:
        where = "on PATH" if path is None else f"in {path}"
        unavailable(f"`{name}` is not {where}", why, how or f"install {name}")
    return found


def require_module(name: str, why: str, how: str | None = None) -> None:
    """Stop unless the module ``name`` can be imported by this Python."""
    if importlib.util.find_spec(name) is None:
        how = how or "install the development tools: `make test` does, or `pip install -e '.[dev]'`"
        unavailable(f"the Python module `{name}` is not installed", why, how)


def index_url() -> str | None:
    """The package index pip would ask (``$PIP_INDEX_URL``, else PyPI); None under ``PIP_NO_INDEX``.

    Only the environment is read, not pip's configuration files: a mirror set in
    ``pip.conf`` alone is not seen, so set ``PIP_INDEX_URL`` too.
    """
    if os.environ.get("PIP_NO_INDEX", "").strip().lower() in {"1", "true", "yes", "on"}:
        return None
    return os.environ.get("PIP_INDEX_URL") or PYPI


def require_index(why: str, timeout: float = 5.0) -> None:
    """Stop unless the package index answers (one HEAD request; proxies from the environment apply)."""
    url = index_url()
    if url is None:  # pip installs from --find-links only
        return
    how = "connect to the network, or set PIP_INDEX_URL to a reachable mirror"
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "file":
        if not Path(urllib.request.url2pathname(parts.path)).is_dir():
            unavailable(f"the package index {url} does not exist", why, how)
        return
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
            pass
    except urllib.error.HTTPError:
        return  # the index answered, if not with 200: pip will say more than this check can
    except (OSError, ValueError) as error:
        unavailable(f"the package index {url} cannot be reached ({error})", why, how)
