"""Generated files are committed; these tests fail when one is stale."""

from __future__ import annotations

from pathlib import Path

from campaign_lint.cli.ruledocs import rules_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_rules_reference_is_current() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), (
        "docs/rules.md is stale: run `.venv/bin/campaign-lint rules --format markdown > docs/rules.md`"
    )
