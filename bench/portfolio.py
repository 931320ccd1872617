"""How long each portfolio rule takes over a corpus: the part of a run that sees every campaign at once.

Usage (from a corpus folder, such as ``bench/corpus/10000``)::

    python ../../portfolio.py [--repeat 5]

It lints the corpus once in this process (``--jobs 1``, no cache) to get
every valid campaign's portfolio record, then runs each enabled portfolio
rule (SPEC003, FRQ003, FRQ004...) over all of them ``--repeat`` times and
prints the median and the fastest time per rule, and the findings each
yields. The per-file part of a run is timed by ``parts.py``; this is the rest
that grows with the portfolio. A script, not a test: it prints figures and
asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

from campaign_lint.lint.config import load_settings
from campaign_lint.lint.engine import Engine
from campaign_lint.lint.targets import resolve


def main() -> None:
    """Time each portfolio rule over the corpus in the current folder and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per rule (default 5)")
    args = parser.parse_args()
    settings = load_settings(None, Path.cwd())
    engine = Engine(settings)
    files = resolve([], settings.scope(), force_exclude=False, changed=None).files
    records = [outcome.record for outcome in engine._outcomes(files, 1) if outcome.record is not None]
    print(f"{len(records):,} valid campaigns of {len(files):,} files; median (fastest) of {args.repeat} runs")
    gc.disable()
    total = 0.0
    for rule, ctx, _ in engine.portfolio_rules:
        spent = []
        found = 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            found = sum(1 for _ in rule.check(records, ctx))
            spent.append(time.perf_counter() - started)
        median = statistics.median(spent)
        total += median
        print(f"  {rule.id:8s} {median:7.3f} s ({min(spent):.3f} s)  {found:,} findings")
    print(f"  {'total':8s} {total:7.3f} s")


if __name__ == "__main__":
    main()
