"""TRP: entrapment and dark patterns (principle 5, no traps)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from pydantic import BaseModel, ConfigDict, Field

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.policies import vocabulary
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.schemas.campaign import Campaign, Placement

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "TRP"
TITLE = "traps and dark patterns"

PRINCIPLE = "P5 No traps"


class TRP002(CampaignRule[NoOptions]):
    """Cancelling takes more steps than signing up.

    ## What it checks
    In `loyalty`, that `cancel_steps` is not larger than `signup_steps`.

    ## Why it matters
    A programme that is easy to join and hard to leave keeps customers
    through friction, not loyalty. California requires cancelling by the
    same means used to sign up (automatic renewal law), the EU Digital
    Services Act forbids making termination harder than subscribing, and
    GDPR makes withdrawing consent as easy as giving it.

    ## Bad
    ```yaml
    type: loyalty
    loyalty: {signup_steps: 1, cancel_steps: 4, on_exit: keep}
    ```

    ## Use instead
    ```yaml
    type: loyalty
    loyalty: {signup_steps: 1, cancel_steps: 1, on_exit: keep}
    ```
    """

    id = "TRP002"
    name = "hard-to-cancel"
    severity = Severity.ERROR
    profile = "minimal"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag ``cancel_steps > signup_steps``."""
        loyalty = campaign.loyalty
        if loyalty is None or loyalty.cancel_steps is None or loyalty.signup_steps is None:
            return
        if loyalty.cancel_steps > loyalty.signup_steps:
            yield Violation(
                f"cancelling takes {loyalty.cancel_steps} steps but signing up takes {loyalty.signup_steps}",
                ("loyalty", "cancel_steps"),
                hint=f"let customers cancel in {loyalty.signup_steps} step(s), the same way they joined",
            )


def _moment(value: date | datetime) -> datetime:
    """A date counts until the end of that day; naive times count as UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time.max, tzinfo=UTC)


class TRP003(CampaignRule[NoOptions]):
    """A countdown or deadline has no real end.

    ## What it checks
    `content.urgency` of kind `countdown` or `deadline` needs an `ends_at`,
    and it must not be later than the end of the campaign's schedule.

    ## Why it matters
    "Only 2 hours left!" is a promise. A countdown that restarts, or a
    deadline that outlives the campaign, pressures customers with a false
    claim. The EU lists false limited-time offers as unfair in all
    circumstances (UCPD Annex I item 7) and the FTC names fake countdown
    timers as a dark pattern.

    ## Bad
    ```yaml
    content:
      unsubscribe: one_click
      urgency: {kind: countdown}
    ```

    ## Use instead
    ```yaml
    content:
      unsubscribe: one_click
      urgency: {kind: countdown, ends_at: 2026-11-30T23:59:00Z}
    ```
    """

    id = "TRP003"
    name = "fake-urgency"
    severity = Severity.ERROR
    profile = "minimal"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag urgency without ``ends_at`` or ending after the schedule."""
        urgency = campaign.content.urgency if campaign.content else None
        if urgency is None or urgency.kind == "none":
            return
        if urgency.ends_at is None:
            yield Violation(
                f"the {urgency.kind} has no end (`ends_at`); customers are pressed by a deadline that never comes",
                ("content", "urgency", "kind"),
                hint="add `ends_at:` with the real end, like 2026-11-30T23:59:00Z, or remove the urgency",
            )
            return
        schedule = campaign.trigger.schedule if campaign.trigger else None
        if (
            schedule is not None
            and schedule.end is not None
            and _moment(urgency.ends_at) > _moment(schedule.end)
        ):
            yield Violation(
                f"the {urgency.kind} ends at {urgency.ends_at}, after the campaign itself ends ({schedule.end})",
                ("content", "urgency", "ends_at"),
                hint="end the countdown when the offer really ends",
            )


class TRP001(CampaignRule[NoOptions]):
    """Loyalty points are lost when a customer leaves, or expire without warning.

    ## What it checks
    In `loyalty`: `on_exit: forfeit` (points taken away when the customer
    leaves), or `points_expire_after` with no `expiry_notice_days` (points
    vanish without notice).

    ## Why it matters
    A programme that punishes leaving keeps customers through fear of loss,
    not loyalty, and they resent it. Points that silently expire are a
    broken promise. Let customers keep what they earned, and warn them in
    good time before anything expires.

    ## Bad
    ```yaml
    type: loyalty
    loyalty: {points_expire_after: 12mo, on_exit: forfeit}
    ```

    ## Use instead
    ```yaml
    type: loyalty
    loyalty: {points_expire_after: 12mo, expiry_notice_days: [30, 3], on_exit: keep}
    ```
    """

    id = "TRP001"
    name = "punishes-leaving"
    severity = Severity.ERROR
    profile = "recommended"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag forfeiture on exit and silent expiry."""
        loyalty = campaign.loyalty
        if loyalty is None:
            return
        if loyalty.on_exit == "forfeit":
            yield Violation(
                "customers lose their points when they leave",
                ("loyalty", "on_exit"),
                hint="let them keep (or cash out) what they earned: `on_exit: keep`",
            )
        if loyalty.points_expire_after is not None and not loyalty.expiry_notice_days:
            yield Violation(
                f"points expire after {loyalty.points_expire_after.words()} with no warning to the customer",
                ("loyalty", "points_expire_after"),
                hint="warn before they expire, for example `expiry_notice_days: [30, 3]`",
            )


class TRP004Options(BaseModel):
    """Options of TRP004."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shaming_phrases: list[str] = Field(
        default=[],
        description="Phrases that shame wherever they stand in a label (matched case-insensitively), "
        "on top of the pattern the rule judges.",
    )


class TRP004(CampaignRule[TRP004Options]):
    """The "no thanks" button shames the customer.

    ## What it checks
    `content.decline_label`, judged by its pattern rather than a list of
    sentences: an optional refusal ("No thanks", "Not now") followed by a
    first-person clause (I, I'm, I'd, me, my...) that

    - names a loss: "full price", "pay more", "miss out", "saving money",
      "stay uninformed";
    - belittles the customer: "like paying", "like being bored", "not
      smart", "fine without"; or
    - refuses a value out loud: a refusal ("don't want", "hate", "rather",
      "isn't for me") together with a value ("money", "saving", "discount",
      "deals", "free", "rewards"), as in "I don't want the discount".

    The word lists are in [Vocabularies](#vocabularies); the policy adds
    losses and belittling words with `vocabulary.decline_losses` and
    `vocabulary.decline_belittling`, and the `shaming_phrases` option adds
    phrases that shame wherever they stand. A label without a first-person
    clause never shames ("No thanks", "Not now", "Maybe later"), and
    neither does one that gives a neutral reason ("No thanks, I already
    have one", "Not now, remind me tomorrow", "No thanks, I don't want
    emails"). Case, curly apostrophes and punctuation do not matter.

    ## Why it matters
    Confirmshaming makes saying no feel foolish so that fewer people do.
    It is a dark pattern regulators name (the FTC's "Bringing Dark Patterns
    to Light", 2022; the EDPB's guidelines on deceptive design patterns),
    and it costs trust: the customer who clicked "No" remembers how it
    felt. A plain "No thanks" respects their choice.

    ## Bad
    ```yaml
    content: {unsubscribe: one_click, decline_label: "Nah, saving isn't for me"}
    ```

    ## Use instead
    ```yaml
    content: {unsubscribe: one_click, decline_label: "No thanks"}
    ```
    """

    id = "TRP004"
    name = "shaming-decline"
    severity = Severity.WARNING
    profile = "recommended"
    principle = PRINCIPLE
    options = TRP004Options

    def check(self, campaign: Campaign, ctx: RuleContext[TRP004Options]) -> Iterable[Violation]:
        """Flag decline labels whose first-person clause names a loss or belittles the customer."""
        label = campaign.content.decline_label if campaign.content else None
        if not label:
            return
        why = _shaming(label, ctx)
        if why:
            yield Violation(
                f'the decline label "{label}" shames customers who say no ({why})',
                ("content", "decline_label"),
                hint='use a plain label such as "No thanks"',
            )


def _shaming(label: str, ctx: RuleContext[TRP004Options]) -> str | None:
    """Why ``label`` shames the customer, or None."""
    lowered = label.lower().replace("\u2019", "'")
    phrase = next((p for p in ctx.options.shaming_phrases if p.lower() in lowered), None)
    if phrase:
        return f'"{phrase}"'
    key = vocabulary.text_key(label)
    if vocabulary.words("declines", "first_person").isdisjoint(key.split()):
        return None  # no first-person clause: "No thanks", "Maybe later"
    words = ctx.policy.vocabulary
    loss = vocabulary.phrases("declines", "losses", words.decline_losses).search(key)
    if loss:
        return f'it names a loss: "{loss}"'
    belittling = vocabulary.phrases("declines", "belittling", words.decline_belittling).search(key)
    if belittling:
        return f'it belittles them: "{belittling}"'
    stance = vocabulary.phrases("declines", "stances").search(key)
    value = vocabulary.phrases("declines", "values").search(key) if stance else None
    if stance and value:
        return f'it refuses a value out loud: "{stance}" and "{value}"'
    return None


class TRP005(CampaignRule[NoOptions]):
    """An incentive is given only for a positive review.

    ## What it checks
    `content.incentive.conditional_on: positive_review`: a reward for
    reviews that are favourable (review gating).

    ## Why it matters
    Paying for good reviews, or asking only happy customers, misleads
    every other shopper who reads them. The FTC's rule on consumer reviews
    (16 CFR 465, 2024) bans incentives conditioned on the sentiment of a
    review. Thank every reviewer alike, or not at all.

    ## Bad
    ```yaml
    content:
      unsubscribe: one_click
      incentive: {kind: discount, conditional_on: positive_review}
    ```

    ## Use instead
    ```yaml
    content:
      unsubscribe: one_click
      incentive: {kind: discount, conditional_on: none}
    ```
    """

    id = "TRP005"
    name = "review-gating"
    severity = Severity.ERROR
    profile = "minimal"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag incentives conditional on a positive review."""
        incentive = campaign.content.incentive if campaign.content else None
        if incentive is not None and incentive.conditional_on == "positive_review":
            yield Violation(
                "the incentive is only for positive reviews (review gating)",
                ("content", "incentive", "conditional_on"),
                hint="offer it for any honest review (`conditional_on: none`), or drop it",
            )


class TRP006(CampaignRule[NoOptions]):
    """A game appears where customers came to buy, not to play.

    ## What it checks
    `content.gamification: true` in a campaign placed in `checkout` or
    `cart`, or in any campaign when the policy says the business is about
    convenience (`business: {engagement_fit: convenience}`).

    ## Why it matters
    Spin-the-wheel and streaks delight customers who come for fun. For
    customers who want a quick, convenient purchase they are a hurdle and
    a distraction. Engagement has to fit the business and the moment.

    ## Bad
    ```yaml
    # campaign-lint.yaml
    business: {engagement_fit: convenience}
    ```
    ```yaml
    channel: web
    placement: home
    content: {gamification: true}
    ```

    ## Use instead
    ```yaml
    # campaign-lint.yaml
    business: {engagement_fit: convenience}
    ```
    ```yaml
    channel: web
    placement: home
    content: {gamification: false}
    ```
    """

    id = "TRP006"
    name = "game-in-the-way"
    severity = Severity.WARNING
    profile = "recommended"
    principle = "P6 Engagement must fit the business and the moment"

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag gamification in the purchase flow or in a convenience business."""
        if campaign.content is None or not campaign.content.gamification:
            return
        if campaign.placement in (Placement.CHECKOUT, Placement.CART):
            yield Violation(
                f"a game in the {campaign.placement} stands between the customer and the purchase",
                ("content", "gamification"),
                hint="move it out of the purchase flow, or drop it",
            )
        elif ctx.policy.business.engagement_fit == "convenience":
            yield Violation(
                "the policy says customers come for convenience; a game gets in their way",
                ("content", "gamification"),
                hint="make the useful thing faster instead (`gamification: false`)",
            )
