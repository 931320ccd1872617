"""MET: measurement (principle 7, effectiveness, not activity)."""

from __future__ import annotations

from collections.abc import Iterable

from campaign_lint.lint.findings import Severity, Violation
from campaign_lint.policies.base import CampaignRule, RuleContext
from campaign_lint.schemas.campaign import Campaign


class MET002(CampaignRule):
    """Success is measured only by opens, clicks or views.

    ## What it checks
    That `success_metrics` contains at least one metric that is not an
    activity metric. Activity metrics are listed in the policy's
    `metrics.activity` (default: opens, open_rate, clicks, click_rate,
    impressions, sessions, time_on_site and similar). Transactional
    service messages are exempt.

    ## Why it matters
    Opens and clicks show activity, not value: a confusing email gets
    more clicks, and Apple Mail Privacy Protection opens every email by
    itself, so open rates are unreliable. Judge a campaign by what it
    changes for customers and the business: problems solved, repeat
    purchases, retention.

    ## Bad
    ```yaml
    success_metrics: [opens, clicks]
    ```

    ## Use instead
    ```yaml
    success_metrics: [clicks, repeat_purchase_rate]
    ```
    """

    id = "MET002"
    name = "activity-metrics-only"
    severity = Severity.WARNING
    principle = "P7 Effectiveness, not activity"

    def check(self, campaign: Campaign, ctx: RuleContext) -> Iterable[Violation]:
        """Flag success metrics that are all activity metrics."""
        metrics = campaign.success_metrics
        if campaign.transactional or not metrics:
            return
        if all(metric in ctx.settings.activity_metrics for metric in metrics):
            yield Violation(
                f"{', '.join(metrics)} measure activity, not whether the campaign helped anyone",
                ("success_metrics",),
                hint="add an outcome metric such as repeat_purchase_rate, retention_rate or problems_resolved",
            )
