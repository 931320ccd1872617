"""Data-driven rule cases: tests/rules/cases/<ID>.yaml, one parametrised test.

Each case file::

    rule: TIM001
    cases:
      - name: review_on_shipped_event        # unique within the file
        policy: {rules: {TIM001: {min_delay: 5d}}}   # optional policy file content
        files:                               # campaign files (under campaigns/)
          review.yaml: |
            version: 1
            ...
        expect:                              # exact findings of this rule (and SPEC001/SPEC002)
          - {file: review.yaml, line: 9, column: 10, hint: "order.delivered"}   # hint: substring
          - {file: review.yaml, line: 10, column: 10, message: "only 1 day"}  # message: substring

``hint_not:`` is a text the hint must not hold. A case whose policy the
rule's own checks refuse when it loads (an expectation's unknown event for
FRQ005 and TIM005) says so instead of ``expect:``::

        policy_errors:                       # exact policy errors, each file:line:col: message
          - {line: 6, column: 35, message: "did you mean `order.delivered`?"}

Write such a ``policy:`` as a block of text, so that its lines are yours. ``campaign:`` may replace ``files:`` for a single file named ``campaign.yaml``.
``today: 2026-11-22`` fixes the date exceptions are judged by (that is also
the default). Findings in the policy file have ``file: campaign-lint.yaml``.
Run one rule's cases with ``pytest -k TIM001``.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from campaign_lint.core.errors import PolicyError
from tests.helpers import lint_tree

CASES_DIR = Path(__file__).parent / "cases"


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rule = data["rule"]
        assert rule == path.stem, f"{path.name} declares rule {rule}"
        for case in data["cases"]:
            params.append(pytest.param(rule, case, id=f"{rule}-{case['name']}"))
    return params


CASES = _load_cases()


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_rule_case(rule: str, case: dict[str, Any], tmp_path: Path) -> None:
    files = case.get("files") or {"campaign.yaml": case["campaign"]}
    today = case.get("today")
    run = functools.partial(
        lint_tree,
        tmp_path,
        files,
        policy=case.get("policy"),
        select=[rule, "SPEC001", "SPEC002"],
        today=today if isinstance(today, date) else date.fromisoformat(today) if today else None,
    )
    if "policy_errors" in case:
        with pytest.raises(PolicyError) as refused:
            run()
        _expect_policy_errors(refused.value.lines(), case["policy_errors"])
        return
    report = run()
    actual = [
        (Path(f.path).name, f.span.line, f.span.column, f.rule, f.message, f.hint or "")
        for f in report.findings
        if f.rule in (rule, "SPEC001", "SPEC002")
    ]
    expected = case.get("expect") or []
    got = [(name, line, column, found_rule) for name, line, column, found_rule, _, _ in actual]
    want = [(e.get("file", "campaign.yaml"), e["line"], e["column"], e.get("rule", rule)) for e in expected]
    assert sorted(got) == sorted(want), "\n".join(f"{a}" for a in actual)
    for entry in expected:
        place = (entry.get("file", "campaign.yaml"), entry["line"], entry["column"])
        for part, index in (("message", 4), ("hint", 5)):
            if part in entry:
                texts = [str(found[index]) for found in actual if found[:3] == place]
                assert any(entry[part] in text for text in texts), texts
        if "hint_not" in entry:
            hints = [found[5] for found in actual if found[:3] == place]
            assert all(entry["hint_not"] not in hint for hint in hints), hints


def test_every_case_file_has_pass_and_fail_cases() -> None:
    for path in sorted(CASES_DIR.glob("*.yaml")):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
        failing = [c for c in cases if c.get("expect")]
        passing = [c for c in cases if not c.get("expect")]
        assert len(failing) >= 2, f"{path.name}: needs at least two failing cases"
        assert len(passing) >= 2, f"{path.name}: needs at least two passing cases"
        names = [c["name"] for c in cases]
        assert len(names) == len(set(names)), f"{path.name}: duplicate case names"


def _expect_policy_errors(problems: list[str], expected: list[dict[str, Any]]) -> None:
    """``problems`` (``file:line:col: message``) are exactly ``expected``, each holding its ``message``."""
    found = [problem.split(":", 3) for problem in problems]
    got = sorted((Path(file).name, int(line), int(column)) for file, line, column, _ in found)
    want = sorted(("campaign-lint.yaml", e["line"], e["column"]) for e in expected)
    assert got == want, "\n".join(problems)
    for entry in expected:
        texts = [
            text
            for _, line, column, text in found
            if (int(line), int(column)) == (entry["line"], entry["column"])
        ]
        assert any(entry["message"] in text for text in texts), texts
