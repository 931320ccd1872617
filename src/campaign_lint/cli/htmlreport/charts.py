"""Persona calendars as inline SVG, drawn with matplotlib when the page is built.

One chart per persona: the messages of each day stacked by channel, and under
it, per capped channel, the messages in the cap's rolling window with the cap
drawn as a dashed line; days over a cap are marked on both. The SVG is inline
in the page (no script, readable in print). Channels are told apart by the
Okabe-Ito palette, which people with the common colour-vision deficiencies
can tell apart, and by a legend with their names.

Deterministic: the same data gives the same bytes (no date in the metadata, a
fixed hash salt for the SVG's ids).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

# Okabe & Ito (2008), "Color Universal Design": eight colours that stay apart
# for protanopia, deuteranopia and tritanopia.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
OVER_CAP = "#D55E00"
SERVICE = "service notices"


@dataclass(frozen=True, slots=True)
class Cap:
    """A channel's cap: at most ``max`` messages in ``days`` rolling days (``channel`` None: all channels)."""

    channel: str | None
    max: int
    days: int


def channel_colours(channels: Sequence[str]) -> dict[str, str]:
    """A colour per channel, in the order given (stable across a page)."""
    return {channel: OKABE_ITO[index % len(OKABE_ITO)] for index, channel in enumerate(channels)}


def per_day(messages: Sequence[Mapping[str, Any]], start: date, days: int) -> dict[str, list[int]]:
    """Messages per channel per day (day 0 is ``start``)."""
    counts: dict[str, list[int]] = {}
    for message in messages:
        index = (date.fromisoformat(str(message["date"])) - start).days
        if 0 <= index < days:
            counts.setdefault(str(message["channel"]), [0] * days)[index] += 1
    return dict(sorted(counts.items()))


def rolling(daily: Sequence[int], window: int) -> list[int]:
    """For each day, the messages of that day and the ``window - 1`` days before it."""
    totals, running = [], 0
    for index, count in enumerate(daily):
        running += count
        if index >= window:
            running -= daily[index - window]
        totals.append(running)
    return totals


def over_cap_days(daily: Mapping[str, Sequence[int]], caps: Sequence[Cap], days: int) -> set[int]:
    """The days on which some cap's rolling window holds more messages than the cap allows."""
    over: set[int] = set()
    for cap in caps:
        series = _series(daily, cap, days)
        over.update(index for index, value in enumerate(rolling(series, cap.days)) if value > cap.max)
    return over


def _series(daily: Mapping[str, Sequence[int]], cap: Cap, days: int) -> list[int]:
    if cap.channel is not None:
        return list(daily.get(cap.channel, [0] * days))
    return [sum(values[index] for values in daily.values()) for index in range(days)]


def calendar_svg(
    name: str,
    messages: Sequence[Mapping[str, Any]],
    start: date,
    days: int,
    caps: Sequence[Cap],
    colours: Mapping[str, str],
) -> str:
    """The persona's calendar as an ``<svg>`` element (see the module docstring)."""
    import matplotlib

    matplotlib.use("svg", force=True)
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.hashsalt"] = "campaign-lint"
    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, readable in print
    matplotlib.rcParams["font.family"] = "sans-serif"

    # Caps count marketing messages; service notices are drawn (the customer gets them) but not counted.
    daily = per_day([m for m in messages if not m.get("transactional")], start, days)
    service = per_day([{**m, "channel": SERVICE} for m in messages if m.get("transactional")], start, days)
    shown_caps = [cap for cap in caps if cap.channel is None or cap.channel in daily]
    over = over_cap_days(daily, shown_caps, days)
    figure = Figure(figsize=(9, 4.6 if shown_caps else 2.8), layout="constrained")
    axes = figure.subplots(2 if shown_caps else 1, 1, sharex=True, squeeze=False)[:, 0]
    labels = [(start + timedelta(days=index)) for index in range(days)]
    positions = list(range(days))
    bottom = [0] * days
    bars = axes[0]
    for channel, values in daily.items():
        bars.bar(
            positions, values, bottom=bottom, color=colours.get(channel, "#777777"), label=channel, width=0.8
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for values in service.values():
        bars.bar(positions, values, bottom=bottom, color="#BBBBBB", hatch="//", label=SERVICE, width=0.8)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for index in sorted(over):
        bars.annotate(
            "over cap",
            (index, bottom[index]),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=7,
            color=OVER_CAP,
            rotation=90,
        )
    bars.set_ylabel("messages per day")
    bars.set_title(f"{name}: {sum(bottom)} messages in {days} days", loc="left", fontsize=11)
    bars.yaxis.get_major_locator().set_params(integer=True)
    if daily or service:
        bars.legend(loc="upper right", fontsize=8, ncols=min(4, len(daily) + len(service)), frameon=False)
    bars.set_ylim(0, max([*bottom, 1]) * 1.35)
    if shown_caps:
        windows = axes[1]
        for cap in shown_caps:
            series = rolling(_series(daily, cap, days), cap.days)
            colour = colours.get(cap.channel, "#000000") if cap.channel else "#000000"
            span = "1 day" if cap.days == 1 else f"{cap.days} days"
            label = f"{cap.channel or 'all channels'}: in {span} (cap {cap.max})"
            windows.step(positions, series, where="mid", color=colour, label=label)
            windows.axhline(cap.max, color=colour, linestyle="--", linewidth=1)
            high = [index for index, value in enumerate(series) if value > cap.max]
            windows.plot(high, [series[index] for index in high], "x", color=OVER_CAP, markersize=6)
        windows.set_ylabel("in the cap's window")
        windows.yaxis.get_major_locator().set_params(integer=True)
        windows.legend(loc="upper left", fontsize=7, frameon=False)
    step = max(1, days // 15)
    axes[-1].set_xticks(positions[::step], [day.strftime("%d %b") for day in labels[::step]], fontsize=7)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # inline: without the XML declaration and doctype
