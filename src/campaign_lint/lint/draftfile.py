"""A :class:`~campaign_lint.lint.draft.Draft` as a commented campaign file, rendered by ruamel.yaml.

ruamel.yaml does the quoting (a purpose with a colon, a time that must stay
text, a date that must stay a date) and keeps the comments that explain
each field next to it. It is imported only here, for ``campaign-lint new``:
``check`` never pays for it.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString

from campaign_lint.lint.draft import Draft
from campaign_lint.schemas.campaign import CampaignType, Channel

_COMMENT_COLUMN = 35
_WRAP = 72

# Said above each top-level key: what the field is for, in plain words.
_ABOVE = {
    "version": "The campaign file format's version.",
    "id": "Lowercase words joined by dashes; unique among your campaigns.",
    "name": "What people call it.",
    "owner": "Who answers for this campaign: your team's address.",
    "type": "promotional | lifecycle | feedback | loyalty | reengagement | onboarding |\n"
    "acquisition | transactional",
    "purpose": "What the company wants from it.",
    "customer_value": "What the customer gets out of it, in their words (not what the company gains).",
    "channel": "email | sms | push | in_app | web | voice | whatsapp | direct_mail",
    "audience": "Who gets it, and with what consent.",
    "trigger": "What starts it for a customer, and what stops it.",
    "frequency": "At most this many messages to ONE customer in this period.",
    "send_window": "Hours it may arrive, in the customer's local time.",
    "placement": "Where it shows in the app or on the site (never in the checkout or cart).",
    "content": "What the message says and how the customer stops it.",
    "success_metrics": "How you will know it helped: outcomes, not opens and clicks.",
    "holdout": "Share of the audience that does not get it, to measure what it changes.",
}


def render(draft: Draft, schema_url: str) -> str:
    """The campaign file for ``draft``, starting with the editor's ``$schema`` modeline."""
    data = CommentedMap()
    data["version"] = 1
    data["id"] = draft.id
    data["name"] = draft.name
    data["owner"] = draft.owner
    data["type"] = str(draft.type)
    data["purpose"] = _text(draft.purpose)
    data["customer_value"] = _text(draft.customer_value)
    data["channel"] = str(draft.channel)
    data["audience"] = _audience(draft)
    data["trigger"] = _trigger(draft)
    if draft.frequency is not None:
        most, per = draft.frequency
        data["frequency"] = _flow({"max": most, "per": str(per)})
    if draft.send_window is not None:
        window = draft.send_window
        data["send_window"] = _flow(
            {
                "start": DoubleQuotedScalarString(str(window.start)),
                "end": DoubleQuotedScalarString(str(window.end)),
            }
        )
    if draft.placement is not None:
        data["placement"] = str(draft.placement)
    content = _content(draft)
    if content:
        data["content"] = content
    if draft.metrics:
        data["success_metrics"] = _flow(draft.metrics)
    if draft.holdout is not None:
        data["holdout"] = draft.holdout
    for key, words in _ABOVE.items():
        if key in data:
            data.yaml_set_comment_before_after_key(key, before=words, indent=0)
    data.yaml_set_start_comment(f"yaml-language-server: $schema={schema_url}\n{_head(draft)}")
    yaml = YAML()  # round-trip: keeps the comments
    yaml.width = 4096  # long text is folded by _text, never by the emitter
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _head(draft: Draft) -> str:
    return (
        f"{draft.name}\n"
        "Written by `campaign-lint new`. Change anything; `campaign-lint check` says\n"
        "what the policy thinks, and `campaign-lint explain <RULE>` why a rule matters."
    )


def _audience(draft: Draft) -> CommentedMap:
    audience = CommentedMap()
    audience["segment"] = draft.segment
    if draft.exclude:
        audience["exclude"] = _flow(draft.exclude)
    if draft.consent is not None:
        audience["consent"] = str(draft.consent)
    if draft.sunset is not None:
        audience["inactive_days_max"] = draft.sunset
    _eol(audience, "segment", "a segment name of your customer data")
    _eol(audience, "exclude", "segments left out")
    _eol(audience, "consent", f"what they agreed to for {draft.channel}")
    _eol(audience, "inactive_days_max", "stop writing to people inactive longer (sunset)")
    return audience


def _trigger(draft: Draft) -> CommentedMap:
    trigger = CommentedMap()
    if draft.event is not None:
        trigger["event"] = draft.event
        if draft.delay is not None:
            trigger["delay"] = str(draft.delay)
        feedback = draft.type is CampaignType.FEEDBACK
        _eol(
            trigger,
            "event",
            "the customer has what they bought" if feedback else "when this happens, it starts",
        )
        waits = "the wait before asking" if feedback else "the wait after it"
        _eol(trigger, "delay", waits)
    else:
        schedule: dict[str, Any] = {"start": draft.start}
        if draft.end is not None:
            schedule["end"] = draft.end
        if draft.every is not None:
            schedule["every"] = str(draft.every)
        trigger["schedule"] = _flow(schedule)
        _eol(trigger, "schedule", "first day, last day (if any), how often")
    if draft.stop_when:
        trigger["stop_when"] = _flow(draft.stop_when)
        _eol(trigger, "stop_when", "any of these ends it")
    return trigger


def _content(draft: Draft) -> CommentedMap:
    content = CommentedMap()
    if draft.subject is not None:
        content["subject"] = draft.subject
    if draft.unsubscribe is not None:
        content["unsubscribe"] = str(draft.unsubscribe)
        how = {
            "one_click": "one click, no login",
            "keyword": "reply STOP",
            "link": "a link to the preferences",
        }.get(str(draft.unsubscribe))
        if draft.channel is Channel.EMAIL or how is not None:
            _eol(content, "unsubscribe", how or "")
    return content


def _flow(values: dict[str, Any] | list[str]) -> CommentedMap | CommentedSeq:
    """A mapping or list written on one line: ``{max: 1, per: 30d}``."""
    node: CommentedMap | CommentedSeq = (
        CommentedMap(values) if isinstance(values, dict) else CommentedSeq(values)
    )
    node.fa.set_flow_style()
    return node


def _text(value: str) -> str:
    """Text longer than a line, folded (``>-``) at word boundaries."""
    lines = textwrap.wrap(value, _WRAP)
    if len(lines) < 2 or value != " ".join(lines):
        return value  # short, or spacing that folding would not keep
    folded = FoldedScalarString(value)
    positions, at = [], 0
    for line in lines[:-1]:
        at += len(line)
        positions.append(at)
        at += 1
    folded.fold_pos = positions
    text: str = folded
    return text


def _eol(node: CommentedMap, key: str, words: str) -> None:
    """A comment at the end of ``key``'s line, when the key is there."""
    if key in node and words:
        node.yaml_add_eol_comment(words, key, column=_COMMENT_COLUMN)
