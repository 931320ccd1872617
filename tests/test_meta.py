"""Meta-tests: every rule is documented, tested, in a profile, and its docs do what they say."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from campaign_lint.policies.base import Rule
from campaign_lint.policies.registry import RULES
from tests.helpers import lint_tree

CASES_DIR = Path(__file__).parent / "rules" / "cases"

# Doc examples that are fragments are laid over this clean campaign, so an
# example shows only the fields that matter. It must pass every strict rule.
DOC_BASE = """\
version: 1
id: example-campaign
owner: crm@example.com
type: lifecycle
purpose: Tell recent buyers how to get the most from their purchase.
customer_value: You learn how to use and care for what you bought.
channel: email
audience: {segment: recent_buyers, consent: opt_in}
content: {unsubscribe: one_click}
success_metrics: [repeat_purchase_rate, problems_resolved]
"""

IDS = [rule.id for rule in RULES]


def _merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


POLICY_MARK = "# campaign-lint.yaml\n"


def _example_files(examples: list[str]) -> tuple[dict[str, str], dict[str, Any]]:
    """Campaign files and policy of a doc section.

    Each example is a whole file (starts with `version:`), the policy (starts
    with `# campaign-lint.yaml`), or a fragment laid over DOC_BASE. Fragments
    with comments are laid over it line by line (YAML loading drops comments).
    """
    files = {}
    policy: dict[str, Any] = {"extends": "strict"}
    campaigns = [text for text in examples if not text.startswith(POLICY_MARK)]
    for text in examples:
        if text.startswith(POLICY_MARK):
            policy.update(yaml.safe_load(text))
    base = yaml.safe_load(DOC_BASE)
    for index, text in enumerate(campaigns):
        name = f"example-{index}.yaml"
        fragment = yaml.safe_load(text)
        if text.startswith("version:") or "\n---" in text:
            files[name] = text
        elif "#" in text:
            kept = [line for line in DOC_BASE.splitlines() if line.split(":")[0] not in fragment]
            files[name] = "\n".join(kept) + "\n" + text
        else:
            data = _merge(base, fragment)
            if len(campaigns) > 1 and "id" not in fragment:
                data["id"] = f"example-{index}"
            files[name] = yaml.safe_dump(data, sort_keys=False)
    return files, policy


def _strict_findings(tmp_path: Path, examples: list[str]) -> set[str]:
    files, policy = _example_files(examples)
    rules = {rule.id for rule in RULES}
    report = lint_tree(tmp_path, files, policy=policy, select=sorted(rules))
    return {finding.rule for finding in report.findings}


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_is_documented(rule: type[Rule]) -> None:
    assert rule.missing_doc_sections() == [], f"{rule.id} docstring lacks sections"
    doc = rule.doc()
    assert doc.summary.endswith("."), f"{rule.id}: summary should be a sentence"
    assert doc.examples("Bad"), f"{rule.id}: no YAML example under ## Bad"
    assert doc.examples("Use instead"), f"{rule.id}: no YAML example under ## Use instead"
    assert rule.name == rule.name.lower()
    assert " " not in rule.name
    assert rule.principle


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_has_case_file(rule: type[Rule]) -> None:
    assert (CASES_DIR / f"{rule.id}.yaml").is_file(), f"tests/rules/cases/{rule.id}.yaml is missing"


def test_doc_base_is_clean_under_strict(tmp_path: Path) -> None:
    assert _strict_findings(tmp_path, [DOC_BASE]) == set()


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_bad_example_triggers_exactly_its_rule(rule: type[Rule], tmp_path: Path) -> None:
    assert _strict_findings(tmp_path, rule.doc().examples("Bad")) == {rule.id, *rule.doc_companions}


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_good_example_is_clean(rule: type[Rule], tmp_path: Path) -> None:
    assert _strict_findings(tmp_path, rule.doc().examples("Use instead")) == set()
