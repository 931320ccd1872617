"""The compact record portfolio rules read: the facts they need, and where, as plain values."""

from __future__ import annotations

import pickle
from datetime import date

from campaign_lint.core import yamlload
from campaign_lint.core.findings import Span
from campaign_lint.policies.base import PORTFOLIO_FIELDS, CampaignRecord, portfolio_view
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.campaign import Campaign, Channel

SCHEDULED = """\
version: 1
id: weekly-picks
owner: crm@example.com
type: transactional
purpose: Tell customers what is new.
channel: sms
audience: {segment: kettle_buyers, exclude: [bounced], regions: [US-CA, DE]}
trigger:
  schedule: {start: 2026-11-02T09:00:00, every: 7d}
frequency: {max: 2, per: 7d}
content: {incentive: {kind: discount}}
"""
ONE_OFF = """\
version: 1
id: launch
owner: crm@example.com
type: promotional
purpose: Announce the new range.
channel: email
"""


def _record(text: str) -> CampaignRecord:
    document = yamlload.load(text)
    campaign = Campaign.model_validate(document.data)
    return portfolio_view("c.yaml", campaign, document.top_level_spans(PORTFOLIO_FIELDS), PolicyView())


def test_record_keeps_what_portfolio_rules_read() -> None:
    record = _record(SCHEDULED)
    assert (record.path, record.id, record.channel) == ("c.yaml", "weekly-picks", Channel.SMS)
    assert not record.transactional  # it carries an incentive
    assert record.recurring
    assert record.has_trigger
    assert record.frequency == (2, 7 * 86400)
    assert record.event is None
    assert record.schedule == (date(2026, 11, 2), date.max)
    assert (record.segment, record.exclude, record.regions) == (
        "kettle_buyers",
        ("bounced",),
        ("US-CA", "DE"),
    )


def test_record_defaults_without_audience_trigger_or_cap() -> None:
    record = _record(ONE_OFF)
    assert (record.segment, record.exclude, record.regions) == ("all", (), ())
    assert (record.recurring, record.has_trigger) == (False, False)
    assert (record.frequency, record.schedule) == (None, None)


def test_span_falls_back_to_the_field_then_the_document() -> None:
    record = _record(SCHEDULED)
    assert record.span(("frequency", "max")) == record.span(("frequency",)) == Span(10, 12, 10, 29)
    assert record.span(("trigger",)) == Span(8, 1, 8, 8)
    assert record.span(("audience",)) == record.span(()) == record.whole == Span(1, 1, 12, 1)
    assert _record(ONE_OFF).span(("frequency",)) == _record(ONE_OFF).whole


def test_record_pickles_to_an_equal_record() -> None:
    record = _record(SCHEDULED)
    assert pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)) == record


def test_record_and_its_sender_share_the_audience_and_event() -> None:
    """The record holds the sender's own names, so a pickle carries each once; unpickled, they are shared still."""
    triggered = SCHEDULED.replace("schedule: {start: 2026-11-02T09:00:00, every: 7d}", "event: order.placed")
    assert _record(triggered).event == "order.placed"
    for text in (SCHEDULED, ONE_OFF, triggered):
        record = _record(text)
        for one in (record, pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))):
            sender = one.sender
            assert sender is not None
            shared = (one.segment, one.exclude, one.regions, one.event)
            assert all(
                a is b
                for a, b in zip(
                    shared, (sender.segment, sender.exclude, sender.regions, sender.event), strict=True
                )
            )


def test_a_transactional_notice_that_offers_in_words_is_marketing() -> None:
    notice = SCHEDULED.replace("content: {incentive: {kind: discount}}\n", "").replace(
        "  schedule: {start: 2026-11-02T09:00:00, every: 7d}\n", "  event: order.shipped\n"
    )
    assert _record(notice).transactional
    offering = notice.replace("Tell customers what is new.", "Your parcel, and 20% off your next order.")
    assert not _record(offering).transactional


def test_the_timeline_reads_the_same_service_notice_as_the_record() -> None:
    notice = SCHEDULED.replace("content: {incentive: {kind: discount}}\n", "").replace(
        "  schedule: {start: 2026-11-02T09:00:00, every: 7d}\n", "  event: order.shipped\n"
    )
    offering = notice.replace("Tell customers what is new.", "Your parcel, and 20% off your next order.")
    for text, expected in ((notice, True), (offering, False)):
        record = _record(text)
        assert record.sender is not None
        assert record.sender.transactional is record.transactional is expected
