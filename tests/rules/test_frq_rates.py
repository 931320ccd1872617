"""FRQ003 adds up rates as whole numbers over one denominator: the same values as fractions."""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction

import pytest

from campaign_lint.core.findings import START
from campaign_lint.policies.base import CampaignRecord
from campaign_lint.policies.rates import rate as _rate
from campaign_lint.policies.rates import scaled_rates as _scaled_rates
from campaign_lint.schemas.campaign import Channel
from campaign_lint.schemas.types import Duration

_PERIODS = [
    Duration.parse(text) for text in ("30m", "45m", "1h", "7h", "12h", "1d", "3d", "7d", "2w", "1mo", "12mo")
]

_BASE = CampaignRecord(
    path="c.yaml",
    id="c",
    channel=Channel.EMAIL,
    transactional=False,
    recurring=True,
    frequency=None,
    event=None,
    schedule=None,
    segment="all",
    exclude=(),
    regions=(),
    spans=(),
    whole=START,
)


def _records(rng: random.Random, count: int) -> list[CampaignRecord]:
    records = []
    for index in range(count):
        shape = rng.random()
        if shape < 0.7:
            frequency: tuple[int, int] | None = (rng.randint(1, 9), rng.choice(_PERIODS).seconds)
        else:
            frequency = None
        records.append(replace(_BASE, id=f"c{index}", frequency=frequency, recurring=rng.random() < 0.5))
    return records


@pytest.mark.parametrize("seed", range(40))
def test_scaled_rates_equal_the_fractions(seed: int) -> None:
    rng = random.Random(seed)
    records = _records(rng, rng.randint(0, 30))
    window = rng.choice(_PERIODS)
    scaled, scale = _scaled_rates(records, window)
    expected = [
        (record, rate)
        for record in records
        if (rate := _rate(record.frequency, record.recurring, window)) is not None
    ]
    assert [record for record, _ in scaled] == [record for record, _ in expected]
    assert [Fraction(count, scale) for _, count in scaled] == [rate for _, rate in expected]
    assert Fraction(sum(count for _, count in scaled), scale) == sum(
        (rate for _, rate in expected), Fraction(0)
    )


def test_one_off_campaigns_count_once_and_uncapped_repeats_are_unknown() -> None:
    once = replace(_BASE, id="once", recurring=False)
    repeating = replace(_BASE, id="repeating", recurring=True)
    scaled, scale = _scaled_rates([once, repeating], Duration.parse("7d"))
    assert [(record.id, Fraction(count, scale)) for record, count in scaled] == [("once", Fraction(1))]
