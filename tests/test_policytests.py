"""``campaign-lint test``: policy test files, run in-process through the CLI's ``main``."""

from __future__ import annotations

import re
import shutil
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from campaign_lint.cli.app import main
from campaign_lint.lint.policytests import Actual, match
from campaign_lint.schemas.policytest import Expectation

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SUITE = "policy-tests/engagement.test.yaml"
REVIEW_CASE = f"{SUITE}::a review request waits for delivery"

CAMPAIGN = """\
version: 1
id: weekly-tips
name: Weekly care tips
owner: content-team@example.com
type: lifecycle
purpose: Fewer returns of cookware that was looked after badly.
customer_value: You learn how to make your kettle and pans last for years.
channel: email
audience: {segment: recent_buyers, exclude: [returned_orders], consent: opt_in, inactive_days_max: 180}
trigger: {schedule: {start: 2026-11-23, every: 7d}, stop_when: [order.returned]}
frequency: {max: 2, per: 7d}
send_window: {start: "09:00", end: "20:00"}
content: {subject: Make your kettle last, unsubscribe: one_click}
success_metrics: [retention_rate]
holdout: 10%
"""


def _examples_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of examples/ to change, as the working directory."""
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    monkeypatch.chdir(root)
    return root


def _change_expectation(root: Path) -> None:
    suite = root / SUITE
    text = suite.read_text(encoding="utf-8")
    old = "{rule: TIM001, file: review-on-shipment.yaml, line: 11}"
    assert old in text
    suite.write_text(text.replace(old, old.replace("11", "9")), encoding="utf-8")


def _suite(cases: str, policy_extra: str = "") -> str:
    """A test file with an inline policy (email cap 1 a week, then ``policy_extra``) and ``cases``.

    ``FIXTURE`` in ``cases`` stands for a case's inline fixture `tips.yaml` (``CAMPAIGN``).
    """
    fixture = textwrap.indent(CAMPAIGN, " " * 10)
    return (
        "policy:\n"
        "  version: 1\n"
        "  channels:\n"
        "    email: {cap: {max: 1, per: 7d}}\n"
        f"{policy_extra}"
        "cases:\n" + cases.replace("FIXTURE", f"    campaigns:\n      tips.yaml: |\n{fixture}")
    )


def _inline_suite(expect: str) -> str:
    """A test file with an inline policy (email cap 1 a week) and one case."""
    return _suite(f"  - name: two a week is over the cap\nFIXTURE    expect: {expect}\n")


def _select_suite(cases: str) -> str:
    """The email-cap policy with an exception that waives nothing (POL002 in every case), and ``cases``."""
    return _suite(
        cases,
        "  exceptions:\n"
        "    - {rule: AUD001, campaigns: [spring-sale], reason: Store-wide notice (MKT-1)., expires: 2099-01-01}\n"
        "today: 2026-11-22\n",
    )


def test_example_suite_passes(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    assert main(["test", "policy-tests"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"PASS {REVIEW_CASE}"
    assert [line.split(" ", 1)[0] for line in out[:-2]] == ["PASS"] * 6
    assert out[-1] == "6 passed, 0 failed"


def test_default_directory_is_the_working_directory(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(EXAMPLES)
    assert main(["test"]) == 0
    assert capsys.readouterr().out.endswith("6 passed, 0 failed\n")


def test_changed_expectation_fails_with_a_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _change_expectation(_examples_copy(tmp_path, monkeypatch))
    assert main(["test", "policy-tests"]) == 1
    out = capsys.readouterr().out.splitlines()
    failed = out.index(f"FAIL {REVIEW_CASE}")
    assert out[failed + 1 : failed + 3] == [
        "    - missing: TIM001 review-on-shipment.yaml:9",
        "    + unexpected: TIM001 review-on-shipment.yaml:11: this feedback request starts at "
        "`order.shipped`, before `order.delivered` (the customer has the order)",
    ]
    assert out[-1] == "5 passed, 1 failed"


def test_unexpected_findings_fail_the_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _examples_copy(tmp_path, monkeypatch)
    suite = root / SUITE
    suite.write_text(
        suite.read_text(encoding="utf-8").replace("      - {rule: CON001, line: 26}\n", ""), encoding="utf-8"
    )
    assert main(["test", "policy-tests"]) == 1
    out = capsys.readouterr().out
    assert "    + unexpected: CON001 flash-sale-sms-blast.yaml:26: `opt_in` consent is not enough" in out
    assert "      matched: TIM002 flash-sale-sms-blast.yaml:22" in out


def test_junit_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _change_expectation(_examples_copy(tmp_path, monkeypatch))
    report = tmp_path / "policy-tests.xml"
    assert main(["test", "policy-tests", "--format", "junit", "--output", str(report)]) == 1
    assert capsys.readouterr().out == ""
    root = ET.fromstring(report.read_text(encoding="utf-8"))
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "6", "1")
    [suite] = root.findall("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == (SUITE, "6", "1")
    assert len(suite.findall("testcase")) == 6
    [failure] = suite.findall("testcase/failure")
    assert failure.get("message") == "1 expected finding(s) missing, 1 unexpected finding(s)"
    assert (failure.text or "").startswith(
        "- missing: TIM001 review-on-shipment.yaml:9\n+ unexpected: TIM001"
    )


def test_junit_to_stdout_when_all_pass(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(EXAMPLES)
    assert main(["test", "policy-tests", "--format", "junit"]) == 0
    root = ET.fromstring(capsys.readouterr().out)
    assert (root.get("tests"), root.get("failures")) == ("6", "0")
    assert root.findall(".//failure") == []


def test_inline_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cap.test.yaml").write_text(
        _inline_suite('[{rule: FRQ002, file: tips.yaml, line: 11, message: "the email cap is 1"}]'),
        encoding="utf-8",
    )
    assert main(["test"]) == 0
    assert capsys.readouterr().out == "PASS cap.test.yaml::two a week is over the cap\n\n1 passed, 0 failed\n"


def test_inline_policy_errors_point_into_the_test_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = _inline_suite("[]").replace("{max: 1, per: 7d}", "{max: 1, per: 7days}")
    (tmp_path / "cap.test.yaml").write_text(text, encoding="utf-8")
    assert main(["test"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert err[0].startswith("cap.test.yaml:4:32: ")
    assert "7days" in err[0]


def test_excluded_fixture_is_not_linted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _examples_copy(tmp_path, monkeypatch)
    (root / "policy-tests" / "archive.test.yaml").write_text(
        "policy: ../campaign-lint.yaml\n"
        "cases:\n"
        "  - name: archived campaigns are not checked\n"
        "    files: [../campaigns/archive/old-summer-sale-2024.yaml]\n"
        "    expect: []\n",
        encoding="utf-8",
    )
    assert main(["test", "policy-tests/archive.test.yaml"]) == 0
    assert (
        "PASS policy-tests/archive.test.yaml::archived campaigns are not checked" in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        pytest.param("policy: [\n", "2:1", "not valid YAML", id="bad-yaml"),
        pytest.param(
            "policy: {}\ncases:\n  - {name: a, campaigns: {a.yaml: x}, expect: [], tday: 2026-01-01}\n",
            "3:51",
            "`tday` is not a field of `cases[0]`; did you mean `today`?",
            id="unknown-key",
        ),
        pytest.param(
            "policy: nowhere.yaml\ncases:\n  - {name: a, campaigns: {a.yaml: x}, expect: []}\n",
            "1:9",
            "policy file `nowhere.yaml` not found",
            id="missing-policy",
        ),
        pytest.param(
            "policy: {}\ncases:\n  - {name: a, files: [gone.yaml], expect: []}\n",
            "3:23",
            "cannot read `gone.yaml`",
            id="missing-fixture",
        ),
        pytest.param(
            "policy: {}\ncases:\n  - {name: a, campaigns: {a.yaml: x}, expect: [{rule: TIM01}]}\n",
            "3:55",
            "`TIM01` is not a rule; did you mean `TIM001`?",
            id="unknown-rule",
        ),
        pytest.param(
            _select_suite("  - name: a\n    select: [FRQ, TIMX]\nFIXTURE    expect: []\n"),
            "10:19",
            "`TIMX` is not a rule or family; did you mean `TIM`?",
            id="select-unknown",
        ),
        pytest.param(
            _select_suite("  - name: a\n    select: [TIM]\nFIXTURE    expect: [{rule: FRQ002}]\n"),
            "28:21",
            "`FRQ002` is not among the rules this case selects (TIM), so it can never be found",
            id="expectation-outside-select",
        ),
        pytest.param("policy: {}\ncases: []\n", "2:8", "`cases` is empty", id="no-cases"),
    ],
)
def test_invalid_test_file(
    text: str,
    where: str,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.test.yaml").write_text(text, encoding="utf-8")
    assert main(["test"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(f"bad.test.yaml:{where}: ")
    assert message in line


def test_no_test_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "campaign.yaml").write_text(CAMPAIGN, encoding="utf-8")
    assert main(["test"]) == 2
    err = capsys.readouterr().err
    assert re.fullmatch(
        r"campaign-lint: error: no policy test files \(\*\.test\.yaml\) found in \.;.*\n", err
    )


def test_missing_directory_and_bad_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(tmp_path / "nowhere")]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    assert main(["test", str(EXAMPLES), "--format", "xml"]) == 2
    assert "use one of: text, junit" in capsys.readouterr().err


def _actual(rule: str, line: int) -> Actual:
    return Actual(rule, "a.yaml", line, 1, "error", "message")


def test_matching_does_not_depend_on_the_order_of_expectations() -> None:
    loose, precise = Expectation(rule="FRQ002"), Expectation(rule="FRQ002", line=5)
    findings = [_actual("FRQ002", 5), _actual("FRQ002", 9)]
    matched, missing, unexpected = match([loose, precise], findings)
    assert (missing, unexpected) == ((), ())
    assert dict((id(e), a.line) for e, a in matched) == {id(loose): 9, id(precise): 5}


def test_each_expectation_takes_one_finding() -> None:
    expected = [Expectation(rule="CON001"), Expectation(rule="CON001"), Expectation(rule="TIM002")]
    matched, missing, unexpected = match(expected, [_actual("CON001", 3)])
    assert len(matched) == 1
    assert [e.rule for e in missing] == ["CON001", "TIM002"]
    assert unexpected == ()


def test_select_compares_only_the_findings_of_its_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cases = (
        "  - name: without select the policy's own finding is in every case\n"
        "FIXTURE"
        "    expect: [{rule: FRQ002, line: 11}]\n"
        "  - name: a family\n"
        "    select: [FRQ]\n"
        "FIXTURE"
        "    expect: [{rule: FRQ002, line: 11}]\n"
        "  - name: an ID and a family, in any case\n"
        "    select: [frq002, POL]\n"
        "FIXTURE"
        "    expect: [{rule: FRQ002, line: 11}, {rule: POL002, file: caps.test.yaml, line: 6}]\n"
        "  - name: other rules than the case's are not its business\n"
        "    select: [TIM]\n"
        "FIXTURE"
        "    expect: []\n"
        "  - name: a selected rule's findings are still compared exactly\n"
        "    select: [FRQ002]\n"
        "FIXTURE"
        "    expect: []\n"
    )
    (tmp_path / "caps.test.yaml").write_text(_select_suite(cases), encoding="utf-8")
    assert main(["test"]) == 1
    out = capsys.readouterr().out.splitlines()
    results = [line for line in out if line.startswith(("PASS", "FAIL"))]
    assert [line.split(" ", 1)[0] for line in results] == ["FAIL", "PASS", "PASS", "PASS", "FAIL"]
    first, last = out.index(results[0]), out.index(results[-1])
    assert out[first + 1].startswith("    + unexpected: POL002 caps.test.yaml:6:")
    assert out[last + 1].startswith("    + unexpected: FRQ002 tips.yaml:11:")
    assert out[-1] == "3 passed, 2 failed"
