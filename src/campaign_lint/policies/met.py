"""MET: measurement (principle 7, effectiveness, not activity)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.schemas.campaign import Campaign, CampaignType

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "MET"
TITLE = "measurement"

PRINCIPLE = "P7 Effectiveness, not activity"


def _metric_key(name: str) -> str:
    """Compare metric names the way people write them: `Open-Rate` is `open_rate`."""
    return re.sub(r"[\s-]+", "_", name.strip().lower())


@functools.cache
def _activity(activity: frozenset[str], outcome: frozenset[str]) -> frozenset[str]:
    """The activity vocabulary, minus anything the policy calls an outcome."""
    return frozenset(map(_metric_key, activity)) - frozenset(map(_metric_key, outcome))


def _and(names: list[str]) -> str:
    quoted = [f"`{name}`" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


class MET002(CampaignRule[NoOptions]):
    """Success is measured only by opens, clicks or views.

    ## What it checks
    That `success_metrics` contains at least one metric that is not an
    activity metric. Activity metrics are listed in the policy's
    `metrics.activity` (default: opens, open_rate, clicks, click_rate,
    impressions, sessions, time_on_site and similar); a metric the policy
    lists under `metrics.outcome` always counts as an outcome. Names are
    compared ignoring case, spaces and dashes (`Open-Rate` is `open_rate`).
    Transactional service messages are exempt.

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
    profile = "recommended"
    principle = "P7 Effectiveness, not activity"

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag success metrics that are all activity metrics."""
        metrics = campaign.success_metrics
        if campaign.transactional or not metrics:
            return
        activity = _activity(ctx.policy.activity_metrics, ctx.policy.outcome_metrics)
        if all(_metric_key(metric) in activity for metric in metrics):
            yield Violation(
                f"{_and(metrics)} {'measures' if len(metrics) == 1 else 'measure'} activity, "
                "not whether the campaign helped anyone",
                ("success_metrics",),
                hint="add an outcome metric such as repeat_purchase_rate, retention_rate or problems_resolved",
            )


class MET001(CampaignRule[NoOptions]):
    """The campaign does not say how its success is measured.

    ## What it checks
    Marketing campaigns need `success_metrics`. Transactional service
    messages are exempt.

    ## Why it matters
    A campaign nobody measures can never be shown to help customers, so it
    can never be stopped for not helping them either. Writing down the
    outcome you expect is how a team learns which campaigns to keep.

    ## Bad
    ```yaml
    success_metrics: []
    ```

    ## Use instead
    ```yaml
    success_metrics: [repeat_purchase_rate]
    ```
    """

    id = "MET001"
    name = "no-success-metric"
    severity = Severity.WARNING
    profile = "recommended"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag marketing campaigns without success metrics."""
        if not campaign.transactional and not campaign.success_metrics:
            yield Violation(
                "the campaign does not say how its success is measured",
                ("success_metrics",),
                hint="add `success_metrics:` with an outcome, like [repeat_purchase_rate, problems_resolved]",
            )


class MET003Options(BaseModel):
    """Options of MET003."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    long_term_metrics: list[str] = Field(
        default=[
            "retention_rate",
            "repeat_purchase_rate",
            "customer_lifetime_value",
            "lifetime_value",
            "churn_rate",
            "net_revenue_retention",
        ],
        description="Metrics that judge a campaign over the long term.",
    )


class MET003(CampaignRule[MET003Options]):
    """An acquisition or promotion is judged only in the short term.

    ## What it checks
    `acquisition` and `promotional` campaigns need at least one long-term
    metric in `success_metrics` (retention, repeat purchase, lifetime
    value; the list is an option).

    ## Why it matters
    A discount that wins a sale today can teach customers to wait for the
    next discount, and an acquisition campaign can fill the list with
    people who never buy again. Judging conversions over the long term
    shows whether the campaign built a relationship or just borrowed
    demand.

    ## Bad
    ```yaml
    type: promotional
    success_metrics: [incremental_conversions]
    ```

    ## Use instead
    ```yaml
    type: promotional
    success_metrics: [incremental_conversions, repeat_purchase_rate]
    ```
    """

    id = "MET003"
    name = "short-term-only"
    severity = Severity.INFO
    profile = "strict"
    principle = PRINCIPLE
    options = MET003Options

    def check(self, campaign: Campaign, ctx: RuleContext[MET003Options]) -> Iterable[Violation]:
        """Flag acquisition/promotional campaigns without a long-term metric."""
        options = ctx.options
        if (
            campaign.type not in (CampaignType.ACQUISITION, CampaignType.PROMOTIONAL)
            or not campaign.success_metrics
        ):
            return
        if not set(campaign.success_metrics) & set(options.long_term_metrics):
            yield Violation(
                f"this {campaign.type} campaign is judged only in the short term",
                ("success_metrics",),
                hint="add a long-term metric such as repeat_purchase_rate or retention_rate",
            )


class MET004Options(BaseModel):
    """Options of MET004."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    large_segments: list[str] = Field(
        default=["all"], description="Segments large enough that a holdout is expected."
    )


class MET004(CampaignRule[MET004Options]):
    """A large-audience campaign has no holdout group.

    ## What it checks
    Marketing campaigns to segment `all` (or a segment listed in the
    `large_segments` option) need a `holdout` above 0%: a share of the
    audience that does not get the message, so the campaign's real effect
    can be measured.

    ## Why it matters
    Customers who buy after a big campaign might have bought anyway.
    Without a holdout, the campaign takes credit for them, and the company
    keeps sending messages that change nothing for anyone. A holdout
    measures the lift: what the campaign actually changed.

    ## Bad
    ```yaml
    audience: {segment: all, consent: opt_in, exclude: [unsubscribed]}
    ```

    ## Use instead
    ```yaml
    audience: {segment: all, consent: opt_in, exclude: [unsubscribed]}
    holdout: 10%
    ```
    """

    id = "MET004"
    name = "no-holdout"
    severity = Severity.INFO
    profile = "strict"
    principle = PRINCIPLE
    options = MET004Options

    def check(self, campaign: Campaign, ctx: RuleContext[MET004Options]) -> Iterable[Violation]:
        """Flag large-audience campaigns without a holdout."""
        options = ctx.options
        segment = campaign.audience.segment if campaign.audience else None
        held_back = campaign.holdout is not None and campaign.holdout.value > 0
        if campaign.transactional or held_back or segment not in options.large_segments:
            return
        yield Violation(
            f"a campaign to `{segment}` has no holdout, so its real effect cannot be measured",
            ("audience", "segment"),
            hint="hold back a share of the audience, like `holdout: 10%`",
        )
