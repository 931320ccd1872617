"""The ``simulate`` command: what each persona receives, as a week-by-week agenda or one JSON object.

docs/output.md describes the JSON object (an HTML view builds on it);
docs/timeline.md says how the timeline is drawn.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from campaign_lint.cli import simreplay
from campaign_lint.core.display import json_text, shown
from campaign_lint.core.errors import UsageError
from campaign_lint.lint.simulation import PersonaRun, Request, Simulation
from campaign_lint.policies.capcount import CapCount
from campaign_lint.policies.timeline import DAY, Message, Persona, Timeline

FORMATS = ("text", "json", "html")


def run_simulate(
    paths: Sequence[Path],
    request: dict[str, Any],
    *,
    output_format: str,
    output: Path | None,
    config: Path | None,
    today: str | None,
    jobs: int,
    no_cache: bool,
) -> int:
    """Simulate, write the agenda or the JSON object; exit 1 when a cap or an assertion fails the run."""
    from campaign_lint.cli.values import parse_today, worker_count
    from campaign_lint.lint.session import settings_for
    from campaign_lint.lint.simulation import Read, run_simulation

    if output_format not in FORMATS:
        raise UsageError(f"--format: `{output_format}` is not a simulate format; use text, json or html")
    if output_format == "html":
        from campaign_lint.cli.extras import require

        require("report", "campaign-lint simulate --format html")
    # An unchanged run is answered from its replay record (cli/simreplay.py); the page is always drawn.
    key = (
        None
        if no_cache or output_format == "html"
        else simreplay.key(paths, request, output_format, config, today)
    )
    answer = None if key is None else simreplay.answer(key, paths, config, today)
    if answer is not None:
        simreplay.write(answer[0], output)
        return answer[1]
    started_ns = time.time_ns()
    start_text = request.pop("start")
    settings = settings_for(paths, config, today=parse_today(today), cache=not no_cache)
    start = settings.today if start_text is None else _date(start_text)
    read = Read()  # the files and cache the simulation used: its replay record reuses them
    simulation = run_simulation(
        settings,
        paths,
        Request(start=start, **request),
        jobs=worker_count(jobs),
        cache=not no_cache,
        read=read,
    )
    if output_format == "html":
        from campaign_lint.cli.htmlreport import calendars, data, page

        content = data.headed(settings, "What customers receive (campaign-lint simulate)")
        content.personas = calendars.persona_entries(simulation_object(simulation))
        content.unreached = calendars.unreached(simulation_object(simulation))
        rendered = page.render(content, calendars_only=True)
    else:
        rendered = render_json(simulation) if output_format == "json" else render_text(simulation)
    simreplay.write(rendered, output)
    code = 1 if simulation.failed else 0
    if key is not None:
        simreplay.keep(key, settings, paths, rendered, code, started_ns, request.get("timezone"), read)
    return code


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--from: `{text}` is not a date; write YYYY-MM-DD") from None


# ---------------------------------------------------------------- JSON


def render_json(simulation: Simulation) -> str:
    """The one JSON object of docs/output.md#simulate, as text."""
    return json_text(json.dumps(simulation_object(simulation), ensure_ascii=False)) + "\n"


def simulation_object(simulation: Simulation) -> dict[str, Any]:
    """The one JSON object of docs/output.md#simulate (the HTML calendars are drawn from it too)."""
    personas = [_persona_json(run) for run in simulation.runs]
    data: dict[str, Any] = {
        "from": simulation.start.isoformat(),
        "days": simulation.days,
        "personas": personas,
        "not_received": [
            {"campaign": item.campaign, "path": item.path, "persona": item.persona, "reason": item.reason}
            for item in simulation.unreceived
        ],
        "invalid_files": simulation.invalid,
        "failed": simulation.failed,
    }
    if len(personas) == 1:
        data["messages"] = personas[0]["messages"]
    return data


def _persona_json(run: PersonaRun) -> dict[str, Any]:
    persona, timeline = run.persona, run.timeline
    return {
        "name": persona.name,
        "description": persona.description,
        "builtin": persona.builtin,
        "segments": None if persona.segments is None else sorted(persona.segments),
        "not_in": sorted(persona.not_in),
        "region": persona.region,
        "timezone": persona.timezone,
        "consent": None
        if persona.consent is None
        else {str(channel): sorted(map(str, given)) for channel, given in sorted(persona.consent.items())},
        "journey": [
            {"event": event, "day": minute // DAY, **_moment(timeline, minute)}
            for event, minute in persona.journey
        ],
        "messages": [_message_json(timeline, message) for message in timeline.messages],
        "caps": [_cap_json(timeline, count) for count in run.caps],
        "weeks": [
            {
                "from": timeline.date_of(week * 7 * DAY).isoformat(),
                "to": timeline.date_of(min(week * 7 + 6, timeline.days - 1) * DAY).isoformat(),
                "caps": [
                    {
                        "cap": count.label,
                        "max": count.cap.max,
                        "per": str(count.cap.per),
                        "count": count.count,
                        "over": count.over,
                    }
                    for count in counts
                ],
            }
            for week, counts in enumerate(run.weeks)
        ],
        "assertions": [
            {
                "rule": verdict.rule,
                "assertion": verdict.assertion,
                "passed": verdict.passed,
                "message": verdict.message,
                "path": verdict.path,
                **(_moment(timeline, verdict.minute) if verdict.minute is not None else {}),
            }
            for verdict in run.verdicts
        ],
    }


def _moment(timeline: Timeline, minute: int) -> dict[str, str]:
    of_day = minute % DAY
    return {"date": timeline.date_of(minute).isoformat(), "time": f"{of_day // 60:02d}:{of_day % 60:02d}"}


def _message_json(timeline: Timeline, message: Message) -> dict[str, Any]:
    return {
        "date": timeline.date_of(message.minute).isoformat(),
        "time": message.time,
        "day": message.day,
        "campaign": message.campaign,
        "channel": str(message.channel),
        "path": message.path,
        "transactional": message.transactional,
        "cause": message.cause,
    }


def _cap_json(timeline: Timeline, count: CapCount) -> dict[str, Any]:
    by_path = {message.path: message.campaign for message in count.messages}
    return {
        "cap": count.label,
        "channel": None if count.channel is None else str(count.channel),
        "max": count.cap.max,
        "per": str(count.cap.per),
        "window": "calendar days" if count.calendar else "rolling",
        "count": count.count,
        "over": count.over,
        "start": _stamp(timeline, count.start),
        "end": _stamp(timeline, count.end),
        "campaigns": [
            {"campaign": by_path[path], "path": path, "messages": number}
            for path, number in count.by_campaign()
        ],
    }


def _stamp(timeline: Timeline, minute: int) -> str:
    moment = _moment(timeline, minute)
    return f"{moment['date']}T{moment['time']}"


# ---------------------------------------------------------------- text


def render_text(simulation: Simulation) -> str:
    """The week-by-week agenda a marketer reads in a terminal."""
    return "".join(_text_lines(simulation))


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _text_lines(simulation: Simulation) -> Iterator[str]:
    count = len(simulation.runs)
    last = simulation.start + timedelta(days=simulation.days - 1)
    yield (
        f"What {count} customer{'s' if count != 1 else ''} receive{'' if count != 1 else 's'} "
        f"from {_day(simulation.start)} to {_day(last)} {last.year} "
        f"({simulation.days} day{'s' if simulation.days != 1 else ''}; times are the customer's local time)\n"
    )
    for run in simulation.runs:
        yield from _persona_lines(run)
    if simulation.unreceived:
        yield f"\nReceived by none of these customers ({len(simulation.unreceived)}):\n"
        width = max(len(shown(item.campaign)) for item in simulation.unreceived)
        for item in simulation.unreceived:
            yield f"  {shown(item.campaign).ljust(width)}  {shown(item.persona)}: {shown(item.reason)}\n"
    if simulation.invalid:
        files = "file is" if simulation.invalid == 1 else "files are"
        yield f"\n{simulation.invalid} campaign {files} not valid and left out; `campaign-lint check` says why.\n"


def _persona_lines(run: PersonaRun) -> Iterator[str]:
    persona, timeline = run.persona, run.timeline
    described = f": {shown(persona.description)}" if persona.description else ""
    zone = f" ({shown(persona.timezone)} time)" if persona.timezone else ""
    yield f"\n== {shown(persona.name)}{zone}{described}\n"
    yield f"   who: {_who(persona)}\n"
    yield from _journey_lines(persona)
    channel_width = max((len(str(m.channel)) for m in timeline.messages), default=5)
    for week, counts in enumerate(run.weeks):
        first = week * 7
        end = min(first + 7, timeline.days) - 1
        days = _day(timeline.date_of(first * DAY))
        if end > first:
            days += f" to {_day(timeline.date_of(end * DAY))}"
        yield f"\n   Week {week + 1}: {days}\n"
        rows = [
            (
                m.minute,
                1,
                str(m.channel),
                shown(m.campaign),
                shown(m.cause) + ("  (transactional)" if m.transactional else ""),
            )
            for m in timeline.messages
            if first <= m.day <= end
        ]
        rows += [
            (minute, 0, ">>", shown(event), "(journey)")
            for event, minute in persona.journey
            if first * DAY <= minute < (end + 1) * DAY
        ]
        rows.sort()
        if not rows:
            yield "     nothing\n"
        width = max((len(name) for _, _, _, name, _ in rows), default=0)
        shown_day = None
        for minute, _, channel, name, why in rows:
            label = _day(timeline.date_of(minute)) if minute // DAY != shown_day else ""
            shown_day = minute // DAY
            of_day = minute % DAY
            yield (
                f"     {label:<10}  {of_day // 60:02d}:{of_day % 60:02d}  {channel:<{channel_width}}  "
                f"{name.ljust(width)}  {why}\n"
            )
        yield f"     caps: {_caps_line(counts)}\n"
    yield from _worst_lines(run)
    failed = [verdict for verdict in run.verdicts if not verdict.passed]
    if run.verdicts:
        # One assertion broken by several campaigns has a verdict for each: count it once.
        assertions = {(verdict.rule, verdict.assertion) for verdict in run.verdicts}
        broken = {(verdict.rule, verdict.assertion) for verdict in failed}
        yield f"   assertions: {len(assertions) - len(broken)} of {len(assertions)} hold\n"
    for verdict in failed:
        yield f"     {verdict.rule}  {shown(verdict.assertion)}: {shown(verdict.message)}\n"


def _journey_lines(persona: Persona) -> Iterator[str]:
    """The journey by day: ``day 0: order.placed 11:00, ...``."""
    if not persona.journey:
        yield "   journey: no events (only scheduled campaigns send)\n"
        return
    days: dict[int, list[str]] = {}
    for event, minute in persona.journey:
        of_day = minute % DAY
        days.setdefault(minute // DAY, []).append(f"{shown(event)} {of_day // 60:02d}:{of_day % 60:02d}")
    yield "   journey:\n"
    for day, events in days.items():
        yield f"     day {day}: {', '.join(events)}\n"


def _when(timeline: Timeline, minute: int) -> str:
    of_day = minute % DAY
    return f"{_day(timeline.date_of(minute))} {of_day // 60:02d}:{of_day % 60:02d}"


def _who(persona: Persona) -> str:
    if persona.segments is None:
        segments = "every segment"
        if persona.not_in:
            segments += " except " + ", ".join(map(shown, sorted(persona.not_in)))
    else:
        segments = "segments " + (", ".join(map(shown, sorted(persona.segments))) or "none")
    place = f"lives in {persona.region}" if persona.region else "lives where no campaign names a region"
    if persona.consent is None:
        consent = "every consent"
    else:
        given = [
            f"{channel} {'/'.join(sorted(map(str, kinds)))}"
            for channel, kinds in sorted(persona.consent.items())
        ]
        consent = "consent: " + (", ".join(given) or "none")
    return f"{segments}; {place}; {consent}"


def _caps_line(counts: Sequence[CapCount]) -> str:
    used = [count for count in counts if count.count]
    if not used:
        return "no marketing messages"
    return "; ".join(
        f"{count.label} {count.count} of {count.cap.max} per {_per(count)}{' OVER' if count.over else ''}"
        for count in used
    )


def _per(count: CapCount) -> str:
    """A cap's period in words: ``day``, ``7 days``."""
    return count.cap.per.words().removeprefix("1 ")


def _worst_lines(run: PersonaRun) -> Iterator[str]:
    over = [count for count in run.caps if count.over]
    if not over:
        yield "\n   Within every cap over these days.\n"
        return
    yield "\n   Over a cap:\n"
    timeline = run.timeline
    for count in over:
        window = "calendar days in the customer's time zone" if count.calendar else "rolling"
        last = timeline.date_of(count.end - 1)
        span = (
            f"{_day(timeline.date_of(count.start))} to {_day(last)}"
            if count.calendar
            else (f"{_when(timeline, count.start)} to {_when(timeline, count.end)}")
        )
        names = {message.path: message.campaign for message in count.messages}
        parts = ", ".join(f"{shown(names[path])} {number}" for path, number in count.by_campaign())
        yield (
            f"     {count.label}: {count.count} messages from {span}; the cap is {count.cap.max} per "
            f"{_per(count)} ({window}): {parts}\n"
        )
