"""TRP: entrapment and dark patterns (principle 5, no traps)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from pydantic import BaseModel, ConfigDict, Field

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.policies import vocabulary
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.policies.intent import game, loss_framed_game
from campaign_lint.schemas.campaign import Campaign, Placement

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "TRP"
TITLE = "traps and dark patterns"

PRINCIPLE = "P5 No traps"


def _moment(value: date | datetime) -> datetime:
    """A date counts until the end of that day; naive times count as UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time.max, tzinfo=UTC)


class TRP003(CampaignRule[NoOptions]):
    """A countdown or deadline has no real end.

    ## What it checks
    `content.urgency` of kind `countdown` or `deadline` needs an `ends_at`,
    and it must not be later than the end of the campaign's schedule. A
    countdown that starts again (`urgency.resets: true`: per visit, per
    day, per customer) is flagged wherever it is placed, whatever its
    `ends_at`.

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
        if urgency.resets:
            yield Violation(
                f"the {urgency.kind} starts again (`resets: true`): a deadline that comes back is no deadline",
                ("content", "urgency", "resets"),
                hint="count down once, to the real end of the offer (`ends_at:`), for every customer alike",
            )
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


class TRP004Options(BaseModel):
    """Options of TRP004."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

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
    A game in a campaign placed on the purchase path (`checkout`, `cart`
    or `product_page`), or in any campaign when the policy says the
    business is about convenience (`business: {engagement_fit:
    convenience}`). A campaign has a game when it says so
    (`content.gamification: true` or `content.game`) or when its `name`,
    `purpose` or `content.subject` names one: "scratch card", "spin to
    win", "prize draw", "7-day streak" (see [Vocabularies](#vocabularies),
    extended by the policy's `vocabulary.games`). A "bestseller" badge on a
    product, a size quiz or "streak-free" glass are not games. A game that
    takes progress away is TRP007's, wherever it is placed.

    ## Why it matters
    Spin-the-wheel and scratch cards delight customers who come for fun.
    For customers who want a quick, convenient purchase they are a hurdle
    and a distraction, on the product page as much as in the checkout.
    Engagement has to fit the business and the moment.

    ## Bad
    ```yaml
    channel: web
    placement: product_page
    content: {subject: Scratch to win 20% off this kettle}
    ```

    ## Use instead
    ```yaml
    channel: web
    placement: post_purchase
    content: {subject: Scratch to win 20% off your next order}
    ```
    """

    id = "TRP006"
    name = "game-in-the-way"
    severity = Severity.WARNING
    profile = "recommended"
    principle = "P6 Engagement must fit the business and the moment"

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag a game on the purchase path or in a convenience business."""
        where = _PURCHASE_PATH.get(campaign.placement) if campaign.placement else None
        if where is None and ctx.policy.business.engagement_fit != "convenience":
            return  # no game is in the way here: its words need not be read
        found = game(campaign, ctx.policy)
        if found is None:
            return
        why = "" if found.path == ("content", "gamification") else f" ({found.why})"
        if where is not None:
            yield Violation(
                f"a game {where} stands between the customer and the purchase{why}",
                found.path,
                hint="move it out of the purchase flow, or drop it",
            )
        else:
            yield Violation(
                f"the policy says customers come for convenience; a game gets in their way{why}",
                found.path,
                hint="make the useful thing faster instead (`gamification: false`)",
            )


_PURCHASE_PATH = {
    Placement.CHECKOUT: "in the checkout",
    Placement.CART: "in the cart",
    Placement.PRODUCT_PAGE: "on the product page",
}


class TRP007(CampaignRule[NoOptions]):
    """A streak or game takes progress away unless the customer buys or comes back.

    ## What it checks
    Games that take earned progress away unless the customer acts:
    `content.game.resets_unless` (`purchase`, `visit` or `action`), or a
    `name`, `purpose` or `content.subject` that frames the game as a loss
    ("don't lose your 30-day streak", "your streak resets tonight", "back
    to zero"; see [Vocabularies](#vocabularies), extended by the policy's
    `vocabulary.loss_framed_games`). Wherever the game is placed: in an
    email, on the home page or in the app. A streak that pauses, or counts
    without resetting, is not flagged; nor is a streak named without a
    loss ("your 7-day cooking streak").

    ## Why it matters
    "Buy today or lose your streak" keeps customers through fear of
    losing what they built, not because the next purchase helps them; it
    turns a reward into a threat. The UK CMA ("Online Choice
    Architecture", 2022) and the OECD ("Dark commercial patterns", 2022)
    describe loss framing and pressure to act now as harmful choice
    architecture.

    ## Bad
    ```yaml
    channel: in_app
    placement: home
    content: {game: {kind: streak, resets_unless: purchase}}
    ```

    ## Use instead
    ```yaml
    channel: in_app
    placement: home
    content: {game: {kind: streak}}
    ```
    """

    id = "TRP007"
    name = "loss-framed-game"
    severity = Severity.WARNING
    profile = "recommended"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag games that take progress away unless the customer acts."""
        found = loss_framed_game(campaign, ctx.policy)
        if found is None:
            return
        if found.declared:
            unless = {"purchase": "they buy", "visit": "they come back", "action": "they act"}[found.said]
            message = f"the {_game_kind(campaign)} takes the customer's progress away unless {unless}"
        else:
            message = f"the campaign frames its game as a loss ({found.why})"
        yield Violation(
            f"{message}: it keeps them through fear of losing, not because it helps them",
            found.path,
            hint="let progress pause instead of reset (drop `resets_unless`), or drop the streak",
        )


def _game_kind(campaign: Campaign) -> str:
    """``streak``, ``scratch card``...: the declared game in words."""
    declared = campaign.content.game if campaign.content else None
    return "game" if declared is None or declared.kind == "other" else str(declared.kind).replace("_", " ")
