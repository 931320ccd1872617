"""CON: consent and control (principle 4, customers define the engagement)."""

from __future__ import annotations

from collections.abc import Iterable

from campaign_lint.core.findings import Severity, Violation
from campaign_lint.core.fixes import Safety, add_key, set_value, unsafe
from campaign_lint.policies.base import CampaignRule, NoOptions, RuleContext
from campaign_lint.policies.intent import marketing_reason, service_notice
from campaign_lint.schemas.campaign import Campaign, CampaignType, Consent, Unsubscribe

# The family: its ID prefix and what it is about (the registry and the docs read these).
FAMILY = "CON"
TITLE = "consent and control"

PRINCIPLE = "P4 Customers define the engagement"


class CON001(CampaignRule[NoOptions]):
    """The audience's consent is missing or not enough for the channel.

    ## What it checks
    `audience.consent` on marketing campaigns, against what the channel
    needs: by default sms, voice and whatsapp need `express_written`; email
    needs `opt_in` or `soft_opt_in`; push and in_app need `opt_in`. The
    policy's `channels` settings change these lists. Transactional service
    messages are exempt, unless they are marketing after all: they carry
    an offer (`content.incentive`, `content.urgency`, or offer words such
    as "20% off" or "promo code" in `name`, `purpose` or `content.subject`;
    see [Vocabularies](#vocabularies)), or they come on a calendar
    (`schedule.every`) instead of answering something the customer did.
    This rule then says so, and checks the consent.

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
    profile = "minimal"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag a consent basis the channel's policy does not accept."""
        service = False
        if campaign.type is CampaignType.TRANSACTIONAL:
            reason = marketing_reason(campaign, ctx.policy)
            service = reason is None
            if reason is not None and reason.path[:2] == ("trigger", "schedule"):
                yield Violation(
                    f"this transactional message is sent on a calendar ({reason.why}), which makes it marketing",
                    reason.path,
                    hint="send service notices when something happens to the customer's order or account, "
                    "or make it a marketing campaign with consent",
                )
            elif reason is not None:
                yield Violation(
                    f"this transactional message carries an offer ({reason.why}), which makes it marketing",
                    reason.path,
                    hint="keep receipts and delivery notices free of offers, "
                    "or make it a marketing campaign with consent",
                )
        policy = ctx.policy.channels.get(campaign.channel)
        allowed = policy.consent if policy else None
        if service or not allowed:
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


class CON002(CampaignRule[NoOptions]):
    """The message has no easy way out.

    ## What it checks
    Marketing email needs `content.unsubscribe: one_click`; marketing sms
    needs `keyword` (reply STOP). The policy's `channels` settings can ask
    the same of other channels. Transactional service messages are exempt,
    unless they make an offer or come on a calendar, as CON001 reads them.

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
    profile = "minimal"
    principle = PRINCIPLE
    fixable = Safety.UNSAFE
    fix_doc = "sets or adds `unsubscribe:` under `content:` with the opt-out the channel requires"

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag an opt-out weaker than the channel requires."""
        policy = ctx.policy.channels.get(campaign.channel)
        required = policy.unsubscribe if policy else None
        if required is None or required is Unsubscribe.NONE or service_notice(campaign, ctx.policy):
            return
        actual = campaign.content.unsubscribe if campaign.content else None
        if actual is required or (required is Unsubscribe.LINK and actual is Unsubscribe.ONE_CLICK):
            return
        title = f"set `unsubscribe: {required}`"
        if actual is None:
            add = (
                add_key(("content",), "unsubscribe", str(required))
                if campaign.content
                else add_key((), "content", {"unsubscribe": str(required)})
            )
            yield Violation(
                f"marketing {campaign.channel} must offer an opt-out (`unsubscribe: {required}`)",
                ("content",) if campaign.content else ("channel",),
                hint=f"add `unsubscribe: {required}` under `content:`",
                fix=unsafe(title, add),
            )
        else:
            yield Violation(
                f"`unsubscribe: {actual}` is not enough for marketing {campaign.channel}; use `{required}`",
                ("content", "unsubscribe"),
                hint=f"set `unsubscribe: {required}`",
                fix=unsafe(title, set_value(("content", "unsubscribe"), str(required))),
            )


class CON003(CampaignRule[NoOptions]):
    """Soft opt-in is used where it does not apply.

    ## What it checks
    `audience.consent: soft_opt_in` on a campaign of `type: acquisition`,
    or one whose `content.products` is `unrelated` to what the customers
    bought. `type: transactional` exempts a service message (a receipt, a
    delivery notice): UK PECR and the ePrivacy Directive do not count it as
    direct marketing, so it needs no consent to stretch; one whose name,
    purpose or subject makes an offer ("20% off"), or that is sent on a
    calendar, is direct marketing and the soft opt-in's limits apply.

    ## Why it matters
    The soft opt-in lets you email existing customers about products like
    the ones they bought, because they can expect it. It does not cover
    new prospects or unrelated products (UK PECR). Stretching it turns an
    expected message into spam from the customer's point of view.

    ## Bad
    ```yaml
    audience: {segment: recent_buyers, consent: soft_opt_in}
    content: {unsubscribe: one_click, products: unrelated}
    ```

    ## Use instead
    ```yaml
    audience: {segment: recent_buyers, consent: soft_opt_in}
    content: {unsubscribe: one_click, products: similar}
    ```
    """

    id = "CON003"
    name = "soft-opt-in-stretched"
    severity = Severity.WARNING
    profile = "recommended"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag soft opt-in for acquisition or unrelated products."""
        if campaign.audience is None or service_notice(campaign, ctx.policy):
            return
        if campaign.audience.consent is not Consent.SOFT_OPT_IN:
            return
        if campaign.type is CampaignType.ACQUISITION:
            yield Violation(
                "soft opt-in only covers existing customers, not an acquisition campaign",
                ("audience", "consent"),
                hint="send acquisition campaigns only to people who opted in (`consent: opt_in`)",
            )
        elif campaign.content is not None and campaign.content.products == "unrelated":
            yield Violation(
                "soft opt-in only covers products similar to what the customer bought",
                ("content", "products"),
                hint="promote similar products, or send only to customers who opted in",
            )


_EU = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)


class CON004(CampaignRule[NoOptions]):
    """An EU campaign does not tell customers they can object.

    ## What it checks
    Marketing campaigns whose `audience.regions` include an EU or EEA
    country need `content.right_to_object_notice: true`: the message tells
    a first-time recipient they can object to marketing at any time.
    `type: transactional` exempts a service message: GDPR Art. 21(2) gives
    the right to object to direct marketing, and a receipt or a delivery
    notice the customer needs is not that; one that makes an offer ("20%
    off") or is sent on a calendar is direct marketing and needs the notice.

    ## Why it matters
    In the EU, customers have the right to object to direct marketing at
    any time, and must be told so at the latest at the first contact
    (GDPR Art. 21). Saying it plainly is also the clearest sign that the
    customer, not the company, decides.

    ## Bad
    ```yaml
    audience: {segment: recent_buyers, consent: opt_in, regions: [DE, FR]}
    ```

    ## Use instead
    ```yaml
    audience: {segment: recent_buyers, consent: opt_in, regions: [DE, FR]}
    content: {unsubscribe: one_click, right_to_object_notice: true}
    ```
    """

    id = "CON004"
    name = "no-right-to-object-notice"
    severity = Severity.WARNING
    profile = "strict"
    principle = PRINCIPLE

    def check(self, campaign: Campaign, ctx: RuleContext[NoOptions]) -> Iterable[Violation]:
        """Flag EU campaigns without the objection notice."""
        if campaign.audience is None or service_notice(campaign, ctx.policy):
            return
        eu = [region for region in campaign.audience.regions if region.split("-")[0] in _EU]
        if eu and not (campaign.content and campaign.content.right_to_object_notice):
            yield Violation(
                f"recipients in {', '.join(eu)} must be told they can object to marketing",
                ("audience", "regions"),
                hint="say so in the message and set `right_to_object_notice: true` under `content:`",
            )
