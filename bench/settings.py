"""The settings step of a run that lints: loaded from the policy files, against served from the settings file.

Usage::

    python bench/settings.py [--shapes project,rules] [--count 10000] [--repeat 9]

For each shape's corpus (``bench/incremental.py``'s, written if missing), a
fresh Python imports what any run that lints imports
(``bench/incremental.IMPORTS``), then times, with ``time.perf_counter`` and
``time.process_time``:

* ``settings``: one ``session.settings_for`` call over the campaigns folder,
  ``cache=False`` (*loaded*: the policy files read, validated, the rules'
  options, personas and locks checked, as every run did before
  ``lint/keptsettings.py``) or ``cache=True`` after a run that kept them
  (*kept*: the settings file read, checked and unpickled);
* ``cache key``: then ``cache.policy_key`` on those settings, which
  serializes the policy and the rules' options (the content cache's key,
  which every run with the cache computes): *kept* settings carry that JSON
  (``lint/derived.py``), *loaded* ones build the serializers first.

The two kinds of process alternate; the table gives the medians in
milliseconds, wall (CPU). A script, not a test: it prints figures and
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from incremental import IMPORTS, SHAPES, ensure  # noqa: E402 - the corpora of the edited-run bench

# Run in the corpus folder: argv[1] is "kept" or "loaded".
PROBE = f"""\
import json, sys, time
{IMPORTS}
from pathlib import Path
from campaign_lint.lint import cache, session
kept = sys.argv[1] == "kept"
wall, cpu = time.perf_counter(), time.process_time()
settings = session.settings_for([Path("campaigns")], cache=kept)
middle, middle_cpu = time.perf_counter(), time.process_time()
cache.policy_key(settings)
end, end_cpu = time.perf_counter(), time.process_time()
print(json.dumps([middle - wall, middle_cpu - cpu, end - middle, end_cpu - middle_cpu]))
"""


def probe(folder: Path, kind: str) -> list[float]:
    """Seconds of the settings step and of the cache key, wall and CPU, in a fresh Python."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, kind], cwd=folder, capture_output=True, text=True, check=True
    )
    values: list[float] = json.loads(done.stdout.strip().splitlines()[-1])
    return values


def _cell(runs: list[list[float]], at: int) -> str:
    """Median milliseconds of field ``at`` (wall) and ``at + 1`` (CPU) of ``runs``."""
    wall = statistics.median(run[at] for run in runs) * 1000
    cpu = statistics.median(run[at + 1] for run in runs) * 1000
    return f"{wall:.1f} ({cpu:.1f})"


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--shapes``, ``--count``, ``--repeat``."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--shapes", default="project,rules", help=f"comma-separated, of {', '.join(SHAPES)}")
    parser.add_argument("--count", type=int, default=10_000, help="campaigns per corpus (default 10000)")
    parser.add_argument("--repeat", type=int, default=9, help="processes of each kind (default 9)")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPU(s); median of {args.repeat} process(es)")
    print("milliseconds, wall (CPU)")
    print(f"{'corpus':<16} {'settings: loaded':>18} {'kept':>16} {'cache key: loaded':>18} {'kept':>16}")
    for shape in (name for name in args.shapes.split(",") if name):
        folder = ensure(shape, args.count)
        probe(folder, "kept")  # keeps the settings (the policy is dated back by ``ensure``)
        runs: dict[str, list[list[float]]] = {"loaded": [], "kept": []}
        for _ in range(args.repeat):
            for kind in runs:
                runs[kind].append(probe(folder, kind))
        cells = [
            f"{_cell(runs[kind], at):>{width}}"
            for at in (0, 2)
            for kind, width in (("loaded", 18), ("kept", 16))
        ]
        print(f"{f'{shape} {args.count:,}':<16} {' '.join(cells)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
