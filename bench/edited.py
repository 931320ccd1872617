"""A warm check after one edit, here against an older commit: instructions (callgrind) and alternating CPU times.

Usage::

    python bench/instructions.py --edited cap [--before d7609d9] [--shape project] [--count 10000] [--rounds 5] [--hook]

(``bench/instructions.py --edited`` runs this module's ``main``.) The corpus
is ``bench/incremental.py``'s (``bench/corpus/incremental-<shape>-<count>``)
and the run is the one that bench times as *edited*: ``campaign-lint check
--force-exclude --format json --output /dev/null FILE`` right after FILE was
edited, every other campaign taken from the content cache (with ``--hook``,
as the pre-commit hook makes it: ``PRE_COMMIT=1``, FILE staged, the corpus
a git repository, as ``bench/incremental.py --hook`` does). ``cap`` raises
FILE's ``frequency.max`` by 1 (its portfolio record changes: FRQ003 and
FRQ004 are checked again with their kept plans); ``comment`` adds a comment
line (no rule sees it); ``none`` leaves FILE alone: the measured run is the
unedited one, answered from the replay record (the denominator of issue 19's
ratios, counted the same way).

For each side (this checkout, and ``--before`` extracted with ``git archive``
and run through ``PYTHONPATH``, as ``bench/against.py`` does) a step is: an
unmeasured run on the original FILE (it fills that side's cache: the cache
key holds the code's stamp, so the sides never share one), the edit, the
measured run, FILE restored. Each side first makes one step unmeasured: a
cold cache's record cannot be patched, so the edited run after it is a
full run (which writes a record that can be), not the patch to count. The instruction count is one step per side
under ``valgrind --tool=callgrind`` (``PYTHONHASHSEED=0``; a forked
child, such as the patched replay's survey, counted apart with
``--dump-before=fork`` and added, as ``--custom`` counts workers); then
``--rounds`` steps per side, alternating, are timed (wall, and CPU of the
process from ``wait4``) and their medians printed. The cyclic collector is
off in a check, so the count moves little from one step to the next.

A script, not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from against import environment, extract, timed  # noqa: E402 - one way to run an older commit
from incremental import _git, _raise_cap, as_repository, ensure, pick  # noqa: E402 - the corpus of the edited-run bench
from run import compile_bytecode  # noqa: E402 - this checkout's bytecode, as the other benches

ARGS = ["check", "--force-exclude", "--format", "json", "--output", os.devnull]


def _edit(text: str, kind: str, step: int) -> str:
    """``text`` edited as ``kind`` says, differently at each ``step`` (the cache never holds the edit)."""
    if kind == "cap":
        return _raise_cap(text, 1 + step % 2)
    return text + f"# edited for step {step}\n"


def _run(argv: list[str], folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"the check failed in {folder}:\n{done.stderr[-2000:]}")
    return done


def step(folder: Path, target: Path, kind: str, number: int, env: dict[str, str], counted: bool) -> float:
    """One step (module docstring): instructions if ``counted``, else CPU seconds of the measured run."""
    original = target.read_text(encoding="utf-8")
    argv = [*ARGS, str(target.relative_to(folder))]
    python = [sys.executable, "-m", "campaign_lint"]
    hook = env.get("PRE_COMMIT") == "1"
    if hook:
        _git(folder, "add", str(target.relative_to(folder)))
    _run([*python, *argv], folder, env)
    try:
        if kind != "none":  # unedited: not even written again (its time would move)
            target.write_text(_edit(original, kind, number), encoding="utf-8")
        if hook:  # what pre-commit judges: the index
            _git(folder, "add", str(target.relative_to(folder)))
        if not counted:
            wall, cpu, code, stderr = timed([*python, *argv], folder, env)
            if code not in (0, 1):
                raise SystemExit(f"the check failed in {folder}:\n{stderr[-2000:]}")
            WALLS.append(wall)
            return cpu
        with tempfile.TemporaryDirectory() as scratch:
            # A run may fork (the patched replay's survey): each part counted apart, then summed.
            valgrind = [
                "valgrind",
                "--tool=callgrind",
                "--dump-before=fork",
                f"--callgrind-out-file={scratch}/cg.%p",
            ]
            _run([*valgrind, *python, *argv], folder, env)
            totals = [
                int(line.split()[1])
                for part in Path(scratch).iterdir()
                for line in part.read_text(encoding="utf-8", errors="replace").splitlines()
                if line.startswith("totals:")
            ]
        if not totals:
            raise SystemExit("no instruction count from valgrind")
        return float(sum(totals))
    finally:
        if kind != "none":
            target.write_text(original, encoding="utf-8")
        if hook:
            _git(folder, "add", str(target.relative_to(folder)))


# The wall seconds of the timed steps of the side being timed (read and cleared by ``main``).
WALLS: list[float] = []


def main(argv: list[str]) -> None:
    """``bench/instructions.py --edited KIND`` (module docstring)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--edited", choices=("cap", "comment", "none"), required=True, help="the edit made")
    parser.add_argument("--before", default="d7609d9", help="the older commit (default d7609d9)")
    parser.add_argument("--shape", default="project", help="bench/incremental.py's corpus shape")
    parser.add_argument("--count", type=int, default=10_000, help="campaigns (default 10000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed steps per side (default 5)")
    parser.add_argument(
        "--hook", action="store_true", help="as the pre-commit hook runs: PRE_COMMIT=1, staged"
    )
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    folder = ensure(args.shape, args.count)
    if args.hook:
        as_repository(folder)
    target = pick(folder)
    compile_bytecode()
    with tempfile.TemporaryDirectory() as scratch:
        before = extract(args.before, Path(scratch) / "before")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(before)], check=True)
        sides = {args.before: environment(before), "now": environment(None)}
        for env in sides.values():
            env["PYTHONHASHSEED"] = "0"
            if args.hook:
                env["PRE_COMMIT"] = "1"
        for env in sides.values():
            # A side's first step starts from a cold cache (the key holds the code's stamp), whose record
            # cannot be patched: its edited run falls back to a full run, which writes one that can.
            step(folder, target, args.edited, 1, env, False)
        WALLS.clear()
        counts = {name: step(folder, target, args.edited, 0, env, True) for name, env in sides.items()}
        cpu: dict[str, list[float]] = {name: [] for name in sides}
        wall: dict[str, list[float]] = {name: [] for name in sides}
        for number in range(args.rounds):
            for name, env in sides.items():
                cpu[name].append(step(folder, target, args.edited, number + 1, env, False))
                wall[name].append(WALLS.pop())
    how = " as the pre-commit hook runs (PRE_COMMIT=1, the edit staged)" if args.hook else ""
    what = "unedited" if args.edited == "none" else f"after a {args.edited} edit"
    print(f"warm check {what}{how}, {args.shape} {args.count:,} campaigns")
    for name in sides:
        print(f"  {name:10s} {counts[name] / 1e6:9.1f} M instructions   "
              f"wall {statistics.median(wall[name]):.3f} s  CPU {statistics.median(cpu[name]):.3f} s "
              f"(median of {args.rounds}, alternating)")  # fmt: skip
    before_cpu = statistics.median(cpu[args.before])
    print(f"now / {args.before}: {counts['now'] / counts[args.before]:.3f}x instructions, "
          f"{statistics.median(cpu['now']) / before_cpu:.3f}x CPU")  # fmt: skip
