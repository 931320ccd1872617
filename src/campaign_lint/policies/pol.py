"""POL: the policy itself. Waivers and suppressions must not rot silently.

These rules judge what a run leaves behind (``RunFacts``): ``lint/controls.py``
silences findings with the suppression comments and the policy's
exceptions, and records which of them took effect; the rules below say what
is wrong with them.
"""

from __future__ import annotations

from collections.abc import Iterable

from campaign_lint.core.findings import Severity, Span
from campaign_lint.core.suppressions import Suppression
from campaign_lint.policies.base import NoOptions, Placed, PolicyRule, RuleContext, RunFacts

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "POL"
TITLE = "the policy itself"

PRINCIPLE = "Honest exceptions"
# POL001 warns this many days before an exception expires.
WARN_DAYS = 14


class POL001(PolicyRule[NoOptions]):
    """An exception in the policy has expired, or expires within 14 days.

    ## What it checks
    Every entry of the policy's `exceptions:` has an `expires` date. Until
    then, the findings it names are waived. From 14 days before the date
    this rule warns; after it, the waived findings are reported again and
    this rule is an error on the exception itself.

    ## Why it matters
    An exception is a promise that a problem is temporary: "Black Friday
    week only". Without an end date, the exception quietly becomes the
    policy, and customers get the avalanche every week. An expiry forces
    someone to look again.

    ## Bad
    ```yaml
    # campaign-lint.yaml
    exceptions:
      - rule: AUD001
        campaigns: [example-campaign]
        reason: Approved broadcast for the 2019 rebrand (MKT-1).
        expires: 2020-01-31
    ```
    ```yaml
    audience: {segment: all, consent: opt_in}
    holdout: 10%
    ```

    ## Use instead
    ```yaml
    # campaign-lint.yaml
    exceptions:
      - rule: AUD001
        campaigns: [example-campaign]
        reason: Approved broadcast for the store-closure notice (MKT-9).
        expires: 2099-01-31
    ```
    ```yaml
    audience: {segment: all, consent: opt_in}
    holdout: 10%
    ```
    """

    id = "POL001"
    name = "expired-exception"
    severity = Severity.ERROR
    profile = "minimal"
    principle = PRINCIPLE
    doc_companions = frozenset({"AUD001"})

    def judge(self, facts: RunFacts, ctx: RuleContext[NoOptions]) -> Iterable[Placed]:
        """Flag exceptions that expired, and warn about those expiring within ``WARN_DAYS``."""
        for index, waiver in enumerate(facts.exceptions):
            path, span = facts.where(("exceptions", index))
            days = (waiver.expires - facts.today).days
            names = ", ".join(waiver.campaigns)
            if days < 0:
                yield Placed(
                    f"the exception to {waiver.rule} for {names} expired on {waiver.expires}; "
                    "its findings are reported again",
                    path,
                    _point(span),
                    hint="fix the campaigns, or renew the exception with a new reason and date",
                )
            elif days <= WARN_DAYS:
                when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
                yield Placed(
                    f"the exception to {waiver.rule} for {names} expires {when} ({waiver.expires})",
                    path,
                    _point(span),
                    hint="fix the campaigns before then, or renew the exception",
                    severity=Severity.WARNING,
                )


class POL002(PolicyRule[NoOptions]):
    """An exception or override in the policy matches nothing.

    ## What it checks
    Every entry of `exceptions:` must waive at least one finding, and every
    entry of `overrides:` must match at least one campaign file.

    ## Why it matters
    A stale waiver is a loaded gun: it matches nothing today, but the next
    campaign with that id silently skips the check. Removing waivers that
    are no longer needed keeps the policy honest and readable.

    ## Bad
    ```yaml
    # campaign-lint.yaml
    exceptions:
      - rule: AUD001
        campaigns: [example-campaign]
        reason: Approved broadcast for the store-closure notice (MKT-9).
        expires: 2099-01-31
    ```
    ```yaml
    audience: {segment: recent_buyers, consent: opt_in}
    ```

    ## Use instead
    ```yaml
    audience: {segment: recent_buyers, consent: opt_in}
    ```
    """

    id = "POL002"
    name = "unused-exception"
    severity = Severity.WARNING
    profile = "minimal"
    principle = PRINCIPLE

    def judge(self, facts: RunFacts, ctx: RuleContext[NoOptions]) -> Iterable[Placed]:
        """Flag live exceptions that waived nothing and overrides that matched no file."""
        for index, waiver in enumerate(facts.exceptions):
            expired = waiver.expires < facts.today  # POL001's to report
            if expired or index in facts.used_exceptions or waiver.rule in facts.not_run:
                continue
            path, span = facts.where(("exceptions", index))
            yield Placed(
                f"the exception to {waiver.rule} for {', '.join(waiver.campaigns)} matches no finding",
                path,
                _point(span),
                hint="remove the stale exception",
            )
        for index, files in enumerate(facts.overrides):
            if index in facts.used_overrides:
                continue
            path, span = facts.where(("overrides", index, "files"))
            yield Placed(
                f"this `overrides` entry ({', '.join(files)}) matches no campaign file",
                path,
                _point(span),
                hint="fix the globs or remove the entry",
            )


class POL003(PolicyRule[NoOptions]):
    """An inline suppression comment has no reason, or silences nothing.

    ## What it checks
    Comments such as `# campaign-lint: disable=AUD001 -- reason` in a
    campaign file. Each needs a reason after `--`, must name a known rule,
    must not name a rule the policy lists under `unsuppressible:` or locks
    (`locked.rules`), and must silence a finding on its line (or, with
    `disable-file=`, in the file). A suppression without a reason, or of an
    unsuppressible or locked rule, silences nothing.

    ## Why it matters
    Suppressions are how a reviewed exception is written next to the
    campaign. Without a reason, no reviewer can judge it; one that silences
    nothing hides the next real problem on that line.

    ## Bad
    ```yaml
    audience: {segment: all, consent: opt_in}  # campaign-lint: disable=AUD001
    holdout: 10%
    ```

    ## Use instead
    ```yaml
    audience: {segment: all, consent: opt_in}  # campaign-lint: disable=AUD001 -- store closure notice, everyone must know (MKT-9)
    holdout: 10%
    ```
    """

    id = "POL003"
    name = "bad-suppression"
    severity = Severity.ERROR
    profile = "minimal"
    principle = PRINCIPLE
    doc_companions = frozenset({"AUD001"})

    def judge(self, facts: RunFacts, ctx: RuleContext[NoOptions]) -> Iterable[Placed]:
        """Flag suppression comments without a reason, of unknown or unsuppressible rules, or unused."""
        for path, comments in sorted(facts.comments.items()):
            for comment in comments:
                yield from _comment_problems(path, comment, facts)


def _comment_problems(path: str, comment: Suppression, facts: RunFacts) -> Iterable[Placed]:
    span = Span(comment.line, comment.column, comment.line, comment.end_column)
    if not comment.ids:
        yield Placed("this suppression names no rule", path, span, "write `disable=RULE-ID -- reason`")
        return
    if not comment.reason:
        yield Placed(
            f"suppressing {', '.join(comment.ids)} needs a reason, so it silences nothing",
            path,
            span,
            "add ` -- why this is acceptable` after the rule IDs",
        )
        return
    for rule_id in comment.ids:
        if rule_id not in facts.known_rules:
            yield Placed(f"`{rule_id}` is not a rule", path, span, "see `campaign-lint rules`")
        elif rule_id in facts.locked:
            yield Placed(
                f"{rule_id} cannot be suppressed in a campaign file: {facts.locked[rule_id]}",
                path,
                span,
                "fix the campaign; only the policy that locks the rule can waive it",
            )
        elif rule_id in facts.unsuppressible:
            yield Placed(
                f"{rule_id} cannot be suppressed in a campaign file; the policy lists it under `unsuppressible`",
                path,
                span,
                "fix the campaign, or ask the policy owners for an exception",
            )
        elif rule_id not in comment.used and rule_id not in facts.not_run:
            where = "in this file" if comment.whole_file else "on this line"
            yield Placed(
                f"this suppression of {rule_id} silences nothing {where}",
                path,
                span,
                "remove the stale comment",
            )


def _point(span: Span) -> Span:
    """One character at the start of ``span``: where a policy entry begins."""
    return Span(span.line, span.column, span.line, span.column + 1)
