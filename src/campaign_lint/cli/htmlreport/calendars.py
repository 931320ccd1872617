"""The persona calendars of the page, from the JSON object ``simulate --format json`` prints.

``report`` and ``simulate --format html`` both build their calendars here, from
that one object (docs/output.md#simulate), so the page shows exactly what the
JSON says: each persona's messages, its caps' worst windows and its failed
customer-side assertions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from campaign_lint.cli.htmlreport.charts import Cap, calendar_svg, channel_colours
from campaign_lint.schemas.types import Duration


def persona_entries(simulation: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One entry per persona for the template: name, journey, chart, failed assertions, messages."""
    start = date.fromisoformat(str(simulation["from"]))
    days = int(simulation["days"])
    personas: Sequence[Mapping[str, Any]] = simulation["personas"]
    channels = sorted({str(m["channel"]) for persona in personas for m in persona["messages"]})
    colours = channel_colours(channels)
    entries = []
    for persona in personas:
        messages = persona["messages"]
        caps = [_cap(cap) for cap in persona.get("caps", [])]
        over = [cap for cap in persona.get("caps", []) if cap.get("over")]
        entries.append(
            {
                "name": persona["name"],
                "timezone": persona.get("timezone"),
                "start": start.isoformat(),
                "journey": [
                    f"{step['event']} on day {step['day']} ({step['date']})" for step in persona["journey"]
                ],
                "svg": calendar_svg(persona["name"], messages, start, days, caps, colours),
                "summary": _summary(persona["name"], messages, days, over),
                "failures": [
                    {"date": verdict.get("date", ""), "message": verdict["message"]}
                    for verdict in persona.get("assertions", [])
                    if not verdict.get("passed")
                ]
                + [{"date": str(cap.get("start", ""))[:10], "message": _over_text(cap)} for cap in over],
                "messages": messages,
            }
        )
    return entries


# Campaigns no persona received that the page names; the count says how many more
# (`simulate --format json` lists them all). A large portfolio has thousands.
UNREACHED_SHOWN = 50


def unreached(simulation: Mapping[str, Any]) -> list[str]:
    """The campaigns no persona received, with why: the first ``UNREACHED_SHOWN``, then how many more."""
    items = [f"{item['campaign']} ({item['reason']})" for item in simulation.get("not_received", [])]
    if len(items) <= UNREACHED_SHOWN:
        return items
    more = len(items) - UNREACHED_SHOWN
    return [
        *items[:UNREACHED_SHOWN],
        f"and {more:,} more (`campaign-lint simulate --format json` lists them all)",
    ]


def _cap(cap: Mapping[str, Any]) -> Cap:
    days = max(1, math.ceil(Duration.parse(str(cap["per"])).days))
    return Cap(None if cap.get("channel") is None else str(cap["channel"]), int(cap["max"]), days)


def _over_text(cap: Mapping[str, Any]) -> str:
    return (
        f"{cap['count']} {cap.get('channel') or 'marketing'} messages in {cap['per']} "
        f"({cap.get('window', 'rolling')}), over the cap of {cap['max']}"
    )


def _summary(name: str, messages: Sequence[Mapping[str, Any]], days: int, over: Sequence[Any]) -> str:
    caps = f"; over {len(over)} cap{'s' if len(over) != 1 else ''}" if over else ""
    return f"Calendar of {name}: {len(messages)} messages in {days} days{caps}"
