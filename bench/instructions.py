"""A cold check's instruction count against an older commit: what wall times on a noisy machine cannot settle.

Usage::

    python bench/instructions.py [--before 4942e46^] [--count 1000] [--custom [--jobs N]]
    python bench/instructions.py --edited {cap,comment,none} [--before d7609d9] [--shape project] [--rounds 5]

Wall and CPU times of the same cold check move by 10-50% from one run to the
next on a shared machine (``bench/against.py`` prints them); the number of
instructions a process executes does not. This script counts them with
valgrind's callgrind (``PYTHONHASHSEED=0``), for this checkout's code and
for ``--before``'s (extracted with ``git archive``, run through
``PYTHONPATH`` by the same interpreter, as ``bench/against.py`` does), on two
generated corpora: one campaign, and ``--count`` campaigns (``bench/corpus.py``,
seed 1). Each is a ``campaign-lint check --no-cache --jobs 1`` with the
``recommended`` profile and, unless ``--custom``, no custom CEL rules, so
the whole run is one process. The one-campaign run
is the fixed part (start-up, imports, the report); the difference is what
``--count`` campaigns add. The script prints both sides, the ratio, and the
ratio projected to 10,000 campaigns (fixed part plus ten times the
per-campaign part of 1,000).

With ``--custom`` the policy is ``bench/corpus.py``'s, with its five CEL
rules, and the count includes the worker processes that evaluate them
(``--jobs N`` is passed to the check): callgrind follows each fork
(``--dump-before=fork`` writes the parent's count up to each fork and starts
the next part at zero, so that a forked child counts only its own work), and
the run is started through a line that makes the workers' SIGKILL a SIGTERM,
which lets callgrind write a killed worker's count (the workers are idle when
the run kills them; a killed one would otherwise count nothing). The kernel's
part of a worker (the fork, the pages it copies) is not in the count: read
CPU times beside it.

Needs ``valgrind`` (Debian: ``apt-get install valgrind``); a run takes about
a minute per side at 1,000 campaigns. ``--edited cap`` (or ``comment``, or ``none``: no edit) counts a warm run after one edit instead,
in ``bench/incremental.py``'s corpus of 10,000 campaigns, with alternating
CPU times beside the counts: see ``bench/edited.py``.

A script, not a test: it prints
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
# Starts the CLI with the workers' SIGKILL made a SIGTERM (``--custom``: see the module docstring).
LAUNCHER = (
    "import signal, sys; signal.SIGKILL = signal.SIGTERM; sys.argv[0] = 'campaign-lint'; "
    "from campaign_lint.cli.entry import run; run()"
)


def write_corpus(folder: Path, count: int, policy: str = POLICY) -> None:
    """``count`` generated campaigns (seed 1) under ``folder``, with ``policy``."""
    for item in corpus.generate(count, 1):
        target = folder / item.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(item.text, encoding="utf-8")
    (folder / "campaign-lint.yaml").write_text(policy, encoding="utf-8")


def instructions(folder: Path, src: Path | None, jobs: int = 1, children: bool = False) -> int:
    """Instructions of one cold ``check`` in ``folder`` with the code of ``src`` (None: this checkout's).

    ``children``: forked worker processes included (``--custom``).
    """
    env = environment(src)
    env["PYTHONHASHSEED"] = "0"
    check = ["check", "--no-cache", "--jobs", str(jobs), "--format", "json", "--output", os.devnull]
    if not children:
        argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-m"]
        done = subprocess.run(
            [*argv, "campaign_lint", *check], cwd=folder, env=env, capture_output=True, text=True, check=False
        )
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode not in (0, 1) or found is None:
            raise SystemExit(f"the check failed in {folder}:\n{done.stderr[-2000:]}")
        return int(found.group(1))
    with tempfile.TemporaryDirectory() as scratch:
        argv = [
            "valgrind",
            "--tool=callgrind",
            "--dump-before=fork",
            f"--callgrind-out-file={scratch}/callgrind.%p",
            sys.executable,
            "-c",
            LAUNCHER,
        ]
        done = subprocess.run(
            [*argv, *check], cwd=folder, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode not in (0, 1):
            raise SystemExit(f"the check failed in {folder}:\n{done.stderr[-2000:]}")
        totals = [
            int(line.split()[1])
            for part in Path(scratch).iterdir()
            for line in part.read_text(encoding="utf-8", errors="replace").splitlines()
            if line.startswith("totals:")
        ]
    return sum(totals)


def main() -> None:
    if "--edited" in sys.argv:
        from edited import main as edited  # a warm run after an edit (bench/edited.py)

        edited(sys.argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="4942e46^", help="the older commit (default 4942e46^)")
    parser.add_argument(
        "--count", type=int, default=1000, help="campaigns of the larger corpus (default 1000)"
    )
    parser.add_argument(
        "--custom", action="store_true", help="bench/corpus.py's policy, with 5 CEL rules; workers counted"
    )
    parser.add_argument("--jobs", type=int, default=1, help="--jobs of the check (default 1)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        before = extract(args.before, root / "before")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(before)], check=True)
        compile_bytecode()
        one, many = root / "one", root / "many"
        policy = corpus.POLICY if args.custom else POLICY
        write_corpus(one, 1, policy)
        write_corpus(many, args.count, policy)
        sides = {args.before: before, "now": None}
        counts = {
            name: tuple(instructions(folder, src, args.jobs, args.custom) for folder in (one, many))
            for name, src in sides.items()
        }
    fixed_before, many_before = counts[args.before]
    fixed_now, many_now = counts["now"]
    per_before = (many_before - fixed_before) / (args.count - 1)
    per_now = (many_now - fixed_now) / (args.count - 1)
    rules = "5 custom rules, workers included" if args.custom else "no custom rules"
    print(
        f"instructions of a cold check --no-cache --jobs {args.jobs} (recommended, {rules}), {args.count} campaigns"
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
