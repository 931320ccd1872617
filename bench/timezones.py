"""What a persona's time zone costs the timeline: one persona over 90 days, without and with a zone.

Usage (from a corpus folder, such as ``bench/corpus/10000``, whose schedules
are partly written with an offset: ``T09:00:00+01:00``)::

    python ../../timezones.py [--repeat 11] [--zones America/Los_Angeles,Europe/London]

It lints the corpus once in this process (``--jobs 1``, no cache) to get
every valid campaign's ``Sender``, then draws the first persona's timeline
(the policy's, or the built-in ``typical``) ``--repeat`` times in its own
zone (none: times as written) and in each of ``--zones``, alternately, so
that a busy machine slows all alike. It prints the median and fastest time
of each and the messages drawn. A script, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from pathlib import Path

from campaign_lint.lint.config import load_settings
from campaign_lint.lint.engine import Engine
from campaign_lint.lint.outcome import FileOutcome
from campaign_lint.lint.targets import resolve
from campaign_lint.policies.personas import personas
from campaign_lint.policies.timeline import simulate


def main() -> None:
    """Time the first persona's 90-day timeline over the corpus in the current folder, per zone."""
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--repeat", type=int, default=11, help="runs per zone (default 11)")
    parser.add_argument(
        "--zones", default="America/Los_Angeles,Europe/London", help="IANA zones, comma-separated"
    )
    args = parser.parse_args()
    settings = load_settings(None, Path.cwd())
    engine = Engine(settings)
    files = resolve([], settings.scope(), force_exclude=False, changed=None).files
    outcomes = [outcome for outcome in engine._outcomes(files, 1) if isinstance(outcome, FileOutcome)]
    senders = sorted(
        (o.record.sender for o in outcomes if o.record is not None and o.record.sender is not None),
        key=lambda sender: sender.path,
    )
    persona = personas(settings.view, senders)[0]
    offsets = sum(1 for sender in senders if sender.offset is not None)
    print(
        f"{len(senders):,} campaigns, {offsets:,} with a schedule written at an instant; persona {persona.name}"
    )
    zones: list[str | None] = [None, *filter(None, args.zones.split(","))]
    spent: dict[str | None, list[float]] = {zone: [] for zone in zones}
    drawn = dict.fromkeys(zones, 0)
    for _ in range(args.repeat):
        for zone in zones:
            who = persona.replace(timezone=zone)
            started = time.perf_counter()
            drawn[zone] = len(simulate(senders, who, date(2026, 11, 1), 90, settings.view).messages)
            spent[zone].append(time.perf_counter() - started)
    for zone in zones:
        median, fastest = statistics.median(spent[zone]) * 1000, min(spent[zone]) * 1000
        print(f"  {zone or 'no zone':20s} {median:6.1f} ms ({fastest:.1f} ms)  {drawn[zone]:,} messages")


if __name__ == "__main__":
    main()
