"""How long each portfolio rule takes over a corpus: the part of a run that sees every campaign at once.

Usage (from a corpus folder, such as ``bench/corpus/10000``)::

    python ../../portfolio.py [--repeat 5]

It lints the corpus once in this process (``--jobs 1``, no cache) to get
every valid campaign's portfolio record, then runs each enabled portfolio
rule (SPEC003, FRQ003, FRQ004...) over all of them ``--repeat`` times and
prints the median and the fastest time per rule, and the findings each
yields; then the whole portfolio pass as a run makes it (every rule in one
``lint.portfolio.check``, no cache), where rules share what they compute
alike (each persona's timeline, for FRQ005 and TIM005); with ``--unshared``,
alternately with a pass where each rule computes its own. The per-file part of a run is timed by ``parts.py``; this is the rest
that grows with the portfolio. A script, not a test: it prints figures and
asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

from campaign_lint.lint import portfolio
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.engine import Engine
from campaign_lint.lint.outcome import FileOutcome
from campaign_lint.lint.targets import resolve
from campaign_lint.policies.base import Shared


def main() -> None:
    """Time each portfolio rule over the corpus in the current folder and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per rule (default 5)")
    parser.add_argument(
        "--unshared",
        action="store_true",
        help="also time the pass with every rule computing its own values (each persona's timeline "
        "drawn by FRQ005 and again by TIM005), alternating with the shared pass",
    )
    args = parser.parse_args()
    settings = load_settings(None, Path.cwd())
    engine = Engine(settings)
    files = resolve([], settings.scope(), force_exclude=False, changed=None).files
    # No cache: every outcome is linted (never a cache entry), and carries its record.
    outcomes = [outcome for outcome in engine._outcomes(files, 1) if isinstance(outcome, FileOutcome)]
    records = [outcome.record for outcome in outcomes if outcome.record is not None]
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
    passes = {"one pass": True, "unshared": False} if args.unshared else {"one pass": True}
    walls: dict[str, list[float]] = {label: [] for label in passes}
    cpu: dict[str, list[float]] = {label: [] for label in passes}
    counts = dict.fromkeys(passes, 0)
    for _ in range(args.repeat):
        for label, sharing in passes.items():  # alternately, so that a busy machine slows both alike
            members = [portfolio.Member(record.path, record) for record in records]
            started, used = time.perf_counter(), time.process_time()
            with _sharing(sharing):
                counts[label] = len(portfolio.check(engine.portfolio_rules, members, None)[0])
            cpu[label].append(time.process_time() - used)
            walls[label].append(time.perf_counter() - started)
    for label in passes:
        print(
            f"  {label:8s} {statistics.median(walls[label]):7.3f} s ({min(walls[label]):.3f} s)  "
            f"{counts[label]:,} findings; CPU {statistics.median(cpu[label]):.3f} s ({min(cpu[label]):.3f} s)"
        )


@contextlib.contextmanager
def _sharing(sharing: bool) -> Iterator[None]:
    """Without ``sharing``, each rule of the pass computes its own values (as before ``Shared``)."""
    if sharing:
        yield
        return
    original = Shared.get
    Shared.get = lambda self, key, compute: compute()  # type: ignore[method-assign]
    try:
        yield
    finally:
        Shared.get = original  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
