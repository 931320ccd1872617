"""The questions of ``campaign-lint new``, in order, and the writing and checking of the file.

Each question names its flag (``--customer-value`` answers "What does the
customer get out of it?"), its default (fitted to the policy by
``lint/draft.Guide``) and how its answer is read; a wrong answer is asked
again on a terminal and is a usage error (exit 2) from a flag.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from campaign_lint.cli import prompts as read
from campaign_lint.core.errors import UsageError
from campaign_lint.lint.draft import (
    CHANNEL_WORDS,
    PURCHASE_FLOW,
    STARTERS,
    TYPE_WORDS,
    Draft,
    Guide,
    campaign_id,
)
from campaign_lint.policies.rates import cap_words
from campaign_lint.schemas.campaign import CampaignType, Channel, Consent, Placement

if TYPE_CHECKING:
    from campaign_lint.cli.prompts import Asker
    from campaign_lint.lint.config import Settings

NONE = read.NONE
DEFAULT_OWNER = "crm-team@example.com"
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SCHEDULED = frozenset({CampaignType.PROMOTIONAL, CampaignType.REENGAGEMENT})


def interview(ask: Asker, guide: Guide, output: Path | None, *, today: date) -> tuple[Draft, Path]:
    """Ask every question that applies to the campaign; return the answers and where the file goes."""
    if output is not None:
        _free(output)
    kind = ask.ask(
        "type",
        "What kind of campaign is it?",
        None,
        read.choice(CampaignType, "a campaign type"),
        [(str(t), words) for t, words in TYPE_WORDS.items()],
    )
    starter = STARTERS[kind]
    channel = ask.ask(
        "channel",
        "Which channel does it go out on?",
        str(starter.channel),
        read.choice(Channel, "a channel"),
        [(str(c), words + _cap_words(guide, c)) for c, words in CHANNEL_WORDS.items()],
    )
    name = ask.ask("name", "What is the campaign called?", starter.name, read.words)
    folder = guide.settings.root / guide.campaigns_folder()

    def where(ident: str) -> tuple[str, Path]:
        if not _ID.match(ident) or len(ident) > 128:
            raise ValueError(
                f"`{ident}` is not an ID; use lowercase words joined by dashes, like welcome-series"
            )
        path = output if output is not None else _relative(folder / f"{ident}.yaml")
        _free(path, ValueError)
        return ident, path

    ident, path = ask.ask(
        "id",
        "What is its ID? It is also the file's name: lowercase words joined by dashes.",
        campaign_id(name),
        where,
    )
    draft = Draft(
        id=ident,
        type=kind,
        channel=channel,
        name=name,
        owner=ask.ask("owner", "Who answers for it? (your team's email address)", DEFAULT_OWNER, read.words),
        purpose=ask.ask("purpose", "What does the company want from it?", starter.purpose, read.words),
        customer_value=ask.ask(
            "customer_value",
            "What does the customer get out of it? Say it in their words.",
            starter.customer_value,
            read.words,
        ),
        segment=ask.ask(
            "segment", "Who does it go to? (a segment of your customer data)", starter.segment, read.name
        ),
        holdout=starter.holdout,
    )
    draft.exclude = ask.ask(
        "exclude",
        "Who is left out? (segments, comma-separated, or none)",
        read.listed(starter.exclude),
        read.names,
    )
    if kind is not CampaignType.TRANSACTIONAL:
        accepted = guide.consents(channel)
        # Soft opt-in covers existing customers only (CON003): not offered to reach new ones, if there is another.
        allowed = [
            c for c in accepted if kind is not CampaignType.ACQUISITION or c != "soft_opt_in"
        ] or accepted
        draft.consent = ask.ask(
            "consent",
            f"What consent did they give for {channel}? (your policy accepts these)",
            str(allowed[0]),
            read.among(allowed, Consent, "a consent basis your policy accepts for " + str(channel)),
            [(str(c), "") for c in allowed],
        )
    _trigger(ask, guide, draft, today)
    _pace(ask, guide, draft)
    if channel in (Channel.IN_APP, Channel.WEB):
        places = [p for p in Placement if kind is CampaignType.TRANSACTIONAL or p not in PURCHASE_FLOW]
        draft.placement = ask.ask(
            "placement",
            "Where does it show? (never in the checkout or cart: it would interrupt the purchase)",
            str(starter.placement),
            read.among(places, Placement, "a placement outside the purchase"),
            [(str(p), "") for p in places],
        )
    if channel is not Channel.VOICE:
        draft.subject = ask.ask(
            "subject", "What is the subject line or headline?", starter.subject, read.words
        )
    if kind is not CampaignType.TRANSACTIONAL:
        draft.unsubscribe = guide.opt_out(channel)
    draft.metrics = ask.ask(
        "metrics",
        "How will you know it helped? (outcomes such as repeat_purchase_rate, comma-separated)",
        read.listed(starter.metrics),
        read.names,
    )
    return draft, path


def _trigger(ask: Asker, guide: Guide, draft: Draft, today: date) -> None:
    """What starts the campaign, by type: an event (a feedback request: at or after fulfilment) or dates."""
    kind, starter = draft.type, STARTERS[draft.type]
    if starter.event is not None:
        offered = guide.events(kind)
        catalogue = guide.settings.view.events
        described = [(name, _event_words(guide, name)) for name in offered] if catalogue else []
        if kind is CampaignType.FEEDBACK:
            question = "After which event does the customer have what they bought? Ask only then."
            refused = (
                "too early: a feedback request waits until the customer has what they bought; choose one of: "
            )
        else:
            question = "Which event starts it?" + ("" if catalogue else " (like order.delivered)")
            refused = "not an event of your policy's catalogue; choose one of: "

        def event(text: str) -> str:
            name = read.name(text)
            if not guide.allows_event(kind, name):
                raise ValueError(f"`{name}` is " + refused + ", ".join(offered))
            return name

        draft.event = ask.ask("event", question, guide.default_event(kind), event, described)
        if kind is CampaignType.FEEDBACK:
            least = guide.min_delay
            draft.delay = ask.ask(
                "delay",
                f"How long after {draft.event} do you ask? (at least {least}, your policy's minimum)",
                str(least),
                lambda text: read.at_least(text, least),
            )
        else:
            draft.delay = ask.ask(
                "delay",
                f"How long after {draft.event} does it go out? (like 1h or 2d, or none)",
                starter.delay or NONE,
                read.optional(read.duration),
            )
    else:
        draft.start = ask.ask(
            "start", "On which day does it start? (YYYY-MM-DD)", today.isoformat(), read.day
        )
        start = draft.start

        def end(text: str) -> date | None:
            day = read.optional(read.day)(text)
            if day is not None and day < start:
                raise ValueError(f"the campaign ends before it starts ({start}); choose a later day")
            return day

        draft.end = ask.ask("end", "On which day does it end? (YYYY-MM-DD, or none)", NONE, end)
        draft.every = ask.ask(
            "every", "How often does it go out? (like 7d, or once)", starter.every or "once", read.every
        )
    if kind is not CampaignType.TRANSACTIONAL:
        catalogue = guide.settings.view.events

        def stops(text: str) -> list[str]:
            names = read.names(text)
            unknown = [n for n in names if catalogue and n not in catalogue]
            if unknown:
                raise ValueError(f"`{unknown[0]}` is not in your policy's catalogue: {', '.join(catalogue)}")
            return names

        draft.stop_when = ask.ask(
            "stop_when",
            "Which events end it for a customer? (they bought, answered or said no; comma-separated)",
            read.listed(guide.default_stop_when(kind, draft.event)),
            stops,
        )


def _pace(ask: Asker, guide: Guide, draft: Draft) -> None:
    """How often, at what hours and for how long it goes to one customer."""
    channel, starter = draft.channel, STARTERS[draft.type]
    repeats = draft.event is not None or draft.every is not None
    if draft.type is not CampaignType.TRANSACTIONAL and repeats:
        cap = guide.cap(channel)
        within = f"; your {channel} cap is {cap.max}/{cap.per} across all campaigns" if cap else ""
        default = guide.default_frequency(draft.type, channel)
        assert default is not None  # every type but transactional has one
        draft.frequency = ask.ask(
            "frequency",
            f"How often at most may one customer get it? (MAX/PER, like 1/7d{within})",
            f"{default[0]}/{default[1]}",
            read.checked(read.rate, lambda rate: guide.frequency_problem(channel, *rate)),
        )
    if guide.needs_window(channel):
        allowed = guide.allowed_hours(channel)
        inside = f"; your policy allows {allowed.start}-{allowed.end}" if allowed else ""
        window = guide.default_window(channel)
        draft.send_window = ask.ask(
            "send_window",
            f"Between which hours may it arrive, in the customer's local time? (HH:MM-HH:MM{inside})",
            f"{window.start}-{window.end}",
            read.checked(read.window, lambda hours: guide.window_problem(channel, hours)),
        )
    if draft.type in _SCHEDULED and draft.every is not None:
        draft.sunset = ask.ask(
            "sunset",
            "Leave out people who have not been active for how many days? (a sunset)",
            str(starter.sunset or 180),
            read.days,
        )


def write_new(draft: Draft, path: Path, settings: Settings) -> int:
    """Write the file (never over another), check it against the policy, and say what is next."""
    from campaign_lint.cli.check import run_check
    from campaign_lint.cli.checkoptions import CheckOptions
    from campaign_lint.cli.init import SCHEMA_URL
    from campaign_lint.lint.draftfile import render

    text = render(draft, f"{SCHEMA_URL}/campaign.schema.json")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"{path} already exists; `new` never writes over a file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from None
    typer.echo(f"\nWrote {path}. Checking it against your policy:\n")
    code = run_check(CheckOptions(paths=(path,), config=settings.policy_path, no_cache=True))
    if code == 0:
        typer.echo(f"\nNext: put in your own segment names, owner and subject, then commit {path}.")
    else:
        typer.echo(f"\nNext: fix what is listed above in {path}; `campaign-lint explain <RULE>` says why.")
    return code


def _free(path: Path, error: type[Exception] = UsageError) -> None:
    if path.exists() or path.is_symlink():
        raise error(f"{path} already exists; `new` never writes over a file: choose another ID or --output")


def _relative(path: Path) -> Path:
    """``path`` as the user would type it from here, when it is below the working folder."""
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # another drive
        return path


def _cap_words(guide: Guide, channel: Channel) -> str:
    cap = guide.cap(channel)
    return f" (your cap: {cap_words(cap)})" if cap else ""


def _event_words(guide: Guide, name: str) -> str:
    entry = guide.settings.view.events.get(name)
    if entry is None:
        return ""
    return entry.description or (f"after {entry.after}" if entry.after else "")
