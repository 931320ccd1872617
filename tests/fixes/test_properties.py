"""Properties of `check --fix --unsafe-fixes` over every example campaign and every rule case's campaign.

For each file, fixed under its own policy:

- loading the fixed file gives the same data as before, except at the paths
  the applied fixes wrote (and a renamed key's old place);
- every comment of the file is still there, word for word;
- a second run changes nothing (a fixpoint);
- no finding appears that was not there before, unless the file did not
  match the campaign format before (the other rules could not run yet).
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from campaign_lint.core import yamlload
from campaign_lint.core.findings import YamlPath
from campaign_lint.core.fixes import Remedy
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.fixing import Fixer
from campaign_lint.lint.pipeline import FilePipeline
from tests.helpers import write_tree

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted((ROOT / "examples").rglob("*.yaml"))
CASES_DIR = ROOT / "tests" / "rules" / "cases"
_COMMENT = re.compile(r"(?:^|\s)(#.*)$")


def _examples() -> list[Any]:
    params = []
    for path in EXAMPLES:
        if path.name == "campaign-lint.yaml" or path.parent.name == "policy-tests":
            continue
        policy = next(
            (p / "campaign-lint.yaml" for p in path.parents if (p / "campaign-lint.yaml").is_file()), None
        )
        policy_text = policy.read_text(encoding="utf-8") if policy else None
        name = str(path.relative_to(ROOT))
        params.append(pytest.param(path.read_text(encoding="utf-8"), policy_text, id=name))
    return params


def _rule_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            if "policy_errors" in case:
                continue  # the policy is refused before any campaign is linted: nothing to fix
            files = case.get("files") or {"campaign.yaml": case["campaign"]}
            policy = case.get("policy")
            policy_text = yaml.safe_dump(policy) if isinstance(policy, dict) else policy
            for name, text in files.items():
                params.append(pytest.param(text, policy_text, id=f"{path.stem}-{case['name']}-{name}"))
    return params


def _fixer(root: Path, text: str, policy: str | None) -> tuple[Fixer, SourceFile]:
    tree = {"campaigns/campaign.yaml": text}
    if policy is not None:
        tree["campaign-lint.yaml"] = policy
    write_tree(root, tree)
    config = root / "campaign-lint.yaml" if policy is not None else None
    settings = load_settings(config, root, today=date(2026, 11, 22))
    source = SourceFile(str(root / "campaigns" / "campaign.yaml"), "campaigns/campaign.yaml")
    pipeline = FilePipeline(settings)
    pipeline.collect_lines = False
    return Fixer(settings, pipeline, source, unsafe=True), source


def _comments(text: str) -> Counter[str]:
    """Comment texts, found line by line (independently of how the fixer reads them)."""
    found: Counter[str] = Counter()
    for line in text.splitlines():
        match = _COMMENT.search(line)
        if (
            match
            and line.count('"', 0, match.start(1)) % 2 == 0
            and line.count("'", 0, match.start(1)) % 2 == 0
        ):
            found[match.group(1).rstrip()] += 1
    return found


def _without(data: Any, paths: list[YamlPath]) -> Any:
    data = copy.deepcopy(data)
    for path in paths:
        node = data
        for part in path[:-1]:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        if isinstance(node, dict):
            node.pop(path[-1], None)
    return data


def _written(remedies: list[Remedy]) -> list[YamlPath]:
    paths: list[YamlPath] = []
    for remedy in remedies:
        for change in remedy.changes:
            if change.kind == "rename":
                paths += [change.path, (*change.path[:-1], str(change.value))]
            elif change.kind == "add":
                paths.append((*change.path, change.key))
            else:
                paths.append(change.path)
    return paths


def _check(tmp_path: Path, text: str, policy: str | None) -> None:
    fixer, source = _fixer(tmp_path, text, policy)
    result = fixer.run(text.encode("utf-8"))
    if not result.changed:
        assert not result.applied
        return
    before, after = yamlload.load(text).data, yamlload.load(result.after).data
    written = _written(result.remedies)
    assert _without(after, written) == _without(before, written)
    assert not _comments(text) - _comments(result.after)
    # A fixpoint: the fixed text has nothing more to fix.
    again = Fixer(fixer.settings, fixer.pipeline, source, unsafe=True).run(result.after.encode("utf-8"))
    assert again.after == result.after
    old = fixer.findings(text)
    new = fixer.findings(result.after)
    if not any(finding.rule == "SPEC002" for finding in old):
        keys = {(f.rule, f.yaml_path) for f in old}
        assert {(f.rule, f.yaml_path) for f in new} <= keys | {(f.rule, p) for f in new for p in written}


@pytest.mark.parametrize(("text", "policy"), _examples())
def test_fixing_an_example_keeps_data_comments_and_is_a_fixpoint(
    text: str, policy: str | None, tmp_path: Path
) -> None:
    _check(tmp_path, text, policy)


@pytest.mark.slow  # some 500 campaigns, each linted several times
@pytest.mark.parametrize(("text", "policy"), _rule_cases())
def test_fixing_a_rule_case_keeps_data_comments_and_is_a_fixpoint(
    text: str, policy: str | None, tmp_path: Path
) -> None:
    _check(tmp_path, text, policy)


def test_the_examples_have_something_to_fix(tmp_path: Path) -> None:
    """The property above is not empty: the example campaigns do get fixed."""
    fixed = 0
    for number, param in enumerate(_examples()):
        text, policy = param.values
        fixer, _ = _fixer(tmp_path / str(number), text, policy)
        fixed += fixer.run(text.encode("utf-8")).changed
    assert fixed >= 3
