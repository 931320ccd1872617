"""Property-based tests: whatever the input, a finding list or a clean error, the same twice.

The longer run is ``fuzz/run.py``; these keep CI time modest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.fuzzing import EXAMPLES, SNIPPETS, Op, apply, example_campaigns, lint_bytes, load_bytes

pytestmark = pytest.mark.slow  # hundreds of generated inputs per test

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

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
