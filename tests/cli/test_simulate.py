"""``campaign-lint simulate``: what a customer receives, as an agenda or one JSON object."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import campaigns
from tests.cli.snapshots import Cli, assert_snapshot

POLICY = """\
version: 1
extends: recommended
events:
  order.placed: {}
  order.shipped: {after: order.placed}
  order.delivered: {after: order.shipped, fulfilment: true}
  review.submitted: {after: order.delivered}
  order.returned: {}
  customer.inactive: {}
personas:
  late-parcel:
    description: The parcel arrives a week late.
    segments: [recent_buyers, newsletter]
    consent: {email: [opt_in]}
    journey: {order.placed: 0d, order.shipped: 1d, order.delivered: "9d 14:30"}
  prompt-parcel:
    segments: [recent_buyers]
    journey: {order.placed: 0d, order.shipped: 1d, order.delivered: 2d}
"""

# Asks for a rating the day after shipping: before a late parcel arrives.
ON_SHIPMENT = campaigns.SHIPPED.replace("delay: 5d", "delay: 1d")

DAILY = """\
version: 1
id: deal-of-the-day
owner: promotions@example.com
type: promotional
purpose: Sell more in Black Friday week.
customer_value: The deepest discounts of the year, a new one each day.
channel: email
audience: {segment: newsletter, consent: opt_in}
trigger:
  schedule: {start: 2026-11-23, end: 2026-11-30, every: 1d}
  stop_when: [order.placed]
frequency: {max: 1, per: 1d}
send_window: {start: "08:00", end: "20:00"}
content: {subject: Today only, unsubscribe: one_click}
success_metrics: [incremental_conversions]
"""

RECEIPT = """\
version: 1
id: order-receipt
owner: service@example.com
type: transactional
purpose: Confirm the order.
channel: email
trigger: {event: order.placed}
content: {subject: Your order, unsubscribe: link}
"""

SMS_WINBACK = """\
version: 1
id: sms-winback
owner: crm@example.com
type: reengagement
purpose: Bring lapsed customers back.
customer_value: A reminder of what is new.
channel: sms
audience: {segment: lapsed, consent: express_written}
trigger: {event: customer.inactive, stop_when: [order.placed]}
frequency: {max: 1, per: 30d}
send_window: {start: "10:00", end: "18:00"}
content: {subject: We miss you, unsubscribe: keyword}
success_metrics: [retention_rate]
"""


@pytest.fixture
def repo(cli: Cli) -> Cli:
    cli.write(
        {
            "campaign-lint.yaml": POLICY,
            "campaigns/review-after-delivery.yaml": campaigns.GOOD,
            "campaigns/review-on-shipment.yaml": ON_SHIPMENT,
            "campaigns/deal-of-the-day.yaml": DAILY,
            "campaigns/order-receipt.yaml": RECEIPT,
            "campaigns/sms-winback.yaml": SMS_WINBACK,
        }
    )
    return cli


def test_agenda_of_every_persona(repo: Cli) -> None:
    run = repo.run("simulate", "--from", "2026-11-20", "--days", "14")
    assert run.exit_code == 1  # deal-of-the-day and the reviews: 4 emails in 7 days, the cap is 3
    assert "review-on-shipment" in run.stdout
    assert "sms-winback" in run.stdout.split("Received by none")[1]
    assert_snapshot("simulate-agenda", run)


def test_json_of_one_persona_repeats_its_messages(repo: Cli) -> None:
    run = repo.run(
        "simulate", "--from", "2026-11-20", "--days", "14", "--persona", "late-parcel", "-f", "json"
    )
    data = json.loads(run.stdout)
    assert run.exit_code == 1
    assert [persona["name"] for persona in data["personas"]] == ["late-parcel"]
    (persona,) = data["personas"]
    assert data["messages"] == persona["messages"]
    assert {"from", "days", "personas", "not_received", "invalid_files", "failed"} <= set(data)
    first = persona["messages"][0]
    assert first == {
        "date": "2026-11-20",
        "time": "10:00",
        "day": 0,
        "campaign": "order-receipt",
        "channel": "email",
        "path": "campaigns/order-receipt.yaml",
        "transactional": True,
        "cause": "order.placed",
    }
    email = persona["caps"][0]
    assert (email["cap"], email["count"], email["max"], email["over"], email["window"]) == (
        "email",
        7,
        3,
        True,
        "calendar days",
    )
    assert email["campaigns"][0] == {
        "campaign": "deal-of-the-day",
        "path": "campaigns/deal-of-the-day.yaml",
        "messages": 6,
    }
    assert persona["assertions"] == []
    assert persona["journey"][2] == {
        "event": "order.delivered",
        "day": 9,
        "date": "2026-11-29",
        "time": "14:30",
    }
    assert_snapshot("simulate-json-one-persona", run)


def test_two_personas_have_no_top_level_messages(repo: Cli) -> None:
    data = json.loads(repo.run("simulate", "--from", "2026-11-20", "-f", "json").stdout)
    assert "messages" not in data
    assert len(data["personas"]) == 2


def test_adhoc_journey_is_every_segment_unless_narrowed(repo: Cli) -> None:
    wide = json.loads(
        repo.run("simulate", "--journey", "customer.inactive@0d", "--from", "2026-12-01", "-f", "json").stdout
    )
    assert [m["campaign"] for m in wide["messages"]] == ["sms-winback"]
    assert [p["name"] for p in wide["personas"]] == ["ad-hoc"]
    narrow = repo.run(
        "simulate",
        "--journey",
        "customer.inactive@0d",
        "--segment",
        "newsletter",
        "--from",
        "2026-12-01",
        "-f",
        "json",
    )
    assert json.loads(narrow.stdout)["messages"] == []
    assert narrow.exit_code == 0


def test_within_every_cap_exits_zero_and_writes_the_output_file(repo: Cli) -> None:
    run = repo.run("simulate", "--from", "2027-01-04", "--persona", "prompt-parcel", "--output", "agenda.txt")
    assert run.exit_code == 0
    assert run.stdout == ""
    text = (repo.root / "agenda.txt").read_text(encoding="utf-8")
    assert "Within every cap over these days." in text


def test_a_warm_run_shows_the_same(repo: Cli) -> None:
    cold = repo.run("simulate", "--from", "2026-11-20", "-f", "json")
    warm = repo.run("simulate", "--from", "2026-11-20", "-f", "json")
    assert (repo.root / ".campaign-lint-cache").is_dir()
    assert warm.stdout == cold.stdout


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("--persona", "late-parcell"), "`late-parcell` is not a persona; did you mean `late-parcel`?"),
        (("--journey", "order.placed"), "is not EVENT@DAY"),
        (("--journey", "order.placd@0d"), "did you mean `order.placed`?"),
        (("--segment", "vip"), "--segment narrows the customer of --journey"),
        (("--from", "20 Nov"), "--from: `20 Nov` is not a date"),
        (("--days", "0"), "--days: 0 is not between 1 and 3660"),
        (("--format", "sarif"), "`sarif` is not a simulate format"),
        (
            ("--timezone", "Europe/Londn"),
            "--timezone: `Europe/Londn` is not a time zone; did you mean `Europe/London`?",
        ),
    ],
)
def test_usage_errors_exit_2_on_one_line(repo: Cli, argv: tuple[str, ...], expected: str) -> None:
    run = repo.run("simulate", *argv)
    assert run.exit_code == 2
    assert run.stdout == ""
    assert expected in run.stderr
    assert len(run.stderr.splitlines()) == 1


def test_builtin_personas_without_personas_in_the_policy(cli: Cli) -> None:
    cli.write(
        {
            "campaigns/review-on-shipment.yaml": ON_SHIPMENT,
            "campaigns/review-after-delivery.yaml": campaigns.GOOD,
        }
    )
    data = json.loads(cli.run("simulate", "campaigns", "--from", "2026-11-20", "-f", "json").stdout)
    assert [p["name"] for p in data["personas"]] == ["typical", "late-delivery"]
    late = data["personas"][1]
    assert [(step["event"], step["day"]) for step in late["journey"]] == [
        ("order.placed", 0),
        ("order.shipped", 1),
        ("order.delivered", 9),
    ]
    assert [(m["campaign"], m["date"]) for m in late["messages"]] == [
        ("review-on-shipment", "2026-11-22"),
        ("review-after-delivery", "2026-12-04"),
    ]


@pytest.mark.parametrize(
    ("personas", "expected"),
    [
        (
            "  p: {journey: {order.placd: 0d}}\n",
            "campaign-lint.yaml:12:17: `order.placd` in the journey of persona `p` is not an event of the catalogue; did you mean `order.placed`?",
        ),
        (
            "  p: {journey: {order.placed: 2d, order.shipped: 1d}}\n",
            "in the journey of persona `p`, `order.shipped` happens before `order.placed`",
        ),
        (
            "  p: {segments: [new, lapsed]}\n",
            "persona `p` is in `new` and `lapsed`, which `segments: disjoint` says",
        ),
        ("  p: {journey: {order.placed: 2 days}}\n", "`2 days` is not a day of the journey"),
        (
            "  p: {journey: {order.placed: 0d}, expects: [{never: feedback, before: order.deliverd}]}\n",
            "campaign-lint.yaml:12:72: `order.deliverd` in `personas.p.expects[0]` is not an event of the catalogue, "
            "so the expectation would be judged against an event that never happens; did you mean `order.delivered`?",
        ),
        (
            "  p: {journey: {order.placed: 0d}, expects: [{at_most: 2, within: 7d, after: order.shipped}]}\n",
            "the journey of persona `p` never reaches `order.shipped`, so it can never be judged",
        ),
        ("  p: {consent: {email: [yes]}}\n", "yes"),
        (
            "  p: {timezone: Europe/Londn}\n",
            "campaign-lint.yaml:12:17: `personas.p.timezone`: `Europe/Londn` is not a time zone; did you mean `Europe/London`?",
        ),
    ],
)
def test_persona_problems_are_positioned_policy_errors(cli: Cli, personas: str, expected: str) -> None:
    policy = POLICY.split("personas:")[0] + "segments: {disjoint: [[new, lapsed]]}\npersonas:\n" + personas
    cli.write({"campaign-lint.yaml": policy, "campaigns/review-after-delivery.yaml": campaigns.GOOD})
    run = cli.run("simulate")
    assert run.exit_code == 2
    assert expected in run.stderr
    assert run.stderr.startswith("campaign-lint.yaml:")
    # check reads the same policy, and says the same
    assert cli.run("check").stderr == run.stderr


def test_the_readme_shows_what_simulate_prints_on_the_examples(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(__file__).resolve().parents[2]
    command = "$ campaign-lint simulate --from 2026-11-20 --days 15\n"
    shown = (root / "README.md").read_text(encoding="utf-8").split(command, 1)[1].split("```", 1)[0]
    monkeypatch.chdir(root / "examples")
    run = cli.run("simulate", "--from", "2026-11-20", "--days", "15", "--no-cache")
    assert run.exit_code == 1
    assert run.stdout == shown
    # the stories the README tells: a rating request before the parcel, an avalanche over the cap
    assert "review-request-on-shipment  order.shipped + 1 day" in shown
    assert "email: 7 messages from Mon 23 Nov to Sun 29 Nov; the cap is 3 per 7 days" in shown


# A customer in Los Angeles, and the daily deal scheduled at 09:00 UTC without a send window.
ZONED = (
    POLICY
    + """\
  west-coast:
    timezone: America/Los_Angeles
    segments: [newsletter]
    expects: [{quiet: {start: "21:00", end: "08:00"}}]
"""
)
NINE_UTC = DAILY.replace("start: 2026-11-23,", 'start: "2026-11-23T09:00:00Z",').replace(
    'send_window: {start: "08:00", end: "20:00"}\n', ""
)


def test_a_persona_zone_shows_in_the_json_the_agenda_and_the_times(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": ZONED, "campaigns/deal-of-the-day.yaml": NINE_UTC})
    argv = ("simulate", "--from", "2026-11-22", "--days", "3")
    run = cli.run(*argv, "--persona", "west-coast", "-f", "json")
    assert run.exit_code == 1  # 01:00 is inside the quiet hours
    (persona,) = json.loads(run.stdout)["personas"]
    assert persona["timezone"] == "America/Los_Angeles"
    assert [(m["date"], m["time"]) for m in persona["messages"]] == [
        ("2026-11-23", "01:00"),
        ("2026-11-24", "01:00"),
    ]
    assert "01:00 America/Los_Angeles time, inside the quiet hours" in persona["assertions"][0]["message"]
    text = cli.run(*argv, "--persona", "west-coast", "--persona", "prompt-parcel").stdout
    assert "\n== west-coast (America/Los_Angeles time)\n" in text
    assert "\n== prompt-parcel\n" in text  # no zone: the schedules' own clock, as before
    cli.run(*argv, "--persona", "west-coast", "-f", "html", "-o", "calendars.html")
    page = (cli.root / "calendars.html").read_text(encoding="utf-8")
    assert 'class="persona-name">west-coast (America/Los_Angeles time)</h3>' in page
    # without a zone of its own a persona reads 09:00Z as 09:00; --timezone places it
    plain = json.loads(cli.run(*argv, "--persona", "late-parcel", "-f", "json").stdout)
    assert plain["personas"][0]["timezone"] is None
    assert [m["time"] for m in plain["messages"]] == ["09:00", "09:00"]
    placed = json.loads(
        cli.run(*argv, "--persona", "late-parcel", "--timezone", "Asia/Tokyo", "-f", "json").stdout
    )
    assert placed["personas"][0]["timezone"] == "Asia/Tokyo"
    assert [(m["date"], m["time"]) for m in placed["messages"]] == [
        ("2026-11-23", "18:00"),
        ("2026-11-24", "18:00"),
    ]
    # a persona with a zone of its own keeps it
    kept = json.loads(
        cli.run(*argv, "--persona", "west-coast", "--timezone", "Asia/Tokyo", "-f", "json").stdout
    )
    assert kept["personas"][0]["timezone"] == "America/Los_Angeles"


def test_the_adhoc_customer_lives_in_the_timezone_given(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": ZONED, "campaigns/deal-of-the-day.yaml": NINE_UTC})
    argv = (
        "simulate",
        "--from",
        "2026-11-23",
        "--days",
        "1",
        "--journey",
        "customer.inactive@0d",
        "-f",
        "json",
    )
    assert [m["time"] for m in json.loads(cli.run(*argv).stdout)["messages"]] == ["09:00"]
    new_york = json.loads(cli.run(*argv, "--timezone", "America/New_York").stdout)
    assert new_york["personas"][0]["timezone"] == "America/New_York"
    assert [m["time"] for m in new_york["messages"]] == ["04:00"]
