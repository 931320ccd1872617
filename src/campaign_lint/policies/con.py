"""CON: consent and control (principle 4, customers define the engagement)."""

from __future__ import annotations

from collections.abc import Iterable

from campaign_lint.lint.findings import Severity, Violation
from campaign_lint.policies.base import CampaignRule, RuleContext
from campaign_lint.schemas.campaign import Campaign, Consent, Unsubscribe

PRINCIPLE = "P4 Customers define the engagement"


class CON001(CampaignRule):
    """The audience's consent is missing or not enough for the channel.

    ## What it checks
    `audience.consent` on marketing campaigns, against what the channel
    needs: by default sms, voice and whatsapp need `express_written`; email
    needs `opt_in` or `soft_opt_in`; push and in_app need `opt_in`. The
    policy's `channels` settings change these lists. Transactional service
    messages are exempt.

    ## Why it matters
    Customers, not companies, decide how they want to hear from a brand.
    Consent is given per channel: agreeing to emails is not agreeing to
    texts. US law requires prior express written consent for marketing
    texts (TCPA), and UK rules make consent channel by channel (PECR).

    ## Bad
    ```yaml
    channel: sms
    audience: {segment: recent_buyers, consent: opt_in}
    content: {unsubscribe: keyword}
    send_window: {start: "09:00", end: "19:00"}
    ```

    ## Use instead
    ```yaml
    channel: sms
    audience: {segment: recent_buyers, consent: express_written}
    content: {unsubscribe: keyword}
    send_window: {start: "09:00", end: "19:00"}
    ```
    """

    id = "CON001"
    name = "missing-consent"
    severity = Severity.ERROR
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext) -> Iterable[Violation]:
        """Flag a consent basis the channel's policy does not accept."""
        policy = ctx.settings.channels.get(campaign.channel)
        allowed = policy.consent if policy else None
        if campaign.transactional or not allowed:
            return
        accepted = " or ".join(f"`{c}`" for c in allowed)
        consent = campaign.audience.consent if campaign.audience else None
        if consent is None:
            yield Violation(
                f"the campaign does not say what consent its {campaign.channel} audience gave",
                ("audience",) if campaign.audience else ("channel",),
                hint=f"add `consent:` under `audience:`; {campaign.channel} needs {accepted}",
            )
        elif consent is Consent.NONE or consent not in allowed:
            yield Violation(
                f"`{consent}` consent is not enough for {campaign.channel}; it needs {accepted}",
                ("audience", "consent"),
                hint=f"send only to customers who gave {accepted} consent for {campaign.channel}",
            )


class CON002(CampaignRule):
    """The message has no easy way out.

    ## What it checks
    Marketing email needs `content.unsubscribe: one_click`; marketing sms
    needs `keyword` (reply STOP). The policy's `channels` settings can ask
    the same of other channels. Transactional service messages are exempt.

    ## Why it matters
    Leaving should be as easy as joining. Gmail and Yahoo require
    one-click unsubscribe for bulk marketing mail since 2024 (RFC 8058), and
    US law requires a working opt-out in every commercial email
    (CAN-SPAM). A customer who cannot leave marks the mail as spam instead.

    ## Bad
    ```yaml
    channel: email
    content: {unsubscribe: link}
    ```

    ## Use instead
    ```yaml
    channel: email
    content: {unsubscribe: one_click}
    ```
    """

    id = "CON002"
    name = "no-easy-opt-out"
    severity = Severity.ERROR
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext) -> Iterable[Violation]:
        """Flag an opt-out weaker than the channel requires."""
        policy = ctx.settings.channels.get(campaign.channel)
        required = policy.unsubscribe if policy else None
        if campaign.transactional or required is None or required is Unsubscribe.NONE:
            return
        actual = campaign.content.unsubscribe if campaign.content else None
        if actual is required or (required is Unsubscribe.LINK and actual is Unsubscribe.ONE_CLICK):
            return
        if actual is None:
            yield Violation(
                f"marketing {campaign.channel} must offer an opt-out (`unsubscribe: {required}`)",
                ("content",) if campaign.content else ("channel",),
                hint=f"add `unsubscribe: {required}` under `content:`",
            )
        else:
            yield Violation(
                f"`unsubscribe: {actual}` is not enough for marketing {campaign.channel}; use `{required}`",
                ("content", "unsubscribe"),
                hint=f"set `unsubscribe: {required}`",
            )
