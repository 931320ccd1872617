"""Time a cold ``check`` of this checkout against an older commit's code, in alternating runs.

Usage::

    python bench/against.py [--before 4942e46^] [--also REV ...] [--size 10000] [--rounds 7] [--jobs N]
                            [--replayed]

The older commit's ``src`` (and that of each ``--also`` commit) is extracted
with ``git archive`` into a temporary folder and run with ``PYTHONPATH``
pointing there, by the same interpreter
and console script (``campaign-lint`` next to ``sys.executable``), on the
same corpus (``bench/corpus/<size>``, made by ``bench/run.py``'s generator
when missing) and the same policy file. Both trees are compiled to bytecode
first. Each round runs every side once, the order reversed every round, so
a change in the machine's load hits them alike.

Each run is ``campaign-lint check --no-cache --format json --output
/dev/null`` (``--jobs N`` added when given); with ``--replayed``, it is
the unedited pre-commit run instead, ``campaign-lint check --force-exclude
--format json --output /dev/null FILE`` (FILE the corpus's first campaign),
answered from the replay record that each side's first, unmeasured, run
leaves (the sides' records have different keys, so each keeps its own). Wall time is measured around
the child; CPU time is user plus system time of the child and every process
it waited for (its pool workers), from ``os.wait4``, what ``/usr/bin/time``
reports. On a machine shared with others CPU time is the steadier figure.
The load average is printed before and after.

Before timing, each side prints which ``campaign_lint`` it imports and runs
the check once, unmeasured: each must exit 0 or 1 (a policy key the older
code does not know makes it exit 2, and the script stops). Each side's
finding counts per rule are compared with the older commit's, and the rules
that differ are listed.

A script, not a timed test: nothing here asserts a number.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(BENCH))
import run as bench_run  # noqa: E402  (bench/run.py: the corpus and the bytecode, as its rows have them)


def extract(commit: str, into: Path) -> Path:
    """``git archive <commit> src`` unpacked under ``into``; returns its ``src``."""
    into.mkdir(parents=True)
    archive = into / "src.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", commit, "src"], stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    archive.unlink()
    return into / "src"


def environment(src: Path | None) -> dict[str, str]:
    """The child's environment: this one, with ``PYTHONPATH`` set to ``src`` (or removed)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int, str]:
    """One run: (wall seconds, CPU seconds of the process tree, exit code, stderr)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status), stderr


def findings_by_rule(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, Counter[str]]:
    """Run the check once with its JSON report kept: (exit code, findings per rule)."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = [*argv[: argv.index("--output") + 1], str(report), *argv[argv.index("--output") + 2 :]]
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
        if done.returncode not in (0, 1):
            sys.exit(f"exit code {done.returncode} for {' '.join(command)}:\n{done.stderr[-3000:]}")
        findings = json.loads(report.read_text(encoding="utf-8"))["findings"]
    return done.returncode, Counter(str(f.get("rule")) for f in findings)


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    """Command line: extract, check both sides, alternate timed runs, print medians."""
    parser = argparse.ArgumentParser(description="Time cold check here against an older commit's code.")
    parser.add_argument("--before", default="4942e46^", help="the older commit (default 4942e46^)")
    parser.add_argument(
        "--also", action="append", default=[], metavar="REV", help="another commit to time (repeatable)"
    )
    parser.add_argument("--size", type=int, default=10000, help="corpus size (default 10000)")
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds (default 7)")
    parser.add_argument("--jobs", type=int, default=None, help="pass --jobs N to check")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--replayed",
        action="store_true",
        help="time the unedited `check FILE` answered from its replay record",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    corpus = bench_run.ensure_corpus(args.size, args.seed)
    lint = str(BIN / "campaign-lint")
    command = [lint, "check", "--no-cache", "--format", "json", "--output", os.devnull]
    if args.replayed:
        first = min(path for path in corpus.rglob("*.yaml") if path.parent != corpus)
        command = [lint, "check", "--force-exclude", "--format", "json", "--output", os.devnull]
        command.append(str(first.relative_to(corpus)))
    if args.jobs is not None:
        command += ["--jobs", str(args.jobs)]
    with tempfile.TemporaryDirectory(prefix="before-") as folder:
        sides = {"before": environment(extract(args.before, Path(folder) / "0"))}
        for number, rev in enumerate(args.also, 1):
            sides[rev] = environment(extract(rev, Path(folder) / str(number)))
        sides["now"] = environment(None)
        for name, env in sides.items():
            package = bench_run.compile_bytecode(env)
            if package is None:
                raise SystemExit(f"{name}: campaign_lint cannot be imported")
            print(f"{name}: campaign_lint from {package}")
        counts = {name: findings_by_rule(command, corpus, env) for name, env in sides.items()}
        for name, (code, by_rule) in counts.items():
            print(f"{name}: exit code {code}, {sum(by_rule.values())} findings")
            if name == "before":
                continue
            for rule in sorted(set(counts["before"][1]) | set(by_rule)):
                if counts["before"][1][rule] != by_rule[rule]:
                    print(f"  {rule}: {counts['before'][1][rule]} before, {by_rule[rule]} in {name}")
        if args.replayed:  # each side's record: its first run may find the policy just written (not recorded)
            for env in sides.values():
                timed(command, corpus, env)
        print(f"command: {' '.join(command)} (in {corpus})")
        print(f"load average before: {load()}")
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
        for index in range(args.rounds):
            order = list(sides) if index % 2 == 0 else list(reversed(sides))
            for name in order:
                wall, cpu, code, stderr = timed(command, corpus, sides[name])
                if code not in (0, 1):
                    sys.exit(f"{name}: exit code {code}\n{stderr[-3000:]}")
                runs[name].append((wall, cpu))
                print(f"  round {index + 1} {name:10} wall {wall:.2f} s  cpu {cpu:.2f} s", flush=True)
        print(f"load average after: {load()}")
    medians = {
        name: (statistics.median(w for w, _ in times), statistics.median(c for _, c in times))
        for name, times in runs.items()
    }
    bw, bc = medians["before"]
    print(f"\n{'side':10} {'median wall s':>14} {'median cpu s':>13} {'wall/before':>12} {'cpu/before':>11}")
    for name, (wall, cpu) in medians.items():
        print(f"{name:10} {wall:14.2f} {cpu:13.2f} {wall / bw:11.3f}x {cpu / bc:10.3f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
