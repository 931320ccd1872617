"""Standalone fuzzing of the loader and the whole ``check`` pipeline (outside CI).

    .venv/bin/python fuzz/run.py --inputs 100000 [--seed 7]

Inputs, from a fixed seed so a run can be repeated: mutated example
campaigns (byte flips, inserted YAML constructs, deleted, duplicated and
swapped lines, indentation changes, truncation), random bytes, random
YAML-ish structures dumped to YAML, and mutated policy files. Each input goes
through the loader and through ``check`` twice; an exception other than a
clean user error, a hang (over ``--timeout`` seconds), or two runs that
disagree is a crash: the input is saved to ``fuzz/crashes/`` with the
traceback. Prints the number of inputs tried, the distribution of outcomes
and every crash; exits 1 when there was one.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import random
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import FrameType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile.fuzzing import (  # noqa: E402 - after the path is set
    EXAMPLES,
    SNIPPETS,
    Summary,
    apply,
    example_campaigns,
    lint_bytes,
    load_bytes,
    random_ops,
)

KEYS = (
    "id",
    "name",
    "channel",
    "audience",
    "trigger",
    "frequency",
    "send_window",
    "content",
    "version",
    "owner",
    "x-note",
    "<<",
    "1",
    "",
)


class Hang(Exception):
    """The input took longer than the time limit."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def random_structure(rng: random.Random, depth: int = 0) -> Any:
    """A random YAML-ish value: nested mappings and lists of odd scalars."""
    kind = rng.randrange(8 if depth < 6 else 4)
    if kind == 0:
        return rng.choice([None, True, False, 0, -1, 10**30, 1.5, float("inf"), float("nan")])
    if kind == 1:
        return "".join(
            chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x3000)]))
            for _ in range(rng.randrange(12))
        )
    if kind == 2:
        return rng.choice(
            ["09:00", "NO", "yes", "7d", "sms", "email", "2026-11-22", "0o17", "~", "null", "-"]
        )
    if kind == 3:
        return rng.choice(SNIPPETS).decode("utf-8", "replace")
    if kind in (4, 5):
        return [random_structure(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {rng.choice(KEYS): random_structure(rng, depth + 1) for _ in range(rng.randrange(6))}


def make_input(rng: random.Random, seeds: list[bytes], policy_seed: bytes) -> tuple[str, bytes, bytes | None]:
    """(kind, campaign bytes, policy bytes or None)."""
    roll = rng.random()
    if roll < 0.6:
        return "mutated-campaign", apply(rng.choice(seeds), random_ops(rng)), None
    if roll < 0.75:
        return "random-bytes", rng.randbytes(rng.randrange(200)), None
    if roll < 0.9:
        text = yaml.safe_dump(random_structure(rng), allow_unicode=rng.random() < 0.5)
        return (
            "random-structure",
            apply(text.encode("utf-8"), random_ops(rng, 2)) if rng.random() < 0.3 else text.encode("utf-8"),
            None,
        )
    return "mutated-policy", rng.choice(seeds), apply(policy_seed, random_ops(rng, 3))


def outcome_label(summary: Summary) -> str:
    """A short name for the distribution table."""
    if isinstance(summary, str):
        return "clean user/policy error (exit 2)"
    rules = sorted({finding[0] for finding in summary})
    if not rules:
        return "no findings"
    return "+".join(rules[:3]) + ("+..." if len(rules) > 3 else "")


def save_crash(directory: Path, campaign: bytes, policy: bytes | None, report: str) -> Path:
    """Save a crashing input (and its policy) with the traceback; return the campaign file."""
    digest = hashlib.sha256(campaign + b"\0" + (policy or b"")).hexdigest()[:16]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{digest}.yaml").write_bytes(campaign)
    if policy is not None:
        (directory / f"{digest}.policy.yaml").write_bytes(policy)
    (directory / f"{digest}.txt").write_text(report, encoding="utf-8")
    return directory / f"{digest}.yaml"


def run(inputs: int, seed: int, crashes: Path, timeout: int, progress: int) -> int:
    """Try ``inputs`` inputs, print the summary; 1 when anything crashed."""
    rng = random.Random(seed)
    seeds = example_campaigns()
    policy_seed = (EXAMPLES / "campaign-lint.yaml").read_bytes()
    kinds: collections.Counter[str] = collections.Counter()
    outcomes: collections.Counter[str] = collections.Counter()
    found: list[tuple[str, Path]] = []
    signal.signal(signal.SIGALRM, _on_alarm)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="campaign-lint-fuzz-") as temporary:
        workdir = Path(temporary)
        for number in range(1, inputs + 1):
            kind, campaign, policy = make_input(rng, seeds, policy_seed)
            kinds[kind] += 1
            signal.alarm(timeout)
            try:
                loaded = repr(load_bytes(campaign))
                first = lint_bytes(campaign, workdir, policy=policy)
                second = lint_bytes(campaign, workdir, policy=policy)
                if first != second or loaded != repr(load_bytes(campaign)):
                    raise AssertionError(f"two runs disagree:\n{first!r}\n{second!r}")
            except Exception as exc:  # noqa: BLE001 - every other exception is what we look for
                signal.alarm(0)
                name = "hang" if isinstance(exc, Hang) else type(exc).__name__
                saved = save_crash(crashes, campaign, policy, f"{kind}: {name}\n\n{traceback.format_exc()}")
                found.append((f"{kind}: {name}: {str(exc).splitlines()[0][:120] if str(exc) else ''}", saved))
                outcomes[f"CRASH ({name})"] += 1
                continue
            finally:
                signal.alarm(0)
            outcomes[outcome_label(first)] += 1
            if progress and number % progress == 0:
                rate = number / (time.perf_counter() - started)
                print(f"  {number} inputs, {len(found)} crashes, {rate:.0f} inputs/s", flush=True)
    seconds = time.perf_counter() - started
    print(f"inputs tried: {inputs} (seed {seed}) in {seconds:.1f} s")
    print("inputs by kind:")
    for kind, count in sorted(kinds.items()):
        print(f"  {count:8d}  {kind}")
    print("outcomes (rules found, or a clean error):")
    for label, count in outcomes.most_common():
        print(f"  {count:8d}  {label}")
    print(f"uncaught exceptions: {len(found)}")
    for line, saved in found:
        print(f"  {line} -> {saved}")
    return 1 if found else 0


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--inputs", type=int, default=10_000, help="number of inputs to try")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same inputs)")
    parser.add_argument(
        "--crashes", type=Path, default=ROOT / "fuzz" / "crashes", help="where crashing inputs go"
    )
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take")
    parser.add_argument(
        "--progress", type=int, default=10_000, help="print progress every N inputs (0: never)"
    )
    args = parser.parse_args(argv)
    return run(args.inputs, args.seed, args.crashes, args.timeout, args.progress)


if __name__ == "__main__":
    raise SystemExit(main())
