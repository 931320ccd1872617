"""Message counts of the frequency rules: caps compared as rates over a window, shown in plain figures."""

from __future__ import annotations

from fractions import Fraction

from campaign_lint.core.fixes import Remedy, set_value, unsafe
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
