"""``campaign-lint new``: answered by flags (and defaults), checked against the policy, never over a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from campaign_lint.cli.init import SCHEMA_URL
from campaign_lint.core import yamlload
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.draft import Guide, campaign_id
from campaign_lint.policies.catalogue import json_schema_text
from tests.cli.snapshots import Cli, Run

# Data-driven over the schema: a type added to the campaign schema is tested here at once.
TYPES: list[str] = json.loads(json_schema_text("campaign"))["$defs"]["CampaignType"]["enum"]
CHANNELS: list[str] = json.loads(json_schema_text("campaign"))["$defs"]["Channel"]["enum"]

HOTEL = """\
version: 1
extends: recommended
rules:
  TIM001: {min_delay: 2d}
channels:
  email: {cap: {max: 2, per: 7d}, send_window: {start: "10:00", end: "18:00"}}
events:
  stay.booked: {}
  stay.started: {after: stay.booked}
  stay.completed: {after: stay.started, fulfilment: true, description: the guest has checked out}
  review.submitted: {after: stay.completed}
  booking.cancelled: {}
  unsubscribed: {}
"""


def findings(cli: Cli, path: str, *extra: str) -> list[dict[str, Any]]:
    """The findings of a separate `check` of ``path`` (every severity)."""
    run = cli.run("check", "--no-cache", "--format", "json", "--fail-on", "info", *extra, path)
    assert run.stderr == "", run.stderr
    found: list[dict[str, Any]] = json.loads(run.stdout)["findings"]
    return found


def written(cli: Cli, name: str) -> dict[str, Any]:
    """The file as campaign-lint reads it (YAML 1.2: `yes` is text)."""
    data: dict[str, Any] = yamlload.load((cli.root / name).read_text("utf-8")).data
    return data


def test_the_type_list_comes_from_the_schema() -> None:
    assert "feedback" in TYPES
    assert "transactional" in TYPES
    assert len(TYPES) == 8


@pytest.mark.parametrize("profile", ["recommended", "strict"])
@pytest.mark.parametrize("kind", TYPES)
def test_every_type_with_defaults_passes_check(cli: Cli, kind: str, profile: str) -> None:
    cli.write({"campaign-lint.yaml": f"version: 1\nextends: {profile}\n"})
    run = cli.run("new", "--type", kind)
    assert run.exit_code == 0, run.stdout + run.stderr
    [path] = [p.relative_to(cli.root).as_posix() for p in (cli.root / "campaigns").glob("*.yaml")]
    assert f"Wrote {path}" in run.stdout
    assert "All clear: no findings in 1 file" in run.stdout
    assert findings(cli, path) == []
    assert written(cli, path)["type"] == kind


@pytest.mark.parametrize("kind", TYPES)
def test_every_type_passes_with_the_policy_init_writes(cli: Cli, kind: str) -> None:
    assert cli.run("init").exit_code == 0
    (cli.root / "campaigns" / "welcome.yaml").unlink()
    run = cli.run("new", "--type", kind)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "All clear" in run.stdout


@pytest.mark.slow  # sixty-four runs of new and check
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind", TYPES)
def test_every_type_on_every_channel_passes_strict(cli: Cli, kind: str, channel: str) -> None:
    cli.write({"campaign-lint.yaml": "version: 1\nextends: strict\n"})
    run = cli.run("new", "--type", kind, "--channel", channel, "--id", "x")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert findings(cli, "campaigns/x.yaml") == []


def test_the_file_is_commented_with_the_schema_modeline(cli: Cli) -> None:
    cli.run("new", "review-after-delivery", "--type", "feedback")
    text = (cli.root / "campaigns" / "review-after-delivery.yaml").read_text("utf-8")
    lines = text.splitlines()
    assert lines[0] == f"# yaml-language-server: $schema={SCHEMA_URL}/campaign.schema.json"
    assert "# What the customer gets out of it, in their words (not what the company gains)." in lines
    assert "  consent: opt_in                  # what they agreed to for email" in lines
    assert "# Hours it may arrive, in the customer's local time." in lines
    # Every top-level key has its explanation on the line above.
    keys = [i for i, line in enumerate(lines) if line[:1].isalpha()]
    assert len(keys) == len(written(cli, "campaigns/review-after-delivery.yaml")) == 14
    assert all(lines[i - 1].startswith("# ") for i in keys)


def test_answers_are_quoted_as_yaml_needs(cli: Cli) -> None:
    purpose = "Sell more: 20% off # for members, 'quoted' and \"double\""
    run = cli.run(
        "new", "--type", "promotional", "--id", "odd", "--purpose", purpose, "--start", "2026-12-01",
        "--end", "2026-12-31", "--subject", "yes",
    )  # fmt: skip
    assert run.exit_code == 0, run.stdout
    data = written(cli, "campaigns/odd.yaml")
    assert data["purpose"] == purpose
    assert data["content"]["subject"] == "yes"  # not YAML's `true`
    assert data["send_window"] == {"start": "09:00", "end": "20:00"}  # text, not minutes
    assert str(data["trigger"]["schedule"]["start"]) == "2026-12-01"


def test_feedback_is_offered_only_events_after_fulfilment_with_the_minimum_delay(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": HOTEL})
    guide = Guide(load_settings(None, cli.root))
    from campaign_lint.schemas.campaign import CampaignType

    assert guide.events(CampaignType.FEEDBACK) == ["stay.completed", "review.submitted"]
    run = cli.run("new", "--type", "feedback", "--id", "stay-review")
    assert run.exit_code == 0, run.stdout
    trigger = written(cli, "campaigns/stay-review.yaml")["trigger"]
    assert trigger["event"] == "stay.completed"
    assert trigger["delay"] == "2d"  # the policy's TIM001 min_delay
    assert set(trigger["stop_when"]) <= set(yaml.safe_load(HOTEL)["events"])


def test_a_feedback_request_before_fulfilment_is_refused(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": HOTEL})
    run = cli.run("new", "--type", "feedback", "--event", "stay.started")
    assert run.exit_code == 2
    assert run.stderr.startswith("campaign-lint: error: --event: `stay.started` is")
    assert "stay.completed, review.submitted" in run.stderr
    assert not (cli.root / "campaigns").exists()
    run = cli.run("new", "--type", "feedback", "--delay", "1d")
    assert run.exit_code == 2
    assert "1d is too soon; your policy asks for at least 2d" in run.stderr


def test_caps_and_hours_come_from_the_policy(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": HOTEL})
    assert cli.run("new", "--type", "promotional", "--id", "promo", "--start", "2026-12-01").exit_code == 0
    data = written(cli, "campaigns/promo.yaml")
    assert data["send_window"] == {"start": "10:00", "end": "18:00"}
    assert data["frequency"] == {"max": 1, "per": "7d"}
    assert data["audience"]["inactive_days_max"] == 180  # the sunset of a recurring promotion
    over = cli.run("new", "--type", "promotional", "--id", "p2", "--frequency", "3/7d")
    assert over.exit_code == 2
    assert "3 per 7d is more than the email cap of your policy allows (2 per 7d" in over.stderr
    night = cli.run("new", "--type", "promotional", "--id", "p3", "--send-window", "08:00-22:00")
    assert night.exit_code == 2
    assert "only between 10:00 and 18:00" in night.stderr


def test_a_starter_cap_above_the_channel_cap_is_lowered_to_it(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": "version: 1\nchannels:\n  email: {cap: {max: 1, per: 30d}}\n"})
    assert cli.run("new", "--type", "onboarding", "--id", "hello").exit_code == 0
    assert written(cli, "campaigns/hello.yaml")["frequency"] == {"max": 1, "per": "30d"}


def test_it_never_writes_over_a_file(cli: Cli) -> None:
    cli.write({"campaigns/welcome.yaml": "# mine\n", "mine.yaml": "# mine too\n"})
    run = cli.run("new", "welcome", "--type", "onboarding")
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == (
        "campaign-lint: error: --id: campaigns/welcome.yaml already exists; "
        "`new` never writes over a file: choose another ID or --output\n"
    )
    run = cli.run("new", "--type", "onboarding", "--output", "mine.yaml")
    assert run.exit_code == 2
    assert "mine.yaml already exists" in run.stderr
    assert (cli.root / "campaigns" / "welcome.yaml").read_text() == "# mine\n"
    assert (cli.root / "mine.yaml").read_text() == "# mine too\n"


def test_output_and_the_policys_campaigns_folder(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": 'version: 1\ncampaigns: ["marketing/campaigns/**/*.yaml"]\n'})
    run = cli.run("new", "--type", "loyalty")
    assert run.exit_code == 0, run.stdout
    assert (cli.root / "marketing/campaigns/monthly-points-summary.yaml").is_file()
    run = cli.run("new", "--type", "loyalty", "--output", "drafts/points.yaml", "--id", "points")
    assert run.exit_code == 0, run.stdout
    assert "Wrote drafts/points.yaml" in run.stdout
    assert written(cli, "drafts/points.yaml")["id"] == "points"


@pytest.mark.parametrize(
    ("globs", "folder"),
    [
        (["campaigns/**/*.yaml"], "campaigns"),
        (["!campaigns/old/**", "teams/crm/*.yml"], "teams/crm"),
        (["**/*.yaml"], ""),
        (["one/file.yaml"], "one"),
    ],
)
def test_the_first_folder_of_the_campaigns_globs(cli: Cli, globs: list[str], folder: str) -> None:
    cli.write({"campaign-lint.yaml": f"version: 1\ncampaigns: {json.dumps(globs)}\n"})
    assert Guide(load_settings(None, cli.root)).campaigns_folder() == folder


def test_without_a_terminal_the_type_is_needed(cli: Cli) -> None:
    run = cli.run("new", "--channel", "email")
    assert run.exit_code == 2
    assert run.stderr.startswith(
        "campaign-lint: error: standard input is not a terminal, so `new` cannot ask;"
    )
    assert "missing --type (promotional, lifecycle, feedback" in run.stderr
    assert not (cli.root / "campaigns").exists()


def test_flags_that_do_not_apply_and_bad_values_are_usage_errors(cli: Cli) -> None:
    cases = {
        ("--type", "feedback", "--start", "2026-01-01"): "--start: not asked of a feedback campaign on email",
        ("--type", "coupon"): "--type: `coupon` is not a campaign type; choose one of: promotional,",
        ("--type", "onboarding", "--channel", "fax"): "--channel: `fax` is not a channel",
        ("--type", "onboarding", "--id", "Welcome Mail"): "--id: `Welcome Mail` is not an ID",
        ("--type", "onboarding", "x", "--id", "y"): "the ID is given twice",
        ("--type", "promotional", "--end", "2000-01-01"): "--end: the campaign ends before it starts",
        (
            "--type",
            "acquisition",
            "--consent",
            "soft_opt_in",
        ): "--consent: `soft_opt_in` is not a consent basis",
        (
            "--type",
            "lifecycle",
            "--channel",
            "web",
            "--placement",
            "checkout",
        ): "--placement: `checkout` is not",
        ("--type", "feedback", "--frequency", "often"): "--frequency: `often` is not a cap; write MAX/PER",
    }
    for argv, message in cases.items():
        run: Run = cli.run("new", *argv)
        assert run.exit_code == 2, argv
        assert message in run.stderr, (argv, run.stderr)
        assert len(run.stderr.splitlines()) == 1
    assert not (cli.root / "campaigns").exists()


def test_a_campaign_the_policy_rejects_is_written_and_its_findings_shown(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": "version: 1\nextends: recommended\n"})
    run = cli.run("new", "--type", "promotional", "--segment", "all", "--exclude", "none", "--id", "blast")
    assert run.exit_code == 0  # AUD001 is a warning; the recommended profile fails on errors
    assert "AUD001 [warning]" in run.stdout
    assert "Next: fix what is listed above" not in run.stdout
    run = cli.run("new", "--type", "feedback", "--metrics", "open_rate", "--id", "opens")
    assert "MET002 [warning]" in run.stdout
    assert Path(cli.root / "campaigns" / "opens.yaml").is_file()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Review after delivery", "review-after-delivery"),
        ("Café offers: 20% off!", "cafe-offers-20-off"),
        ("  ", "new-campaign"),
    ],
)
def test_the_default_id_is_made_of_the_name(name: str, expected: str) -> None:
    assert campaign_id(name) == expected


def test_no_input_asks_nothing_even_at_a_terminal(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    run = cli.run("new", "--no-input")
    assert run.exit_code == 2
    assert run.stderr.startswith(
        "campaign-lint: error: --no-input was given, so `new` cannot ask; missing --type"
    )
    run = cli.run("new", "--no-input", "--type", "loyalty", "--name", "Points, monthly")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert written(cli, "campaigns/points-monthly.yaml")["name"] == "Points, monthly"


def test_acquisition_where_the_policy_accepts_only_soft_opt_in(cli: Cli) -> None:
    cli.write({"campaign-lint.yaml": "version: 1\nchannels:\n  email: {consent: [soft_opt_in]}\n"})
    run = cli.run("new", "--type", "acquisition", "--channel", "email", "--id", "reach")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert written(cli, "campaigns/reach.yaml")["audience"]["consent"] == "soft_opt_in"
    assert "CON003 [warning]" in run.stdout  # the linter says why it is a stretch


def test_a_default_id_whose_file_exists_is_a_usage_error(cli: Cli) -> None:
    cli.write({"campaigns/review-after-delivery.yaml": "# mine\n"})
    run = cli.run("new", "--type", "feedback")
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr == (
        "campaign-lint: error: --id not given, and its default `review-after-delivery` will not do: "
        "campaigns/review-after-delivery.yaml already exists; `new` never writes over a file: "
        "choose another ID or --output\n"
    )
