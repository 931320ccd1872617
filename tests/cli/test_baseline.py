"""``campaign-lint baseline create`` and ``check --baseline``: fail only on new findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from campaign_lint.core.findings import Finding, Severity, Span
from campaign_lint.lint import baseline
from campaign_lint.lint.report import Report
from tests.cli.snapshots import Cli, Run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BASELINE = ".campaign-lint-baseline.json"
TODAY = ("--today", "2026-11-22")


@pytest.fixture
def repo(cli: Cli) -> Cli:
    """A copy of examples/ (seventeen campaigns, twenty-seven findings) as the working repository."""
    shutil.copytree(
        EXAMPLES, cli.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".campaign-lint-cache")
    )
    return cli


def check(cli: Cli, *extra: str) -> tuple[Run, dict[str, Any]]:
    run = cli.run("check", "--format", "json", "--no-cache", *TODAY, *extra)
    return run, json.loads(run.stdout)


def create(cli: Cli, *extra: str) -> Run:
    return cli.run("baseline", "create", *extra, *TODAY)


def data_before(run: Run) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = json.loads(run.stdout)["findings"]
    return findings


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


def edit(cli: Cli, name: str, old: str, new: str) -> None:
    path = cli.root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def entries(cli: Cli) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads((cli.root / BASELINE).read_text(encoding="utf-8"))
    return list(data["findings"])


def test_round_trip_moved_lines_stay_baselined_and_a_new_finding_is_reported(repo: Cli) -> None:
    before, data = check(repo)
    assert before.exit_code == 1
    total = len(data["findings"])
    assert total == 27

    run = create(repo)
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout == f"Recorded {total} findings in {BASELINE}.\n"

    run, data = check(repo, "--baseline", BASELINE)
    assert (run.exit_code, data["findings"], data["summary"]["baselined"]) == (0, [], total)

    # Three blank lines on top: every finding of this file moves three lines down ...
    name = "campaigns/black-friday-avalanche.yaml"
    lines = [f["line"] for f in data_before(before) if f["path"] == name]
    assert len(lines) == 3
    path = repo.root / name
    path.write_text("\n\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    _, plain = check(repo)
    assert [f["line"] for f in plain["findings"] if f["path"] == name] == [line + 3 for line in lines]
    # ... and none of them comes back.
    run, data = check(repo, "--baseline", BASELINE)
    assert (run.exit_code, data["findings"], data["summary"]["baselined"]) == (0, [], total)

    # A new violation in a clean campaign is reported, alone.
    edit(repo, "campaigns/review-after-delivery.yaml", "unsubscribe: one_click", "unsubscribe: link")
    run, data = check(repo, "--baseline", BASELINE)
    assert run.exit_code == 1
    assert [(f["rule"], f["path"]) for f in data["findings"]] == [
        ("CON002", "campaigns/review-after-delivery.yaml")
    ]
    assert data["summary"]["baselined"] == total


def test_new_finding_of_a_baselined_rule_in_a_baselined_campaign_is_reported(repo: Cli) -> None:
    assert create(repo).exit_code == 0
    # CON002 is baselined for descaler-subscription, and this campaign has three baselined
    # findings: a CON002 here is still new.
    edit(
        repo,
        "campaigns/black-friday-avalanche.yaml",
        "unsubscribe: one_click",
        "unsubscribe: link",
    )
    run, data = check(repo, "--baseline", BASELINE)
    assert run.exit_code == 1
    assert [(f["rule"], f["campaign"]) for f in data["findings"]] == [("CON002", "black-friday-avalanche")]


def test_text_summary_counts_baselined_findings(repo: Cli) -> None:
    assert create(repo).exit_code == 0
    run = repo.run("check", "--no-cache", *TODAY, "--baseline", BASELINE)
    assert run.exit_code == 0
    assert run.stdout.startswith("All clear: no findings in 17 files, 27 baselined (")


def test_json_summary_has_no_baselined_field_without_a_baseline(repo: Cli) -> None:
    _, data = check(repo)
    assert "baselined" not in data["summary"]


def test_check_from_a_subfolder_uses_paths_from_the_policy_folder(
    repo: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # POL003 has no campaign id, so it is keyed on its file's path.
    assert create(repo).exit_code == 0
    assert {"campaign": None, "path": "campaigns/checkout-spin-wheel.yaml"}.items() <= entries(repo)[
        3
    ].items()
    monkeypatch.chdir(repo.root / "campaigns")
    run, data = check(repo, "--baseline", f"../{BASELINE}")
    assert (run.exit_code, data["findings"], data["summary"]["baselined"]) == (0, [], 27)


def test_baseline_file_is_deterministic_and_keyed_on_meaning(repo: Cli) -> None:
    assert create(repo).exit_code == 0
    first = (repo.root / BASELINE).read_bytes()
    (repo.root / BASELINE).unlink()
    assert create(repo).exit_code == 0
    assert (repo.root / BASELINE).read_bytes() == first
    data = json.loads(first)
    assert data["version"] == 1
    assert data["tool"]["name"] == "campaign-lint"
    found = entries(repo)
    assert {"campaign": "post-purchase-survey", "path": None, "rule": "SPEC002"}.items() <= found[15].items()
    assert [e["yaml_path"] for e in found if e["rule"] == "SPEC002"] == ["frequncy", "trigger.delay"]
    assert all(set(e) == {"campaign", "path", "rule", "yaml_path", "count"} for e in found)


def test_create_refuses_to_overwrite(repo: Cli) -> None:
    (repo.root / BASELINE).write_text("keep me", encoding="utf-8")
    run = create(repo)
    assert (run.exit_code, run.stdout) == (2, "")
    assert f"{BASELINE} already exists; use --update" in one_line(run.stderr)
    assert (repo.root / BASELINE).read_text(encoding="utf-8") == "keep me"


def test_update_removes_fixed_findings_only(repo: Cli) -> None:
    assert create(repo).exit_code == 0
    # Fix CON001 (consent) and add a new violation elsewhere.
    edit(repo, "campaigns/flash-sale-sms-blast.yaml", "  consent: opt_in", "  consent: express_written")
    edit(repo, "campaigns/review-after-delivery.yaml", "unsubscribe: one_click", "unsubscribe: link")

    run = create(repo, "--update")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout == (
        f"Updated {BASELINE}: removed 1 fixed finding, added 0 new findings; it now holds 26 findings. "
        "1 new finding left out (add --accept-new to record them).\n"
    )
    rules = [(e["campaign"], e["rule"]) for e in entries(repo)]
    assert ("flash-sale-sms-blast", "CON001") not in rules
    assert ("review-after-delivery", "CON002") not in rules
    assert len(rules) == 26

    # The fixed finding, made again, is new: it is no longer in the baseline.
    edit(repo, "campaigns/flash-sale-sms-blast.yaml", "  consent: express_written", "  consent: opt_in")
    run, data = check(repo, "--baseline", BASELINE)
    assert run.exit_code == 1
    assert sorted(f["rule"] for f in data["findings"]) == ["CON001", "CON002"]


def test_update_with_accept_new_records_new_findings(repo: Cli) -> None:
    assert create(repo).exit_code == 0
    edit(repo, "campaigns/flash-sale-sms-blast.yaml", "  consent: opt_in", "  consent: express_written")
    edit(repo, "campaigns/review-after-delivery.yaml", "unsubscribe: one_click", "unsubscribe: link")

    run = create(repo, "--update", "--accept-new")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout == (
        f"Updated {BASELINE}: removed 1 fixed finding, added 1 new finding; it now holds 27 findings.\n"
    )
    run, data = check(repo, "--baseline", BASELINE)
    assert (run.exit_code, data["findings"], data["summary"]["baselined"]) == (0, [], 27)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--accept-new",), "--accept-new needs --update"),
        (("--update",), f"--update: {BASELINE} does not exist"),
        (("campaigns/",), "campaigns: a baseline file name ends in .json"),
        (("--update", BASELINE, "campaigns/"), "--update checks the whole portfolio with every rule"),
        (("--update", "--select", "TIM"), "give no PATHS, --select or --ignore"),
    ],
)
def test_create_usage_errors(repo: Cli, argv: tuple[str, ...], message: str) -> None:
    run = create(repo, *argv)
    assert (run.exit_code, run.stdout) == (2, "")
    assert message in one_line(run.stderr)
    assert not (repo.root / BASELINE).exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", f"{BASELINE}:1:2: not a campaign-lint baseline (invalid JSON"),
        ('{"version": "2.1.0", "runs": []}', "expected an object with a `findings` list"),
        ('{"version": 2, "findings": []}', "format version 2; this campaign-lint reads 1"),
        ('{"version": 1, "findings": [{"rule": "TIM001"}]}', "finding 1: `yaml_path` must be a string"),
        (
            '{"version": 1, "findings": [{"rule": "TIM001", "yaml_path": "", "count": 1}]}',
            "finding 1: give exactly one of `campaign` and `path`",
        ),
        (
            '{"version": 1, "findings": [{"rule": "X", "campaign": "a", "yaml_path": "", "count": 0}]}',
            "`count` must be a whole number of at least 1",
        ),
        ("\udcff", "cannot read the baseline"),
    ],
)
def test_corrupt_or_foreign_baseline_is_exit_2_in_one_line(repo: Cli, text: str, message: str) -> None:
    (repo.root / BASELINE).write_bytes(text.encode("utf-8", "surrogateescape"))
    run = repo.run("check", "--baseline", BASELINE)
    assert (run.exit_code, run.stdout) == (2, "")
    line = one_line(run.stderr)
    assert line.startswith("campaign-lint: error: ")
    assert message in line
    # --update on it refuses too, and leaves it as it was.
    run = create(repo, "--update")
    assert run.exit_code == 2
    assert message in one_line(run.stderr)
    assert (repo.root / BASELINE).read_bytes() == text.encode("utf-8", "surrogateescape")


def test_missing_baseline_says_how_to_create_it(repo: Cli) -> None:
    run = repo.run("check", "--baseline", "nope.json")
    assert run.exit_code == 2
    assert "nope.json: no such baseline; create it with `campaign-lint baseline create nope.json`" in (
        one_line(run.stderr)
    )


# The functions themselves: counts and keys.


def finding(rule: str, campaign: str | None, line: int, message: str = "m", path: str = "c.yaml") -> Finding:
    return Finding(
        rule, Severity.ERROR, message, path, Span(line, 1, line, 2), campaign, yaml_path=("content", 0, "a.b")
    )


def test_yaml_path_text() -> None:
    assert baseline.yaml_path_text(("frequency", "max")) == "frequency.max"
    assert baseline.yaml_path_text(("data_collection", 0, "purpose")) == "data_collection[0].purpose"
    assert baseline.yaml_path_text(("x-a.b",)) == '["x-a.b"]'
    assert baseline.yaml_path_text(()) == ""


def test_count_absorbs_only_as_many_findings_as_were_recorded(tmp_path: Path) -> None:
    recorded = baseline.from_findings([finding("FRQ003", "a", 3), finding("FRQ003", "a", 9)], tmp_path)
    assert list(recorded.counts.values()) == [2]
    # Other lines and other numbers in the message: still the same two findings.
    now = [finding("FRQ003", "a", line, f"up to {line} per week") for line in (5, 6, 7)]
    report = baseline.apply(Report(now, 1, 0.0), recorded, tmp_path)
    assert (report.findings, report.baselined) == ([now[2]], 2)


def test_a_new_key_is_never_absorbed(tmp_path: Path) -> None:
    recorded = baseline.from_findings([finding("FRQ003", "a", 3)], tmp_path)
    now = [finding("FRQ002", "a", 3), finding("FRQ003", "b", 3), finding("FRQ003", None, 3)]
    report = baseline.apply(Report(now, 1, 0.0), recorded, tmp_path)
    assert (report.findings, report.baselined) == (now, 0)


def test_dumps_then_load_round_trips(tmp_path: Path) -> None:
    recorded = baseline.from_findings(
        [finding("FRQ003", "a", 3), finding("FRQ003", "a", 4), finding("POL003", None, 1)], tmp_path
    )
    path = tmp_path / "b.json"
    path.write_text(baseline.dumps(recorded), encoding="utf-8")
    assert baseline.load(path) == recorded


def test_update_keeps_the_smaller_count(tmp_path: Path) -> None:
    old = baseline.from_findings([finding("FRQ003", "a", line) for line in (1, 2, 3)], tmp_path)
    change = baseline.update(
        old, [finding("FRQ003", "a", 1), finding("TIM001", "a", 1)], tmp_path, accept_new=False
    )
    assert (change.baseline.total(), change.removed, change.added, change.new) == (1, 2, 0, 1)
    change = baseline.update(
        old, [finding("FRQ003", "a", 1), finding("TIM001", "a", 1)], tmp_path, accept_new=True
    )
    assert (change.baseline.total(), change.removed, change.added, change.new) == (2, 2, 1, 0)
