"""Benchmark ``campaign-lint report --html`` against a cold ``check`` on a generated corpus.

Usage::

    python bench/report.py [--size 10000] [--repeat 3]

It reuses (or generates) ``bench/corpus/<size>`` as ``bench/run.py`` does and
runs, alternately so that a busy machine slows both alike, a cold ``check``
(``--no-cache --format json --output /dev/null``) and a cold ``report``
(``--no-cache --html``). It prints the median of each, their ratio, the size
of the page, and, when Debian's chromium and playwright are installed, the
time the browser takes to load and lay out the page (``goto`` until the
``load`` event, then a full-page layout), the median of ``--repeat`` loads.

A script that prints figures, not a test: nothing here asserts a number.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import ensure_corpus, run_once

FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def browser_seconds(page: Path, repeat: int) -> list[float] | None:
    """Seconds to load and lay out ``page`` in headless chromium, once per repeat (None without a browser)."""
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    times = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
        for _ in range(repeat):
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            started = time.perf_counter()
            tab.goto(page.as_uri(), wait_until="load")
            tab.evaluate("document.documentElement.scrollHeight")  # forces the layout of the whole page
            times.append(time.perf_counter() - started)
            tab.close()
        browser.close()
    return times


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    corpus = ensure_corpus(options.size, options.seed)
    tool = str(Path(sys.executable).with_name("campaign-lint"))
    page = corpus.parent / f"report-{options.size}.html"
    check = [tool, "check", "--no-cache", "--format", "json", "--output", "/dev/null"]
    report = [tool, "report", "--no-cache", "--quiet", "--html", str(page)]
    timings: dict[str, list[float]] = {"check": [], "report": []}
    for _ in range(options.repeat):
        for name, argv in (("check", check), ("report", report)):
            seconds, _rss, code, stderr = run_once(argv, corpus)
            if code not in (0, 1):
                print(f"{name} failed with exit code {code}:\n{stderr}", file=sys.stderr)
                return 2
            timings[name].append(seconds)
    cold, drawn = statistics.median(timings["check"]), statistics.median(timings["report"])
    print(f"campaigns:            {options.size:,}")
    print(f"cold check:           {cold:.2f} s (median of {options.repeat})")
    print(f"cold report --html:   {drawn:.2f} s ({drawn / cold:.2f}x the cold check)")
    print(f"page size:            {page.stat().st_size / 1_000_000:.2f} MB")
    loads = browser_seconds(page, options.repeat)
    if loads is None:
        print("browser load:         not measured (needs chromium on PATH and playwright)")
    else:
        print(f"browser load+layout:  {statistics.median(loads):.2f} s (median of {options.repeat})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
