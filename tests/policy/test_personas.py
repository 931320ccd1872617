"""Personas (policies/personas.py): the policy's, the built-in ones, the command line's."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from campaign_lint.policies.personas import (
    adhoc_persona,
    builtin_personas,
    busiest_place,
    left_out,
    parse_journey,
    personas,
    refusal,
)
from campaign_lint.policies.timeline import DAY, Persona, Sender, everyone_of, sender_of, simulate
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.campaign import Campaign, Channel, Consent
from campaign_lint.schemas.policy import EventDef, PersonaDef, Segments

CATALOGUE = {
    "cart.abandoned": EventDef(),
    "order.placed": EventDef(),
    "order.shipped": EventDef(after="order.placed"),
    "order.delivered": EventDef(after="order.shipped", fulfilment=True),
    "review.submitted": EventDef(after="order.delivered"),
    "order.returned": EventDef(),
    "unsubscribed": EventDef(),
}


def campaign(id: str, **fields: Any) -> Sender:
    data: dict[str, Any] = {
        "id": id,
        "owner": "o@example.com",
        "type": "feedback",
        "purpose": "P.",
        "channel": "email",
    }
    data.update(fields)
    return sender_of(f"campaigns/{id}.yaml", Campaign.model_validate(data))


REVIEW = campaign(
    "review", trigger={"event": "order.delivered", "stop_when": ["review.submitted", "order.returned"]}
)


def test_builtin_personas_walk_the_catalogue_in_after_order() -> None:
    typical, late = builtin_personas(PolicyView(events=CATALOGUE), [REVIEW])
    assert (typical.name, late.name) == ("typical", "late-delivery")
    # answers that only stop campaigns, and leaving, are not in the journey
    assert typical.journey == (
        ("cart.abandoned", 9 * 60),
        ("order.placed", 10 * 60),
        ("order.shipped", DAY + 10 * 60),
        ("order.delivered", 3 * DAY + 10 * 60),
    )
    assert dict(late.journey)["order.delivered"] == 9 * DAY + 10 * 60
    assert typical.segments is None
    assert typical.consent is None
    assert typical.builtin


def test_an_answer_that_starts_a_campaign_stays_in_the_journey() -> None:
    thanks = campaign("thanks", trigger={"event": "review.submitted"})
    typical, _ = builtin_personas(PolicyView(events=CATALOGUE), [REVIEW, thanks])
    assert dict(typical.journey)["review.submitted"] == 4 * DAY + 10 * 60


def test_without_a_catalogue_the_default_order_and_every_trigger() -> None:
    welcome = campaign("welcome", trigger={"event": "account.created"})
    typical, late = builtin_personas(PolicyView(), [welcome])
    assert [event for event, _ in typical.journey] == [
        "order.placed",
        "account.created",
        "order.shipped",
        "order.delivered",
    ]
    assert dict(late.journey)["order.delivered"] - dict(late.journey)["order.placed"] == 9 * DAY


def test_policy_personas_replace_the_builtin_ones() -> None:
    entry = PersonaDef.model_validate(
        {
            "segments": ["recent_buyers"],
            "region": "GB",
            "consent": {"email": ["opt_in"]},
            "journey": {"order.placed": "0d", "order.delivered": "9d 14:30", "order.shipped": ["1d", "2d"]},
        }
    )
    (late,) = personas(PolicyView(personas={"late-parcel": entry}), [REVIEW])
    assert late.name == "late-parcel"
    assert late.journey == (
        ("order.placed", 600),
        ("order.shipped", DAY + 600),
        ("order.shipped", 2 * DAY + 600),
        ("order.delivered", 9 * DAY + 14 * 60 + 30),
    )
    assert late.segments == frozenset({"recent_buyers"})
    assert late.region == "GB"
    assert late.consent == {Channel.EMAIL: frozenset({Consent.OPT_IN})}


def test_the_worst_case_keeps_the_most_targeted_segment_of_a_disjoint_group() -> None:
    senders = [campaign(f"c{i}", audience={"segment": seg}) for i, seg in enumerate(["old", "new", "new"])]
    policy = PolicyView(segments=Segments(disjoint=[["old", "new", "lapsed"]]))
    assert left_out(policy, senders) == {"old", "lapsed"}


def test_the_worst_case_lives_where_most_campaigns_reach() -> None:
    senders = [
        campaign("de", audience={"regions": ["DE"]}),
        campaign("ca", audience={"regions": ["US-CA"]}),
        campaign("us", audience={"regions": ["US"]}),
        campaign("any"),
    ]
    assert busiest_place(senders) == "US-CA"
    assert busiest_place([campaign("any")]) is None


def test_adhoc_persona_is_every_segment_unless_narrowed() -> None:
    steps = parse_journey("order.placed@0d, order.delivered@9d 14:30")
    assert steps == [("order.placed", 600), ("order.delivered", 9 * DAY + 870)]
    wide = adhoc_persona(steps, PolicyView(), [REVIEW])
    narrow = adhoc_persona(steps, PolicyView(), [REVIEW], segments=["vip"])
    assert wide.segments is None
    assert narrow.segments == frozenset({"vip"})


@pytest.mark.parametrize(
    "text", ["order.placed", "order.placed@", "@0d", "order.placed@9", "order.placed@9d 25:00"]
)
def test_a_journey_that_does_not_read_says_how_to_write_it(text: str) -> None:
    with pytest.raises(ValueError, match=r"order\.placed@0d|like 0d or 9d|not a time of day"):
        parse_journey(text)


def test_a_segment_that_names_the_whole_list_reaches_every_persona() -> None:
    everybody = campaign("everybody", audience={"segment": "everybody"}, trigger={"event": "order.placed"})
    buyer = Persona("buyer", (("order.placed", 600),), segments=frozenset({"recent_buyers"}))
    timeline = simulate([everybody], buyer, date(2026, 11, 2), 7, PolicyView())
    assert [m.campaign for m in timeline.messages] == ["everybody"]
    assert everyone_of([everybody], PolicyView()) == {"all", "everybody"}


@pytest.mark.parametrize(
    ("audience", "channel", "reason"),
    [
        ({"segment": "lapsed"}, "email", "sent to segment `lapsed`, which they are not in"),
        ({"exclude": ["vip"]}, "email", "excludes `vip`, which they are in"),
        ({"regions": ["DE", "AT"]}, "email", "sent only in DE, AT, not where they live"),
        (
            {"consent": "express_written"},
            "sms",
            "needs express_written consent for sms, which they have not given",
        ),
    ],
)
def test_why_a_campaign_leaves_a_persona_out(audience: dict[str, Any], channel: str, reason: str) -> None:
    sender = campaign("c", channel=channel, audience=audience)
    who = Persona(
        "p",
        (),
        segments=frozenset({"vip"}),
        region="GB",
        consent={Channel.EMAIL: frozenset({Consent.OPT_IN})},
    )
    assert refusal(who, sender) == reason
    assert refusal(who, campaign("d")) is None
