"""CI output formats of ``campaign-lint check``: sarif, junit, github, gitlab, several at once.

Each format is checked the way its consumer reads it: SARIF against the
official 2.1.0 schema, JUnit with junitparser (as GitLab and Jenkins parse
it), workflow commands with the runner's grammar, Code Quality JSON for its
required keys. Every format also has a snapshot of the run on examples/.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from junitparser import Failure, JUnitXml, Skipped, TestSuite

from campaign_lint.cli.reporters import FORMATS, SHOW_SOURCE_LINES, fingerprints, get_reporter
from campaign_lint.cli.reporters.github import escape_data, escape_property
from campaign_lint.cli.reporters.json import finding_line
from campaign_lint.core.display import json_text
from campaign_lint.core.findings import Finding, Related, Severity, Span
from campaign_lint.lint.report import Report
from tests.cli.snapshots import Cli, Run, assert_snapshot

REPOSITORY = Path(__file__).resolve().parents[2]
EXAMPLES = REPOSITORY / "examples"
# The official OASIS schema, kept in the repository with its notice (tests/data/NOTICE.md).
SARIF_SCHEMA = REPOSITORY / "tests" / "data" / "sarif-schema-2.1.0.json"
TODAY = ("--today", "2026-11-22")
BLACK_FRIDAY = "campaigns/black-friday-avalanche.yaml"
SPIN_WHEEL = "campaigns/checkout-spin-wheel.yaml"


def _sarif_schema() -> Any:
    return json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))


@pytest.fixture
def repo(cli: Cli) -> Cli:
    """A copy of examples/ (twelve campaigns, seventeen findings) as the working repository."""
    shutil.copytree(
        EXAMPLES, cli.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".campaign-lint-cache")
    )
    return cli


def check(cli: Cli, *extra: str) -> Run:
    return cli.run("check", "--no-cache", *TODAY, *extra)


def json_findings(cli: Cli) -> list[dict[str, Any]]:
    """The findings as the json format gives them (the reference for the other formats)."""
    findings: list[dict[str, Any]] = json.loads(check(cli, "--format", "json").stdout)["findings"]
    assert findings, "examples/ should have findings"
    return findings


def insert_blank_lines(cli: Cli, name: str, count: int = 3) -> None:
    path = cli.root / name
    path.write_text("\n" * count + path.read_text(encoding="utf-8"), encoding="utf-8")


def give_reason(cli: Cli) -> None:
    """Make the example's reason-less suppression of TIM003 a valid one."""
    path = cli.root / SPIN_WHEEL
    text = path.read_text(encoding="utf-8")
    assert "disable=TIM003\n" in text
    path.write_text(text.replace("disable=TIM003\n", "disable=TIM003 -- test of suppressions\n"), "utf-8")


# --- SARIF -----------------------------------------------------------------------------------


def sarif(cli: Cli, *extra: str) -> dict[str, Any]:
    run = check(cli, "--format", "sarif", *extra)
    assert run.exit_code == 1
    assert run.stderr == ""
    log: dict[str, Any] = json.loads(run.stdout)
    return log


def validate_sarif(log: dict[str, Any]) -> None:
    schema = _sarif_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator_class(schema, format_checker=validator_class.FORMAT_CHECKER).iter_errors(log)
    ]
    assert errors == []


def test_sarif_schema_is_the_official_one_with_its_notice() -> None:
    schema = _sarif_schema()
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    notice = (SARIF_SCHEMA.parent / "NOTICE.md").read_text(encoding="utf-8")
    assert "sarif-schema-2.1.0.json" in notice
    assert "Copyright © OASIS Open" in notice


def test_sarif_validates_against_the_official_schema(repo: Cli) -> None:
    log = sarif(repo)
    validate_sarif(log)
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "campaign-lint"
    assert driver["informationUri"].startswith("https://")
    assert driver["version"]


def test_sarif_results_match_the_findings(repo: Cli) -> None:
    expected = json_findings(repo)
    results = sarif(repo)["runs"][0]["results"]
    assert len(results) == len(expected)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for result, finding in zip(results, expected, strict=True):
        assert result["ruleId"] == finding["rule"]
        assert result["level"] == levels[finding["severity"]]
        assert result["message"]["text"].startswith(finding["message"])
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": finding["path"], "uriBaseId": "%SRCROOT%"}
        assert location["region"] == {
            "startLine": finding["line"],
            "startColumn": finding["column"],
            "endLine": finding["end_line"],
            "endColumn": finding["end_column"],
        }


def test_sarif_has_one_rule_descriptor_per_triggered_rule_with_help(repo: Cli) -> None:
    run = sarif(repo)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    triggered = {result["ruleId"] for result in run["results"]}
    assert [rule["id"] for rule in rules] == sorted(triggered)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    for rule in rules:
        assert rule["name"]
        assert rule["name"] != rule["id"]
        assert rule["shortDescription"]["text"]
        assert len(rule["fullDescription"]["text"]) > len(rule["shortDescription"]["text"]) // 2
        assert "Why it matters" in rule["help"]["text"]
        assert "#### Why it matters" in rule["help"]["markdown"]
        assert rule["helpUri"].endswith(f"docs/rules.md#{rule['id'].lower()}")
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    # The anchors exist in the committed rule reference.
    reference = (REPOSITORY / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in rules:
        assert f"\n### {rule['id']}\n" in reference


def test_sarif_portfolio_finding_has_related_locations(repo: Cli) -> None:
    expected = next(finding for finding in json_findings(repo) if finding["rule"] == "FRQ003")
    results = [result for result in sarif(repo)["runs"][0]["results"] if result["ruleId"] == "FRQ003"]
    assert len(results) == 1
    related = results[0]["relatedLocations"]
    assert len(related) == len(expected["related"]) >= 1
    for place, want in zip(related, expected["related"], strict=True):
        physical = place["physicalLocation"]
        assert unquote(physical["artifactLocation"]["uri"]) == want["path"]
        assert physical["region"] == {"startLine": want["line"], "startColumn": want["column"]}
        assert place["message"]["text"] == want["message"]
    assert len({place["id"] for place in related}) == len(related)


def partial_fingerprints(log: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (result["ruleId"], next(iter(result["partialFingerprints"].values())))
        for result in log["runs"][0]["results"]
    ]


def test_sarif_fingerprints_survive_moved_lines(repo: Cli) -> None:
    before = sarif(repo)
    prints = partial_fingerprints(before)
    assert len(set(prints)) == len(prints)
    insert_blank_lines(repo, BLACK_FRIDAY)
    after = sarif(repo)
    assert partial_fingerprints(after) == prints
    # The lines did move: the fingerprints do not depend on them.
    lines = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before["runs"][0]["results"]
    ]
    moved = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after["runs"][0]["results"]
    ]
    assert lines != moved


def test_sarif_fingerprint_changes_with_what_the_finding_is_about(repo: Cli) -> None:
    prints = dict(partial_fingerprints(sarif(repo)))
    path = repo.root / "campaigns/review-request-on-shipment.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\nid: review-request-on-shipment\n" in text
    path.write_text(text.replace("\nid: review-request-on-shipment\n", "\nid: review-request\n"), "utf-8")
    changed = dict(partial_fingerprints(sarif(repo)))
    # Another campaign (id) is another finding; the message alone does not count (test_fingerprints.py).
    assert changed["TIM001"] != prints["TIM001"]


def test_sarif_shows_suppressed_findings_as_suppressions(repo: Cli) -> None:
    give_reason(repo)
    hidden = sarif(repo)
    assert "TIM003" not in {result["ruleId"] for result in hidden["runs"][0]["results"]}
    log = sarif(repo, "--show-suppressed")
    validate_sarif(log)
    suppressed = [result for result in log["runs"][0]["results"] if "suppressions" in result]
    assert [result["ruleId"] for result in suppressed] == ["TIM003"]
    assert suppressed[0]["suppressions"] == [
        {"kind": "inSource", "status": "accepted", "justification": "inline: test of suppressions"}
    ]


def test_sarif_clean_run_is_valid(cli: Cli) -> None:
    shutil.copytree(EXAMPLES / "clean", cli.root, dirs_exist_ok=True)
    run = check(cli, "--format", "sarif")
    assert run.exit_code == 0
    log = json.loads(run.stdout)
    validate_sarif(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


# --- JUnit -----------------------------------------------------------------------------------


def junit(cli: Cli, *extra: str) -> JUnitXml:
    target = cli.root / "report.xml"
    run = check(cli, "--format", "junit", "--output", str(target), *extra)
    assert run.exit_code == 1
    assert (run.stdout, run.stderr) == ("", "")
    return JUnitXml.fromfile(str(target))


def junit_cases(xml: JUnitXml) -> list[tuple[str, str, Any]]:
    """(classname, name, the case) of every test case, in order."""
    return [
        (case.classname, case.name, case) for suite in xml if isinstance(suite, TestSuite) for case in suite
    ]


def test_junit_cases_match_findings_and_only_failing_ones_fail(repo: Cli) -> None:
    expected = json_findings(repo)
    xml = junit(repo)
    suites = [suite for suite in xml if isinstance(suite, TestSuite)]
    named = {name: (classname, case) for classname, name, case in junit_cases(xml)}
    # The examples' policy fails on errors: warnings and infos pass, with the finding as their output.
    failing = [finding for finding in expected if finding["severity"] == "error"]
    assert len(failing) < len(expected)
    assert xml.failures == len(failing)
    assert sum(suite.failures for suite in suites) == len(failing)
    for finding in expected:
        classname, case = named[f"{finding['rule']} {finding['path']}:{finding['line']}:{finding['column']}"]
        assert classname == finding["path"].removesuffix(".yaml")
        if finding["severity"] == "error":
            (failure,) = case.result
            assert isinstance(failure, Failure)
            assert failure.type == finding["rule"]
            assert finding["message"] in failure.message
        else:
            assert case.is_passed
            assert finding["message"] in case.system_out
            assert f"[{finding['severity']}]" in case.system_out
    # One suite per checked file (archive/ is excluded), its path as name and file; clean files pass.
    checked = {path.relative_to(repo.root).as_posix() for path in (repo.root / "campaigns").glob("*.yaml")}
    assert [suite.name for suite in suites] == sorted(checked)
    assert all(suite._elem.get("file") == suite.name for suite in suites)
    clean = [suite for suite in suites if suite.tests == 1 and next(iter(suite)).name == "no findings"]
    assert {suite.name for suite in clean} == checked - {finding["path"] for finding in expected}
    assert clean
    for suite in clean:
        (case,) = list(suite)
        assert case.is_passed
    assert xml.tests == len(expected) + len(clean)


def test_junit_fails_warnings_when_the_run_fails_on_them(repo: Cli) -> None:
    expected = json_findings(repo)
    xml = junit(repo, "--fail-on", "warning")
    failing = [finding for finding in expected if finding["severity"] in {"error", "warning"}]
    assert xml.failures == len(failing)


def test_junit_escapes_markup_and_replaces_what_xml_cannot_carry(tmp_path: Path) -> None:
    from campaign_lint.cli.reporters.junit import render

    message = "a <b>&amp; \"quoted\" 'x'\nsecond line \x01 end"
    finding = Finding("CUS001", Severity.WARNING, message, "campaigns/a&b <c>.yaml", Span(3, 4, 3, 9))
    target = tmp_path / "report.xml"
    report = Report([finding], 1, 0.0, paths=(finding.path,), fail_on=Severity.WARNING)
    target.write_text(render(report), encoding="utf-8")
    xml = JUnitXml.fromfile(str(target))
    suites = [suite for suite in xml if isinstance(suite, TestSuite)]
    assert [suite.name for suite in suites] == [finding.path]
    (case,) = list(suites[0])
    assert case.name == "CUS001 campaigns/a&b <c>.yaml:3:4"
    (failure,) = case.result
    assert isinstance(failure, Failure)
    # Line breaks and control characters inside a value are shown escaped (core.display), never written.
    assert failure.message == "CUS001 [warning] " + message.replace("\n", "\\x0a").replace("\x01", "\\x01")


def test_junit_shows_suppressed_findings_as_skipped(repo: Cli) -> None:
    give_reason(repo)
    xml = junit(repo, "--show-suppressed")
    skipped = [
        (case.name, result.message)
        for suite in xml
        if isinstance(suite, TestSuite)
        for case in suite
        for result in case.result
        if isinstance(result, Skipped)
    ]
    assert skipped == [
        ("TIM003 campaigns/checkout-spin-wheel.yaml:18:12", "suppressed (inline: test of suppressions)")
    ]
    assert xml.skipped == 1


# --- GitHub workflow commands ----------------------------------------------------------------

COMMAND = re.compile(
    r"^::(?P<command>error|warning|notice) "
    r"file=(?P<file>[^,:]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"endLine=(?P<endLine>\d+),endColumn=(?P<endColumn>\d+),title=(?P<title>[A-Z]+\d{3})"
    r"::(?P<message>[^\r\n]*)$"
)


def unescape(text: str) -> str:
    return (
        text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def test_github_one_command_per_finding(repo: Cli) -> None:
    expected = json_findings(repo)
    run = check(repo, "--format", "github")
    assert run.exit_code == 1
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    assert len(lines) == len(expected)
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    for line, finding in zip(lines, expected, strict=True):
        match = COMMAND.match(line)
        assert match, line
        assert match["command"] == commands[finding["severity"]]
        assert unescape(match["file"]) == finding["path"]
        assert (int(match["line"]), int(match["col"])) == (finding["line"], finding["column"])
        assert (int(match["endLine"]), int(match["endColumn"])) == (
            finding["end_line"],
            finding["end_column"],
        )
        assert match["title"] == finding["rule"]
        assert unescape(match["message"]).splitlines()[0] == finding["message"]


def test_github_escapes_data_and_properties() -> None:
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    finding = Finding(
        "CUS001",
        Severity.INFO,
        "50% off:\nnew line, ::error file=x::injected",
        "campaigns/odd, name: 100%.yaml",
        Span(2, 3, 2, 9),
    )
    from campaign_lint.cli.reporters.github import render

    out = render(Report([finding], 1, 0.0), color=False, quiet=False, show_suppressed=False)
    assert out.count("\n") == 1
    match = COMMAND.match(out.rstrip("\n"))
    assert match
    assert match["command"] == "notice"
    assert unescape(match["file"]) == finding.path
    # A line break inside a value is shown escaped (core.display): it cannot start a command.
    assert unescape(match["message"]) == finding.message.replace("\n", "\\x0a")


def test_github_clean_run_prints_nothing(cli: Cli) -> None:
    shutil.copytree(EXAMPLES / "clean", cli.root, dirs_exist_ok=True)
    run = check(cli, "--format", "github")
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "")


# --- GitLab Code Quality ---------------------------------------------------------------------

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def gitlab(cli: Cli) -> list[dict[str, Any]]:
    run = check(cli, "--format", "gitlab")
    assert run.exit_code == 1
    assert run.stderr == ""
    issues: list[dict[str, Any]] = json.loads(run.stdout)
    return issues


def test_gitlab_code_quality_structure(repo: Cli) -> None:
    expected = json_findings(repo)
    issues = gitlab(repo)
    assert isinstance(issues, list)
    assert len(issues) == len(expected)
    for issue, finding in zip(issues, expected, strict=True):
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["check_name"] == finding["rule"]
        assert finding["message"] in issue["description"]
        assert issue["severity"] in GITLAB_SEVERITIES
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        location = issue["location"]
        assert location["path"] == finding["path"]
        assert location["positions"]["begin"] == {"line": finding["line"], "column": finding["column"]}
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    mapping = {
        (finding["severity"], issue["severity"]) for issue, finding in zip(issues, expected, strict=True)
    }
    assert mapping == {("error", "major"), ("warning", "minor"), ("info", "info")}


def test_gitlab_fingerprints_survive_moved_lines(repo: Cli) -> None:
    before = [issue["fingerprint"] for issue in gitlab(repo)]
    insert_blank_lines(repo, BLACK_FRIDAY)
    insert_blank_lines(repo, SPIN_WHEEL, 5)
    assert [issue["fingerprint"] for issue in gitlab(repo)] == before


def test_fingerprints_are_unique_for_identical_findings() -> None:
    one = Finding("SPEC001", Severity.ERROR, "same", "a.yaml", Span(1, 1, 1, 2))
    two = Finding("SPEC001", Severity.ERROR, "same", "a.yaml", Span(5, 1, 5, 2))
    other = Finding("SPEC001", Severity.ERROR, "same", "b.yaml", Span(1, 1, 1, 2))
    prints = fingerprints([one, two, other])
    assert len(set(prints)) == 3
    # Only meaning counts: the same finding on another line keeps its fingerprint.
    assert fingerprints([two]) == fingerprints([one])
    # A campaign's finding is keyed on its id: renaming the file or changing the
    # related places (other campaigns' lines) keeps it.
    portfolio = Finding(
        "FRQ003", Severity.ERROR, "m", "a.yaml", Span(1, 1, 1, 2), "x", related=(Related("b", 1, 1, "r"),)
    )
    renamed = Finding("FRQ003", Severity.ERROR, "m", "z.yaml", Span(9, 9, 9, 9), "x")
    assert fingerprints([portfolio]) == fingerprints([renamed])


# --- Snapshots -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sarif", "junit", "github", "gitlab"])
def test_format_snapshot_on_examples(repo: Cli, name: str) -> None:
    run = check(repo, "--format", name)
    assert run.exit_code == 1
    assert_snapshot(f"check-format-{name}", run)


def test_ci_formats_are_deterministic(repo: Cli) -> None:
    ci_formats = [name for name in FORMATS if name not in {"text", "json"}]  # those carry the run's time
    assert ci_formats == ["sarif", "junit", "github", "gitlab"]
    for name in ci_formats:
        assert check(repo, "--format", name).stdout == check(repo, "--format", name, "--jobs", "2").stdout


# --- Several formats at once -----------------------------------------------------------------


def test_several_formats_at_once(repo: Cli) -> None:
    run = check(
        repo,
        "--format",
        "sarif",
        "--output",
        "results.sarif",
        "--format",
        "junit",
        "--output",
        "junit.xml",
        "--format",
        "text",
    )
    assert run.exit_code == 1
    assert_snapshot("check-format-several", run)
    assert run.stdout.startswith("campaigns/black-friday-avalanche.yaml:37:1: FRQ002 [error]")
    validate_sarif(json.loads((repo.root / "results.sarif").read_text(encoding="utf-8")))
    errors = [finding for finding in json_findings(repo) if finding["severity"] == "error"]
    assert JUnitXml.fromfile(str(repo.root / "junit.xml")).failures == len(errors)
    alone = check(repo, "--format", "sarif")
    assert (repo.root / "results.sarif").read_text(encoding="utf-8") == alone.stdout


def test_output_without_format_is_text(repo: Cli) -> None:
    run = check(repo, "--output", "report.txt")
    assert (run.exit_code, run.stdout) == (1, "")
    assert (repo.root / "report.txt").read_text(encoding="utf-8").startswith(f"{BLACK_FRIDAY}:37:1: FRQ002")


def test_formats_to_files_only_print_nothing(repo: Cli) -> None:
    run = check(repo, "-f", "gitlab", "-o", "gl.json", "-f", "github", "-o", "gh.txt")
    assert (run.exit_code, run.stdout, run.stderr) == (1, "", "")
    assert json.loads((repo.root / "gl.json").read_text(encoding="utf-8"))
    assert (repo.root / "gh.txt").read_text(encoding="utf-8").startswith("::error file=")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--format", "sarif", "--format", "text"), "only one format can go to stdout"),
        (("--format", "sarif", "--output", "a", "--output", "b"), "2 --output files but 1 --format"),
        (("--output", "a", "--output", "b"), "2 --output files but 1 --format"),
        (("-f", "sarif", "-o", "same", "-f", "gitlab", "-o", "same"), "given twice"),
        (("--format", "sarif", "--output", "a", "--format", "xml"), "`xml` is not a format"),
    ],
)
def test_bad_format_and_output_pairs_are_usage_errors(repo: Cli, argv: tuple[str, ...], message: str) -> None:
    run = check(repo, *argv)
    assert run.exit_code == 2
    assert run.stdout == ""
    assert message in run.stderr
    assert not any((repo.root / name).exists() for name in ("a", "b", "same"))


def test_several_formats_usage_error_snapshot(repo: Cli) -> None:
    assert_snapshot("check-format-two-to-stdout", check(repo, "-f", "sarif", "-f", "junit"))


AWKWARD = [
    "plain",
    "",
    'quote " and \\ backslash',
    "line\nbreak\ttab\x01\x1f",
    "ünïcödé ✓ 😀",
    "\u2028\u2029",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_json_finding_lines_are_exactly_what_json_dumps_writes(text: str) -> None:
    related = (Related(f"other/{text}.yaml", 3, 7, f"also {text}"), Related("b.yaml", 1, 1, ""))
    for finding in (
        Finding("TIM001", Severity.ERROR, text, f"campaigns/{text}.yaml", Span(1, 2, 3, 4)),
        Finding("ORG001", Severity.INFO, "m", "p.yaml", Span(10, 1, 10, 9), text, text, related, ("a", 1)),
    ):
        span = finding.span
        expected = {
            "rule": finding.rule,
            "severity": str(finding.severity),
            "message": finding.message,
            "path": finding.path,
            "line": span.line,
            "column": span.column,
            "end_line": span.end_line,
            "end_column": span.end_column,
            "campaign": finding.campaign,
            "related": [
                {"path": r.path, "line": r.line, "column": r.column, "message": r.message}
                for r in finding.related
            ],
            "hint": finding.hint,
        }
        # What json.dumps writes, with the characters it leaves raw (U+2028) as \u escapes: the same value.
        assert finding_line(finding) == json_text(json.dumps(expected, ensure_ascii=False))
        assert json.loads(finding_line(finding)) == expected
        assert finding_line(finding, text) == json_text(
            json.dumps({**expected, "reason": text}, ensure_ascii=False)
        )


@pytest.mark.parametrize(
    ("count", "suppressed"),
    [(0, False), (0, True), (1, True), (3, False), pytest.param(9_000, True, marks=pytest.mark.slow)],
)
def test_json_report_written_in_pieces_is_the_rendered_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], count: int, suppressed: bool
) -> None:
    from campaign_lint.cli.reporters.json import render, render_parts
    from campaign_lint.cli.writing import deliver

    def finding(index: int) -> Finding:
        return Finding(
            "TIM001", Severity.ERROR, f"message {index} " + "x" * 120, "c.yaml", Span(index + 1, 1, 1, 2)
        )

    report = Report(
        [finding(i) for i in range(count)],
        1,
        0.5,
        suppressed=[(finding(i), "inline") for i in range(count // 2)],
        paths=("c.yaml",),
    )
    whole = render(report, show_suppressed=suppressed)
    assert "".join(render_parts(report, show_suppressed=suppressed)) == whole
    document = json.loads(whole)
    assert len(document["findings"]) == count
    assert len(document.get("suppressed", [])) == (count // 2 if suppressed else 0)
    assert ("suppressed" in document) is suppressed
    # One finding per line, as before the report was written in pieces.
    lines = whole.splitlines()
    assert sum(line.startswith('    {"rule": ') for line in lines) == count + (
        count // 2 if suppressed else 0
    )
    assert (lines[0], lines[-1]) == ("{", "}")
    # Written to a file and to standard output, piece by piece: the same bytes.
    target = tmp_path / "report.json"
    deliver(report, [("json", target), ("json", None)], quiet=False, show_suppressed=suppressed)
    assert target.read_text(encoding="utf-8") == whole
    assert capsys.readouterr().out == whole


def test_long_text_is_written_in_bounded_parts() -> None:
    import io

    from campaign_lint.cli import writing

    class Counting(io.StringIO):
        sizes: list[int]

        def write(self, text: str) -> int:
            self.sizes.append(len(text))
            return super().write(text)

    text = "".join(chr(0x41 + i % 26) for i in range(2 * writing._PART + 5))
    stream = Counting()
    stream.sizes = []
    writing._write_in_parts(stream, text)
    assert stream.getvalue() == text
    assert stream.sizes == [writing._PART, writing._PART, 5]


def test_only_the_formats_that_show_source_lines_read_them() -> None:
    """A run collects source lines only for SHOW_SOURCE_LINES (or its cache): every other format ignores them."""
    findings = [
        Finding(
            "TIM001", Severity.ERROR, "too early", "a.yaml", Span(3, 5, 3, 9), "a", "wait", (), ("trigger",)
        ),
        Finding(
            "FRQ003",
            Severity.WARNING,
            "too many",
            "b.yaml",
            Span(1, 1, 1, 4),
            "b",
            None,
            (Related("a.yaml", 2, 1, "also sends"),),
        ),
    ]
    suppressed = [(Finding("VAL001", Severity.INFO, "vague", "a.yaml", Span(4, 1, 4, 2)), "reason")]
    sources = {"a.yaml": {2: "id: a", 3: "  event: order.shipped", 4: "purpose: x"}, "b.yaml": {1: "id: b"}}
    shown = []
    for name in FORMATS:
        render = get_reporter(name)
        with_lines, without = (
            render(
                Report(findings, 2, 0.5, lines, suppressed, paths=("a.yaml", "b.yaml")),
                color=False,
                quiet=False,
                show_suppressed=True,
            )
            for lines in (sources, {})
        )
        if with_lines != without:
            shown.append(name)
    assert sorted(shown) == sorted(SHOW_SOURCE_LINES)
