"""What an editor inserts when it completes a mapping: one snippet per model, by class name.

yaml-language-server reads these as ``defaultSnippets``: completing
``frequency`` inserts ``max:`` and ``per:`` with example values to type over
(``${1:...}`` are the tab stops, ``${1|a,b|}`` a choice). Keys are the
required ones and those nearly every file sets; the rest come from completion.
A value starting with ``^`` is inserted as written (quotes kept).
``tests/test_editor_schemas.py`` checks that every mapping of the three
schemas has one and that each body is valid against its schema.
"""

from __future__ import annotations

from typing import Any


def _snippet(label: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"label": label, "description": description, "body": body}


CHANNELS = "email,sms,push,in_app,web,voice,whatsapp,direct_mail"
CONSENTS = "opt_in,soft_opt_in,express_written,legitimate_interest,none"
UNSUBSCRIBES = "one_click,link,keyword,none"

SNIPPETS: dict[str, dict[str, Any]] = {
    # campaign files
    "Audience": _snippet(
        "audience",
        "Who receives it, and on what legal basis.",
        {"segment": "${1:segment}", "consent": f"${{2|{CONSENTS}|}}"},
    ),
    "Trigger": _snippet(
        "event trigger",
        "Start on an event, after a delay.",
        {"event": "${1:order.delivered}", "delay": "${2:3d}"},
    ),
    "Schedule": _snippet(
        "schedule", "Send on a date, and repeat.", {"start": "${1:2026-01-01}", "every": "${2:7d}"}
    ),
    "Frequency": _snippet(
        "frequency cap",
        "At most `max` messages per `per` to one customer.",
        {"max": "${1:1}", "per": "${2:7d}"},
    ),
    "SendWindow": _snippet(
        "send window", "Recipient-local hours.", {"start": '^"${1:09:00}"', "end": '^"${2:20:00}"'}
    ),
    "Urgency": _snippet(
        "urgency",
        "A countdown or deadline.",
        {"kind": "${1|deadline,countdown,none|}", "ends_at": "${2:2026-12-01}"},
    ),
    "Incentive": _snippet("incentive", "What the customer gets.", {"kind": "${1:discount}"}),
    "Game": _snippet(
        "game",
        "The game the campaign shows.",
        {"kind": "${1|spin_wheel,scratch_card,prize_draw,mystery_box,streak,badges,leaderboard,other|}"},
    ),
    "Content": _snippet(
        "content",
        "What the message says.",
        {"subject": "${1:subject}", "unsubscribe": f"${{2|{UNSUBSCRIBES}|}}"},
    ),
    "DataItem": _snippet(
        "data item",
        "A piece of data the campaign asks for, and why.",
        {"field": "${1:phone}", "purpose": "${2:why}"},
    ),
    "Downgrade": _snippet(
        "downgrade",
        "What a member loses, and the notice.",
        {"loses": ["${1|status,points,benefits|}"], "notice": "${2:30d}"},
    ),
    "Loyalty": _snippet(
        "loyalty",
        "Points and programme mechanics.",
        {"points_expire_after": "${1:12mo}", "expiry_notice_days": [30, 7]},
    ),
    # policy files
    "Cap": _snippet("cap", "At most `max` messages per `per`.", {"max": "${1:3}", "per": "${2:7d}"}),
    "ChannelPolicy": _snippet(
        "channel cap", "The channel's cap across campaigns.", {"cap": {"max": "${1:3}", "per": "${2:7d}"}}
    ),
    "EventDef": _snippet(
        "event",
        "An event and the one before it.",
        {"after": "${1:order.placed}", "fulfilment": "${2|false,true|}"},
    ),
    "Segments": _snippet(
        "disjoint segments", "Segments that share no customer.", {"disjoint": [["${1:uk}", "${2:us}"]]}
    ),
    "PersonaExpectation": _snippet(
        "persona expectation",
        "What the customer must never experience: at most N messages within a period.",
        {"at_most": "${1:4}", "within": "${2:7d}", "after": "${3:order.placed}"},
    ),
    "PersonaDef": _snippet(
        "persona",
        "A customer to simulate: segments, consent and journey.",
        {
            "segments": ["${1:recent_buyers}"],
            "consent": {"${2:email}": ["${3|opt_in,soft_opt_in,express_written,legitimate_interest|}"]},
            "journey": {"${4:order.placed}": "${5:0d}"},
        },
    ),
    "Metrics": _snippet(
        "metrics",
        "Your metric names.",
        {"activity": ["${1:story_taps}"], "outcome": ["${2:repeat_purchase}"]},
    ),
    "Vocabulary": _snippet("offer words", "Words that make an offer.", {"offers": ["${1:members' price}"]}),
    "Override": _snippet(
        "override",
        "Rule settings for some files.",
        {"files": ["${1:campaigns/legacy/**}"], "rules": {"${2:MET002}": "${3|off,info,warning,error|}"}},
    ),
    "CustomRule": _snippet(
        "custom rule",
        "A rule of your own, in CEL.",
        {
            "id": "${1:ORG001}",
            "description": "${2:what the rule checks}",
            "assert": "${3:campaign.channel != 'sms'}",
            "message": "${4:what is wrong, for the marketer}",
        },
    ),
    "Waiver": _snippet(
        "exception",
        "A reviewed, expiring exception.",
        {
            "rule": "${1:AUD001}",
            "campaigns": ["${2:campaign-id}"],
            "reason": "${3:why this is acceptable, and who approved it}",
            "expires": "${4:2026-12-01}",
        },
    ),
    "Locks": _snippet(
        "locks",
        "What extending policies may not loosen.",
        {"rules": ["${1:CON}"], "fail_on": "${2|true,false|}"},
    ),
    "Business": _snippet(
        "business", "What customers come for.", {"engagement_fit": "${1|convenience,fun,mixed|}"}
    ),
    # policy test files
    "Expectation": _snippet("expected finding", "A finding the case must produce.", {"rule": "${1:TIM001}"}),
    "Case": _snippet(
        "case",
        "Campaign fixtures and the findings they must produce.",
        {
            "name": "${1:what the case shows}",
            "files": ["${2:fixtures/campaign.yaml}"],
            "expect": [{"rule": "${3:TIM001}"}],
        },
    ),
}
