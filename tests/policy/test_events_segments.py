"""The event catalogue (SPEC004, TIM001) and disjoint segments (FRQ003)."""

from __future__ import annotations

from tests.cli.snapshots import Cli
from tests.policy.support import at, feedback, findings, report

CATALOGUE = """\
version: 1
events:
  order.placed: {}
  order.shipped: {after: order.placed}
  parcel.received: {after: order.shipped, fulfilment: true}
  review.window.open: {after: parcel.received}
  review.submitted: {after: review.window.open}
  order.returned: {after: parcel.received}
"""


def on(event: str, campaign_id: str = "review") -> str:
    """The clean feedback campaign triggered on ``event``."""
    return feedback(campaign_id).replace("event: order.delivered", f"event: {event}")


def lint(repo: Cli, policy: str, campaigns: dict[str, str]) -> list[tuple[str, str, str, int, int]]:
    repo.write({"campaign-lint.yaml": policy, **{f"campaigns/{n}.yaml": t for n, t in campaigns.items()}})
    run = repo.run("check", "--format", "json", "--no-cache")
    assert run.exit_code in (0, 1), run.stderr
    return findings(run)


def test_unknown_event_suggests_the_closest_known_name(repo: Cli) -> None:
    campaign = on("parcel.received").replace("[review.submitted,", "[review.submited,")
    run_findings = lint(repo, CATALOGUE, {"review": campaign})
    assert run_findings == [("SPEC004", "error", "campaigns/review.yaml", *at(campaign, "review.submited"))]
    message = report(repo.run("check", "--format", "json", "--no-cache"))["findings"][0]["message"]
    assert "`review.submited`" in message
    assert "did you mean `review.submitted`?" in message


def test_unknown_trigger_event(repo: Cli) -> None:
    campaign = on("parcel.recieved")
    run_findings = lint(repo, CATALOGUE, {"review": campaign})
    spec004 = [f for f in run_findings if f[0] == "SPEC004"]
    assert spec004 == [("SPEC004", "error", "campaigns/review.yaml", *at(campaign, "parcel.recieved"))]


def test_without_a_catalogue_any_event_name_is_accepted(repo: Cli) -> None:
    campaign = feedback("review").replace("[review.submitted,", "[review.whatever,")
    assert lint(repo, "version: 1\n", {"review": campaign}) == []


def test_tim001_uses_the_catalogues_fulfilment_event(repo: Cli) -> None:
    assert lint(repo, CATALOGUE, {"review": on("parcel.received")}) == []


def test_tim001_accepts_events_after_fulfilment_through_the_after_chain(repo: Cli) -> None:
    assert lint(repo, CATALOGUE, {"review": on("review.window.open")}) == []


def test_tim001_flags_events_before_fulfilment(repo: Cli) -> None:
    campaign = on("order.shipped")
    assert lint(repo, CATALOGUE, {"review": campaign}) == [
        ("TIM001", "error", "campaigns/review.yaml", *at(campaign, "order.shipped"))
    ]


def test_the_default_fulfilment_event_is_not_special_with_a_catalogue_marker(repo: Cli) -> None:
    # `order.delivered` is not in this catalogue: unknown (SPEC004) and not after fulfilment (TIM001).
    campaign = on("order.delivered")
    where = at(campaign, "order.delivered")
    assert lint(repo, CATALOGUE, {"review": campaign}) == [
        ("SPEC004", "error", "campaigns/review.yaml", *where),
        ("TIM001", "error", "campaigns/review.yaml", *where),
    ]


# Clean lifecycle email every 3 days, at most 2 in any 7 days (the default email cap is 3 per 7 days).
WEEKLY = """\
version: 1
id: {id}
name: Weekly care tips
owner: content-team@example.com
type: lifecycle
purpose: Fewer returns of cookware that was looked after badly.
customer_value: You learn how to make your kettle and pans last for years.
channel: email
audience: {{segment: {segment}, consent: opt_in, inactive_days_max: 180}}
trigger: {{schedule: {{start: 2026-11-23, every: 3d}}, stop_when: [order.returned]}}
frequency: {{max: 2, per: 7d}}
send_window: {{start: "09:00", end: "20:00"}}
content: {{subject: Make your kettle last, unsubscribe: one_click}}
success_metrics: [retention_rate]
holdout: 10%
"""


def weekly(segment: str) -> str:
    return WEEKLY.format(id=f"tips-{segment.replace('_', '-')}", segment=segment)


PAIR = {"new": weekly("new_customers"), "lapsed": weekly("lapsed_customers")}


def frq003(run_findings: list[tuple[str, str, str, int, int]]) -> list[tuple[str, str, str, int, int]]:
    return [f for f in run_findings if f[0] == "FRQ003"]


def test_overlapping_segments_add_up(repo: Cli) -> None:
    # 2 + 2 emails a week to someone in both segments: over the cap of 3.
    assert frq003(lint(repo, "version: 1\n", PAIR)) == [
        ("FRQ003", "error", "campaigns/lapsed.yaml", *at(PAIR["lapsed"], "{max: 2"))
    ]


def test_disjoint_segments_do_not_add_up(repo: Cli) -> None:
    policy = "version: 1\nsegments:\n  disjoint: [[new_customers, lapsed_customers]]\n"
    assert lint(repo, policy, PAIR) == []


def test_a_segment_outside_the_disjoint_group_still_adds_up(repo: Cli) -> None:
    policy = "version: 1\nsegments:\n  disjoint: [[new_customers, lapsed_customers]]\n"
    campaigns = {**PAIR, "vip": weekly("vip")}
    repo.write({"campaign-lint.yaml": policy, **{f"campaigns/{n}.yaml": t for n, t in campaigns.items()}})
    run = repo.run("check", "--format", "json", "--no-cache")
    found = report(run)["findings"]
    assert [f["rule"] for f in found] == ["FRQ003"]
    involved = sorted([found[0]["path"], *(r["path"] for r in found[0]["related"])])
    # vip plus one of the two disjoint segments: 4 per week, never all three (6).
    assert len(involved) == 2
    assert "campaigns/vip.yaml" in involved
    assert "receives 4 marketing messages" in found[0]["message"]
    assert run.exit_code == 1
