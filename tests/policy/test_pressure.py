"""FRQ003's and FRQ004's counting (policies/pressure.py): the worst window of a persona against a cap."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_lint.core.findings import RELATED_KEPT, Severity
from campaign_lint.lint import portfolio
from campaign_lint.policies.base import CampaignRecord, Pointer, PortfolioViolation
from campaign_lint.policies.plans import Plan, Sent, plan
from campaign_lint.policies.pressure import Limits, _slide, pressure_finding, share, within, worst
from campaign_lint.policies.record import cap_path
from campaign_lint.policies.timeline import DAY, Persona, Sender, sender_of
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.campaign import Campaign
from campaign_lint.schemas.policy import Cap
from campaign_lint.schemas.types import Duration
from tests.test_incremental import _records

POLICY = PolicyView()
WEEK = Cap(max=3, per=Duration(7, "d"))
EMAIL = Limits(WEEK, "email", {"email": 3})


def campaign(id: str, **fields: Any) -> Sender:
    data: dict[str, Any] = {"id": id, "owner": "crm@example.com", "type": "lifecycle", "purpose": "Help."}
    data["channel"] = "email"
    data.update(fields)
    return sender_of(f"campaigns/{id}.yaml", Campaign.model_validate(data))


def one_off(id: str, day: str) -> Sender:
    return campaign(id, trigger={"schedule": {"start": day}})


def on(id: str, event: str, delay: str = "1h") -> Sender:
    return campaign(id, trigger={"event": event, "delay": delay}, frequency={"max": 1, "per": "7d"})


BUYER = Persona("buyer", (("order.placed", 9 * 60), ("order.shipped", DAY + 9 * 60)))


def drawn(senders: list[Sender], who: Persona = BUYER) -> Plan:
    return plan(senders, who, POLICY, 7)


def test_one_offs_in_one_week_add_up_and_months_apart_do_not() -> None:
    week = [one_off(f"c{i}", f"2026-10-0{5 + i}") for i in range(4)]
    found = worst(drawn(week), EMAIL)
    assert found is not None
    assert found.count == 4
    assert found.when == "7 calendar days (2026-10-05 to 2026-10-11)"
    apart = [one_off(f"c{i}", day) for i, day in enumerate(("2026-10-05", "2026-12-07", "2027-03-08"))]
    found = worst(drawn(apart), EMAIL)
    assert found is not None
    assert found.count == 1


def test_the_journey_is_placed_on_the_busiest_days_of_the_schedules() -> None:
    senders = [one_off("a", "2026-11-02"), one_off("b", "2026-11-03"), on("thanks", "order.placed")]
    found = worst(drawn(senders), EMAIL)
    assert found is not None
    assert found.count == 3
    assert found.when == "7 calendar days (2026-11-02 to 2026-11-08, `order.placed` on 2026-11-02)"


def test_a_schedule_the_journey_stops_is_not_counted_after_the_stop() -> None:
    stopped = campaign(
        "deals", trigger={"schedule": {"start": "2026-11-02", "every": "1d"}, "stop_when": ["order.placed"]}
    )
    found = worst(drawn([stopped, on("thanks", "order.placed")]), EMAIL)
    assert found is not None
    # Alone the schedule sends 7 a week (3 counted at the cap); with the order on its first day, it stops.
    assert found.campaigns["campaigns/deals.yaml"] == (7, 3)


def test_one_campaign_counts_at_most_the_cap() -> None:
    daily = campaign("daily", trigger={"schedule": {"start": "2026-11-02", "every": "1d"}})
    found = worst(drawn([daily]), EMAIL)
    assert found is not None
    assert (found.count, found.campaigns["campaigns/daily.yaml"]) == (3, (7, 3))


def test_towards_the_total_a_channel_counts_at_most_what_its_cap_lets_through() -> None:
    total = Cap(max=7, per=Duration(7, "d"))
    caps = within(POLICY, total)
    assert (caps["email"], caps["sms"], caps["push"]) == (3, 2, 7)
    emails = [one_off(f"e{i}", f"2026-11-0{2 + i}") for i in range(5)]
    texts = [
        campaign(f"s{i}", channel="sms", trigger={"schedule": {"start": f"2026-11-0{2 + i}"}})
        for i in range(3)
    ]
    found = worst(drawn(emails + texts), Limits(total, None, caps))
    assert found is not None
    assert found.count == 3 + 2


def test_a_rolling_window_starts_at_a_message() -> None:
    moments = ("2026-11-02T09:00", "2026-11-02T21:00", "2026-11-03T08:00", "2026-11-03T10:00")
    texts = [campaign(f"t{i}", trigger={"schedule": {"start": moment}}) for i, moment in enumerate(moments)]
    day = Limits(Cap(max=3, per=Duration(24, "h")), None, {}, rolling=True)
    found = worst(drawn(texts), day)
    assert found is not None
    # From 09:00 the first three; from 21:00 the last three: the first of equals wins.
    assert found.count == 3
    assert found.when == "24 hours from 09:00 (2026-11-02)"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.booleans()), min_size=1, max_size=8), st.integers(0, 40))
def test_adding_a_campaign_never_lowers_the_worst_count(days: list[tuple[int, bool]], extra: int) -> None:
    def sender(index: int, day: int, triggered: bool) -> Sender:
        if triggered:
            return on(f"c{index}", "order.placed", f"{day + 1}d")
        return one_off(f"c{index}", f"2026-11-{1 + day % 28:02d}")

    senders = [sender(i, day, triggered) for i, (day, triggered) in enumerate(days)]
    before = worst(drawn(senders), EMAIL)
    after = worst(drawn([*senders, sender(len(senders), extra, False)]), EMAIL)
    assert after is not None
    assert after.count >= (before.count if before is not None else 0)


class _Reading(Mapping[str, CampaignRecord]):
    """Records by path, each read counted."""

    def __init__(self, records: list[CampaignRecord]) -> None:
        self._records = {record.path: record for record in records}
        self.reads: list[str] = []

    def __getitem__(self, path: str) -> CampaignRecord:
        self.reads.append(path)
        return self._records[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)


def test_a_finding_of_many_campaigns_reads_only_the_records_it_keeps() -> None:
    """Sixty emails in one week: the finding is the engine's, with 50 related places read, the rest counted."""
    texts = {
        f"campaigns/c{i:02d}.yaml": (
            f"id: c{i:02d}\nowner: crm@example.com\ntype: lifecycle\npurpose: Help.\nchannel: email\n"
            f"trigger: {{schedule: {{start: 2026-11-0{2 + i % 5}}}}}\n"
        )
        for i in range(60)
    }
    records = _records(texts, POLICY)
    window = worst(plan([r.sender for r in records if r.sender], BUYER, POLICY, 7), EMAIL)
    assert window is not None
    assert len(window.campaigns) == 60
    by_path = _Reading(records)
    found = pressure_finding("email", "email", WEEK, window, by_path)
    # The top campaign, the 50 related places kept; the 57 campaigns to cut are named from the window.
    assert len(by_path.reads) == 1 + RELATED_KEPT
    ranked = window.ranked()
    every = PortfolioViolation(
        found.at,
        found.message,
        found.hint,
        tuple(
            Pointer(r, cap_path(r), share(r.id, counted, sent))
            for path, counted, sent in ranked[1:]
            for r in (by_path[path],)
        ),
        subject=found.subject,
    )
    assert portfolio._finding("FRQ003", Severity.ERROR, found) == portfolio._finding(
        "FRQ003", Severity.ERROR, every
    )
    assert found.related_omitted == 59 - RELATED_KEPT
    # The hint names the first 3 of the 57 campaigns to cut (read from the window, not from their
    # records) and sums the other 54.
    assert "cut `c00` by 1, `c01` by 1, `c02` by 1 and 54 more from the next 54 campaigns" in (
        found.hint or ""
    )
    assert "`c03`" not in (found.hint or "")


def _counted_by_hand(messages: list[Sent], limits: Limits, start: int) -> int:
    """What the window from ``start`` counts: each campaign up to its most, each channel up to its ceiling."""
    inside = Counter((m[3], m[1]) for m in messages if start <= m[0] < start + limits.per)
    channels: Counter[str] = Counter()
    for (channel, _), n in inside.items():
        channels[channel] += min(n, limits.campaign_max(channel))
    if limits.channel is not None:
        return sum(channels.values())
    return sum(min(n, limits.channel_max.get(channel, n)) for channel, n in channels.items())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 20 * DAY), st.integers(0, 5)), max_size=30),
    st.sampled_from([(7, "d"), (1, "d"), (24, "h"), (30, "h")]),
    st.integers(1, 4),
    st.sampled_from([None, "email"]),
    st.dictionaries(st.sampled_from(["email", "sms", "push"]), st.integers(1, 4)),
    st.booleans(),
)
def test_the_slide_finds_the_first_busiest_window(
    sends: list[tuple[int, int]],
    per: tuple[int, str],
    most: int,
    channel: str | None,
    channel_max: dict[str, int],
    rolling: bool,
) -> None:
    """``_slide`` against every window counted by hand (calendar windows from each midnight, rolling from each message)."""
    channels = ("email", "sms", "push")
    messages = sorted(
        (minute, f"c{c}.yaml", f"c{c}", channels[c % 3] if channel is None else channel)
        for minute, c in sends
    )
    limits = Limits(Cap(max=most, per=Duration(*per)), channel, channel_max, rolling=rolling)
    found = _slide(messages, limits)
    starts = sorted({m[0] - m[0] % DAY for m in messages}) if limits.calendar else [m[0] for m in messages]
    counts = [(_counted_by_hand(messages, limits, start), start) for start in starts]
    best = max(counts, key=lambda item: item[0], default=(0, 0))
    assert found == (best if best[0] else None)
