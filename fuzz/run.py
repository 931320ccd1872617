"""Standalone fuzzing of the loader, the whole ``check`` pipeline and ``campaign-lint test`` (outside CI).

    .venv/bin/python fuzz/run.py --inputs 100000 [--seed 7] [--only KIND]

Inputs, from a fixed seed so a run can be repeated (the mix is ``MIX``):
mutated example campaigns (byte flips, inserted YAML constructs, deleted,
duplicated and swapped lines, indentation changes, truncation), random bytes,
random YAML-ish structures dumped to YAML, mutated policy files, and the
kinds an untrusted pull request brings: policy-test files (``*.test.yaml``
with hostile paths), policies whose ``schema:`` holds ``$ref``s (remote,
``file://``, relative, unresolvable, recursive, deep) and policies with CEL
``custom_rules``. Each input goes through the loader and ``check`` (or
``run_tests``) twice; an exception other than a clean user error, a hang
(over ``--timeout`` seconds), two runs that disagree, or (for the last three
kinds) a socket or a file opened outside the sandbox is a crash: the input is
saved to ``fuzz/crashes/`` with the traceback. Prints the number of inputs
tried, the distribution of outcomes and every crash; exits 1 when there was
one.
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
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile.fuzzing import (  # noqa: E402 - after the path is set
    EXAMPLES,
    PolicyTestSummary,
    Sandbox,
    Summary,
    apply,
    cel_policy,
    example_campaigns,
    lint_bytes,
    lint_guarded,
    load_bytes,
    policy_test_file,
    random_ops,
    random_structure,
    ref_policy,
    run_policy_test,
    sandbox,
)

# The share of each kind of input (cumulative thresholds in ``make_input``).
MIX = (
    ("mutated-campaign", 0.555),
    ("random-bytes", 0.14),
    ("random-structure", 0.14),
    ("mutated-policy", 0.09),
    ("policy-test", 0.03),
    ("ref-schema", 0.03),
    ("cel-rules", 0.015),
)

NEW_KINDS = ("policy-test", "ref-schema", "cel-rules")


class Hang(Exception):
    """The input took longer than the time limit."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def pick_kind(roll: float) -> str:
    """The kind of input for ``roll`` in [0, 1), by ``MIX``."""
    for kind, share in MIX:
        if roll < share:
            return kind
        roll -= share
    return MIX[-1][0]


def make_input(
    rng: random.Random, seeds: list[bytes], policy_seed: bytes, only: Sequence[str] = ()
) -> tuple[str, bytes, bytes | None]:
    """(kind, campaign bytes, policy bytes or None); for ``policy-test``, the test file instead of a campaign.

    ``only``: draw from these kinds alone, evenly (``--only``).
    """
    roll = rng.random()
    kind = only[int(roll * len(only))] if only else pick_kind(roll)
    if kind == "mutated-campaign":
        return kind, apply(rng.choice(seeds), random_ops(rng)), None
    if kind == "random-bytes":
        return kind, rng.randbytes(rng.randrange(200)), None
    if kind == "random-structure":
        text = yaml.safe_dump(random_structure(rng), allow_unicode=rng.random() < 0.5)
        return (
            kind,
            apply(text.encode("utf-8"), random_ops(rng, 2)) if rng.random() < 0.3 else text.encode("utf-8"),
            None,
        )
    if kind == "mutated-policy":
        return kind, rng.choice(seeds), apply(policy_seed, random_ops(rng, 3))
    if kind == "policy-test":
        return kind, policy_test_file(rng, seeds), None
    if kind == "ref-schema":
        return kind, rng.choice(seeds), ref_policy(rng)
    return kind, rng.choice(seeds), cel_policy(rng)


def check_input(
    kind: str, campaign: bytes, policy: bytes | None, workdir: Path, box: Sandbox
) -> Summary | PolicyTestSummary:
    """One input through what its kind exercises, twice; raises on anything but an answer that agrees."""
    if kind == "policy-test":
        first: Summary | PolicyTestSummary = run_policy_test(campaign, box)
        second: Summary | PolicyTestSummary = run_policy_test(campaign, box)
    elif kind in ("ref-schema", "cel-rules"):
        assert policy is not None
        first, second = lint_guarded(campaign, box, policy), lint_guarded(campaign, box, policy)
    else:
        loaded = repr(load_bytes(campaign))
        first = lint_bytes(campaign, workdir, policy=policy)
        second = lint_bytes(campaign, workdir, policy=policy)
        if loaded != repr(load_bytes(campaign)):
            raise AssertionError("two loads disagree")
    if first != second:
        raise AssertionError(f"two runs disagree:\n{first!r}\n{second!r}")
    return first


def outcome_label(kind: str, summary: Summary | PolicyTestSummary) -> str:
    """A short name for the distribution table."""
    if isinstance(summary, str):
        return (
            f"{kind}: clean user/policy error (exit 2)"
            if kind in NEW_KINDS
            else "clean user/policy error (exit 2)"
        )
    if kind == "policy-test":
        passed = sum(1 for case in summary if case[2])
        return f"policy-test: results ({'all passed' if passed == len(summary) else 'some failed'})"
    rules = sorted({str(finding[0]) for finding in summary})
    if kind in NEW_KINDS:
        return f"{kind}: findings" if rules else f"{kind}: no findings"
    if not rules:
        return "no findings"
    return "+".join(rules[:3]) + ("+..." if len(rules) > 3 else "")


def save_crash(directory: Path, kind: str, campaign: bytes, policy: bytes | None, report: str) -> Path:
    """Save a crashing input (and its policy) with the traceback; return the campaign (or test) file."""
    digest = hashlib.sha256(campaign + b"\0" + (policy or b"")).hexdigest()[:16]
    directory.mkdir(parents=True, exist_ok=True)
    saved = directory / (f"{digest}.test.yaml" if kind == "policy-test" else f"{digest}.yaml")
    saved.write_bytes(campaign)
    if policy is not None:
        (directory / f"{digest}.policy.yaml").write_bytes(policy)
    (directory / f"{digest}.txt").write_text(report, encoding="utf-8")
    return saved


def run(inputs: int, seed: int, crashes: Path, timeout: int, progress: int, only: Sequence[str] = ()) -> int:
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
        workdir = Path(temporary) / "plain"
        box = sandbox(Path(temporary) / "sandbox")
        for number in range(1, inputs + 1):
            kind, campaign, policy = make_input(rng, seeds, policy_seed, only)
            kinds[kind] += 1
            signal.alarm(timeout)
            try:
                first = check_input(kind, campaign, policy, workdir, box)
            except Exception as exc:  # noqa: BLE001 - every other exception is what we look for
                signal.alarm(0)
                name = "hang" if isinstance(exc, Hang) else type(exc).__name__
                saved = save_crash(
                    crashes, kind, campaign, policy, f"{kind}: {name}\n\n{traceback.format_exc()}"
                )
                found.append((f"{kind}: {name}: {str(exc).splitlines()[0][:120] if str(exc) else ''}", saved))
                outcomes[f"CRASH ({name})"] += 1
                continue
            finally:
                signal.alarm(0)
            outcomes[outcome_label(kind, first)] += 1
            if progress and number % progress == 0:
                rate = number / (time.perf_counter() - started)
                print(f"  {number} inputs, {len(found)} crashes, {rate:.0f} inputs/s", flush=True)
    seconds = time.perf_counter() - started
    print(
        f"inputs tried: {inputs} (seed {seed}{', only ' + ', '.join(only) if only else ''}) in {seconds:.1f} s"
    )
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
    parser.add_argument(
        "--only",
        action="append",
        choices=[kind for kind, _ in MIX],
        default=[],
        help="draw inputs of this kind only (repeatable; the kinds then share evenly)",
    )
    args = parser.parse_args(argv)
    return run(args.inputs, args.seed, args.crashes, args.timeout, args.progress, args.only)


if __name__ == "__main__":
    raise SystemExit(main())
