"""The built-in vocabularies: every list documented, sourced, extensible where it says, and sound."""

from __future__ import annotations

import os
import re

import pytest

from campaign_lint.policies import vocabulary
from campaign_lint.policies.registry import RULES_BY_ID
from campaign_lint.schemas.policy import Policy

LISTS = [(file, entry) for file in vocabulary.FILES for entry in vocabulary.word_lists(file).values()]
IDS = [f"{file}.{entry.key}" for file, entry in LISTS]


def test_every_vocabulary_file_is_documented() -> None:
    folder = os.path.join(os.path.dirname(vocabulary.__file__), "vocabularies")
    files = sorted(name.removesuffix(".yaml") for name in os.listdir(folder) if name.endswith(".yaml"))
    assert files == sorted(vocabulary.FILES)


@pytest.mark.parametrize(("file", "entry"), LISTS, ids=IDS)
def test_list_has_a_source_and_real_rules(file: str, entry: vocabulary.WordList) -> None:
    assert entry.title
    assert entry.source
    assert entry.rules
    assert all(rule in RULES_BY_ID for rule in entry.rules)
    assert entry.entries or entry.words or entry.mapping


@pytest.mark.parametrize(("file", "entry"), LISTS, ids=IDS)
def test_policy_key_exists(file: str, entry: vocabulary.WordList) -> None:
    if entry.policy is None:
        return
    section, key = entry.policy.split(".")
    model = Policy.model_fields[section].annotation
    assert isinstance(model, type)
    assert key in model.model_fields


@pytest.mark.parametrize(("file", "entry"), LISTS, ids=IDS)
def test_patterns_compile(file: str, entry: vocabulary.WordList) -> None:
    for pattern in entry.patterns:
        re.compile(pattern)


def test_activity_and_outcome_names_do_not_overlap() -> None:
    kinds = vocabulary.metric_kinds(frozenset(), frozenset())
    lists = vocabulary.word_lists("metrics")
    activity = {kinds.key(name) for name in lists["activity"].entries}
    outcome = {kinds.key(name) for name in lists["outcome"].entries}
    assert activity.isdisjoint(outcome), activity & outcome
    assert set(lists["activity"].words).isdisjoint(lists["outcome"].words)


@pytest.mark.parametrize(
    ("name", "key", "kind"),
    [
        ("Click-through rate", "click_through", "activity"),
        ("CTR", "click_through", "activity"),
        ("avg. session length", "session_length", "activity"),
        ("WAU", "weekly_active_user", "activity"),
        ("Open-Rate", "open", "activity"),
        ("order_email_opens", "order_email_open", "activity"),
        ("Repeat-purchase rate (90 days)", "repeat_purchase_90_day", "outcome"),
        ("first-contact resolution %", "first_contact_resolution", "outcome"),
        ("AOV", "order_value", "outcome"),
        ("click_to_purchase_rate", "click_to_purchase", "outcome"),
        ("business_status", "business_status", None),
        ("vibe_index", "vibe_index", None),
    ],
)
def test_metric_names_are_normalised_and_classified(name: str, key: str, kind: str | None) -> None:
    kinds = vocabulary.metric_kinds(frozenset(), frozenset())
    assert (kinds.key(name), kinds.kind(name)) == (key, kind)


def test_policy_names_win_over_the_built_in_ones() -> None:
    kinds = vocabulary.metric_kinds(frozenset({"Vibe Index"}), frozenset({"sessions"}))
    assert kinds.kind("vibe_index") == "activity"
    assert kinds.kind("Sessions") == "outcome"


@pytest.mark.parametrize(
    ("segment", "everyone"),
    [
        ("all", True),
        ("Whole List", True),
        ("all-contacts", True),
        ("all_customers_uk", True),
        ("everyone_opted_in", True),
        ("newsletter_all", True),
        ("all_stars_club", False),
        ("all_vip_customers", False),
        ("recent_buyers", False),
        ("allotment_gardeners", False),
    ],
)
def test_everyone_segments(segment: str, everyone: bool) -> None:
    assert vocabulary.everyone_segments().everyone(segment) is everyone


def test_policy_globs_for_everyone_segments() -> None:
    segments = vocabulary.everyone_segments(["every_*_region", "CRM Master"])
    assert segments.everyone("every_north_region")
    assert segments.everyone("crm-master")
    assert not segments.everyone("north_region")


def test_text_key_and_whole_word_phrases() -> None:
    assert vocabulary.text_key("Rate your stay\u2019s  *5 stars*!") == "rate your stay's 5 stars"
    offers = vocabulary.phrases("offers", "offers")
    assert offers.search(vocabulary.text_key("Running low? 15% off your next order")) == "15% off"
    assert offers.search(vocabulary.text_key("Your order from the summer sale has shipped")) is None
    assert offers.search(vocabulary.text_key("Coupons inside")) == "coupons"


def test_phrases_match_whole_words_leftmost_then_longest() -> None:
    found = vocabulary.Phrases(["hear from us", "hear from us more often", "more often"], [r"you'll \w+"])
    assert found.search("hear from us more often") == "hear from us more often"
    assert found.search("overhear from us") is None
    assert found.search("you'll hear from us") == "you'll hear"
    assert found.remove("we say hear from us more often now") == "we say now"
    assert found.remove("you'll see it more often") == "it"


def test_text_key_is_read_once_per_text() -> None:
    vocabulary.text_key.cache_clear()
    for _ in range(3):
        vocabulary.text_key("Rate your stay")
    assert vocabulary.text_key.cache_info().hits == 2
