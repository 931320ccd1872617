"""Message counts of the frequency rules: caps compared as rates over a window, shown in plain figures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from fractions import Fraction

from campaign_lint.core.fixes import Remedy, set_value, unsafe
from campaign_lint.policies.base import CampaignRecord
from campaign_lint.schemas.campaign import Campaign
from campaign_lint.schemas.policy import Cap
from campaign_lint.schemas.types import Duration


def messages_in(campaign: Campaign, window: Duration) -> Fraction | None:
    """Most messages of ``campaign`` one customer gets in ``window``, as a rate.

    A cap of ``max`` per ``per`` is compared as a rate: ``max * window / per``.
    A one-off campaign counts once; a repeating one without a cap is unknown.
    """
    frequency = campaign.frequency
    cap = None if frequency is None else (frequency.max, frequency.per.seconds)
    return rate(cap, campaign.recurring, window)


def scaled_rates(
    records: Sequence[CampaignRecord], window: Duration
) -> tuple[list[tuple[CampaignRecord, int]], int]:
    """``messages_in`` of every record that has one, as whole numbers over one denominator.

    Returns ``([(record, rate * scale), ...], scale)``: exact, like the
    fractions, and the portfolio search adds them up without a gcd per step.
    """
    rated: list[tuple[CampaignRecord, int, int]] = []
    for record in records:
        if record.frequency is not None:
            most, seconds = record.frequency
            rated.append((record, most * window.seconds, seconds))
        elif not record.recurring:
            rated.append((record, 1, 1))
    scale = math.lcm(*{seconds for _, _, seconds in rated}) if rated else 1
    return [(record, count * (scale // seconds)) for record, count, seconds in rated], scale


def rate(frequency: tuple[int, int] | None, recurring: bool, window: Duration) -> Fraction | None:
    """Most messages in ``window`` under a cap of (max, per in seconds); see ``messages_in``."""
    if frequency is not None:
        most, seconds = frequency
        return Fraction(most * window.seconds, seconds)
    return None if recurring else Fraction(1)


def show(number: Fraction) -> str:
    """A count in plain figures: ``6``, ``2.5``, ``3.03``.

    A count that is not whole never shows as one: "3.0 messages; the cap
    is 3" would read as no problem at all.
    """
    if number.denominator == 1:
        return str(number.numerator)
    for places in (1, 2, 3):
        text = f"{float(number):.{places}f}".rstrip("0")
        if not text.endswith("."):
            return text
    return f"{float(number):g}"


def lowered_cap(most: int, per: Duration, cap: Cap) -> Remedy | None:
    """FRQ002's fix: ``frequency.max`` lowered to the most messages per ``per`` that ``cap`` allows, if at least 1."""
    lowered = cap.max * per.seconds // cap.per.seconds
    if 1 <= lowered < most:
        return unsafe(f"lower `frequency.max` to {lowered}", set_value(("frequency", "max"), lowered))
    return None


def cap_words(cap: Cap) -> str:
    """``3 per 7 days``."""
    return f"{cap.max} per {cap.per.words()}"


_DAY_SECONDS = 86400


def burst(record: CampaignRecord) -> int:
    """Most messages of one campaign within any 24 hours (caps count in full)."""
    frequency = record.frequency
    if frequency is None:
        return 1
    most, seconds = frequency
    return most * max(1, -(-_DAY_SECONDS // seconds))


def schedule_groups(records: Sequence[CampaignRecord]) -> list[list[CampaignRecord]]:
    """Scheduled campaigns whose date ranges overlap, as connected groups (sorted sweep)."""
    spans = [(*record.schedule, record) for record in records if record.schedule is not None]
    spans.sort(key=lambda item: (item[0], item[2].path))
    groups: list[list[CampaignRecord]] = []
    reach = date.min
    for start, end, record in spans:
        if groups and start <= reach:
            groups[-1].append(record)
            reach = max(reach, end)
        else:
            groups.append([record])
            reach = end
    return groups
