"""A real headless browser for the report tests: Debian's chromium, driven by Playwright.

Playwright's own browser download is never used (``executable_path`` points at
the system's chromium, which `.ci/run` installs from Debian). The flags are
those that keep chromium from reaching for the network on start-up, so that
every request the test sees is the page's own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tests.external import require_module, require_tool

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page, Request

# Screenshots go here (git-ignored), for a person to look at after the run.
OUTPUT = Path(__file__).resolve().parents[2] / "build" / "test-output" / "report"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Debian's chromium (or $CHROMIUM): skipped with the reason locally when missing, failed under CI=true."""
    require_module("playwright", "it drives the browser that loads the report")
    return os.environ.get("CHROMIUM") or require_tool(
        "chromium",
        "the report is checked as a person sees it, in a real browser",
        "install Debian's chromium (`apt-get install chromium`; `.ci/run` does), or set CHROMIUM to a Chromium binary",
    )


@dataclass
class Visit:
    """What the browser saw while a page was open: errors on its console, and every request."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        """Record ``page``'s console errors, uncaught errors and requests."""
        page.on("console", self._console)
        page.on("pageerror", self._error)
        page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _error(self, error: Error) -> None:
        self.errors.append(str(error))

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)


@contextmanager
def browser() -> Iterator[Browser]:
    """A headless chromium for the length of the block."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=executable, args=FLAGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()
