"""The safe fixes of SPEC002: one correct spelling, or none when it is not certain."""

from __future__ import annotations

from typing import Any

import pytest

from campaign_lint.core.edits import Edit, apply_edits
from campaign_lint.policies.registry import RULES
from campaign_lint.schemas import spelling
from campaign_lint.schemas.campaign import Channel, Consent


@pytest.mark.parametrize(
    ("written", "fixed"),
    [
        ("7days", "7d"),
        ("7 days", "7d"),
        ("1 week", "1w"),
        ("7 d", "7d"),
        ("7D", "7d"),
        ("2 Weeks", "2w"),
        ("12 months", "12mo"),
        ("30 min", "30m"),
        ("12 hours", "12h"),
        ("7", None),  # seven what?
        ("7 M", None),  # minutes or months?
        ("5 sleeps", None),
        ("0d", None),
        (7, None),
    ],
)
def test_durations(written: Any, fixed: str | None) -> None:
    assert spelling.duration(written) == fixed


@pytest.mark.parametrize(
    ("written", "fixed"),
    [
        (900, "09:00"),
        (9, "09:00"),
        (2030, "20:30"),
        (21.3, "21:30"),
        (19.45, "19:45"),
        ("9:30", "09:30"),
        ("9.30", "09:30"),
        ("21h30", "21:30"),
        (24, None),
        (960, None),  # 9:60
        (21.305, None),
        (True, None),
        ("nine", None),
    ],
)
def test_clock_times(written: Any, fixed: str | None) -> None:
    assert spelling.clock_time(written) == fixed


@pytest.mark.parametrize(
    ("written", "choices", "fixed"),
    [
        ("Email", list(Channel), "email"),
        ("e-mail", list(Channel), "email"),
        ("SMS", list(Channel), "sms"),
        ("In App", list(Channel), "in_app"),
        ("emial", list(Channel), "email"),
        ("mail", list(Channel), None),  # email or direct_mail?
        ("email", list(Channel), None),  # already right
        ("carrier pigeon", list(Channel), None),
        ("Opt-In", list(Consent), "opt_in"),
        ("frequncy", ["frequency", "holdout"], "frequency"),
    ],
)
def test_choices(written: str, choices: list[str], fixed: str | None) -> None:
    assert spelling.choice(written, [str(c) for c in choices]) == fixed


def test_edits_apply_in_order_and_refuse_to_overlap() -> None:
    assert apply_edits("abcdef", [Edit(4, 5, "E"), Edit(0, 1, "A"), Edit(3, 3, "+")]) == "Abc+dEf"
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])


def test_fixable_rules_say_what_their_fix_does() -> None:
    for rule in RULES:
        assert bool(rule.fixable) == bool(rule.fix_doc), rule.id
