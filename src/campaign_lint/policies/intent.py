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
from dataclasses import dataclass

from campaign_lint.core.findings import YamlPath
from campaign_lint.policies import vocabulary
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.campaign import Campaign, CampaignType

# The fields whose words are read, in this order.
TEXT_FIELDS: tuple[YamlPath, ...] = (("name",), ("purpose",), ("content", "subject"))


@dataclass(frozen=True, slots=True)
class Reading:
    """What the tool read a campaign as, and the evidence: a declared field, or the words that gave it away."""

    # Where the evidence stands.
    path: YamlPath
    # What was read there: a declared value (``feedback``) or the words found (``rate your``).
    said: str
    # Whether the campaign declared it (a field), rather than saying it in words.
    declared: bool

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


def offer(campaign: Campaign, view: PolicyView) -> Reading | None:
    """What the campaign offers (an incentive, urgency, or words such as "20% off"), if anything."""
    content = campaign.content
    if content is not None:
        if content.incentive is not None:
            return Reading(("content", "incentive"), content.incentive.kind, declared=True)
        if content.urgency is not None and content.urgency.kind != "none":
            return Reading(("content", "urgency"), content.urgency.kind, declared=True)
    return _in_words(campaign, vocabulary.phrases("offers", "offers", view.vocabulary.offers))


def promotion(campaign: Campaign, view: PolicyView) -> Reading | None:
    """Whether the campaign promotes: ``type: promotional``, or another marketing type that makes an offer."""
    if campaign.type is CampaignType.PROMOTIONAL:
        return Reading(("type",), "promotional", declared=True)
    if campaign.type in (CampaignType.FEEDBACK, CampaignType.LOYALTY, CampaignType.TRANSACTIONAL):
        return None  # a thank-you for a review or points are not a promotion; transactional is CON001's
    return offer(campaign, view)
