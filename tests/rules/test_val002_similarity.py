"""VAL002's similarity check skips difflib's matcher when its cheap bounds decide: same answers."""

from __future__ import annotations

import difflib
import random

import pytest

from campaign_lint.policies.val import _similar

WORDS = [
    "increase",
    "sales",
    "save",
    "time",
    "get",
    "the",
    "new",
    "range",
    "first",
    "you",
    "customer",
    "boost",
    "engagement",
    "revenue",
]


@pytest.mark.parametrize("threshold", [0.0, 0.5, 0.85, 0.9, 1.0])
def test_same_answer_as_sequence_matcher(threshold: float) -> None:
    rnd = random.Random(7)
    for _ in range(3000):
        first = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 8)))
        second = first[: len(first) - rnd.randint(0, 6)] or "x" if rnd.random() < 0.3 else first
        if rnd.random() < 0.6:
            second = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 8)))
        expected = difflib.SequenceMatcher(None, first, second).ratio() >= threshold
        assert _similar(first, second, threshold) is expected, (first, second)
