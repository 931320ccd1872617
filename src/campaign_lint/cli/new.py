"""``campaign-lint new [ID]``: a guided start for a campaign, in plain words.

On a terminal it asks what the campaign is, what the customer gets out of
it, who it goes to and, by type, the right trigger; every question can be
answered with a flag instead, and without a terminal the flags and the
defaults answer them all. The choices and defaults come from the effective
policy (``lint/draft.py``), so what it writes passes ``check``; the file is
written by ``lint/draftfile.py``, then linted, and never over another file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from campaign_lint.cli.options import ConfigOption
from campaign_lint.core.errors import UsageError


def new(
    campaign_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="The campaign's ID, like review-after-delivery.")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--type", metavar="TYPE", help="What kind of campaign: feedback, promotional..."),
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(metavar="CHANNEL", help="email, sms, push, in_app, web, voice, whatsapp, direct_mail."),
    ] = None,
    id_option: Annotated[
        str | None, typer.Option("--id", metavar="ID", help="The campaign's ID (same as the argument).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="What the campaign is called.")] = None,
    owner: Annotated[str | None, typer.Option(help="Who answers for it (a team's email address).")] = None,
    purpose: Annotated[str | None, typer.Option(help="What the company wants from it.")] = None,
    customer_value: Annotated[str | None, typer.Option(help="What the customer gets out of it.")] = None,
    segment: Annotated[str | None, typer.Option(help="Who it goes to: a segment name.")] = None,
    exclude: Annotated[
        str | None, typer.Option(metavar="NAMES", help="Segments left out, comma-separated, or `none`.")
    ] = None,
    consent: Annotated[
        str | None, typer.Option(help="The consent the audience gave for the channel.")
    ] = None,
    event: Annotated[
        str | None, typer.Option(help="The event of the policy's catalogue that starts it.")
    ] = None,
    delay: Annotated[
        str | None, typer.Option(metavar="DURATION", help="How long after the event, like 5d (or `none`).")
    ] = None,
    start: Annotated[
        str | None, typer.Option(metavar="DATE", help="First day of a scheduled campaign, YYYY-MM-DD.")
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Last day of a scheduled campaign, YYYY-MM-DD, or `none`."),
    ] = None,
    every: Annotated[
        str | None,
        typer.Option(metavar="DURATION", help="How often a scheduled campaign repeats, like 7d, or `once`."),
    ] = None,
    stop_when: Annotated[
        str | None, typer.Option(metavar="EVENTS", help="Events that end it for a customer, comma-separated.")
    ] = None,
    frequency: Annotated[
        str | None,
        typer.Option(metavar="MAX/PER", help="At most this often for one customer: MAX/PER, like 1/7d."),
    ] = None,
    send_window: Annotated[
        str | None,
        typer.Option(metavar="HH:MM-HH:MM", help="Hours it may arrive, recipient-local: 09:00-20:00."),
    ] = None,
    sunset: Annotated[
        str | None,
        typer.Option(metavar="DAYS", help="Leave out people inactive for more than this many days."),
    ] = None,
    placement: Annotated[
        str | None, typer.Option(help="Where an in_app or web campaign shows: home, account...")
    ] = None,
    subject: Annotated[str | None, typer.Option(help="The subject line or headline.")] = None,
    metrics: Annotated[
        str | None, typer.Option(metavar="NAMES", help="Outcome metrics, comma-separated.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write here, not in the folder of the policy's first `campaigns` glob as ID.yaml.",
        ),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Ask nothing: flags and defaults answer every question.")
    ] = False,
    config: ConfigOption = None,
) -> int:
    """Start a new campaign file: asks what it is, for whom and when, then checks it."""
    from campaign_lint.cli.interview import interview, write_new
    from campaign_lint.lint.config import load_settings
    from campaign_lint.lint.draft import Guide

    if campaign_id is not None and id_option is not None and campaign_id != id_option:
        raise UsageError(f"the ID is given twice, `{campaign_id}` and --id `{id_option}`; give it once")
    answers = {
        "type": kind, "channel": channel, "id": campaign_id or id_option, "name": name, "owner": owner,
        "purpose": purpose, "customer_value": customer_value, "segment": segment, "exclude": exclude,
        "consent": consent, "event": event, "delay": delay, "start": start, "end": end, "every": every,
        "stop_when": stop_when, "frequency": frequency, "send_window": send_window, "sunset": sunset,
        "placement": placement, "subject": subject, "metrics": metrics,
    }  # fmt: skip
    flags = {key: value for key, value in answers.items() if value is not None}
    interactive = not no_input and sys.stdin.isatty()
    if not interactive and "type" not in flags:
        from campaign_lint.schemas.campaign import CampaignType

        why = "--no-input was given" if no_input else "standard input is not a terminal"
        *types, last = CampaignType
        raise UsageError(
            f"{why}, so `new` cannot ask; missing --type ({', '.join(types)} or {last}). Every other "
            "question has a default or a flag; see `campaign-lint new -h`"
        )
    settings = load_settings(config, Path.cwd())
    guide = Guide(settings)
    from campaign_lint.cli.prompts import Asker

    asker = Asker(flags, interactive)
    draft, path = interview(asker, guide, output, today=settings.today)
    unused = asker.unused()
    if unused:
        raise UsageError(
            f"{', '.join(unused)}: not asked of a {draft.type} campaign on {draft.channel}; leave "
            f"{'it' if len(unused) == 1 else 'them'} out"
        )
    return write_new(draft, path, settings)
