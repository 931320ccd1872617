"""The contact timeline (policies/timeline.py) and its cap counts (policies/capcount.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_lint.policies.capcount import ALL_CHANNELS, count_caps
from campaign_lint.policies.timeline import DAY, Persona, Sender, Timeline, sender_of, simulate
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.campaign import Campaign, Channel, Consent
from campaign_lint.schemas.policy import Cap, Segments
from campaign_lint.schemas.types import Duration

START = date(2026, 11, 2)  # a Monday
POLICY = PolicyView()


def campaign(id: str = "c", **fields: Any) -> Sender:
    """A valid campaign with ``fields`` laid over a plain email, as the timeline reads it."""
    data: dict[str, Any] = {
        "id": id,
        "owner": "crm@example.com",
        "type": "lifecycle",
        "purpose": "Help.",
        "channel": "email",
    }
    data.update(fields)
    return sender_of(f"campaigns/{id}.yaml", Campaign.model_validate(data))


def persona(*journey: tuple[str, int], **fields: Any) -> Persona:
    return Persona("p", tuple(journey), **fields)


def run(
    senders: list[Sender], who: Persona | None = None, days: int = 30, policy: PolicyView = POLICY
) -> Timeline:
    return simulate(senders, who or persona(("order.placed", 10 * 60)), START, days, policy)


def shown(timeline: Timeline) -> list[tuple[str, str, str]]:
    return [(str(timeline.date_of(m.minute)), m.time, m.campaign) for m in timeline.messages]


def test_event_trigger_sends_after_its_delay() -> None:
    review = campaign("review", trigger={"event": "order.delivered", "delay": "5d"})
    who = persona(("order.placed", 600), ("order.delivered", 9 * DAY + 14 * 60))
    assert shown(run([review], who)) == [("2026-11-16", "14:00", "review")]


def test_send_window_waits_for_the_window_to_open() -> None:
    nudge = campaign(
        "nudge",
        trigger={"event": "order.placed", "delay": "12h"},
        send_window={"start": "09:00", "end": "20:00"},
    )
    # placed 10:00 + 12h = 22:00, outside 09:00-20:00: sent the next morning
    assert shown(run([nudge])) == [("2026-11-03", "09:00", "nudge")]


def test_channel_send_window_applies_when_the_campaign_has_none() -> None:
    text = campaign("text", channel="sms", trigger={"event": "order.placed", "delay": "12h"})
    assert shown(run([text])) == [("2026-11-03", "08:00", "text")]  # sms: 08:00-20:00 by default


def test_stop_event_after_the_trigger_cancels_the_message() -> None:
    cart = campaign("cart", trigger={"event": "cart.abandoned", "delay": "2h", "stop_when": ["order.placed"]})
    stopped = persona(("cart.abandoned", 600), ("order.placed", 660))
    timeline = run([cart], stopped)
    assert timeline.messages == ()
    assert timeline.silent == {"campaigns/cart.yaml": "stopped by `order.placed`"}
    # an order placed before the cart was abandoned does not stop the reminder
    earlier = persona(("order.placed", 500), ("cart.abandoned", 600))
    assert shown(run([cart], earlier)) == [("2026-11-02", "12:00", "cart")]


def test_event_not_in_the_journey_never_fires() -> None:
    timeline = run([campaign("winback", trigger={"event": "customer.inactive"})])
    assert timeline.messages == ()
    assert timeline.silent == {"campaigns/winback.yaml": "`customer.inactive` is not in the journey"}


def test_each_occurrence_fires_within_the_campaign_cap() -> None:
    thanks = campaign("thanks", trigger={"event": "order.placed"}, frequency={"max": 1, "per": "7d"})
    who = persona(("order.placed", 600), ("order.placed", DAY + 600), ("order.placed", 8 * DAY + 600))
    assert shown(run([thanks], who)) == [("2026-11-02", "10:00", "thanks"), ("2026-11-10", "10:00", "thanks")]


def test_schedule_without_a_time_is_sent_at_the_anchor_in_its_window() -> None:
    daily = campaign(
        "daily", trigger={"schedule": {"start": "2026-11-05", "end": "2026-11-07", "every": "1d"}}
    )
    late = campaign(
        "late",
        trigger={"schedule": {"start": "2026-11-05"}},
        send_window={"start": "17:00", "end": "20:00"},
    )
    assert shown(run([daily, late])) == [
        ("2026-11-05", "10:00", "daily"),
        ("2026-11-05", "17:00", "late"),
        ("2026-11-06", "10:00", "daily"),
        ("2026-11-07", "10:00", "daily"),
    ]


def test_schedule_with_a_time_keeps_it_and_an_open_end_runs_to_the_last_day() -> None:
    weekly = campaign("weekly", trigger={"schedule": {"start": "2026-10-01T18:30:00", "every": "7d"}})
    dates = shown(run([weekly], days=14))
    assert dates == [("2026-11-05", "18:30", "weekly"), ("2026-11-12", "18:30", "weekly")]


def test_schedule_stops_from_a_stop_event_on_or_after_its_start() -> None:
    deals = campaign(
        "deals",
        trigger={"schedule": {"start": "2026-11-03", "every": "1d"}, "stop_when": ["order.placed"]},
    )
    who = persona(("order.placed", 600), ("order.placed", 3 * DAY + 12 * 60))
    # the order of day 0 is before the series; the one of day 3 at 12:00 stops it
    assert shown(run([deals], who)) == [
        ("2026-11-03", "10:00", "deals"),
        ("2026-11-04", "10:00", "deals"),
        ("2026-11-05", "10:00", "deals"),
    ]


def test_campaign_frequency_skips_messages_over_its_own_cap() -> None:
    daily = campaign(
        "daily",
        trigger={"schedule": {"start": "2026-11-02", "every": "1d"}},
        frequency={"max": 2, "per": "7d"},
    )
    assert [d for d, _, _ in shown(run([daily], days=14))] == [
        "2026-11-02",
        "2026-11-03",
        "2026-11-09",
        "2026-11-10",
    ]


def test_audience_segments_exclusions_regions_and_consent() -> None:
    senders = [
        campaign("everyone"),
        campaign("buyers", audience={"segment": "recent_buyers"}),
        campaign("not-returners", audience={"segment": "all", "exclude": ["returned_orders"]}),
        campaign("germany", audience={"regions": ["DE"]}),
        campaign("california", audience={"regions": ["US-CA"]}),
        campaign("texts", channel="sms", audience={"consent": "express_written"}),
        campaign("notice", channel="sms", type="transactional", audience={"consent": "express_written"}),
    ]
    for sender in senders:
        object.__setattr__(sender, "event", "order.placed")
    named = persona(
        ("order.placed", 600),
        segments=frozenset({"returned_orders"}),
        region="US-CA",
        consent={Channel.EMAIL: frozenset({Consent.OPT_IN})},
    )
    assert {m.campaign for m in run(senders, named).messages} == {"everyone", "california", "notice"}
    open_persona = persona(("order.placed", 600), region="DE")
    assert {m.campaign for m in run(senders, open_persona).messages} == {
        "everyone",
        "buyers",
        "not-returners",
        "germany",
        "texts",
        "notice",
    }


def test_a_segment_left_out_of_a_disjoint_group_is_not_reached() -> None:
    lapsed = campaign("lapsed", audience={"segment": "lapsed_customers"}, trigger={"event": "order.placed"})
    who = persona(("order.placed", 600), not_in=frozenset({"lapsed_customers"}))
    assert run([lapsed], who).messages == ()


def test_messages_are_in_time_order_then_by_campaign() -> None:
    b = campaign("b", trigger={"event": "order.placed"})
    a = campaign("a", trigger={"event": "order.placed"})
    assert [m.campaign for m in run([b, a]).messages] == ["a", "b"]


def test_calendar_caps_count_marketing_messages_in_the_worst_days() -> None:
    policy = PolicyView(total_cap=Cap(max=4, per=Duration(7, "d")))
    senders = [
        campaign("daily", trigger={"schedule": {"start": "2026-11-04", "end": "2026-11-08", "every": "1d"}}),
        campaign("receipt", type="transactional", trigger={"event": "order.placed"}),
        campaign("push", channel="push", trigger={"schedule": {"start": "2026-11-05"}}),
    ]
    timeline = run(senders, policy=policy)
    counts = {count.label: count for count in count_caps(timeline, policy)}
    email = counts["email"]
    assert (email.count, email.cap.max, email.over, email.calendar) == (5, 3, True, True)
    assert email.start == 0
    assert email.end == 7 * DAY
    assert email.by_campaign() == [("campaigns/daily.yaml", 5)]
    assert counts[ALL_CHANNELS].count == 6
    assert counts[ALL_CHANNELS].over
    assert counts["push"].count == 1
    assert not counts["push"].over


def test_rolling_caps_in_hours_start_at_a_message() -> None:
    policy = PolicyView(total_cap=Cap(max=1, per=Duration(12, "h")))
    senders = [
        campaign("one", trigger={"event": "order.placed", "delay": "11h"}),
        campaign("two", trigger={"event": "order.placed", "delay": "22h"}),
    ]
    total = count_caps(run(senders, policy=policy), policy)[-1]
    assert (total.calendar, total.count) == (False, 2)
    assert total.start == 21 * 60
    assert total.end == 33 * 60


def test_one_off_campaigns_months_apart_never_add_up() -> None:
    months = ["2026-10-05", "2026-12-07", "2027-03-01", "2027-05-03"]
    senders = [campaign(f"winback-{i}", trigger={"schedule": {"start": day}}) for i, day in enumerate(months)]
    who = persona()
    timeline = simulate(senders, who, date(2026, 10, 1), 240, POLICY)
    assert len(timeline.messages) == 4
    assert count_caps(timeline, POLICY)[0].count == 1
    week = simulate(
        [campaign(f"burst-{i}", trigger={"schedule": {"start": f"2026-10-0{i + 5}"}}) for i in range(4)],
        who,
        date(2026, 10, 1),
        30,
        POLICY,
    )
    assert count_caps(week, POLICY)[0].count == 4


_DAYS = st.integers(min_value=0, max_value=60)


@st.composite
def senders(draw: st.DrawFn) -> Sender:
    """A random campaign: event-triggered or scheduled, maybe capped, windowed, narrowed."""
    index = draw(st.integers(min_value=0, max_value=10**6))
    fields: dict[str, Any] = {"channel": draw(st.sampled_from(["email", "sms", "push"]))}
    if draw(st.booleans()):
        fields["trigger"] = {
            "event": draw(st.sampled_from(["order.placed", "order.delivered", "cart.abandoned"])),
            "delay": draw(st.sampled_from(["30m", "2h", "1d", "5d"])),
            "stop_when": draw(st.sampled_from([[], ["order.placed"]])),
        }
    else:
        day = START + timedelta(days=draw(st.integers(min_value=-20, max_value=60)))
        schedule: dict[str, Any] = {"start": day.isoformat()}
        if draw(st.booleans()):
            schedule["every"] = draw(st.sampled_from(["12h", "1d", "3d", "7d"]))
            schedule["end"] = (day + timedelta(days=draw(_DAYS))).isoformat()
        fields["trigger"] = {"schedule": schedule}
    if draw(st.booleans()):
        fields["frequency"] = {"max": draw(st.integers(1, 3)), "per": draw(st.sampled_from(["1d", "7d"]))}
    if draw(st.booleans()):
        fields["send_window"] = {"start": "09:00", "end": draw(st.sampled_from(["09:00", "17:00", "21:00"]))}
    if draw(st.booleans()):
        fields["audience"] = {
            "segment": draw(st.sampled_from(["a", "b"])),
            "exclude": draw(st.sampled_from([[], ["b"]])),
        }
    return campaign(f"c{index}", **fields)


PROPERTY_POLICY = PolicyView(
    total_cap=Cap(max=5, per=Duration(7, "d")), segments=Segments(disjoint=[["a", "b"]])
)
JOURNEY = (("cart.abandoned", 9 * 60), ("order.placed", 11 * 60), ("order.delivered", 4 * DAY + 600))


@settings(max_examples=60, deadline=None)
@given(st.lists(senders(), max_size=6), senders())
def test_adding_a_campaign_never_lowers_a_count(portfolio: list[Sender], extra: Sender) -> None:
    who = Persona("p", JOURNEY, not_in=frozenset({"b"}))
    before = simulate(portfolio, who, START, 30, PROPERTY_POLICY)
    after = simulate([*portfolio, extra], who, START, 30, PROPERTY_POLICY)
    assert set(before.messages) <= set(after.messages)
    for old, new in zip(count_caps(before, PROPERTY_POLICY), count_caps(after, PROPERTY_POLICY), strict=True):
        assert new.count >= old.count


@settings(max_examples=60, deadline=None)
@given(st.lists(senders(), max_size=6), st.integers(min_value=1, max_value=40))
def test_nothing_appears_outside_the_dates(portfolio: list[Sender], days: int) -> None:
    who = Persona("p", JOURNEY)
    timeline = simulate(portfolio, who, START, days, PROPERTY_POLICY)
    for message in timeline.messages:
        assert 0 <= message.minute < days * DAY
    # a one-off after the last day never appears, nor one before the first
    outside = [
        campaign("after", trigger={"schedule": {"start": (START + timedelta(days=days)).isoformat()}}),
        campaign("before", trigger={"schedule": {"start": (START - timedelta(days=1)).isoformat()}}),
    ]
    again = simulate([*portfolio, *outside], who, START, days, PROPERTY_POLICY)
    assert again.messages == timeline.messages


@settings(max_examples=30, deadline=None)
@given(st.lists(senders(), max_size=8))
def test_the_timeline_does_not_depend_on_file_order(portfolio: list[Sender]) -> None:
    who = Persona("p", JOURNEY)
    forward = simulate(portfolio, who, START, 30, PROPERTY_POLICY)
    backward = simulate(portfolio[::-1], who, START, 30, PROPERTY_POLICY)
    assert forward.messages == backward.messages


@pytest.mark.parametrize("window", [("22:00", "06:00"), ("09:00", "20:00")])
def test_every_message_is_inside_its_send_window(window: tuple[str, str]) -> None:
    sender = campaign(
        "w",
        trigger={"schedule": {"start": "2026-11-02", "every": "5h"}},
        send_window={"start": window[0], "end": window[1]},
    )
    start, end = (int(t[:2]) * 60 for t in window)
    messages = run([sender], days=3).messages
    assert messages  # every 5 h for 3 days: never none, or the loop below proves nothing
    for message in messages:
        of_day = message.minute % DAY
        assert (start <= of_day <= end) if start <= end else (of_day >= start or of_day <= end)


def test_why_a_scheduled_campaign_sends_nothing_in_the_days() -> None:
    senders = [
        campaign("monthly", trigger={"schedule": {"start": "2026-10-05", "every": "30d"}}),
        campaign("later", trigger={"schedule": {"start": "2026-12-01"}}),
        campaign("past", trigger={"schedule": {"start": "2026-10-01"}}),
        campaign("ended", trigger={"schedule": {"start": "2026-10-01", "end": "2026-10-10", "every": "1d"}}),
        campaign("shown", channel="web"),
    ]
    assert run(senders, days=2).silent == {
        "campaigns/monthly.yaml": "its next message is on 2026-11-04",
        "campaigns/later.yaml": "its schedule starts on 2026-12-01",
        "campaigns/past.yaml": "it sends once, on 2026-10-01",
        "campaigns/ended.yaml": "its schedule ended on 2026-10-10",
        "campaigns/shown.yaml": "no trigger: shown where the customer looks (a page, the app), never sent",
    }
