"""``campaign-lint check``: output formats, exit codes 0-3, rule selection."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from campaign_lint.lint.engine import Engine
from tests.cli import campaigns
from tests.cli.snapshots import Cli, Run, assert_snapshot

# docs/output.md: the JSON object is a contract.
TOOL_FIELDS = {"name", "version"}
FINDING_FIELDS = {
    "rule",
    "severity",
    "message",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "campaign",
    "related",
    "hint",
}
RELATED_FIELDS = {"path", "line", "column", "message"}
SUMMARY_FIELDS = {"files", "errors", "warnings", "infos", "seconds"}
# Fields added later (each documented in docs/output.md); a new one must be added here on purpose.
SUMMARY_EXTENSIONS = {"suppressed"}


def one_line(text: str) -> str:
    """The single line of ``text`` (fails on zero or several lines)."""
    lines = text.splitlines()
    assert len(lines) == 1, f"expected one line, got {len(lines)}: {text!r}"
    assert text.endswith("\n")
    return lines[0]


@pytest.fixture
def findings(cli: Cli) -> Cli:
    """A folder with one error-and-warning campaign and one clean campaign."""
    cli.write(
        {
            "campaigns/review-on-shipment.yaml": campaigns.SHIPPED,
            "campaigns/review-after-delivery.yaml": campaigns.GOOD,
        }
    )
    return cli


def test_text_findings(findings: Cli) -> None:
    run = findings.run("check", "campaigns")
    assert run.exit_code == 1
    assert run.stderr == ""
    assert_snapshot("check-text-findings", run)


def test_text_quiet_leaves_out_the_summary(findings: Cli) -> None:
    run = findings.run("check", "campaigns", "--quiet")
    assert run.exit_code == 1
    assert "Found" not in run.stdout
    assert_snapshot("check-text-quiet", run)


def test_json_findings(findings: Cli) -> None:
    findings.write({"campaigns/duplicate-id.yaml": campaigns.DUPLICATE_ID})
    run = findings.run("check", "campaigns", "--format", "json")
    assert run.exit_code == 1
    assert run.stderr == ""
    report: dict[str, Any] = json.loads(run.stdout)
    assert set(report) == {"tool", "findings", "summary"}
    assert set(report["tool"]) == TOOL_FIELDS
    assert report["tool"]["name"] == "campaign-lint"
    assert {item["rule"] for item in report["findings"]} == {"TIM001", "MET002", "SPEC003"}
    for finding in report["findings"]:
        assert set(finding) == FINDING_FIELDS
        for related in finding["related"]:
            assert set(related) == RELATED_FIELDS
    assert any(finding["related"] for finding in report["findings"]), "no finding exercises `related`"
    assert set(report["summary"]) == SUMMARY_FIELDS | SUMMARY_EXTENSIONS
    assert report["summary"]["files"] == 3
    assert_snapshot("check-json-findings", run)


def test_json_clean(cli: Cli) -> None:
    cli.write({"campaigns/review-after-delivery.yaml": campaigns.GOOD})
    run = cli.run("check", "campaigns", "--format", "json")
    assert run.exit_code == 0
    assert json.loads(run.stdout)["findings"] == []
    assert_snapshot("check-json-clean", run)


def test_clean_folder(cli: Cli) -> None:
    cli.write({"campaigns/review-after-delivery.yaml": campaigns.GOOD})
    run = cli.run("check", "campaigns")
    assert run.exit_code == 0
    assert "All clear" in run.stdout
    assert_snapshot("check-clean", run)


def test_default_paths_come_from_the_policy_globs(cli: Cli) -> None:
    cli.write(
        {"campaigns/review-after-delivery.yaml": campaigns.GOOD, "notes/todo.yaml": "- not a campaign\n"}
    )
    run = cli.run("check")
    assert run.exit_code == 0
    assert "1 file" in run.stdout


def test_warnings_pass_by_default(cli: Cli) -> None:
    cli.write({"campaigns/review-opens-only.yaml": campaigns.OPENS_ONLY})
    run = cli.run("check", "campaigns")
    assert run.exit_code == 0
    assert_snapshot("check-warning-passes", run)


def test_fail_on_warning(cli: Cli) -> None:
    cli.write({"campaigns/review-opens-only.yaml": campaigns.OPENS_ONLY})
    run = cli.run("check", "campaigns", "--fail-on", "warning")
    assert run.exit_code == 1
    assert_snapshot("check-fail-on-warning", run)


def test_fail_on_from_the_policy_file(cli: Cli) -> None:
    cli.write(
        {
            "campaigns/review-opens-only.yaml": campaigns.OPENS_ONLY,
            "campaign-lint.yaml": "version: 1\nfail_on: warning\n",
        }
    )
    assert cli.run("check", "campaigns").exit_code == 1
    assert cli.run("check", "campaigns", "--fail-on", "error").exit_code == 0


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("check-select-family", ["--select", "TIM"]),
        ("check-select-id", ["--select", "MET002"]),
        ("check-ignore-family-and-id", ["--ignore", "met,TIM001"]),
    ],
)
def test_select_and_ignore(findings: Cli, name: str, options: list[str]) -> None:
    run = findings.run("check", "campaigns", *options)
    assert_snapshot(name, run)


def test_select_family_keeps_only_that_family(findings: Cli) -> None:
    run = findings.run("check", "campaigns", "--select", "TIM", "--format", "json")
    assert {item["rule"] for item in json.loads(run.stdout)["findings"]} == {"TIM001"}
    assert run.exit_code == 1


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        ("check-select-unknown", ["check", "campaigns", "--select", "TIM999"]),
        ("check-ignore-unknown", ["check", "campaigns", "--ignore", "XYZ"]),
        ("check-fail-on-unknown", ["check", "campaigns", "--fail-on", "critical"]),
        ("check-format-unknown", ["check", "campaigns", "--format", "xml"]),
        ("check-missing-path", ["check", "no-such-folder"]),
        ("check-config-missing", ["check", "campaigns", "--config", "missing.yaml"]),
        ("check-nothing-to-check", ["check", "docs"]),
    ],
)
def test_usage_errors_exit_2_with_one_line(findings: Cli, name: str, argv: list[str]) -> None:
    (findings.root / "docs").mkdir()
    run = findings.run(*argv)
    assert run.exit_code == 2
    assert run.stdout == ""
    assert one_line(run.stderr).startswith("campaign-lint: error: ")
    assert_snapshot(name, run)


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        ("check-option-unknown", ["check", "campaigns", "--bogus"]),
        ("check-jobs-negative", ["check", "campaigns", "--jobs", "-1"]),
        ("command-unknown", ["lint", "campaigns"]),
    ],
)
def test_command_line_errors_exit_2_with_one_line(findings: Cli, name: str, argv: list[str]) -> None:
    # Errors found by the argument parser look like our own: one line, and where to get help.
    run = findings.run(*argv)
    assert run.exit_code == 2
    assert run.stdout == ""
    assert one_line(run.stderr).startswith("campaign-lint: error: ")
    assert run.stderr.rstrip().endswith(" -h`")
    assert_snapshot(name, run)


def test_no_arguments_prints_the_help(cli: Cli) -> None:
    run = cli.run()
    assert run.exit_code == 2
    assert "Usage: campaign-lint" in run.stdout + run.stderr


def test_broken_yaml_is_a_finding_and_other_files_are_linted(findings: Cli) -> None:
    findings.write({"campaigns/summer-sale.yaml": campaigns.BROKEN})
    run = findings.run("check", "campaigns")
    assert run.exit_code == 1
    assert run.stderr == ""
    assert "SPEC001" in run.stdout
    assert "TIM001" in run.stdout  # the valid files are still linted
    assert "3 files" in run.stdout
    assert_snapshot("check-broken-yaml", run)


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_output_file(findings: Cli, output_format: str) -> None:
    expected = findings.run("check", "campaigns", "--format", output_format)
    # `out/` does not exist yet: it is created, as CI artifact folders usually are not.
    run = findings.run("check", "campaigns", "--format", output_format, "--output", "out/report")
    assert (run.exit_code, run.stdout, run.stderr) == (1, "", "")
    written = (findings.root / "out" / "report").read_text(encoding="utf-8")
    assert run.normalised(written) == expected.normalised(expected.stdout)
    assert [p.name for p in (findings.root / "out").iterdir()] == ["report"]  # no temporary file left
    assert_snapshot(f"check-output-{output_format}", run)


def test_internal_error_exits_3_without_traceback(findings: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(self: Engine, *args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(Engine, "results", explode)
    run = findings.run("check", "campaigns")
    assert run.exit_code == 3
    assert run.stdout == ""
    line = one_line(run.stderr)
    assert "bug" in line
    assert "boom" in line
    assert "Traceback" not in run.stderr
    assert_snapshot("check-internal-error", run)


def test_debug_shows_the_traceback_of_an_internal_error(
    findings: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: Engine, *args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Engine, "results", explode)
    run = findings.run("--debug", "check", "campaigns")
    assert run.exit_code == 3
    assert "Traceback" in run.stderr
    assert run.stderr.rstrip().splitlines()[-1].startswith("campaign-lint: internal error")


def run_on_a_terminal(cli: Cli, monkeypatch: pytest.MonkeyPatch, *argv: str) -> Run:
    """Run as if stdout were a terminal."""
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    return cli.run(*argv)


def test_no_colour_when_not_a_terminal(findings: Cli) -> None:
    run = findings.run("check", "campaigns")
    assert run.exit_code == 1
    assert "\x1b[" not in run.stdout + run.stderr


def test_colour_on_a_terminal(findings: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # The counterpart of the test above: proves the check can fail.
    run = run_on_a_terminal(findings, monkeypatch, "check", "campaigns")
    assert "\x1b[" in run.stdout


def test_no_colour_with_no_color(findings: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    run = run_on_a_terminal(findings, monkeypatch, "check", "campaigns")
    assert run.exit_code == 1
    assert "\x1b[" not in run.stdout


def test_no_colour_in_an_output_file(findings: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_on_a_terminal(findings, monkeypatch, "check", "campaigns", "--output", "report.txt")
    assert run.exit_code == 1
    assert "\x1b[" not in Path("report.txt").read_text(encoding="utf-8")
