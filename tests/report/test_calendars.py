"""The persona calendars: counting per day and per cap window, and the SVG drawn from them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_lint.cli.htmlreport.charts import (
    Cap,
    calendar_svg,
    channel_colours,
    over_cap_days,
    per_day,
    rolling,
)

START = date(2026, 12, 1)


def _message(day: int, channel: str = "email", *, transactional: bool = False) -> dict[str, object]:
    return {
        "date": date.fromordinal(START.toordinal() + day).isoformat(),
        "time": "10:00",
        "campaign": f"c{day}",
        "channel": channel,
        "transactional": transactional,
    }


def test_messages_are_counted_per_channel_and_day_inside_the_range_only() -> None:
    messages = [_message(0), _message(0), _message(2, "sms"), _message(40)]
    assert per_day(messages, START, 3) == {"email": [2, 0, 0], "sms": [0, 0, 1]}


@given(st.lists(st.integers(0, 5), min_size=1, max_size=40), st.integers(1, 10))
def test_a_rolling_window_holds_the_day_and_the_days_before_it(daily: list[int], window: int) -> None:
    totals = rolling(daily, window)
    assert totals == [sum(daily[max(0, i - window + 1) : i + 1]) for i in range(len(daily))]


def test_days_over_a_cap_are_those_whose_window_holds_more_than_the_cap() -> None:
    daily = {"email": [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]}
    assert over_cap_days(daily, [Cap("email", 3, 7)], 10) == {3, 4, 5, 6}
    assert over_cap_days(daily, [Cap(None, 4, 7)], 10) == set()


def test_service_notices_are_drawn_but_never_counted_against_a_cap() -> None:
    messages = [_message(day, transactional=True) for day in range(5)]
    svg = calendar_svg("late-delivery", messages, START, 7, [Cap("email", 1, 7)], channel_colours(["email"]))
    assert "service notices" in svg
    assert "over cap" not in svg


def test_the_chart_is_the_same_bytes_for_the_same_data_and_marks_days_over_a_cap() -> None:
    messages = [_message(day) for day in range(6)]
    colours = channel_colours(["email"])
    first = calendar_svg("typical", messages, START, 14, [Cap("email", 3, 7)], colours)
    assert first == calendar_svg("typical", messages, START, 14, [Cap("email", 3, 7)], colours)
    assert first.startswith("<svg")
    assert "over cap" in first
    assert "cap 3" in first


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", 'a"b&c'])
def test_a_persona_name_is_escaped_in_the_svg(name: str) -> None:
    svg = calendar_svg(name, [_message(0)], START, 7, [], channel_colours(["email"]))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg or "&amp;c" in svg


def test_a_long_list_of_campaigns_no_persona_received_is_named_in_part_and_counted() -> None:
    from campaign_lint.cli.htmlreport.calendars import UNREACHED_SHOWN, unreached

    items = [
        {"campaign": f"c{index}", "path": f"c{index}.yaml", "reason": "never sent"} for index in range(120)
    ]
    shown = unreached({"not_received": items})
    assert len(shown) == UNREACHED_SHOWN + 1
    assert shown[0] == "c0 (never sent)"
    assert shown[-1].startswith(f"and {120 - UNREACHED_SHOWN:,} more")
    assert unreached({"not_received": items[:3]}) == ["c0 (never sent)", "c1 (never sent)", "c2 (never sent)"]
