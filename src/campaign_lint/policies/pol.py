"""POL: the policy itself. Waivers and suppressions must not rot silently."""

from __future__ import annotations

from campaign_lint.core.findings import Severity
from campaign_lint.policies.base import PolicyRule

PRINCIPLE = "Honest exceptions"


class POL001(PolicyRule):
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
    principle = PRINCIPLE
    doc_companions = frozenset({"AUD001"})


class POL002(PolicyRule):
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
    principle = PRINCIPLE


class POL003(PolicyRule):
    """An inline suppression comment has no reason, or silences nothing.

    ## What it checks
    Comments such as `# campaign-lint: disable=AUD001 -- reason` in a
    campaign file. Each needs a reason after `--`, must name a known rule,
    must not name a rule the policy lists under `unsuppressible:`, and must
    silence a finding on its line (or, with `disable-file=`, in the file).
    A suppression without a reason, or of an unsuppressible rule, silences
    nothing.

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
    principle = PRINCIPLE
    doc_companions = frozenset({"AUD001"})
