"""MET: measurement (principle 7, effectiveness, not activity)."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.policies import vocabulary
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.policies.intent import promotion, service_notice
from campaign_lint.schemas.campaign import Campaign, CampaignType

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "MET"
TITLE = "measurement"

PRINCIPLE = "P7 Effectiveness, not activity"


def _kinds(ctx: RuleContext[NoOptions]) -> vocabulary.MetricKinds:
    """The metric vocabulary with the policy's additions (compiled once per process)."""
    return vocabulary.metric_kinds(ctx.policy.activity_metrics, ctx.policy.outcome_metrics)


def _and(names: list[str]) -> str:
    quoted = [f"`{name}`" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


class MET002(CampaignRule[NoOptions]):
    """Success is measured only by opens, clicks or views.

    ## What it checks
    That `success_metrics` names at least one outcome metric when it names
    an activity metric. Each metric is looked up in the metric vocabulary
    (see [Vocabularies](#vocabularies)): first the policy's
    `metrics.outcome` and `metrics.activity` (the policy wins), then the
    built-in names, then, for a name in neither, its words read from the
    end (`order_email_opens` is activity, `nights_rebooked_within_90_days`
    an outcome). Names are compared after normalisation: case, spaces,
    dashes and dots do not count, abbreviations are spelt out (`CTR`,
    `WAU`, `avg.`), words such as `rate`, `count` and `average` are dropped
    and plurals made singular, so `Click-through rate`, `ctr` and
    `click_through_rate` are one metric.

    A metric in neither vocabulary is not trusted as an outcome: it does
    not clear this rule (MET005 asks the team to classify it), and it is
    not counted as activity either. The rule applies whatever the
    campaign's `type`: a service notice judged by how often the app was
    opened is measured on activity too (a transactional message need not
    name metrics at all; see MET001).

    ## Why it matters
    Opens and clicks show activity, not value: a confusing email gets
    more clicks, and Apple Mail Privacy Protection opens every email by
    itself, so open rates are unreliable. Judge a campaign by what it
    changes for customers and the business: problems solved, repeat
    purchases, retention.

    ## Bad
    ```yaml
    success_metrics: [Click-through rate, avg. session length, WAU]
    ```

    ## Use instead
    ```yaml
    success_metrics: [Click-through rate, repeat_purchase_rate]
    ```
    """

    id = "MET002"
    name = "activity-metrics-only"
    severity = Severity.WARNING
    profile = "recommended"
    principle = "P7 Effectiveness, not activity"

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag success metrics with activity and no outcome."""
        metrics = campaign.success_metrics
        if not metrics:
            return
        kinds = _kinds(ctx)
        found = [kinds.kind(metric) for metric in metrics]
        if "outcome" in found or "activity" not in found:
            return
        activity = [metric for metric, kind in zip(metrics, found, strict=True) if kind == "activity"]
        unknown = [metric for metric, kind in zip(metrics, found, strict=True) if kind is None]
        rest = f"; {_and(unknown)} is in neither vocabulary (MET005)" if unknown else ""
        yield Violation(
            f"{_and(activity)} {'measures' if len(activity) == 1 else 'measure'} activity, "
            f"not whether the campaign helped anyone{rest}",
            ("success_metrics",),
            hint="add an outcome metric such as repeat_purchase_rate, retention_rate or problems_resolved",
        )


class MET001(CampaignRule[NoOptions]):
    """The campaign does not say how its success is measured.

    ## What it checks
    Marketing campaigns need `success_metrics`. `type: transactional`
    exempts a service message (a receipt, a delivery notice): it is sent
    because the customer needs it, not to change what they do, so there is
    no effect to measure; one whose name, purpose or subject makes an offer
    ("20% off"), or that is sent on a calendar, is marketing and needs them.

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
        if not campaign.success_metrics and not service_notice(campaign, ctx.policy):
            yield Violation(
                "the campaign does not say how its success is measured",
                ("success_metrics",),
                hint="add `success_metrics:` with an outcome, like [repeat_purchase_rate, problems_resolved]",
            )


class MET003Options(BaseModel):
    """Options of MET003."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

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
    value; the list is an option). A `lifecycle` or `onboarding` campaign
    that makes an offer is a promotion too, read as AUD002 reads it.

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
        if not campaign.success_metrics or set(campaign.success_metrics) & set(options.long_term_metrics):
            return
        what = f"this {campaign.type} campaign"
        if campaign.type is not CampaignType.ACQUISITION:
            offered = promotion(campaign, ctx.policy)
            if offered is None:
                return
            if offered.path != ("type",):
                what = f"this {campaign.type} campaign, a promotion ({offered.why}),"
        yield Violation(
            f"{what} is judged only in the short term",
            ("success_metrics",),
            hint="add a long-term metric such as repeat_purchase_rate or retention_rate",
        )


class MET004Options(BaseModel):
    """Options of MET004."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    large_segments: list[str] = Field(
        default=["all"],
        description="Segments large enough that a holdout is expected, besides the everyone segments.",
    )


class MET004(CampaignRule[MET004Options]):
    """A large-audience campaign has no holdout group.

    ## What it checks
    Marketing campaigns to a segment that means everyone (`all`,
    `whole_list`... the names AUD001 reads, with the policy's
    `vocabulary.everyone_segments`) or to a segment listed in the
    `large_segments` option need a `holdout` above 0%: a share of the
    audience that does not get the message, so the campaign's real effect
    can be measured. `type: transactional` exempts a service message (a
    receipt, a delivery notice): it cannot be held back from a customer who
    needs it, and it has no marketing effect to measure; one that makes an
    offer ("20% off") or is sent on a calendar is marketing and needs one.

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
        if held_back or segment is None or service_notice(campaign, ctx.policy):
            return
        large = segment in options.large_segments or vocabulary.everyone_segments(
            ctx.policy.vocabulary.everyone_segments
        ).everyone(segment)
        if not large:
            return
        yield Violation(
            f"a campaign to `{segment}` has no holdout, so its real effect cannot be measured",
            ("audience", "segment"),
            hint="hold back a share of the audience, like `holdout: 10%`",
        )


class MET005(CampaignRule[NoOptions]):
    """A success metric is in neither the activity nor the outcome vocabulary.

    ## What it checks
    Every name in `success_metrics` is looked up as MET002 does (the
    policy's `metrics:`, the built-in names, then its words read from the
    end; see [Vocabularies](#vocabularies)). A name that is neither
    activity nor outcome, such as `vibe_index`, is reported once, so the
    team can say what it is: add it to `metrics.outcome` or
    `metrics.activity` in the policy.

    ## Why it matters
    A metric nobody has classified could be an outcome or a count of
    clicks under a new name. Trusting every unknown name as an outcome lets
    one made-up metric pass a whole list of activity; asking once, in the
    policy, keeps the decision with the people who own the measurement.

    ## Bad
    ```yaml
    success_metrics: [repeat_purchase_rate, kettle_love_index]
    ```

    ## Use instead
    ```yaml
    # campaign-lint.yaml
    metrics: {outcome: [kettle_love_index]}
    ```
    ```yaml
    success_metrics: [repeat_purchase_rate, kettle_love_index]
    ```
    """

    id = "MET005"
    name = "unclassified-metric"
    severity = Severity.INFO
    profile = "recommended"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Report each success metric that is in neither vocabulary."""
        if not campaign.success_metrics:
            return
        kinds = _kinds(ctx)
        for index, metric in enumerate(campaign.success_metrics):
            if kinds.kind(metric) is None:
                yield Violation(
                    f"`{metric}` is neither an activity nor an outcome metric campaign-lint knows",
                    ("success_metrics", index),
                    hint=f"ask the team to classify it in the policy: `metrics: {{outcome: [{metric}]}}` "
                    "or `metrics: {activity: [...]}`",
                )
