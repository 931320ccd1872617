"""Built-in organisation defaults, each with its source in the comment above it (and in docs/rules.md).

A policy file's ``channels`` entries override these key by key.

The models are made with ``model_construct``: the same values as validating
them, without building each model's validator when the module is imported
(every run that lints imports it; docs/performance.md).
"""

from __future__ import annotations

from campaign_lint.schemas.campaign import Channel, Consent, SendWindow, Unsubscribe
from campaign_lint.schemas.policy import Cap, ChannelPolicy
from campaign_lint.schemas.types import ClockTime, Duration

_DAY = Duration(1, "d")
_WEEK = Duration(7, "d")
# TCPA 8am-9pm, tightened to 8pm by the Florida and Maryland mini-TCPAs (FTSA).
_TEXT_HOURS = SendWindow.model_construct(start=ClockTime(8 * 60), end=ClockTime(20 * 60))

CHANNEL_DEFAULTS: dict[Channel, ChannelPolicy] = {
    # Klaviyo smart-sending style caps; opt-in or PECR soft opt-in; Gmail/Yahoo one-click.
    Channel.EMAIL: ChannelPolicy.model_construct(
        cap=Cap.model_construct(max=3, per=_WEEK),
        consent=[Consent.OPT_IN, Consent.SOFT_OPT_IN],
        unsubscribe=Unsubscribe.ONE_CLICK,
    ),
    # TCPA: marketing texts need prior express written consent; keyword opt-out (STOP).
    Channel.SMS: ChannelPolicy.model_construct(
        cap=Cap.model_construct(max=2, per=_WEEK),
        consent=[Consent.EXPRESS_WRITTEN],
        send_window=_TEXT_HOURS,
        unsubscribe=Unsubscribe.KEYWORD,
    ),
    Channel.WHATSAPP: ChannelPolicy.model_construct(
        cap=Cap.model_construct(max=2, per=_WEEK),
        consent=[Consent.EXPRESS_WRITTEN],
        send_window=_TEXT_HOURS,
    ),
    Channel.VOICE: ChannelPolicy.model_construct(consent=[Consent.EXPRESS_WRITTEN], send_window=_TEXT_HOURS),
    Channel.PUSH: ChannelPolicy.model_construct(
        cap=Cap.model_construct(max=1, per=_DAY),
        consent=[Consent.OPT_IN],
        send_window=SendWindow.model_construct(start=ClockTime(8 * 60), end=ClockTime(21 * 60)),
    ),
    Channel.IN_APP: ChannelPolicy.model_construct(consent=[Consent.OPT_IN]),
    Channel.WEB: ChannelPolicy.model_construct(),
    Channel.DIRECT_MAIL: ChannelPolicy.model_construct(),
}

# Interruptive channels always need a send window (TIM002), even without a policy.
INTERRUPTIVE = frozenset({Channel.SMS, Channel.VOICE, Channel.WHATSAPP, Channel.PUSH})

FULFILMENT_EVENT = "order.delivered"


def merged_channels(overrides: dict[Channel, ChannelPolicy]) -> dict[Channel, ChannelPolicy]:
    """Built-in channel policy with the policy file's keys laid over it."""
    result = dict(CHANNEL_DEFAULTS)
    for channel, policy in overrides.items():
        base = result.get(channel, ChannelPolicy.model_construct())
        changes = {k: getattr(policy, k) for k in policy.model_fields_set}
        result[channel] = base.model_copy(update=changes)
    return result
