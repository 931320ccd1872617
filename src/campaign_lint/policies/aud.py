"""AUD: audience fit (principle 6, engagement must fit the business and the moment)."""

from __future__ import annotations

from collections.abc import Iterable

from campaign_lint.lint.findings import Severity, Violation
from campaign_lint.policies.base import CampaignRule, RuleContext
from campaign_lint.schemas.campaign import Campaign


class AUD001(CampaignRule):
    """The campaign goes to everyone, with no one left out.

    ## What it checks
    Marketing campaigns with `audience.segment: all` and no `exclude`
    list. Transactional service messages are exempt.

    ## Why it matters
    A message blasted to everyone fits nobody: recent buyers get "we miss
    you", people who just complained get a promotion. "Interrupt and
    repeat" broadcasts train customers to ignore you. Excluding at least
    the people for whom the message is wrong is the first step to knowing
    the audience.

    ## Bad
    ```yaml
    audience: {segment: all, consent: opt_in}
    ```

    ## Use instead
    ```yaml
    audience: {segment: all, consent: opt_in, exclude: [purchased_last_7d, open_complaints]}
    ```
    """

    id = "AUD001"
    name = "broadcast-to-everyone"
    severity = Severity.WARNING
    principle = "P6 Engagement must fit the business and the moment"

    def check(self, campaign: Campaign, ctx: RuleContext) -> Iterable[Violation]:
        """Flag ``segment: all`` with no exclusions."""
        audience = campaign.audience
        if campaign.transactional or audience is None or audience.segment != "all":
            return
        if not audience.exclude:
            yield Violation(
                "the campaign goes to everyone with no exclusions",
                ("audience", "segment"),
                hint="target a segment, or add `exclude:` for customers the message does not fit",
            )
