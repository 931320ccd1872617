"""What a campaign really is: what it asks of the customer, what it offers, whether it is a game.

A campaign's declared ``type`` is a claim to check, not a way out. These
readings decide which rules apply, from what the campaign declares
(``type``, ``content.asks_for``, ``content.incentive``, ``content.game``...)
and, where it declares nothing, from the words of its ``name``, ``purpose``
and ``content.subject`` (the vocabularies in ``vocabularies/``). Each reading
carries its evidence, so a finding can say why the tool read the campaign as
it did.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from campaign_lint.core.findings import YamlPath
from campaign_lint.core.slotted import Slotted
from campaign_lint.policies import vocabulary
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.campaign import Ask, Campaign, CampaignType

FEEDBACK_ASKS = frozenset({Ask.REVIEW, Ask.RATING, Ask.SURVEY, Ask.FEEDBACK})

# The fields whose words are read, in this order.
TEXT_FIELDS: tuple[YamlPath, ...] = (("name",), ("purpose",), ("content", "subject"))


class Reading(Slotted):
    """What the tool read a campaign as, and the evidence: a declared field, or the words that gave it away."""

    __slots__ = ("path", "said", "declared")
    # Where the evidence stands.
    path: Final[YamlPath]
    # What was read there: a declared value (``feedback``) or the words found (``rate your``).
    said: Final[str]
    # Whether the campaign declared it (a field), rather than saying it in words.
    declared: Final[bool]

    def __init__(self, path: YamlPath, said: str, declared: bool) -> None:
        self.path = path
        self.said = said
        self.declared = declared

    @property
    def why(self) -> str:
        """The evidence in a few words, for a message: ``content.subject`` says "rate your"."""
        where = ".".join(map(str, self.path))
        return f"`{where}: {self.said}`" if self.declared else f'`{where}` says "{self.said}"'


def _texts(campaign: Campaign) -> Iterator[tuple[YamlPath, str]]:
    """The texts whose words are read, with their paths."""
    if campaign.name:
        yield ("name",), campaign.name
    yield ("purpose",), campaign.purpose
    if campaign.content is not None and campaign.content.subject:
        yield ("content", "subject"), campaign.content.subject


def _in_words(campaign: Campaign, found: vocabulary.Phrases) -> Reading | None:
    """The first text field in which ``found`` finds a phrase."""
    for path, text in _texts(campaign):
        said = found.search(vocabulary.text_key(text))
        if said is not None:
            return Reading(path, said, declared=False)
    return None


def feedback_request(campaign: Campaign, view: PolicyView) -> Reading | None:
    """Whether the campaign asks for a review, a rating or a survey, and why the tool thinks so.

    ``type: feedback`` says so; otherwise ``content.asks_for`` decides when it
    is given (``[]`` asks for nothing); otherwise the words of the name,
    purpose and subject do.
    """
    if campaign.type is CampaignType.FEEDBACK:
        return Reading(("type",), "feedback", declared=True)
    asks = campaign.content.asks_for if campaign.content is not None else None
    if asks is not None:
        ask = next((ask for ask in asks if ask in FEEDBACK_ASKS), None)
        return None if ask is None else Reading(("content", "asks_for"), f"[{ask}]", declared=True)
    return _in_words(campaign, vocabulary.phrases("asks", "feedback_asks", view.vocabulary.feedback_asks))


def ask_kind(reading: Reading) -> str:
    """``review``, ``rating``, ``survey`` or ``feedback``: what a feedback reading asks for."""
    said = reading.said
    if reading.path == ("type",):
        return "feedback"
    for kind, marks in (
        ("survey", ("survey", "questionnaire", "nps", "net promoter", "recommend", "satisfied", "csat")),
        ("rating", ("rate", "rating", "star")),
        ("review", ("review", "testimonial")),
    ):
        if any(mark in said for mark in marks):
            return kind
    return "feedback"


# The last campaign read by ``offer``, with its view and reading: several rules
# ask about the same campaign in a row (``service_notice``, asked by six, and
# ``promotion`` read its words), and a campaign and a view are frozen, so the
# reading of the same two objects holds. The tuple is replaced whole.
_last_offer: tuple[Campaign | None, PolicyView | None, Reading | None] = (None, None, None)


def offer(campaign: Campaign, view: PolicyView) -> Reading | None:
    """What the campaign offers (an incentive, urgency, or words such as "20% off"), if anything."""
    global _last_offer
    last_campaign, last_view, found = _last_offer
    if last_campaign is not campaign or last_view is not view:
        found = _offer(campaign, view)
        _last_offer = (campaign, view, found)
    return found


def _offer(campaign: Campaign, view: PolicyView) -> Reading | None:
    content = campaign.content
    if content is not None:
        if content.incentive is not None:
            return Reading(("content", "incentive"), content.incentive.kind, declared=True)
        if content.urgency is not None and content.urgency.kind != "none":
            return Reading(("content", "urgency"), content.urgency.kind, declared=True)
    return _in_words(campaign, vocabulary.phrases("offers", "offers", view.vocabulary.offers))


def marketing_reason(campaign: Campaign, view: PolicyView) -> Reading | None:
    """Why a ``type: transactional`` campaign is marketing after all, or None when it is a service notice.

    It offers something (an incentive, urgency, or offer words), or it is
    sent on a repeating calendar (``schedule.every``): a service notice
    answers something the customer did, it does not come every week.
    """
    found = offer(campaign, view)
    if found is not None:
        return found
    trigger = campaign.trigger
    if trigger is not None and trigger.schedule is not None and trigger.schedule.every is not None:
        return Reading(("trigger", "schedule", "every"), str(trigger.schedule.every), declared=True)
    return None


def service_notice(campaign: Campaign, view: PolicyView) -> bool:
    """A transactional message that is not marketing (``marketing_reason`` finds nothing)."""
    return campaign.type is CampaignType.TRANSACTIONAL and marketing_reason(campaign, view) is None


def promotion(campaign: Campaign, view: PolicyView) -> Reading | None:
    """Whether the campaign promotes: ``type: promotional``, or another marketing type that makes an offer."""
    if campaign.type is CampaignType.PROMOTIONAL:
        return Reading(("type",), "promotional", declared=True)
    if campaign.type in (CampaignType.FEEDBACK, CampaignType.LOYALTY, CampaignType.TRANSACTIONAL):
        return None  # a thank-you for a review or points are not a promotion; transactional is CON001's
    return offer(campaign, view)


def game(campaign: Campaign, view: PolicyView) -> Reading | None:
    """The campaign's game: ``content.game``, ``content.gamification: true``, or game words."""
    content = campaign.content
    if content is not None and content.game is not None:
        return Reading(("content", "game", "kind"), str(content.game.kind), declared=True)
    if content is not None and content.gamification:
        return Reading(("content", "gamification"), "true", declared=True)
    return _in_words(campaign, vocabulary.phrases("games", "games", view.vocabulary.games))


def loss_framed_game(campaign: Campaign, view: PolicyView) -> Reading | None:
    """A game that takes progress away unless the customer acts (``resets_unless``, or its words)."""
    content = campaign.content
    if content is not None and content.game is not None and content.game.resets_unless is not None:
        return Reading(("content", "game", "resets_unless"), content.game.resets_unless, declared=True)
    return _in_words(
        campaign, vocabulary.phrases("games", "loss_framed_games", view.vocabulary.loss_framed_games)
    )
