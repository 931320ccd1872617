"""The incremental portfolio: after any edit, a warm run says exactly what a run without a cache says.

Generated portfolios (several channels, shared trigger events, schedules,
segments declared disjoint, duplicate ids, suppression comments and policy
exceptions on portfolio findings) are edited in the ways a repository is:
a cap raised and lowered again (a portfolio finding appears and leaves on
*another* file), an id copied and restored, a channel switched, a file
deleted, renamed or added, a comment added, a new trigger event (the
built-in personas change), a schedule before every other (the schedules'
first day moves), the segments of a ``disjoint`` group swapped, the campaign
a finding sits on deleted, the policy edited; one portfolio has personas of
its own, one on a clock of its own, and schedules written at an instant. After each
edit the cached run's output, over the whole portfolio and narrowed to the
edited file as pre-commit runs it, is byte-identical to ``--no-cache``.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from campaign_lint.core import yamlload
from campaign_lint.lint import portfolio
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.engine import Engine
from campaign_lint.policies import replans
from campaign_lint.policies.base import PORTFOLIO_FIELDS, CampaignRecord, PortfolioRule, portfolio_view
from campaign_lint.policies.timeline import Sender, Timeline, simulate
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.campaign import Campaign
from tests.cli.snapshots import Cli

POLICY = """\
extends: recommended
campaigns: ["campaigns/**/*.yaml"]
segments:
  disjoint:
    - [new_customers, lapsed_customers]
exceptions:
  - rule: FRQ004
    campaigns: ["c-07*"]
    reason: Approved by the compliance lead (MKT-7).
    expires: 2099-12-31
"""
SEGMENTS = ("recent_buyers", "new_customers", "lapsed_customers", "vip_customers")
EVENTS = ("order.delivered", "cart.abandoned", "order.placed")
CHANNELS = ("email", "email", "sms", "push")
CAPS = ("1 per 7d", "2 per 7d", "1 per 1d", "3 per 7d")


# Personas of the policy, one on a clock of its own (schedules written at an instant move on it).
PERSONAS = """\
personas:
  night-owl:
    timezone: America/New_York
    journey: {cart.abandoned: ["0d 22:00", "1d 23:00"], order.placed: "2d 09:00"}
  regular:
    segments: [recent_buyers, vip_customers]
    journey: {order.placed: 0d, order.delivered: ["3d", "9d 14:30"]}
"""


def campaign(rng: random.Random, index: int) -> str:
    """A generated campaign file (valid, some with findings of their own)."""
    channel = rng.choice(CHANNELS)
    consent = "express_written" if channel == "sms" else "opt_in"
    # Stops and schedules at an instant, drawn apart (the portfolios of ``rng`` stay as they were).
    twist = random.Random(index)
    if rng.random() < 0.6:
        trigger = f"  event: {rng.choice(EVENTS)}\n  delay: {rng.choice(('1h', '2d', '5d'))}\n"
        if twist.random() < 0.3:
            trigger += "  stop_when: [order.placed]\n"
    else:
        day = rng.randint(1, 20)
        start: str = f"2026-11-{day:02d}"
        end = f"2026-11-{day + rng.randint(1, 8):02d}"
        if twist.random() < 0.3:  # at an instant: on the clock of a persona with a time zone
            start, end = f"{start}T09:30:00Z", f"{end}T18:00:00+01:00"
        stop = ", stop_when: [order.placed]" if twist.random() < 0.3 else ""
        trigger = f"  schedule: {{start: {start}, end: {end}, every: 1d}}\n"
        trigger = trigger.replace("}\n", f"}}\n  {stop[2:]}\n") if stop else trigger
    count, _, per = rng.choice(CAPS).split()
    comment = "  # campaign-lint: disable=FRQ003 -- agreed with the CRM council" if index % 9 == 4 else ""
    transactional = rng.random() < 0.1
    return (
        f"version: 1\nid: c-{index:02d}\nname: Campaign {index}\nowner: crm@example.com\n"
        f"type: {'transactional' if transactional else 'lifecycle'}\n"
        f"purpose: Tell customers about their order.\n"
        f"customer_value: You learn when your order arrives and what to do next.\n"
        f"channel: {channel}\n"
        f"audience:\n  segment: {rng.choice(SEGMENTS)}\n  exclude: [{rng.choice(SEGMENTS)}]\n  consent: {consent}\n"
        f"trigger:\n{trigger}"
        f"frequency:{comment}\n  max: {count}\n  per: {per}\n"
        'send_window:\n  start: "09:00"\n  end: "20:00"\n'
        "content:\n  subject: Your order\n  unsubscribe: one_click\n"
        "success_metrics: [problems_resolved, repeat_purchase_rate]\n"
    )


def portfolio_files(seed: int, count: int = 24) -> dict[str, str]:
    """The policy and ``count`` generated campaigns."""
    rng = random.Random(seed)
    files = {"campaign-lint.yaml": POLICY}
    for index in range(count):
        files[f"campaigns/{('team-a', 'team-b')[index % 2]}/c-{index:02d}.yaml"] = campaign(rng, index)
    return files


def _edit(root: Path, name: str, change: Callable[[str], str]) -> None:
    path = root / name
    path.write_text(change(path.read_text(encoding="utf-8") if path.exists() else ""), encoding="utf-8")


def _move(root: Path, old: str, new: str) -> None:
    (root / old).rename(root / new)


def _same_as_cold(cli: Cli, *args: str) -> str:
    """The cached run's output, asserted equal to the uncached run's (output and exit code)."""
    warm = cli.run("check", "--format", "json", "--show-suppressed", *args)
    cold = cli.run("check", "--format", "json", "--show-suppressed", "--no-cache", *args)
    assert warm.stderr == cold.stderr == ""
    assert (warm.exit_code, warm.normalised(warm.stdout)) == (cold.exit_code, cold.normalised(cold.stdout))
    return warm.normalised(warm.stdout)


def _check_both(cli: Cli, edited: str | None) -> str:
    """Whole-portfolio and pre-commit (``edited`` named) runs, each as without a cache; the whole output."""
    whole = _same_as_cold(cli)
    if edited is not None and (cli.root / edited).exists():
        _same_as_cold(cli, "--force-exclude", edited)
    return whole


def _raise_cap(text: str) -> str:
    return re.sub(r"(?m)^  max: \d+$", "  max: 9", text, count=1)


@pytest.fixture
def repo(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    """A working repository whose cache key lives in the test's own folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return cli


def _retriggered(text: str, trigger: str) -> str:
    """``text`` with ``trigger`` (lines under ``trigger:``) in place of its own."""
    text = re.sub(r"(?m)^  (event|delay|stop_when|schedule): .*\n", "", text)
    return text.replace("trigger:\n", "trigger:\n" + trigger)


def _earliest(text: str) -> str:
    """``text`` scheduled before every other campaign (the schedules' first day moves)."""
    return _retriggered(text, "  schedule: {start: 2026-10-01, end: 2026-10-09, every: 1d}\n")


def _swap_segments(root: Path) -> None:
    """``new_customers`` becomes ``lapsed_customers`` in four campaigns."""
    for index in (0, 2, 4, 6):
        _edit(
            root,
            f"campaigns/team-a/c-{index:02d}.yaml",
            lambda t: t.replace("new_customers", "lapsed_customers"),
        )


def _top_of(output: str, rule: str) -> str | None:
    """The file a finding of ``rule`` sits on (the campaign contributing most), if any."""
    findings = json.loads(output.replace("<seconds>", "0"))["findings"]
    return next((f["path"] for f in findings if f["rule"] == rule), None)


@pytest.mark.parametrize(("seed", "personas"), [(1, ""), (2, ""), (4, PERSONAS)])
def test_every_edit_gives_what_a_cold_run_gives(repo: Cli, seed: int, personas: str) -> None:
    files = portfolio_files(seed)
    files["campaign-lint.yaml"] += personas
    # Not the first campaign by path: portfolio findings sit on the first contributing one.
    name = "campaigns/team-b/c-09.yaml"
    files[name] = re.sub(r"(?m)^channel: .*$", "channel: email", files[name])
    files[name] = re.sub(r"(?m)^  consent: .*$", "  consent: opt_in", files[name])
    files[name] = re.sub(r"(?m)^  max: \d+\n  per: .*$", "  max: 1\n  per: 7d", files[name])
    repo.write(files)
    first = _check_both(repo, None)
    assert "FRQ003" in first or "FRQ004" in first  # the generated portfolio has portfolio findings
    root = repo.root
    raised = [""]

    def remember_raise(text: str) -> str:
        raised[0] = text
        return _raise_cap(text)

    steps: list[tuple[str, Callable[[], object]]] = [
        ("cap raised", lambda: _edit(root, name, remember_raise)),
        ("cap lowered again", lambda: _edit(root, name, lambda _: raised[0])),
        ("comment only", lambda: _edit(root, name, lambda t: t + "# reviewed again\n")),
        (
            "id copied from another file",
            lambda: _edit(root, name, lambda t: t.replace("id: c-09", "id: c-03")),
        ),
        ("id restored", lambda: _edit(root, name, lambda t: t.replace("id: c-03", "id: c-09"))),
        (
            "channel switched",
            lambda: _edit(root, name, lambda t: t.replace("channel: email", "channel: sms")),
        ),
        ("a line added on top", lambda: _edit(root, name, lambda t: "# moved down a line\n" + t)),
        ("another file deleted", lambda: (root / "campaigns/team-b/c-01.yaml").unlink()),
        (
            "a file renamed",
            lambda: (root / "campaigns/team-b/c-03.yaml").rename(root / "campaigns/team-a/a-first.yaml"),
        ),
        (
            "a file added",
            lambda: (root / "campaigns/team-b/c-99.yaml").write_text(files[name], encoding="utf-8"),
        ),
        ("made invalid", lambda: _edit(root, name, lambda t: t.replace("channel: ", "chanel: "))),
        ("valid again", lambda: _edit(root, name, lambda t: t.replace("chanel: ", "channel: "))),
        (
            # A new trigger event: the built-in journeys walk it too (the personas change).
            "a new event",
            lambda: _edit(root, name, lambda t: _retriggered(t, "  event: visit.returned\n  delay: 1h\n")),
        ),
        ("scheduled before every other", lambda: _edit(root, name, _earliest)),
        (
            # The segment most campaigns target in a disjoint group decides the worst-case customer.
            "segments swapped",
            lambda: _swap_segments(root),
        ),
        ("the campaign contributing most deleted", lambda: _delete_top(root)),
        (
            "a new campaign on the first day",
            lambda: (root / "campaigns/team-a/c-98.yaml").write_text(
                _earliest(files[name]).replace("id: c-09", "id: c-98"), encoding="utf-8"
            ),
        ),
        (
            "policy cap",
            lambda: _edit(root, "campaign-lint.yaml", lambda t: t + "total_cap: {max: 4, per: 7d}\n"),
        ),
        ("after the policy, a cap", lambda: _edit(root, name, _raise_cap)),
    ]
    outputs = [first]
    latest = [first]

    def _delete_top(root: Path) -> None:
        top = _top_of(latest[0], "FRQ003") or _top_of(latest[0], "FRQ004")
        assert top is not None
        assert top != name  # a portfolio finding on another campaign: it leaves
        (root / top).unlink()

    for _, step in steps:
        step()
        outputs.append(_check_both(repo, name))
        latest[0] = outputs[-1]
    assert len(set(outputs)) > 5  # the edits did change what is reported
    # ...and some of them changed the findings on campaigns that were not edited.
    elsewhere = [_others(output, name) for output in outputs[:3]]
    assert elsewhere[0] != elsewhere[1] or elsewhere[1] != elsewhere[2]


def _others(output: str, edited: str) -> list[str]:
    """The findings of a JSON report that are not on ``edited`` (rule and message)."""
    findings = json.loads(output.replace("<seconds>", "0"))["findings"]
    return sorted(f"{f['path']} {f['rule']} {f['message']}" for f in findings if f["path"] != edited)


def test_warm_run_checks_again_only_the_groups_an_edit_touched(
    repo: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write(portfolio_files(3))
    _same_as_cold(repo)
    checked: list[tuple[str, object, int]] = []
    real = portfolio.check_group

    def counting(rule, ctx, severity, key, records):  # type: ignore[no-untyped-def]
        checked.append((rule.id, key, len(records)))
        return real(rule, ctx, severity, key, records)

    monkeypatch.setattr(portfolio, "check_group", counting)
    name = "campaigns/team-a/c-00.yaml"
    _edit(repo.root, name, lambda t: t + "# a comment no rule reads\n")
    repo.run("check", "--format", "json")
    assert checked == []  # the record did not change: nothing is checked again
    _edit(repo.root, name, _raise_cap)
    repo.run("check", "--format", "json")
    assert checked  # its groups are checked again...
    assert {rule for rule, _, _ in checked} <= {"SPEC003", "FRQ003", "FRQ004"}
    assert sum(size for rule, _, size in checked if rule == "SPEC003") == 1  # ...not every other id


def test_a_cap_edit_draws_again_only_the_edited_campaign(repo: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """FRQ003 and FRQ004 keep each campaign's part of every plan: an edit draws the edited campaign alone."""
    name = "campaigns/team-a/c-00.yaml"
    files = portfolio_files(3)
    files[name] = re.sub(r"(?m)^type: .*$", "type: lifecycle", files[name])  # counted by FRQ003
    repo.write(files)
    _same_as_cold(repo)
    drawn: list[int] = []
    briefed: list[str] = []
    brief_of = replans.brief_of

    def counting(senders: Sequence[Sender], *args: Any) -> Timeline:
        drawn.append(len(senders))
        return simulate(senders, *args)

    def briefing(record: CampaignRecord) -> replans.Brief:
        briefed.append(record.path)
        return brief_of(record)

    monkeypatch.setattr(replans, "simulate", counting)
    monkeypatch.setattr(replans, "brief_of", briefing)
    _edit(repo.root, name, _raise_cap)
    repo.run("check", "--format", "json")
    assert briefed == [name]  # the others' briefs were kept...
    assert drawn  # ...and the edited campaign drawn again, alone, in each plan it is in
    assert set(drawn) == {1}
    drawn.clear()
    _same_as_cold(repo)  # as a run without a cache says (which draws every campaign at once)
    assert max(drawn, default=0) == 0


def _records(files: dict[str, str], view: PolicyView) -> list[CampaignRecord]:
    records = []
    for path, text in sorted(files.items()):
        if path.startswith("campaigns/"):
            document = yamlload.load(text)
            campaign_ = Campaign.model_validate(document.data)
            spans = document.top_level_spans(PORTFOLIO_FIELDS)
            records.append(portfolio_view(path, campaign_, spans, view))
    return records


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("extra", ["", "total_cap: {max: 4, per: 7d}\n"])
def test_groups_find_what_the_whole_portfolio_finds(tmp_path: Path, seed: int, extra: str) -> None:
    """The contract of ``PortfolioRule.groups``, for every portfolio rule: grouped == checked at once."""
    files = portfolio_files(seed, count=40)
    (tmp_path / "campaign-lint.yaml").write_text(POLICY + extra, encoding="utf-8")
    settings = load_settings(tmp_path / "campaign-lint.yaml", tmp_path)
    engine = Engine(settings)
    records = _records(files, settings.view)
    assert engine.portfolio_rules  # with none, the loop below would prove nothing
    for rule, ctx, severity in engine.portfolio_rules:
        whole = [portfolio._finding(rule.id, severity, v)[0] for v in rule.check(records, ctx)]
        members = [portfolio.Member(record.path, record) for record in records]
        grouped, _, _ = portfolio.check([(rule, ctx, severity)], members, None)
        assert Counter(grouped) == Counter(whole), rule.id


def test_groups_of_asks_only_the_rules_that_split_the_portfolio(tmp_path: Path) -> None:
    """A rule keeping ``PortfolioRule.groups`` is one whole group without being asked; the others are asked."""
    (tmp_path / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")
    settings = load_settings(tmp_path / "campaign-lint.yaml", tmp_path)
    engine = Engine(settings)
    records = _records(portfolio_files(0, count=12), settings.view)
    assert records
    kept = [rule.id for rule, _, _ in engine.portfolio_rules if type(rule).groups is PortfolioRule.groups]
    assert "FRQ003" in kept  # both kinds of rule are in the test
    assert "SPEC003" not in kept
    for record in records:
        asked = tuple(tuple(rule.groups(record, ctx)) for rule, ctx, _ in engine.portfolio_rules)
        assert portfolio.groups_of(engine.portfolio_rules, record) == asked
