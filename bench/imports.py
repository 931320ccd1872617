"""What every edited run pays before it lints anything: the imports, in instructions and CPU, against an older commit.

Usage::

    python bench/imports.py [--before main] [--after REV] [--steps] [--edited N] [--rounds N] [--no-count]

The process measured is ``python -c IMPORTS``, ``IMPORTS`` being
``bench/incremental.py``'s: what any run that lints a file imports (the
console script's import shortcuts, the policy models, the rules, the engine,
the cache), the floor of every edited run of that bench. It is measured for
this checkout and for ``--before`` (its ``src`` extracted with ``git
archive`` and run through ``PYTHONPATH`` by the same interpreter, as
``bench/against.py`` and ``bench/instructions.py`` do; both trees compiled
to bytecode first; ``--after REV``: that commit's, the same way, instead of this checkout's):

* instructions, counted by valgrind's callgrind (``PYTHONHASHSEED=0``): the
  same from one run to the next within a few thousand, whatever the load;
* with ``--steps``, the instructions of each step of those imports, each
  step importing more than the one before (the interpreter alone; pydantic
  and PyYAML; the campaign and policy models; the rules; the settings
  reader; the whole of ``IMPORTS``): where the instructions go;
* with ``--edited N``, the instructions of whole runs too, on
  ``bench/incremental.py``'s ``project`` corpus of N campaigns, copied once
  per side (each side fills its own cache and replay record with unmeasured
  runs, the first edit after the cold one included): the run with nothing
  edited (answered from the replay record), the same run followed in its
  process by ``IMPORTS`` (``unedited, then IMPORTS``: its ratio to the
  unedited run is the floor of every edited run's, what the imports alone
  add), the run after one campaign gets a new last line, a comment
  (``edited, comment``), and after its cap is raised instead (``edited,
  cap``), each with its ratio to the unedited run: what the imports are a
  part of;
* with ``--rounds N``, N alternating CPU runs of each side (the order
  reversed every round, so the machine's load weighs on both alike): the
  median CPU seconds (user plus system, ``os.wait4``) and wall seconds.

Needs ``valgrind`` (Debian: ``apt-get install valgrind``) unless
``--rounds`` is given with ``--no-count``. A script, not a test: it prints
figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from against import environment, extract  # noqa: E402 - one way to run an older commit
from incremental import IMPORTS, LINT, _raise_cap, ensure, pick  # noqa: E402 - what an edited run imports, its corpus
from run import compile_bytecode  # noqa: E402 - this checkout's bytecode, as the other benches

SHORTCUTS = "from campaign_lint.cli import startup; startup.install()"
# Each step imports what the one before did and more; the last is IMPORTS itself.
STEPS = (
    ("interpreter", "pass"),
    ("pydantic, PyYAML", f"{SHORTCUTS}; import yaml; from pydantic import BaseModel, Field, StrictStr"),
    (
        "campaign, policy models",
        f"{SHORTCUTS}; import campaign_lint.schemas.campaign, campaign_lint.schemas.policy",
    ),
    (
        "rules (registry)",
        f"{SHORTCUTS}; import campaign_lint.schemas.policy, campaign_lint.policies.registry",
    ),
    ("settings (lint.config)", f"{SHORTCUTS}; import campaign_lint.lint.config"),
    ("IMPORTS (engine, cache, ...)", IMPORTS),
)


def instructions(code: str, src: Path | None) -> int:
    """Instructions of ``python -c code`` with the ``campaign_lint`` of ``src`` (None: this checkout's)."""
    env = environment(src)
    env["PYTHONHASHSEED"] = "0"
    argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"the imports failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def _counted(folder: Path, env: dict[str, str], command: list[str]) -> int:
    """Instructions of ``command`` run in ``folder``, every process summed (the survey is a forked child)."""
    counted = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command]
    done = subprocess.run(counted, cwd=folder, env=env, capture_output=True, text=True, check=False)
    found = re.findall(r"Collected : (\d+)", done.stderr)
    if done.returncode not in (0, 1) or not found:
        raise SystemExit(f"the run failed in {folder}:\n{done.stderr[-2000:]}")
    return sum(int(count) for count in found)


def edited(folder: Path, src: Path | None) -> dict[str, int]:
    """Instructions of pre-commit runs on one campaign of ``folder``, after runs that filled the cache.

    ``unedited``: nothing changed (answered from the replay record);
    ``unedited, then IMPORTS``: the same run in a Python that imports
    ``IMPORTS`` after it (what an edited run adds in imports alone);
    ``comment``: the campaign given a new last line, a comment; ``cap``: its
    first ``frequency.max`` raised by 1 (the portfolio rules check it again),
    after a run that recorded it unedited again.
    """
    env = environment(src)
    env["PYTHONHASHSEED"] = "0"
    target = pick(folder)
    argv = [
        "check",
        "--force-exclude",
        "--format",
        "json",
        "--output",
        os.devnull,
        str(target.relative_to(folder)),
    ]
    original = target.read_text(encoding="utf-8")
    # Unmeasured runs: a cold one records nothing to patch (``lint/patching.section``), so the first
    # edit after it is a full warm run, which does; the comment row would count it otherwise.
    for text in (original, original + "# edited before the counted runs\n", original):
        target.write_text(text, encoding="utf-8")
        subprocess.run([str(LINT), *argv], cwd=folder, env=env, capture_output=True, check=False)
    counts = {"unedited": _counted(folder, env, [str(LINT), *argv])}
    # The unedited run in a Python that then imports what an edited run must: the
    # difference is what an edit adds in imports alone, the floor of its ratio.
    floor = f"from campaign_lint.cli.entry import main; main({argv!r}); {IMPORTS}"
    counts["unedited, then IMPORTS"] = _counted(folder, env, [sys.executable, "-c", floor])
    try:
        target.write_text(original + "# edited for the counted run\n", encoding="utf-8")
        counts["comment"] = _counted(folder, env, [str(LINT), *argv])
        target.write_text(original, encoding="utf-8")
        subprocess.run([str(LINT), *argv], cwd=folder, env=env, capture_output=True, check=False)
        target.write_text(_raise_cap(original, 1), encoding="utf-8")
        counts["cap"] = _counted(folder, env, [str(LINT), *argv])
    finally:
        target.write_text(original, encoding="utf-8")
    return counts


def cpu(src: Path | None) -> tuple[float, float]:
    """Wall and CPU seconds of one ``python -c IMPORTS``."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", IMPORTS], env=environment(src))
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the imports failed")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="the older commit (default main)")
    parser.add_argument(
        "--after", default=None, help="a commit instead of this checkout (default: the checkout)"
    )
    parser.add_argument("--steps", action="store_true", help="count each step of the imports too")
    parser.add_argument("--rounds", type=int, default=0, help="alternating CPU runs of each side (default 0)")
    parser.add_argument("--no-count", action="store_true", help="no instruction counts (no valgrind)")
    parser.add_argument(
        "--edited",
        type=int,
        default=0,
        metavar="N",
        help="count an edited run on N campaigns too (default: no)",
    )
    args = parser.parse_args()
    if not args.no_count and shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as scratch:
        before = extract(args.before, Path(scratch) / "before")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(before)], check=True)
        compile_bytecode()
        after = None if args.after is None else extract(args.after, Path(scratch) / "after")
        if after is not None:
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(after)], check=True)
        later = args.after or "now"
        sides: dict[str, Path | None] = {args.before: before, later: after}
        if not args.no_count:
            steps = STEPS if args.steps else STEPS[-1:]
            print(f"instructions (M), python -c <step>, PYTHONHASHSEED=0; {args.before} and {later}")
            for label, code in steps:
                then, now = (instructions(code, src) for src in sides.values())
                print(f"  {label:30s} {then / 1e6:8.1f} {now / 1e6:8.1f}  {now / then:.3f}x")
            if args.edited:
                corpus = ensure("project", args.edited)
                copies = {name: Path(scratch) / f"corpus-{index}" for index, name in enumerate(sides)}
                for copy in copies.values():
                    shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns(".campaign-lint-cache"))
                # Both sides from a copy in the scratch folder: a run of the same code from
                # another folder counts very differently (1.6 G instructions more, measured).
                here = after
                if here is None:
                    here = Path(scratch) / "now" / "src"
                    shutil.copytree(BENCH.parent / "src", here, ignore=shutil.ignore_patterns("__pycache__"))
                    subprocess.run([sys.executable, "-m", "compileall", "-q", str(here)], check=True)
                paths = {args.before: before, later: here}
                before_runs, after_runs = (edited(copies[name], paths[name]) for name in sides)
                print(f"whole runs on {args.edited:,} campaigns, every process; ratio to the unedited run")
                for row, then in before_runs.items():
                    now = after_runs[row]
                    ratios = f"{then / before_runs['unedited']:.2f}x {now / after_runs['unedited']:.2f}x"
                    print(f"  {row:30s} {then / 1e6:8.1f} {now / 1e6:8.1f}  {now / then:.3f}x  ({ratios})")
        if args.rounds:
            runs: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
            order = list(sides)
            for _ in range(args.rounds):
                for name in order:
                    runs[name].append(cpu(sides[name]))
                order.reverse()
            print(
                f"python -c IMPORTS, medians of {args.rounds} alternating runs (load {os.getloadavg()[0]:.2f})"
            )
            for name, times in runs.items():
                wall = statistics.median(t[0] for t in times)
                used = statistics.median(t[1] for t in times)
                print(f"  {name:12s} wall {wall * 1000:6.1f} ms  CPU {used * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
