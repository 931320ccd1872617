"""Property-based tests: whatever the input, a finding list or a clean error, the same twice.

The longer run is ``fuzz/run.py``; these keep CI time modest.
"""

from __future__ import annotations

import contextlib
import random
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.fuzzing import (
    EXAMPLES,
    POLICY_TEST_EXAMPLE,
    SNIPPETS,
    Escape,
    Guard,
    Op,
    Sandbox,
    apply,
    cel_policy,
    example_campaigns,
    lint_bytes,
    lint_guarded,
    load_bytes,
    policy_test_file,
    ref_policy,
    run_policy_test,
    sandbox,
)

pytestmark = pytest.mark.slow  # hundreds of generated inputs per test

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The untrusted-PR kinds cost more per input (a policy test runs cases; custom
# rules run in a worker process): fewer examples, about 5 s for the three.
HOSTILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_KEYS = st.sampled_from(
    ["id", "name", "channel", "audience", "trigger", "frequency", "content", "version", "x-a", "<<", "1"]
) | st.text(max_size=8)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["09:00", "NO", "7d", "sms", "2026-11-22", "~", "-", "*a", "&a", "!!python/name:os"])
)
_STRUCTURES = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(_KEYS, children, max_size=6),
    max_leaves=40,
)
_OPS = st.lists(
    st.tuples(st.integers(0, 8), st.integers(0, 1 << 20), st.integers(0, 1 << 16)), min_size=1, max_size=4
)
_SEEDS = example_campaigns()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    return sandbox(tmp_path_factory.mktemp("sandbox"))


def _same_twice(raw: bytes, workdir: Path, policy: bytes | None = None) -> None:
    """The loader and the pipeline answer (no exception escapes) and agree with themselves."""
    assert repr(load_bytes(raw)) == repr(load_bytes(raw))
    first = lint_bytes(raw, workdir, policy=policy)
    second = lint_bytes(raw, workdir, policy=policy)
    assert isinstance(first, tuple | str)
    if isinstance(first, str):
        assert first.startswith("error: ")
    assert first == second


@FUZZ
@given(data=_STRUCTURES, flow=st.booleans())
def test_random_structures(workdir: Path, data: Any, flow: bool) -> None:
    raw = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True).encode("utf-8")
    _same_twice(raw, workdir)


@FUZZ
@given(raw=st.binary(max_size=400))
def test_random_bytes(workdir: Path, raw: bytes) -> None:
    _same_twice(raw, workdir)


@FUZZ
@given(raw=st.lists(st.sampled_from(SNIPPETS) | st.binary(max_size=4), max_size=30).map(b"".join))
def test_random_yaml_tokens(workdir: Path, raw: bytes) -> None:
    _same_twice(raw, workdir)


@FUZZ
@given(seed=st.sampled_from(_SEEDS), ops=_OPS)
def test_mutated_example_campaigns(workdir: Path, seed: bytes, ops: list[Op]) -> None:
    _same_twice(apply(seed, ops), workdir)


@FUZZ
@given(ops=_OPS)
def test_mutated_example_policy(workdir: Path, ops: list[Op]) -> None:
    policy = apply((EXAMPLES / "campaign-lint.yaml").read_bytes(), ops)
    _same_twice(_SEEDS[0], workdir, policy)


def test_unmutated_examples_are_linted(workdir: Path) -> None:
    """The seeds themselves load as mappings (so mutations start from real campaigns)."""
    for seed in _SEEDS:
        assert isinstance(load_bytes(seed), dict)
        assert isinstance(lint_bytes(seed, workdir), tuple)


# -- the untrusted-PR kinds: policy-test files, `$ref` schemas, CEL expressions ----------------


@HOSTILE
@given(rng=st.randoms(use_true_random=False))
def test_policy_test_files(box: Sandbox, rng: random.Random) -> None:
    """Results or a clean user error; no file outside the repository opened; the same twice."""
    raw = policy_test_file(rng, _SEEDS)
    first = run_policy_test(raw, box)
    assert isinstance(first, tuple) or first.startswith("error: ")
    assert first == run_policy_test(raw, box)


def _policy_twice(box: Sandbox, rng: random.Random, make: Any) -> None:
    """A valid campaign under the policy ``make(rng)``: findings or a clean error, the same twice, guarded."""
    policy = make(rng)
    campaign = rng.choice(_SEEDS)
    first = lint_guarded(campaign, box, policy)
    assert isinstance(first, tuple) or first.startswith("error: ")
    assert first == lint_guarded(campaign, box, policy)


@HOSTILE
@given(rng=st.randoms(use_true_random=False))
def test_ref_schemas(box: Sandbox, rng: random.Random) -> None:
    """`$ref`s in, out of and around the schema: findings or a positioned policy error; no socket, no read out."""
    _policy_twice(box, rng, ref_policy)


@settings(HOSTILE, max_examples=25)
@given(rng=st.randoms(use_true_random=False))
def test_cel_expressions(box: Sandbox, rng: random.Random) -> None:
    """Generated custom rules: findings or a positioned policy error (the rules run in a watched worker)."""
    _policy_twice(box, rng, cel_policy)


def test_unmutated_policy_test_example_passes(box: Sandbox) -> None:
    """The example test file, the seed of the mutations, runs in the sandbox and every case passes."""
    results = run_policy_test(POLICY_TEST_EXAMPLE.read_bytes(), box)
    assert isinstance(results, tuple)
    assert results
    assert all(passed for _, _, passed, _, _ in results)


@pytest.mark.parametrize(
    ("attempt", "found"),
    [
        (lambda box: socket.create_connection(("127.0.0.1", 9)), "network"),
        (lambda box: socket.socket(socket.AF_INET, socket.SOCK_STREAM), "network"),
        (lambda box: (box.base / "outside-decoy" / "secret.yaml").read_bytes(), "decoy"),
        (lambda box: (box.repo / "campaigns" / "decoy-link.yaml").read_bytes(), "decoy"),
        (lambda box: (EXAMPLES / "campaign-lint.yaml").read_bytes(), "outside the sandbox"),
    ],
)
def test_guard_sees_escapes(box: Sandbox, attempt: Any, found: str) -> None:
    """The oracle works: a socket or a read outside the sandbox is an ``Escape``, even when caught."""
    # The code under test may swallow what it meets; the guard still raises on the way out.
    with pytest.raises(Escape, match=found), Guard(box), contextlib.suppress(Exception):
        attempt(box)


def test_guard_lets_local_pipes_and_sandbox_files_through(box: Sandbox) -> None:
    """multiprocessing's pipes (a local socket pair) and files in the sandbox are fine."""
    with Guard(box):
        left, right = socket.socketpair()
        left.close()
        right.close()
        (box.work / "note.txt").write_text("x")
        assert (box.work / "note.txt").read_text() == "x"


def test_cel_negation_is_measured(box: Sandbox) -> None:
    """Found by the fuzzer: the nesting parse refused `!`, so `!has(...)` was a policy error."""
    policy = (
        b"version: 1\ncampaigns: ['campaigns/**/*.yaml']\ncustom_rules:\n"
        b"  - {id: ORG001, description: d, message: m, assert: '!has(campaign.x) && (!false)'}\n"
    )
    assert lint_guarded(_SEEDS[0], box, policy) == ()


def test_nul_in_a_policy_test_path_is_a_user_error(box: Sandbox) -> None:
    """Found by the fuzzer: a NUL byte in `policy:` or `files:` was an internal error (exit 3)."""
    raw = b'policy: "../x\\0y"\ncases:\n  - {name: a, files: ["a\\0b"], expect: []}\n'
    result = run_policy_test(raw, box)
    assert isinstance(result, str)
    assert "outside the repository" in result
