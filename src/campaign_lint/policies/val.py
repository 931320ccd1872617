"""VAL: customer value (principle 1, value first)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.policies import vocabulary
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.policies.intent import service_notice
from campaign_lint.schemas.campaign import Campaign

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "VAL"
TITLE = "customer value"

PRINCIPLE = "P1 Value first"


class VAL001(CampaignRule[NoOptions]):
    """The campaign does not say what the customer gets out of it.

    ## What it checks
    That every campaign except transactional service messages has a
    `customer_value` that is not empty. `type: transactional` exempts a
    service message (a receipt, a delivery notice): CAN-SPAM calls it a
    "transactional or relationship message", one that completes a deal the
    customer already made, so its value is the service itself; one whose
    name, purpose or subject makes an offer ("20% off"), or that is sent on
    a calendar, is marketing and must say what the customer gains.

    ## Why it matters
    A message earns a customer's attention only when the customer gains
    something from it. `purpose` says what the company wants; writing down
    the customer's side separately is the simplest test of whether the
    campaign is worth sending at all. A campaign with no customer value is
    a gimmick.

    ## Bad
    ```yaml
    purpose: Sell more winter boots.
    customer_value: ""
    ```

    ## Use instead
    ```yaml
    purpose: Sell more winter boots.
    customer_value: Boots in your size are back in stock before the cold weather starts.
    ```
    """

    id = "VAL001"
    name = "missing-customer-value"
    severity = Severity.ERROR
    profile = "minimal"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag a missing or blank ``customer_value``."""
        if service_notice(campaign, ctx.policy):
            return
        value = campaign.customer_value
        if value is None or not value.strip():
            yield Violation(
                "the campaign does not say what the customer gains from it",
                ("customer_value",),
                hint="add `customer_value:` in the customer's words: what do they get?",
            )


class VAL002Options(BaseModel):
    """Options of VAL002."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    company_phrases: list[str] = Field(
        default=[
            "increase sales",
            "increase revenue",
            "increase conversions",
            "increase engagement",
            "drive sales",
            "drive revenue",
            "drive engagement",
            "drive traffic",
            "boost sales",
            "boost revenue",
            "boost engagement",
            "boost conversions",
            "grow the list",
            "grow our list",
            "grow revenue",
            "maximise revenue",
            "maximize revenue",
            "hit targets",
        ],
        description="Company-side phrases that are not customer value on their own.",
    )
    customer_words: list[str] = Field(
        default=[
            "you",
            "your",
            "customer",
            "customers",
            "shopper",
            "shoppers",
            "save",
            "saves",
            "help",
            "helps",
            "get",
            "gets",
            "fix",
            "free",
            "earn",
            "learn",
            "choose",
            "easier",
            "faster",
            "protect",
            "remind",
            "reminder",
            "know",
        ],
        description="Words that show a customer-side benefit.",
    )
    similarity: float = Field(
        default=0.85,
        ge=0,
        le=1,
        description="How close (0-1) customer_value may be to purpose before it counts as a copy.",
    )


_WORDS = re.compile(r"[a-z']+")


def _similar(first: str, second: str, threshold: float) -> bool:
    """Whether difflib's ``SequenceMatcher(None, first, second).ratio()`` reaches ``threshold``.

    Building a matcher indexes the text character by character, so its cheap
    upper bounds are computed first, exactly as difflib does (same float
    arithmetic): ``real_quick_ratio`` from the lengths, ``quick_ratio`` from the
    characters in common. A verbatim copy, the usual case, has a ratio of 1.
    """
    if first == second:
        return True
    total = len(first) + len(second)
    if 2.0 * min(len(first), len(second)) / total < threshold:
        return False
    common = sum((Counter(first) & Counter(second)).values())
    if 2.0 * common / total < threshold:
        return False
    import difflib  # only for texts the bounds above could not tell apart (see core/suggest.py)

    return difflib.SequenceMatcher(None, first, second).ratio() >= threshold


def _normal(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


class VAL002(CampaignRule[VAL002Options]):
    """The customer value only speaks of the company's gain.

    ## What it checks
    That `customer_value` is not a copy of `purpose`, and is not only
    company-side wording with no benefit for the customer: the
    `company_phrases` option ("increase sales", "drive engagement", "boost
    revenue", "grow the list") and the same goals in everyday words ("hear
    from us more often", "more app opens", "top of mind", "brand
    awareness"; see [Vocabularies](#vocabularies), extended by the policy's
    `vocabulary.company_side_value`).

    A value with such wording passes when a customer word (the
    `customer_words` option: you, your, save, learn, get...) stands
    outside the company-side words: "Increase sales while you're first in
    line" names a benefit, "You'll hear from us more often" does not (its
    "you" belongs to the company-side phrase). Phrases match whole words,
    ignoring case and punctuation. The rule does not judge how good the
    benefit is. `type: transactional` exempts a service message, whose
    value is the transaction the customer made and may well repeat its
    purpose ("Confirm the order"); one that makes an offer or is sent on a
    calendar is marketing (as VAL001 reads it), and its value is checked.

    ## Why it matters
    "Boost engagement" is what the company wants, not what the customer
    gets. When the customer value is written from the company's side, no
    one has checked that the customer gains anything, and customers notice
    messages that are only about the sender.

    ## Bad
    ```yaml
    purpose: Increase sales of the new range.
    customer_value: Hear from us more often.
    ```

    ## Use instead
    ```yaml
    purpose: Increase sales of the new range.
    customer_value: You see the new range first and can save 10% in launch week.
    ```
    """

    id = "VAL002"
    name = "company-side-value"
    severity = Severity.WARNING
    profile = "recommended"
    principle = PRINCIPLE
    options = VAL002Options

    def check(self, campaign: Campaign, ctx: RuleContext[VAL002Options]) -> Iterable[Violation]:
        """Flag customer value that copies the purpose or names only company gains."""
        options = ctx.options
        if not campaign.customer_value or service_notice(campaign, ctx.policy):
            return
        value = _normal(campaign.customer_value)
        if not value:
            return
        purpose = _normal(campaign.purpose)
        if _similar(value, purpose, options.similarity):
            yield Violation(
                "`customer_value` repeats the company's `purpose` instead of saying what the customer gets",
                ("customer_value",),
                hint="describe the benefit from the customer's side: what problem does it solve for them?",
            )
            return
        company = vocabulary.phrases(
            "company_value",
            "company_side_value",
            (*options.company_phrases, *ctx.policy.vocabulary.company_side_value),
        )
        phrase = company.search(value)
        if phrase is None:
            return
        # Customer words count outside the company-side words ("you'll hear from us" is not a benefit).
        outside = company.remove(value)
        # "you're", "you'll" and "customer's" count as "you" and "customer".
        words = {part for word in outside.split() for part in (word, word.split("'")[0])}
        if not words.intersection(w.lower() for w in options.customer_words):
            yield Violation(
                f"`customer_value` speaks of the company's gain (\"{phrase}\"), not the customer's",
                ("customer_value",),
                hint="say what the customer gets, for example what they save, learn or can do",
            )


class VAL003(CampaignRule[NoOptions]):
    """Contact or personal data is asked for without saying why.

    ## What it checks
    Every `data_collection` item needs a `purpose` that says why the data
    is needed or what the customer gets for it. A purpose is empty when,
    once the phrases that say nothing ("for future communications", "to
    serve you better", "profile enrichment", "marketing purposes"; see
    [Vocabularies](#vocabularies), extended by the policy's
    `vocabulary.empty_reasons`), filler words (we, your, collect, data,
    use...) and the words of the field's own name are taken out, no word
    is left: "We collect your email for future communications" is empty,
    "We need your phone number" too.

    A real reason next to an empty one is a reason ("To serve you better:
    we text you when your table is free"); the rule does not judge how
    good it is.

    ## Why it matters
    Customers give a phone number gladly when they know it brings a text
    when their repair is ready, and reluctantly when it just "completes the
    profile". GDPR requires data to be collected for specified, explicit
    purposes and no more than needed (Art. 5(1)(b,c)); European regulators
    name "marketing purposes" and "improving users' experience" as too
    vague to count (Article 29 Working Party, Opinion 03/2013).

    ## Bad
    ```yaml
    data_collection:
      - field: phone
        purpose: For future communications.
    ```

    ## Use instead
    ```yaml
    data_collection:
      - field: phone
        purpose: We text you when your repair is ready to collect.
    ```
    """

    id = "VAL003"
    name = "data-without-purpose"
    severity = Severity.ERROR
    profile = "recommended"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag data collection items without a purpose, or with one that says nothing."""
        if not campaign.data_collection:
            return
        empty = vocabulary.phrases("reasons", "empty_reasons", ctx.policy.vocabulary.empty_reasons)
        filler = vocabulary.words("reasons", "filler")
        for index, item in enumerate(campaign.data_collection):
            if item.purpose is None or not item.purpose.strip():
                yield Violation(
                    f"the campaign asks for `{item.field}` without saying why or what the customer gets for it",
                    ("data_collection", index, "purpose")
                    if item.purpose is not None
                    else ("data_collection", index),
                    hint="add `purpose:` in the customer's words, or stop asking for it",
                )
                continue
            key = vocabulary.text_key(item.purpose)
            own = set(vocabulary.text_key(item.field.replace("_", " ")).split())
            if any(word not in filler and word not in own for word in empty.remove(key).split()):
                continue
            found = empty.search(key)
            said = f'"{found}" could mean anything' if found else "it says no more than asking for it"
            yield Violation(
                f"the reason given for `{item.field}` is empty: {said}",
                ("data_collection", index, "purpose"),
                hint="say what the data is used for and what the customer gets, "
                'like "We text you when your repair is ready"',
            )
