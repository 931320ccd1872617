"""Time zones in the contact timeline: schedules written at an instant, seen on a persona's clock.

core/timezones.py (names, conversions), sendtimes.series (a series stepping
in real time), senders.localised and the timeline that reads them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_lint.core.timezones import DAY, instant, local, zone
from campaign_lint.policies.capcount import ALL_CHANNELS, count_caps
from campaign_lint.policies.sendtimes import series
from campaign_lint.policies.timeline import Persona, Sender, Timeline, localised, simulate
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.policy import Cap, PersonaDef
from campaign_lint.schemas.types import Duration
from tests.policy.test_timeline import campaign as email
from tests.policy.test_timeline import senders

POLICY = PolicyView()
LONDON = "Europe/London"
LOS_ANGELES = "America/Los_Angeles"


def campaign(id: str = "c", **schedule: Any) -> Sender:
    """A scheduled email with ``schedule`` (and ``frequency``, ``send_window`` when given)."""
    extra = {key: schedule.pop(key) for key in ("frequency", "send_window") if key in schedule}
    return email(id, trigger={"schedule": schedule}, **extra)


def run(senders: list[Sender], timezone: str | None, start: date, days: int) -> Timeline:
    return simulate(senders, Persona("p", (), timezone=timezone), start, days, POLICY)


def shown(timeline: Timeline) -> list[tuple[str, str]]:
    return [(str(timeline.date_of(m.minute)), m.time) for m in timeline.messages]


def minute(text: str) -> int:
    """``2026-10-25T01:30`` as an absolute minute."""
    moment = datetime.fromisoformat(text)
    return moment.toordinal() * DAY + moment.hour * 60 + moment.minute


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("Europe/Londn", "did you mean `Europe/London`?"),
        ("london", "did you mean `Europe/London`?"),
        ("Los Angeles", "did you mean `America/Los_Angeles`?"),
        ("America/Los Angeles", "did you mean `America/Los_Angeles`?"),
        ("PST", "PST is an abbreviation, which names no place: write `America/Los_Angeles`"),
        ("America", "holds"),
        ("Nowhere/At_All", "write an IANA time zone name, like Europe/London"),
        ("../../etc/passwd", "is not a time zone"),
        ("", "is not a time zone"),
    ],
)
def test_a_name_that_is_no_zone_says_what_to_write(name: str, suggestion: str) -> None:
    with pytest.raises(ValueError, match="is not a time zone") as raised:
        zone(name)
    assert suggestion in str(raised.value)


def test_a_persona_zone_is_checked_where_it_is_written() -> None:
    assert PersonaDef.model_validate({"timezone": "Asia/Kolkata"}).timezone == "Asia/Kolkata"
    with pytest.raises(ValueError, match="did you mean `Asia/Kolkata`"):
        PersonaDef.model_validate({"timezone": "Asia/Kolkatta"})


# ---------------------------------------------------------------- conversions


@pytest.mark.parametrize(
    ("utc", "where", "wall"),
    [
        # London leaves summer time at 01:00 UTC on 25 October 2026
        ("2026-10-25T00:59", LONDON, "2026-10-25T01:59"),
        ("2026-10-25T02:00", LONDON, "2026-10-25T02:00"),
        # and enters it at 01:00 UTC on 29 March 2026: 01:00-01:59 local never happens
        ("2026-03-29T00:59", LONDON, "2026-03-29T00:59"),
        ("2026-03-29T01:00", LONDON, "2026-03-29T02:00"),
        # Los Angeles, 8 hours behind in winter, 7 in summer; the day before in the evening
        ("2026-11-23T02:00", LOS_ANGELES, "2026-11-22T18:00"),
        ("2026-07-01T09:00", LOS_ANGELES, "2026-07-01T02:00"),
        ("2026-07-01T09:00", "Asia/Kathmandu", "2026-07-01T14:45"),
    ],
)
def test_an_instant_on_a_zones_wall_clock_and_back(utc: str, where: str, wall: str) -> None:
    assert local(minute(utc), zone(where)) == minute(wall)
    assert instant(minute(wall), zone(where)) == minute(utc)


def test_a_wall_clock_time_the_clock_skips_or_shows_twice_reads_the_offset_before_the_change() -> None:
    london = zone(LONDON)
    assert instant(minute("2026-03-29T01:30"), london) == minute("2026-03-29T01:30")  # skipped: GMT
    assert instant(minute("2026-10-25T01:30"), london) == minute("2026-10-25T00:30")  # twice: BST first


def test_a_weekly_series_at_nine_utc_is_ten_in_a_london_summer_and_nine_in_winter() -> None:
    weekly = campaign("weekly", start="2026-10-12T09:00:00Z", every="7d")
    timeline = run([weekly], LONDON, date(2026, 10, 12), 21)
    assert shown(timeline) == [("2026-10-12", "10:00"), ("2026-10-19", "10:00"), ("2026-10-26", "09:00")]
    spring = run(
        [campaign("spring", start="2026-03-23T09:00:00Z", every="7d")], LONDON, date(2026, 3, 23), 14
    )
    assert shown(spring) == [("2026-03-23", "09:00"), ("2026-03-30", "10:00")]


def test_an_hourly_series_shows_the_hour_the_clocks_go_back_twice() -> None:
    hourly = campaign("hourly", start="2026-10-24T23:00:00Z", every="1h", end="2026-10-25T02:00:00Z")
    timeline = run([hourly], LONDON, date(2026, 10, 25), 1)
    # 23:00Z is 00:00 BST; 00:00Z 01:00 BST; 01:00Z 01:00 GMT; 02:00Z 02:00 GMT
    assert shown(timeline) == [("2026-10-25", t) for t in ("00:00", "01:00", "01:00", "02:00")]


def test_an_instant_can_land_on_the_day_before_for_the_persona() -> None:
    once = campaign("once", start="2026-11-23T02:00:00Z")
    assert shown(run([once], LOS_ANGELES, date(2026, 11, 22), 2)) == [("2026-11-22", "18:00")]
    # in the schedule's own zone it is the 23rd at 02:00
    assert shown(run([once], None, date(2026, 11, 22), 2)) == [("2026-11-23", "02:00")]


def test_an_end_with_an_offset_is_an_instant_too() -> None:
    daily = campaign("daily", start="2026-11-20T09:00:00Z", every="1d", end="2026-11-23T09:00:00Z")
    assert shown(run([daily], LOS_ANGELES, date(2026, 11, 19), 10)) == [
        ("2026-11-20", "01:00"),
        ("2026-11-21", "01:00"),
        ("2026-11-22", "01:00"),
        ("2026-11-23", "01:00"),
    ]


def test_a_time_without_an_offset_and_a_date_alone_stay_on_the_recipients_clock() -> None:
    local_time = campaign("local", start="2026-11-23T09:00:00", every="1d", end="2026-11-24")
    date_only = campaign("date", start="2026-11-23")
    for where in (None, LONDON, LOS_ANGELES):
        assert shown(run([local_time], where, date(2026, 11, 23), 3)) == [
            ("2026-11-23", "09:00"),
            ("2026-11-24", "09:00"),
        ]
        assert shown(run([date_only], where, date(2026, 11, 23), 3)) == [("2026-11-23", "10:00")]


def test_an_offset_without_a_persona_zone_is_read_as_written() -> None:
    for written in ("2026-11-23T09:00:00Z", "2026-11-23T09:00:00+01:00", "2026-11-23T09:00:00-08:00"):
        assert shown(run([campaign("c", start=written)], None, date(2026, 11, 23), 1)) == [
            ("2026-11-23", "09:00")
        ]


def test_an_offset_other_than_utc_is_an_instant_for_a_persona_with_a_zone() -> None:
    paris_nine = campaign("c", start="2026-11-23T09:00:00+01:00")
    assert shown(run([paris_nine], LONDON, date(2026, 11, 23), 1)) == [("2026-11-23", "08:00")]


def test_a_send_window_applies_on_the_persona_clock() -> None:
    night = campaign("c", start="2026-11-23T09:00:00Z", send_window={"start": "08:00", "end": "20:00"})
    assert shown(run([night], LOS_ANGELES, date(2026, 11, 23), 2)) == [("2026-11-23", "08:00")]


def test_a_campaign_frequency_counts_real_time_across_the_clock_change() -> None:
    weekly = campaign("weekly", start="2026-10-12T09:00:00Z", every="7d", frequency={"max": 1, "per": "7d"})
    timeline = run([weekly], LONDON, date(2026, 10, 12), 21)
    # 10:00 BST on the 19th and 09:00 GMT on the 26th are exactly 7 days apart: both sent
    assert shown(timeline) == [("2026-10-12", "10:00"), ("2026-10-19", "10:00"), ("2026-10-26", "09:00")]


def test_calendar_day_caps_count_the_persona_days() -> None:
    # 02:00Z and 20:00Z on the 23rd: one day in UTC, two days in Los Angeles (the 22nd and the 23rd)
    early = campaign("early", start="2026-11-23T02:00:00Z")
    late = campaign("late", start="2026-11-23T20:00:00Z")
    policy = PolicyView(total_cap=Cap(max=1, per=Duration(1, "d")))
    for where, over in ((None, True), (LOS_ANGELES, False)):
        timeline = simulate([early, late], Persona("p", (), timezone=where), date(2026, 11, 21), 5, policy)
        totals = [count for count in count_caps(timeline, policy) if count.label == ALL_CHANNELS]
        assert [count.over for count in totals] == [over]


def test_localised_is_idempotent_and_keeps_the_instant() -> None:
    weekly = campaign("weekly", start="2026-10-19T09:00:00Z", every="7d", end="2026-11-30T09:00:00Z")
    once = localised([weekly], LOS_ANGELES)
    assert once == localised(once, LOS_ANGELES)
    moved = once[0]
    assert moved.start is not None
    assert moved.offset is not None
    assert weekly.start is not None
    assert (moved.start - moved.offset, moved.offset) == (weekly.start, -7 * 60)
    assert localised([weekly], None) == [weekly]


def test_the_series_without_a_zone_steps_on_the_wall_clock() -> None:
    start = minute("2026-10-19T09:00")
    assert series(start, 7 * DAY, None, start, start + 15 * DAY) == [start, start + 7 * DAY, start + 14 * DAY]
    zoned = series(start, 7 * DAY, None, start, start + 15 * DAY, 0, ZoneInfo("UTC"))
    assert zoned == [start, start + 7 * DAY, start + 14 * DAY]


# ---------------------------------------------------------------- properties


def _with_utc_times(sender: Sender) -> Sender:
    """``sender`` as if its schedule's times were written with ``Z``."""
    if sender.start is None or sender.open_time:
        return sender
    return sender.replace(offset=0, end_offset=None if sender.end is None else 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(senders(), max_size=6), st.sampled_from([None, "UTC", LONDON, LOS_ANGELES]))
def test_without_offsets_the_zone_changes_nothing(portfolio: list[Sender], where: str | None) -> None:
    # Without their own caps: a campaign's ``frequency`` counts real time in a zone (``sendtimes.capped``),
    # so a cap's window across a clock change is an hour longer or shorter there, as documented.
    portfolio = [sender.replace(frequency=None) for sender in portfolio]
    journey = (("order.placed", 11 * 60), ("order.delivered", 4 * DAY + 600))
    plain = simulate(portfolio, Persona("p", journey), date(2026, 11, 2), 30, POLICY)
    zoned = simulate(portfolio, Persona("p", journey, timezone=where), date(2026, 11, 2), 30, POLICY)
    assert zoned.messages == plain.messages


@settings(max_examples=60, deadline=None)
@given(st.lists(senders(), max_size=6))
def test_utc_times_for_a_persona_in_utc_or_without_a_zone_change_nothing(portfolio: list[Sender]) -> None:
    journey = (("order.placed", 11 * 60),)
    plain = simulate(portfolio, Persona("p", journey), date(2026, 11, 2), 30, POLICY)
    written = [_with_utc_times(sender) for sender in portfolio]
    for where in (None, "UTC"):
        again = simulate(written, Persona("p", journey, timezone=where), date(2026, 11, 2), 30, POLICY)
        assert again.messages == plain.messages


@settings(max_examples=40, deadline=None)
@given(st.lists(senders(), max_size=6), st.integers(min_value=-12, max_value=14))
def test_a_fixed_offset_zone_shifts_every_utc_time_by_its_offset(portfolio: list[Sender], hours: int) -> None:
    """A persona in ``Etc/GMT-5`` (UTC+5) gets each ``Z`` time 5 hours later, whatever the series."""
    where = f"Etc/GMT{-hours:+d}" if hours else "Etc/GMT"
    written = [_with_utc_times(s) for s in portfolio if s.start is not None and not s.open_time]
    moved = localised(written, where)
    for before, after in zip(written, moved, strict=True):
        assert before.start is not None
        assert after.start is not None
        assert after.start - before.start == hours * 60
        assert after.start - (after.offset or 0) == before.start
        if before.end is not None and after.end is not None:
            assert after.end - before.end == hours * 60


def test_the_zone_shows_each_moment_of_a_long_series_in_order() -> None:
    hourly = campaign("hourly", start="2026-03-01T00:00:00Z", every="5h", end="2026-11-30T00:00:00Z")
    for where in (LONDON, LOS_ANGELES, "Australia/Lord_Howe"):
        minutes = [m.minute for m in run([hourly], where, date(2026, 3, 1), 270).messages]
        assert minutes == sorted(minutes)
        assert len(minutes) >= 270 * 24 // 5 - 2


@pytest.mark.slow
def test_without_a_system_database_the_tzdata_package_has_the_zones() -> None:
    """Windows and slim containers have no /usr/share/zoneinfo: the `tzdata` dependency answers instead."""
    code = (
        "import zoneinfo\n"
        "from campaign_lint.core.timezones import local, zone\n"
        "assert zoneinfo.TZPATH == ()\n"
        "print(local(1065476160, zone('Europe/London')) - 1065476160)\n"  # 2026-10-25T00:00Z, summer time
        "try:\n    zone('Europe/Londn')\nexcept ValueError as exc:\n    print(exc)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONTZPATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.splitlines() == [
        "60",
        "`Europe/Londn` is not a time zone; did you mean `Europe/London`?",
    ]
