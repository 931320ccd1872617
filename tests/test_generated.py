"""Generated files are committed; these tests fail when one is stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign_lint.cli.ruledocs import rules_markdown
from campaign_lint.schemas.export import json_schema_text

ROOT = Path(__file__).resolve().parent.parent


def test_rules_reference_is_current() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), (
        "docs/rules.md is stale: run `.venv/bin/campaign-lint rules --format markdown > docs/rules.md`"
    )


@pytest.mark.parametrize("kind", ["campaign", "policy"])
def test_committed_json_schemas_are_current(kind: str) -> None:
    committed = (ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text(kind), f"schemas/{kind}.schema.json is stale: run `make generate`"
