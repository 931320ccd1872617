"""How fast `campaign-lint server` answers an edit in a large portfolio, measured by a scripted editor.

Usage::

    python bench/server.py [--size 10000] [--edits 5]

It reuses (or generates) ``bench/corpus/<size>`` as ``bench/run.py`` does,
starts the server there over stdio (tests/lsp.py is the client), opens one
campaign, waits for its first diagnostics (the warm-up: the first lint reads
the whole portfolio and fills the cache), then makes ``--edits`` edits, one at
a time, each changing the campaign's frequency. For each edit it times, from
the moment the change is sent, the first publication for the file (its own
findings) and the second (the portfolio's), and subtracts the server's
debounce (``DEBOUNCE`` in cli/lsp/server.py). It prints the medians.

A script that prints figures, not a test: nothing here asserts a number.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import tests.lsp  # noqa: E402
from run import ensure_corpus  # noqa: E402
from tests.lsp import Client  # noqa: E402

from campaign_lint.cli.lsp.server import DEBOUNCE  # noqa: E402


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    corpus = ensure_corpus(options.size, options.seed).resolve()
    tests.lsp.TIMEOUT = 900.0  # the first lint of a cold portfolio on a busy machine
    campaign = sorted((corpus / "campaigns").rglob("*.yaml"))[0]
    text = campaign.read_text(encoding="utf-8")
    client = Client([sys.executable, "-m", "campaign_lint", "server"], corpus)
    try:
        started = time.perf_counter()
        client.start()
        uri = client.open(campaign, text)
        client.diagnostics(uri)
        client.diagnostics(uri)
        print(f"campaigns:                      {options.size:,}")
        print(f"open to portfolio diagnostics:  {time.perf_counter() - started:.2f} s (first lint, cold)")
        own, portfolio = [], []
        for edit in range(options.edits):
            changed = f"{text}\n# edit {edit}\n"
            sent = time.perf_counter()
            client.change(uri, changed, edit + 2)
            client.diagnostics(uri)
            own.append(time.perf_counter() - sent - DEBOUNCE)
            client.diagnostics(uri)
            portfolio.append(time.perf_counter() - sent - DEBOUNCE)
    finally:
        client.stop()
    print(f"debounce:                       {DEBOUNCE * 1000:.0f} ms")
    print(
        f"own diagnostics after debounce: {statistics.median(own) * 1000:.0f} ms (median of {options.edits})"
    )
    print(
        f"portfolio diagnostics:          {statistics.median(portfolio) * 1000:.0f} ms (median of {options.edits})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
