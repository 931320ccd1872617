"""Portfolio rules share what they compute alike within a pass (each persona's timeline, the personas), never across runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from campaign_lint.lint.config import load_settings
from campaign_lint.lint.session import Session
from campaign_lint.policies import expect, personas, plans
from campaign_lint.policies.base import NoOptions, RuleContext
from campaign_lint.policies.hours import TIM005
from campaign_lint.policies.inbox import FRQ005
from campaign_lint.policies.timeline import Persona, Sender, Timeline
from campaign_lint.policies.view import PolicyView
from tests.helpers import write_tree

BOTH_KINDS = """\
version: 1
personas:
  late-parcel:
    journey: {order.placed: 0d, order.delivered: 9d}
    expects:
      - {at_most: 1, within: 7d, after: order.placed}
      - {never: feedback, before: order.delivered}
  night-owl:
    journey: {order.placed: 0d}
    expects:
      - {min_gap: 16h}
      - {quiet: {start: "21:00", end: "08:00"}}
"""

CAMPAIGN = """\
version: 1
id: {id}
owner: crm@example.com
type: {type}
purpose: Help with the order.
customer_value: You get the most from what you bought.
channel: email
trigger: {{event: order.placed, delay: {delay}}}
frequency: {{max: 1, per: 7d}}
content: {{subject: "{subject}", unsubscribe: one_click}}
"""


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of each persona whose timeline is drawn, in order."""
    names: list[str] = []
    original = expect.timeline_for

    def counting(senders: Sequence[Sender], persona: Persona, policy: PolicyView) -> tuple[Timeline, bool]:
        names.append(persona.name)
        return original(senders, persona, policy)

    monkeypatch.setattr(expect, "timeline_for", counting)
    return names


def _write(root: Path, policy: str) -> Session:
    write_tree(
        root,
        {
            "campaign-lint.yaml": policy,
            "campaigns/a-thanks.yaml": CAMPAIGN.format(
                id="order-thanks", type="lifecycle", delay="1h", subject="Thanks"
            ),
            "campaigns/b-rate.yaml": CAMPAIGN.format(
                id="rate-your-order", type="feedback", delay="12h", subject="Rate your order"
            ),
        },
    )
    settings = load_settings(root / "campaign-lint.yaml", root, select=["FRQ005", "TIM005"])
    return Session(settings)


def test_each_persona_timeline_is_drawn_once_for_both_rules(tmp_path: Path, drawn: list[str]) -> None:
    session = _write(tmp_path, BOTH_KINDS)
    report = session.lint([tmp_path / "campaigns"])
    # both rules judged both personas...
    assert {(f.rule, f.message.split("`")[1]) for f in report.findings} == {
        ("FRQ005", "late-parcel"),
        ("FRQ005", "night-owl"),
        ("TIM005", "late-parcel"),
        ("TIM005", "night-owl"),
    }
    # ...on one timeline each
    assert sorted(drawn) == ["late-parcel", "night-owl"]
    # A second run draws them again: nothing is kept from one run to the next.
    again = session.lint([tmp_path / "campaigns"])
    assert again.findings == report.findings
    assert sorted(drawn) == ["late-parcel", "late-parcel", "night-owl", "night-owl"]


def test_a_rule_outside_a_pass_draws_its_own(tmp_path: Path, drawn: list[str]) -> None:
    session = _write(tmp_path, BOTH_KINDS)
    session.engine.keep_records = True
    session.lint([tmp_path / "campaigns"])
    records = session.engine.records
    drawn.clear()
    view = session.settings.view
    assert list(FRQ005().check(records, RuleContext(view, NoOptions())))
    assert list(TIM005().check(records, RuleContext(view, NoOptions())))
    assert sorted(drawn) == ["late-parcel", "late-parcel", "night-owl", "night-owl"]


def test_a_persona_with_one_kind_is_drawn_for_its_rule_alone(tmp_path: Path, drawn: list[str]) -> None:
    only_counts = BOTH_KINDS.replace('      - {quiet: {start: "21:00", end: "08:00"}}\n', "").replace(
        "      - {never: feedback, before: order.delivered}\n", ""
    )
    report = _write(tmp_path, only_counts).lint([tmp_path / "campaigns"])
    assert {f.rule for f in report.findings} == {"FRQ005"}
    assert sorted(drawn) == ["late-parcel", "night-owl"]


def test_frq003_and_frq004_draw_the_personas_once_per_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The built-in personas, drawn from every campaign, are drawn once for FRQ003 and FRQ004 together."""
    draws: list[int] = []
    original = personas.personas

    def counting(policy: PolicyView, senders: Sequence[Sender]) -> list[Persona]:
        draws.append(len(senders))
        return original(policy, senders)

    monkeypatch.setattr(plans, "personas", counting)
    _write(tmp_path, "version: 1\n")
    settings = load_settings(tmp_path / "campaign-lint.yaml", tmp_path, select=["FRQ003", "FRQ004"])
    text = CAMPAIGN.format(id="{id}", type="lifecycle", delay="1h", subject="Texts").replace(
        "channel: email", "channel: sms"
    )
    write_tree(tmp_path, {"campaigns/c-text.yaml": text.replace("{id}", "order-text")})
    session = Session(settings)
    session.lint([tmp_path / "campaigns"])
    assert draws == [3]
    session.lint([tmp_path / "campaigns"])
    assert draws == [3, 3]  # drawn again in the next run: nothing is kept between runs
