"""Generated files are committed; these tests fail when one is stale."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from campaign_lint.cli.ruledocs import rules_markdown
from campaign_lint.policies.catalogue import json_schema_text

ROOT = Path(__file__).resolve().parent.parent


def test_rules_reference_is_current() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), (
        "docs/rules.md is stale: run `.venv/bin/campaign-lint rules --format markdown > docs/rules.md`"
    )


@pytest.mark.parametrize("kind", ["campaign", "policy", "policy-test"])
def test_committed_json_schemas_are_current(kind: str) -> None:
    committed = (ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text(kind), f"schemas/{kind}.schema.json is stale: run `make generate`"


TYPOS = {"post-purchase-survey.yaml": ["frequncy"]}


def _example_campaigns() -> list[Path]:
    examples = ROOT / "examples"
    return sorted(
        path
        for path in examples.rglob("*.yaml")
        if path.name != "campaign-lint.yaml" and "policy-tests" not in path.parts
    )


@pytest.mark.parametrize("path", _example_campaigns(), ids=lambda path: path.name)
def test_example_campaigns_name_the_committed_schema_for_editors(path: Path) -> None:
    """The yaml-language-server modeline points at schemas/ and the schema accepts the file's fields."""
    import jsonschema
    import yaml

    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), f"{path}: first line should be the $schema modeline"
    schema_path = (path.parent / first[len(prefix) :]).resolve()
    assert schema_path == ROOT / "schemas" / "campaign.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # strings, as editors see
    validator = jsonschema.Draft202012Validator(schema)
    unknown = sorted(
        str(error.message).split("'")[1]
        for error in validator.iter_errors(data)
        if error.validator == "additionalProperties"
    )
    # The editor flags the same misspelt field that `check` reports as SPEC002.
    assert unknown == TYPOS.get(path.name, []), f"{path}: the editor schema rejects fields: {unknown}"


def test_readme_excerpts_match_the_demo_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every finding line quoted in README.md and examples/README.md is what `make demo` prints."""
    import io
    from contextlib import redirect_stdout

    from campaign_lint.cli.app import main

    monkeypatch.chdir(ROOT / "examples")
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        main(["check", "--no-cache"])
    printed = set(buffer.getvalue().splitlines())
    finding = re.compile(r"^campaigns/\S+\.yaml:\d+:\d+: [A-Z]+\d+ ")
    for readme in (ROOT / "README.md", ROOT / "examples" / "README.md"):
        quoted = [line for line in readme.read_text(encoding="utf-8").splitlines() if finding.match(line)]
        assert quoted, f"{readme} quotes no finding"
        for line in quoted:
            assert line in printed, f"{readme.name} quotes a finding the demo does not print: {line}"


def _plain(value: object) -> object:
    """YAML data as JSON sees it: dates as ISO text."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value.isoformat() if isinstance(value, date) else value


@pytest.mark.parametrize("path", sorted((ROOT / "examples").rglob("*.test.yaml")), ids=lambda path: path.name)
def test_example_policy_tests_match_the_committed_test_file_schema(path: Path) -> None:
    import jsonschema
    import yaml

    schema = json.loads((ROOT / "schemas" / "policy-test.schema.json").read_text(encoding="utf-8"))
    data = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert [error.message for error in jsonschema.Draft202012Validator(schema).iter_errors(data)] == []
