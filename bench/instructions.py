"""A cold check's instruction count against an older commit: what wall times on a noisy machine cannot settle.

Usage::

    python bench/instructions.py [--before 4942e46^] [--count 1000]

Wall and CPU times of the same cold check move by 10-50% from one run to the
next on a shared machine (``bench/against.py`` prints them); the number of
instructions a process executes does not. This script counts them with
valgrind's callgrind (``PYTHONHASHSEED=0``), for this checkout's code and
for ``--before``'s (extracted with ``git archive``, run through
``PYTHONPATH`` by the same interpreter, as ``bench/against.py`` does), on two
generated corpora: one campaign, and ``--count`` campaigns (``bench/corpus.py``,
seed 1). Each is a ``campaign-lint check --no-cache --jobs 1`` with the
``recommended`` profile and no custom CEL rules, so the whole run is one
process (custom rules run in worker processes, whose counts callgrind does
not report, and they are the same code on both sides). The one-campaign run
is the fixed part (start-up, imports, the report); the difference is what
``--count`` campaigns add. The script prints both sides, the ratio, and the
ratio projected to 10,000 campaigns (fixed part plus ten times the
per-campaign part of 1,000).

Needs ``valgrind`` (Debian: ``apt-get install valgrind``); a run takes about
a minute per side at 1,000 campaigns. A script, not a test: it prints
figures and asserts nothing. Instructions are not time (cache misses, the
processes of a parallel run and their pickling are not in them): read them
beside ``bench/against.py``'s CPU times.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import corpus  # noqa: E402 - the generator script next to this one
from against import environment, extract  # noqa: E402 - one way to run an older commit
from run import compile_bytecode  # noqa: E402 - this checkout's bytecode, as the other benches

POLICY = 'version: 1\nextends: recommended\ncampaigns: ["campaigns/**/*.yaml"]\n'


def write_corpus(folder: Path, count: int) -> None:
    """``count`` generated campaigns (seed 1) under ``folder``, with the policy of this script."""
    for item in corpus.generate(count, 1):
        target = folder / item.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(item.text, encoding="utf-8")
    (folder / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")


def instructions(folder: Path, src: Path | None) -> int:
    """Instructions of one cold ``check`` in ``folder`` with the code of ``src`` (None: this checkout's)."""
    env = environment(src)
    env["PYTHONHASHSEED"] = "0"
    argv = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "campaign_lint",
        "check",
        "--no-cache",
        "--jobs",
        "1",
        "--format",
        "json",
        "--output",
        os.devnull,
    ]
    done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode not in (0, 1) or found is None:
        raise SystemExit(f"the check failed in {folder}:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="4942e46^", help="the older commit (default 4942e46^)")
    parser.add_argument(
        "--count", type=int, default=1000, help="campaigns of the larger corpus (default 1000)"
    )
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        before = extract(args.before, root / "before")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(before)], check=True)
        compile_bytecode()
        one, many = root / "one", root / "many"
        write_corpus(one, 1)
        write_corpus(many, args.count)
        sides = {args.before: before, "now": None}
        counts = {name: (instructions(one, src), instructions(many, src)) for name, src in sides.items()}
    fixed_before, many_before = counts[args.before]
    fixed_now, many_now = counts["now"]
    per_before = (many_before - fixed_before) / (args.count - 1)
    per_now = (many_now - fixed_now) / (args.count - 1)
    print(
        f"instructions of a cold check --no-cache --jobs 1 (recommended, no custom rules), {args.count} campaigns"
    )
    for name, (fixed, total) in counts.items():
        per = (total - fixed) / (args.count - 1)
        print(f"  {name:12s} one campaign {fixed / 1e6:9.1f} M  {args.count} campaigns {total / 1e6:9.1f} M  "
              f"per campaign {per / 1e6:6.3f} M")  # fmt: skip
    print(f"now / {args.before}: {many_now / many_before:.3f}x at {args.count} campaigns, "
          f"{per_now / per_before:.3f}x per campaign, "
          f"{(fixed_now + 10_000 * per_now) / (fixed_before + 10_000 * per_before):.3f}x projected to 10,000")  # fmt: skip


if __name__ == "__main__":
    main()
