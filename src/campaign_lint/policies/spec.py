"""SPEC: the file itself. Makes every other finding trustworthy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from itertools import islice

from campaign_lint.core.findings import RELATED_KEPT, Severity, Span, Violation, YamlPath
from campaign_lint.core.fixes import Safety
from campaign_lint.core.suggest import did_you_mean
from campaign_lint.policies.base import (
    CampaignRecord,
    CampaignRule,
    FileRule,
    NoOptions,
    Placed,
    Pointer,
    PortfolioRule,
    PortfolioViolation,
    RuleContext,
    RunFacts,
    RunRule,
)
from campaign_lint.policies.events import catalogue_listing
from campaign_lint.schemas.campaign import Campaign

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "SPEC"
TITLE = "the file itself"
# The other files SPEC003's message names; the rest are counted ("and 3,990 more").
_NAMED = 5


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
    profile = "minimal"
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
    profile = "minimal"
    principle = "Trustworthy files"
    fixable = Safety.SAFE
    fix_doc = (
        "rewrites what is only misspelt: durations (`7days`, `1 week`, `7 d` as `7d`), allowed words "
        "with one close match (`Email`, `e-mail` as `email`), times YAML reads as numbers "
        '(`0900` as `"09:00"`), and field names with one close match (`frequncy` as `frequency`)'
    )


class SPEC003(PortfolioRule[NoOptions]):
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
    profile = "minimal"
    principle = "Trustworthy files"

    def groups(self, record: CampaignRecord, ctx: RuleContext[NoOptions]) -> Iterable[Hashable]:
        """Campaigns are compared by id only."""
        return (record.id,)

    def check_group(
        self, key: Hashable, records: Sequence[CampaignRecord], ctx: RuleContext[NoOptions]
    ) -> Iterable[PortfolioViolation]:
        """The group of one id: a duplicate needs two files (most groups hold one, and cost nothing)."""
        return self.check(records, ctx) if len(records) > 1 else ()

    def check(
        self, records: Sequence[CampaignRecord], ctx: RuleContext[NoOptions]
    ) -> Iterable[PortfolioViolation]:
        """Report each file whose id another file also uses."""
        by_id: dict[str, list[CampaignRecord]] = defaultdict(list)
        for record in records:
            by_id[record.id].append(record)
        for campaign_id, group in by_id.items():
            if len(group) < 2:
                continue
            # Each copy points at the others: only the first RELATED_KEPT of them, so
            # that 4,000 copies make 4,000 findings of 50 places, not of 3,999.
            capped = len(group) - 1 > RELATED_KEPT
            involved = frozenset(record.path for record in group) if capped else frozenset()
            here = f"`{campaign_id}` is also used here"
            for record in group:
                others = list(islice((other for other in group if other is not record), RELATED_KEPT))
                places = ", ".join(other.path for other in others[:_NAMED])
                unnamed = len(group) - 1 - min(len(others), _NAMED)
                if unnamed:
                    places += f" and {unnamed:,} more"
                yield PortfolioViolation(
                    Pointer(record, ("id",)),
                    f"the id `{campaign_id}` is also used by {places}",
                    hint="give each campaign its own id (the file name is a good choice)",
                    related=tuple(Pointer(other, ("id",), here) for other in others),
                    related_omitted=len(group) - 1 - len(others),
                    involved=involved,
                )


class SPEC004(CampaignRule[NoOptions], RunRule[NoOptions]):
    """The campaign names an event that is not in the policy's event catalogue.

    ## What it checks
    When the policy has an `events:` catalogue, `trigger.event` and every
    `trigger.stop_when` entry must name one of its events, and so must
    every `after:` inside the catalogue itself (that finding points at the
    policy file). The closest known name is suggested, and the hint lists
    the catalogue's events, the closest first.

    ## Why it matters
    A trigger on `order.deliverd` never fires, and a `stop_when` on an
    event that does not exist never stops: the customer keeps getting the
    reminder after they already acted. A typo in an event name is
    invisible until customers complain.

    ## Bad
    ```yaml
    # campaign-lint.yaml
    events:
      order.delivered: {fulfilment: true}
      review.submitted: {after: order.delivered}
    ```
    ```yaml
    type: feedback
    trigger:
      event: order.delivered
      delay: 5d
      stop_when: [review.submited]
    frequency: {max: 1, per: 30d}
    ```

    ## Use instead
    ```yaml
    # campaign-lint.yaml
    events:
      order.delivered: {fulfilment: true}
      review.submitted: {after: order.delivered}
    ```
    ```yaml
    type: feedback
    trigger:
      event: order.delivered
      delay: 5d
      stop_when: [review.submitted]
    frequency: {max: 1, per: 30d}
    ```
    """

    id = "SPEC004"
    name = "unknown-event"
    severity = Severity.ERROR
    profile = "recommended"
    principle = "Trustworthy files"

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag trigger and stop events missing from the catalogue."""
        catalogue = ctx.policy.events
        trigger = campaign.trigger
        if not catalogue or trigger is None:
            return
        names: list[tuple[YamlPath, str]] = []
        if trigger.event is not None:
            names.append((("trigger", "event"), trigger.event))
        names.extend((("trigger", "stop_when", i), event) for i, event in enumerate(trigger.stop_when))
        for path, event in names:
            if event in catalogue:
                continue
            yield Violation(
                f"`{event}` is not an event of the policy's catalogue{did_you_mean(event, catalogue)}",
                path,
                hint=f"use one of its events ({catalogue_listing(catalogue, event)}), "
                "or add this one under `events:` in the policy",
            )

    def judge(self, facts: RunFacts, ctx: RuleContext[NoOptions]) -> Iterable[Placed]:
        """Flag an ``after:`` of the catalogue naming an event it does not list (in the policy file)."""
        catalogue = ctx.policy.events
        for name, event in catalogue.items():
            if event.after is None or event.after in catalogue:
                continue
            path, span = facts.where(("events", name, "after"))
            yield Placed(
                f"`{name}` comes after `{event.after}`, which is not an event of the catalogue"
                f"{did_you_mean(event.after, catalogue)}",
                path,
                Span(span.line, span.column, span.line, span.column + len(event.after)),
                hint=f"name one of its events ({catalogue_listing(catalogue, event.after)}), or add this one there",
            )


class SPEC005(FileRule):
    """The campaign breaks a constraint of the organisation's `schema:`.

    ## What it checks
    When the policy has a `schema:` block (JSON Schema, Draft 2020-12),
    every campaign that matches the campaign format is also checked
    against it: fields your organisation requires (a cost centre, a legal
    approval), allowed values, formats. Each problem is reported at its
    value.

    ## Why it matters
    Organisations need facts the general format cannot know: who pays,
    who approved it, which brand sends it. A required field that is
    missing means nobody can answer for the campaign when a customer
    complains.

    ## Bad
    ```yaml
    # campaign-lint.yaml
    schema:
      required: [x-cost-center]
    ```
    ```yaml
    purpose: Tell recent buyers how to get the most from their purchase.
    ```

    ## Use instead
    ```yaml
    # campaign-lint.yaml
    schema:
      required: [x-cost-center]
    ```
    ```yaml
    purpose: Tell recent buyers how to get the most from their purchase.
    x-cost-center: CRM-042
    ```
    """

    id = "SPEC005"
    name = "organisation-schema"
    severity = Severity.ERROR
    profile = "minimal"
    principle = "Trustworthy files"
