"""Random portfolios, random policies, random edits: a warm run always says what ``--no-cache`` says.

``tests/test_incremental.py`` walks fixed edits over generated portfolios;
here Hypothesis draws small portfolios (every channel FRQ003 and FRQ004
count, events and schedules, some at an instant, stops, send windows across
midnight, caps, segments, exclusions, regions, consents, transactional
notices and offers), a policy (channel caps, ``total_cap``, ``disjoint``
groups, personas of its own with clocks, places, consents and journeys, or
the built-in ones), and a sequence of edits: a field of a campaign changed,
a campaign added, deleted, moved to another folder or copied under another
name, an edit no rule reads, the file made invalid, the policy changed, and
``--ignore`` / ``--select`` of FRQ003 and FRQ004 switched (each switch runs
on a cache of its own, so a cache is left behind and found again, stale,
later). The controls are drawn too: suppression comments (whole-file, at the
end of a line, some without a reason) of portfolio rules and of rules of one
campaign and of a custom CEL rule, exceptions (live or expired, naming ids,
globs on ids or on paths), ``unsuppressible`` rules and ``overrides``; an
edit adds or takes away comments, or redraws the exceptions (with the custom
rule and the unsuppressible rules) or the overrides. After each edit the cached run's JSON report
(with the silenced findings and why) and exit code are those of
``--no-cache``. The memo FRQ003 and FRQ004 keep between runs
(``policies/replans.py``) is what this mostly tries to trip, then the
controls a patch judges again file by file (``lint/controls.py``).
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from campaign_lint.lint import patching
from tests.cli.snapshots import Cli, InProcess

SEGMENTS = ("all", "recent_buyers", "new_customers", "lapsed_customers", "vip_customers")
EVENTS = ("order.placed", "order.shipped", "order.delivered", "cart.abandoned", "visit.returned")
STOPS = ("order.placed", "review.submitted", "cart.abandoned")
REGIONS = ("GB", "US", "US-CA", "DE")
CHANGES = (("03", 7), ("03", 8), ("03", 28), ("03", 29), ("10", 24), ("10", 25), ("10", 31), ("11", 1))
CATALOGUE = """\
events:
  order.placed: {}
  order.shipped: {after: order.placed}
  order.delivered: {after: order.shipped, fulfilment: true}
  review.submitted: {after: order.delivered}
  cart.abandoned: {}
  unsubscribed: {}"""
ZONES = ("America/New_York", "Europe/London", "Asia/Tokyo", "Pacific/Kiritimati")
# The edits whose output tells most: the rules FRQ003 and FRQ004, alone or with the others.
# Each its own cache; ``campaigns/b``: a run over part of the portfolio (its portfolio is that part).
ARGS: tuple[tuple[str, ...], ...] = (
    (),
    ("--ignore", "FRQ003"),
    ("--select", "FRQ003,FRQ004"),
    ("campaigns/b",),
)

Campaign = dict[str, Any]


def examples(default: int) -> int:
    """How many examples a test of these draws runs: ``default``, or ``FUZZ_INCREMENTAL_EXAMPLES`` for a deeper run."""
    return int(os.environ.get("FUZZ_INCREMENTAL_EXAMPLES", str(default)))


Policy = dict[str, Any]

# The rules the controls are drawn over: portfolio rules (their findings judged with the comments of
# the file they are in) and rules of one campaign that these portfolios often break.
CONTROLLED = (
    "FRQ003",
    "FRQ004",
    "FRQ005",
    "TIM005",
    "SPEC003",
    "CON001",
    "AUD001",
    "FRQ001",
    "FRQ002",
    "TIM002",
)
# Where a suppression comment sits: a whole-file one, or at the end of a line of the campaign
# (``!``: without a reason, so it silences nothing and POL003 says so).
PLACES = ("file", "file", "channel", "trigger", "frequency", "audience", "id", "!channel")
# What an exception names: an id, globs on ids, globs on the file path.
PATTERNS = ("c-01", "c-0[0-3]", "c-*", "campaigns/b/*", "deep/*.yaml", "a/c-0?.yaml")
REASON = "reviewed with the CRM team"

# A custom CEL rule some policies declare (a comment naming it without it is a POL003 finding).
CUSTOM = """\
custom_rules:
  - id: ORG900
    severity: warning
    description: Voice calls are reviewed by the contact centre.
    assert: "campaign.channel != 'voice'"
    message: "campaign {id} calls customers; the contact centre reviews calls first"
"""

_suppressions = st.lists(
    st.tuples(st.sampled_from((*CONTROLLED, "ORG900")), st.sampled_from(PLACES)), max_size=2
)


@st.composite
def _controls(draw: st.DrawFn) -> dict[str, Any]:
    """The policy's controls: the custom rule or none, exceptions, rules no comment silences."""
    custom = draw(st.booleans())
    rules = st.sampled_from((*CONTROLLED, "ORG900") if custom else CONTROLLED)
    return {
        "custom": custom,
        "exceptions": draw(st.lists(st.tuples(rules, st.sampled_from(PATTERNS), st.booleans()), max_size=3)),
        "unsuppressible": draw(st.lists(rules, max_size=1)),
    }


_overrides = st.lists(
    st.tuples(
        st.sampled_from(("campaigns/b/**", "campaigns/a/*.yaml", "**/c-0[0-4].yaml")),
        st.sampled_from(CONTROLLED[5:]),
        st.sampled_from(("off", "error", "info")),
    ),
    max_size=2,
)

_clock = st.sampled_from(("00:30", "08:00", "09:00", "10:00", "18:00", "21:30", "23:45"))


@st.composite
def campaigns(draw: st.DrawFn) -> Campaign:
    """One campaign's facts (rendered by ``_campaign``)."""
    if draw(st.booleans()):
        trigger: dict[str, Any] = {
            "event": draw(st.sampled_from(("cart.abandoned", "cart.abandoned", *EVENTS))),
            "delay": draw(st.sampled_from(("", "1h", "20h", "2d", "5d"))),
        }
    else:
        # Half of them around a clock change (New York: 8 March, 1 November; London: 29 March, 25 October).
        month, day = draw(
            st.sampled_from(CHANGES) | st.tuples(st.sampled_from(("03", "10", "11")), st.integers(1, 27))
        )
        time = draw(st.sampled_from(("", "T09:30:00", "T23:30:00Z", "T01:00:00+01:00", "T08:00:00-05:00")))
        start = f"2026-{month}-{day:02d}{time}"
        end = None
        if draw(st.booleans()):
            end = f"{start[:8]}{min(28, day + draw(st.integers(0, 9))):02d}{time}"
        trigger = {"start": start, "end": end, "every": draw(st.sampled_from(("", "12h", "1d", "2d", "7d")))}
    trigger["stop_when"] = draw(st.lists(st.sampled_from(STOPS), max_size=2, unique=True))
    return {
        "channel": draw(st.sampled_from(("email", "sms", "sms", "voice", "voice", "push"))),
        "type": draw(st.sampled_from(("lifecycle", "promotional", "transactional"))),
        "subject": draw(st.sampled_from(("Your order", "20% off your next order"))),
        "segment": draw(st.sampled_from(SEGMENTS)),
        "exclude": draw(st.sampled_from(([], [], *([s] for s in SEGMENTS[1:])))),
        "regions": draw(st.sampled_from(([], [], ["GB"], ["US", "DE"], ["US-CA"], ["US"]))),
        "consent": draw(st.sampled_from(("opt_in", "express_written", "legitimate_interest"))),
        "trigger": trigger,
        "frequency": draw(st.none() | st.tuples(st.integers(1, 4), st.sampled_from(("1d", "7d", "12h")))),
        "window": draw(st.none() | st.tuples(_clock, _clock)),
        "suppress": draw(_suppressions),
    }


@st.composite
def personas(draw: st.DrawFn) -> dict[str, Any]:
    """One persona of the policy."""
    journey = draw(
        st.dictionaries(
            st.sampled_from((*EVENTS, "review.submitted")),
            st.lists(
                st.sampled_from(("0d", "0d 22:00", "1d", "2d 09:00", "3d 23:30", "9d")),
                min_size=1,
                max_size=2,
            ),
            min_size=1,
            max_size=3,
        )
    )
    consent = None
    if draw(st.booleans()):
        consent = {
            draw(st.sampled_from(("sms", "email"))): draw(st.sampled_from((["opt_in"], ["express_written"])))
        }
    return {
        "timezone": draw(st.none() | st.sampled_from(ZONES)),
        "segments": draw(
            st.none() | st.lists(st.sampled_from(SEGMENTS[1:]), min_size=1, max_size=2, unique=True)
        ),
        "region": draw(st.none() | st.sampled_from(REGIONS)),
        "consent": consent,
        "journey": journey,
    }


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    """A policy's facts: caps, ``disjoint`` groups, personas (none: the built-in ones)."""
    caps = draw(
        st.dictionaries(
            st.sampled_from(("email", "sms", "push", "voice")),
            st.tuples(st.integers(1, 3), st.sampled_from(("1d", "7d", "24h"))),
            max_size=3,
        )
    )
    named = draw(st.lists(st.sampled_from(("night-owl", "regular", "far")), max_size=2, unique=True))
    return {
        "caps": caps,
        "total": draw(st.none() | st.tuples(st.integers(2, 5), st.sampled_from(("7d", "2d")))),
        "disjoint": draw(st.booleans()),
        "personas": {name: draw(personas()) for name in named},
        "max_per_day": draw(st.sampled_from((None, 1, 1, 1, 2))),
        # A catalogue of events (the built-in personas walk it), or none (they walk the default one).
        "events": draw(st.booleans()),
        # Exceptions (rule, campaigns, live or expired), overrides (files, rule, setting), a custom
        # rule, the rules no comment silences.
        "controls": draw(_controls()),
        "overrides": draw(_overrides),
    }


def render_policy(policy: Policy) -> str:
    """The policy file of ``policy``."""
    lines = ["extends: recommended", 'campaigns: ["campaigns/**/*.yaml"]']
    if policy["caps"]:
        lines.append("channels:")
        for channel, (most, per) in sorted(policy["caps"].items()):
            lines.append(f"  {channel}: {{cap: {{max: {most}, per: {per}}}}}")
    if policy["total"] is not None:
        lines.append(f"total_cap: {{max: {policy['total'][0]}, per: {policy['total'][1]}}}")
    if policy["disjoint"]:
        lines.append("segments: {disjoint: [[new_customers, lapsed_customers, vip_customers]]}")
    if policy.get("events"):
        lines.append(CATALOGUE)
    if policy["max_per_day"] is not None:
        lines.append(f"rules: {{FRQ004: {{max_per_day: {policy['max_per_day']}}}}}")
    if policy["personas"]:
        lines.append("personas:")
        for name, persona in policy["personas"].items():
            lines.append(f"  {name}:")
            for field in ("timezone", "region"):
                if persona[field] is not None:
                    lines.append(f"    {field}: {persona[field]}")
            if persona["segments"] is not None:
                lines.append(f"    segments: [{', '.join(persona['segments'])}]")
            if persona["consent"] is not None:
                given = ", ".join(f"{k}: [{', '.join(v)}]" for k, v in persona["consent"].items())
                lines.append(f"    consent: {{{given}}}")
            days = ", ".join(
                f"{e}: [{', '.join(repr(d) for d in ds)}]" for e, ds in persona["journey"].items()
            )
            lines.append(f"    journey: {{{days}}}")
    controls = policy.get("controls", {})
    if controls.get("custom"):
        lines.append(CUSTOM.rstrip("\n"))
    if controls.get("unsuppressible"):
        lines.append(f"unsuppressible: [{', '.join(controls['unsuppressible'])}]")
    if controls.get("exceptions"):
        lines.append("exceptions:")
        for number, (rule, pattern, live) in enumerate(controls["exceptions"]):
            lines.append(f'  - {{rule: {rule}, campaigns: ["{pattern}"], reason: "Reviewed (MKT-{number})",')
            lines.append(f"     expires: {'2099-12-31' if live else '2020-01-31'}}}")
    if policy.get("overrides"):
        lines.append("overrides:")
        for files, rule, setting in policy["overrides"]:
            lines.append(f'  - {{files: ["{files}"], rules: {{{rule}: {setting}}}}}')
    return "\n".join(lines) + "\n"


def render_campaign(index: int, facts: Campaign) -> str:
    """The campaign file of ``facts`` (its id: ``c-<index>``)."""
    trigger = facts["trigger"]
    if "event" in trigger:
        body = f"  event: {trigger['event']}\n"
        if trigger["delay"]:
            body += f"  delay: {trigger['delay']}\n"
    else:
        schedule = [f"start: {trigger['start']}"]
        if trigger["end"] is not None:
            schedule.append(f"end: {trigger['end']}")
        if trigger["every"]:
            schedule.append(f"every: {trigger['every']}")
        body = f"  schedule: {{{', '.join(schedule)}}}\n"
    if trigger["stop_when"]:
        body += f"  stop_when: [{', '.join(trigger['stop_when'])}]\n"
    text = (
        f"version: 1\nid: c-{index:02d}\nname: Campaign {index}\nowner: crm@example.com\n"
        f"type: {facts['type']}\npurpose: Tell customers about their order.\n"
        "customer_value: You learn when your order arrives and what to do next.\n"
        f"channel: {facts['channel']}\naudience:\n  segment: {facts['segment']}\n"
        f"  exclude: [{', '.join(facts['exclude'])}]\n  regions: [{', '.join(facts['regions'])}]\n"
        f"  consent: {facts['consent']}\ntrigger:\n{body}"
    )
    if facts["frequency"] is not None:
        text += f"frequency: {{max: {facts['frequency'][0]}, per: {facts['frequency'][1]}}}\n"
    if facts["window"] is not None:
        text += f'send_window: {{start: "{facts["window"][0]}", end: "{facts["window"][1]}"}}\n'
    text += (
        f"content:\n  subject: {facts['subject']}\n  unsubscribe: one_click\n"
        "success_metrics: [problems_resolved, repeat_purchase_rate]\n"
    )
    return _suppressed(text, facts.get("suppress", ()))


def _suppressed(text: str, suppressions: Any) -> str:
    """``text`` with the suppression comments ``suppressions`` (rule, place) written in."""
    lines = text.splitlines()
    for rule, place in suppressions:
        reason = "" if place.startswith("!") else f" -- {REASON}"
        if place == "file":
            lines.insert(0, f"# campaign-lint: disable-file={rule}{reason}")
            continue
        key = place.lstrip("!") + ":"
        at = next((i for i, line in enumerate(lines) if line.startswith(key)), None)
        if at is not None:
            lines[at] += f"  # campaign-lint: disable={rule}{reason}"
    return "\n".join(lines) + "\n"


FOLDERS = ("campaigns/a", "campaigns/b", "campaigns/b/deep")


@contextmanager
def _repository() -> Iterator[Path]:
    """A fresh repository folder as the working directory (one per example: Hypothesis runs many)."""
    here = os.getcwd()
    folder = Path(tempfile.mkdtemp(prefix="fuzz-incremental-"))
    root = folder / "repo"
    (root / ".git").mkdir(parents=True)
    os.chdir(root)
    try:
        yield root
    finally:
        os.chdir(here)
        shutil.rmtree(folder, ignore_errors=True)


def _same_as_cold(console: InProcess, args: tuple[str, ...]) -> str:
    """The warm run's report, asserted equal to ``--no-cache``'s (exit code and JSON).

    The warm run is made as the console script makes it (``cli/entry.py``):
    answered from the replay record, or by patching it (``lint/patching.py``),
    when it can; the run without a cache through the whole command line.
    """
    warm, _ = console.run("check", "--format", "json", "--show-suppressed", *args)
    gc.enable()  # the console script turns the collector off for the rest of its process
    cold = console.cli.run("check", "--format", "json", "--show-suppressed", "--no-cache", *args)
    assert warm.stderr == cold.stderr
    assert (warm.exit_code, warm.normalised(warm.stdout)) == (cold.exit_code, cold.normalised(cold.stdout))
    for rule in ("FRQ003", "FRQ004"):
        shown = f'"rule": "{rule}"' in warm.stdout
        event(f"{rule} {'found' if shown else 'not found'}")
    for silenced in ('"reason": "inline', '"reason": "exception', '"rule": "POL'):
        event(f"{silenced} {'found' if silenced in warm.stdout else 'not found'}")
    return warm.stdout


def _dated_back(path: Path) -> None:
    """Date a file just written two minutes back: as saved before the run, not moments ago.

    A file saved moments ago is never recorded for replay (``lint/replay.stamped``):
    dated back, the warm runs are also answered from the replay record, or by
    patching it (``lint/patching.py``), and compared with ``--no-cache`` like the rest.
    """
    moment = time.time() - 120
    os.utime(path, (moment, moment))


class Portfolio:
    """The repository's files as facts, written after each edit."""

    def __init__(self, root: Path, policy: Policy, items: list[Campaign]) -> None:
        self.root = root
        self.policy = policy
        # Path -> (index, facts, extra text no rule reads).
        self.files: dict[str, tuple[int, Campaign, str]] = {}
        # Path -> what the file held before its last edit.
        self.before: dict[str, tuple[int, Campaign, str]] = {}
        self.made = 0
        for facts in items:
            self.add(FOLDERS[self.made % 2], facts)
        self.write_policy()

    def add(self, folder: str, facts: Campaign, index: int | None = None, extra: str = "") -> str:
        """Write a campaign in ``folder`` under a new name (``index``: its id's number; None: a new one)."""
        if index is None:
            index = self.made
        self.made += 1
        path = f"{folder}/c-{self.made:02d}.yaml"
        self.write(path, (index, facts, extra))
        return path

    def write(self, path: str, entry: tuple[int, Campaign, str]) -> None:
        if path in self.files:
            self.before[path] = self.files[path]
        self.files[path] = entry
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(entry[2] + render_campaign(entry[0], entry[1]), encoding="utf-8")
        _dated_back(target)

    def remove(self, path: str) -> None:
        del self.files[path]
        (self.root / path).unlink()

    def write_policy(self) -> None:
        policy = self.root / "campaign-lint.yaml"
        policy.write_text(render_policy(self.policy), encoding="utf-8")
        _dated_back(policy)


def _apply(data: st.DataObject, portfolio: Portfolio, args: list[tuple[str, ...]]) -> tuple[str, str | None]:
    """One random edit of ``portfolio`` (or of the run: arguments, folder); what it was, the file edited."""
    paths = sorted(portfolio.files)
    kind = data.draw(
        st.sampled_from(
            (
                *("field", "field", "field", "add", "delete", "move", "copy"),
                # Comments twice: the edit a patched replay record answers (lint/patching.py).
                *("comment", "comment", "invalid", "revert", "policy", "args", "folder"),
                # A suppression comment added or taken away: patched too (the controls judged again).
                *("suppress", "suppress", "controls"),
            )
        )
        if paths
        else st.just("add")
    )
    if kind == "add":
        added = portfolio.add(data.draw(st.sampled_from(FOLDERS)), data.draw(campaigns()))
        return "add", added
    if kind == "args":
        args[0] = data.draw(st.sampled_from(ARGS))
        return f"args {args[0]}", None
    if kind == "folder":  # run from another folder: paths are shown relative to it (a cache of its own)
        here = Path.cwd()
        os.chdir(portfolio.root if here != portfolio.root else portfolio.root / "campaigns")
        return f"run in {Path.cwd()}", None
    if kind in ("policy", "controls"):
        fresh = data.draw(policies())
        part = data.draw(st.sampled_from(("controls", "overrides") if kind == "controls" else sorted(fresh)))
        portfolio.policy = {**portfolio.policy, part: fresh[part]}
        portfolio.write_policy()
        return f"policy {part}", None
    path = data.draw(st.sampled_from(paths))
    index, facts, extra = portfolio.files[path]
    if kind == "delete":
        portfolio.remove(path)
    elif kind == "move":
        portfolio.remove(path)
        path = portfolio.add(data.draw(st.sampled_from(FOLDERS)), facts, index, extra)
    elif kind == "copy":
        path = portfolio.add(data.draw(st.sampled_from(FOLDERS)), facts, index)
    elif kind == "revert":  # back to what it was before its last edit (a digest seen before comes back)
        portfolio.write(path, portfolio.before.get(path, (index, facts, extra)))
    elif kind == "comment":
        portfolio.write(path, (index, facts, extra + "# reviewed again\n"))
    elif kind == "suppress":
        portfolio.write(path, (index, {**facts, "suppress": data.draw(_suppressions)}, extra))
    elif kind == "invalid":
        portfolio.remove(path)
        (portfolio.root / path).write_text("version: 1\nid: [broken\n", encoding="utf-8")
        _dated_back(portfolio.root / path)
    else:
        other = data.draw(campaigns())
        field = data.draw(st.sampled_from(sorted(other)))
        portfolio.write(path, (index, {**facts, field: other[field]}, extra))
        return f"{field} of", path
    return kind, path


@settings(
    max_examples=examples(6),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(
    policy=policies(),
    items=st.lists(campaigns(), min_size=2, max_size=8),
    data=st.data(),
)
def test_any_edits_give_what_a_cold_run_gives(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    policy: Policy,
    items: list[Campaign],
    data: st.DataObject,
) -> None:
    with _repository() as root:
        monkeypatch.setenv("XDG_CACHE_HOME", str(root.parent / "user-cache"))
        cli = Cli(root, capsys)
        # Counts the warm runs answered by patching the replay record.
        console = InProcess(cli, capsys, monkeypatch, patching.Patch, "results")
        portfolio = Portfolio(root, policy, items)
        args: list[tuple[str, ...]] = [()]
        _same_as_cold(console, args[0])
        for _ in range(data.draw(st.integers(1, 6))):
            done, edited = _apply(data, portfolio, args)
            data.draw(st.just((done, edited)), label="edit")
            _same_as_cold(console, args[0])
            if edited is not None and (root / edited).exists() and data.draw(st.booleans(), label="narrowed"):
                # As the pre-commit hook runs: the edited file named, the portfolio behind it.
                _same_as_cold(console, (*args[0], "--force-exclude", os.path.relpath(root / edited)))
        event(f"warm runs answered by patching the replay record: {'some' if console.calls else 'none'}")
