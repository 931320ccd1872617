"""SPEC: the file itself. Makes every other finding trustworthy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from campaign_lint.lint.findings import Severity
from campaign_lint.policies.base import (
    CampaignRecord,
    FileRule,
    Pointer,
    PortfolioRule,
    PortfolioViolation,
    RuleContext,
)


class SPEC001(FileRule):
    """The file is not valid YAML campaign-lint can read.

    ## What it checks
    That the file is readable UTF-8 text holding exactly one YAML mapping:
    no syntax errors, no key given twice, no second document after `---`,
    no tabs for indentation, no YAML tags such as `!!python/object`.

    ## Why it matters
    A campaign file nobody can read reliably is a campaign nobody has
    checked. When a key appears twice, tools silently keep one of the two
    values, so the campaign that ships may not be the one that was reviewed.
    Every other rule depends on reading the file exactly as written.

    ## Bad
    ```yaml
    version: 1
    id: spring-sale
    owner: crm@example.com
    type: promotional
    purpose: Sell the spring range.
    customer_value: Early access to new kettles at a lower price.
    channel: email
    channel: sms
    audience: {segment: kettle_buyers, consent: opt_in}
    content: {unsubscribe: one_click}
    success_metrics: [repeat_purchase_rate]
    ```

    ## Use instead
    ```yaml
    version: 1
    id: spring-sale
    owner: crm@example.com
    type: promotional
    purpose: Sell the spring range.
    customer_value: Early access to new kettles at a lower price.
    channel: email
    audience: {segment: kettle_buyers, consent: opt_in}
    content: {unsubscribe: one_click}
    success_metrics: [repeat_purchase_rate]
    ```
    """

    id = "SPEC001"
    name = "unreadable-file"
    severity = Severity.ERROR
    principle = "Trustworthy files"


class SPEC002(FileRule):
    """The file does not match the campaign format.

    ## What it checks
    Every field against the campaign format: required fields present
    (`id`, `owner`, `type`, `purpose`, `channel`), values of the right kind,
    allowed words for fields such as `channel` and `type`, durations written
    like `7d`, times like `"09:00"`, and no unknown fields. Your own fields are
    allowed when their name starts with `x-`. Each problem is reported once,
    at the value it is about. The other rules run once the file matches.

    ## Why it matters
    A typo such as `frequncy` instead of `frequency` does not fail on its
    own: the cap is silently ignored and customers get every message. Strict
    checking turns those silent mistakes into a clear message before launch.

    ## Bad
    ```yaml
    frequncy: {max: 1, per: 7d}
    ```

    ## Use instead
    ```yaml
    frequency: {max: 1, per: 7d}
    ```
    """

    id = "SPEC002"
    name = "invalid-campaign-field"
    severity = Severity.ERROR
    principle = "Trustworthy files"


class SPEC003(PortfolioRule):
    """Two campaign files use the same `id`.

    ## What it checks
    That every campaign's `id` is unique across the repository. Each file
    that shares an `id` is reported, pointing at the other files.

    ## Why it matters
    Caps, exceptions and reports are all kept per campaign `id`. Two
    campaigns with one `id` are counted as one, so a customer can receive
    both while the numbers say they received one.

    ## Bad
    ```yaml
    id: welcome-series
    ```
    ```yaml
    id: welcome-series
    ```

    ## Use instead
    ```yaml
    id: welcome-series
    ```
    ```yaml
    id: welcome-series-sms
    ```
    """

    id = "SPEC003"
    name = "duplicate-campaign-id"
    severity = Severity.ERROR
    principle = "Trustworthy files"

    def check(self, records: Sequence[CampaignRecord], ctx: RuleContext) -> Iterable[PortfolioViolation]:
        """Report each file whose id another file also uses."""
        by_id: dict[str, list[CampaignRecord]] = defaultdict(list)
        for record in records:
            by_id[record.campaign.id].append(record)
        for campaign_id, group in by_id.items():
            if len(group) < 2:
                continue
            for record in group:
                others = [other for other in group if other is not record]
                places = ", ".join(other.path for other in others)
                yield PortfolioViolation(
                    Pointer(record, ("id",)),
                    f"the id `{campaign_id}` is also used by {places}",
                    hint="give each campaign its own id (the file name is a good choice)",
                    related=tuple(
                        Pointer(other, ("id",), f"`{campaign_id}` is also used here") for other in others
                    ),
                )
