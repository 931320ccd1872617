"""Linting a file leaves no reference cycles behind.

Runs pause the cyclic garbage collector (engine.paused_collector, and worker
processes for their whole life), so anything a file's lint leaves in a cycle
stays in memory until the end: at 100,000 files a closure cycle per file cost
hundreds of megabytes. Reference counting must free everything.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from campaign_lint.lint.config import load_settings
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.engine import Engine
from campaign_lint.schemas.base import strip_extensions

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXTENDED = """\
version: 1
id: extended
owner: crm@example.com
x-cost-center: CC-1
type: lifecycle
purpose: Help customers care for their kettle.
customer_value: Your kettle lasts longer.
channel: email
audience:
  segment: recent_buyers
  consent: opt_in
  x-note: {deep: [1, 2, {x-deeper: 3}]}
trigger: {event: order.delivered, delay: 7d, x-source: crm}
"""


@pytest.fixture
def collector_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_linting_files_leaves_no_cycles(tmp_path: Path, collector_paused: None) -> None:
    (tmp_path / "extended.yaml").write_text(EXTENDED, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (tmp_path / "invalid.yaml").write_text("version: 1\nid: x\nchannel: e-mail\n", encoding="utf-8")
    settings = load_settings(None, EXAMPLES, select=(), ignore=(), fail_on=None, today=None)
    engine = Engine(settings)
    sources = [SourceFile(str(path), path.name) for path in sorted((EXAMPLES / "campaigns").glob("*.yaml"))]
    sources += [SourceFile(str(path), path.name) for path in sorted(tmp_path.glob("*.yaml"))]
    engine.pipeline.lint_file(sources[0])  # first use may build caches that live on
    gc.collect()
    outcomes = [engine.pipeline.lint_file(source) for source in sources]
    assert any(outcome.findings for outcome in outcomes)
    assert gc.collect() == 0


POLICY = """\
version: 1
extends: recommended
custom_rules:
  - id: ORG001
    description: Every campaign names its cost centre.
    assert: "'x-cost-center' in campaign && campaign['x-cost-center'].startsWith('CC-')"
    message: "campaign {id} has no cost centre"
  - id: ORG002
    description: Email campaigns say when they stop.
    when: campaign.channel == 'email'
    assert: "has(campaign.trigger) && has(campaign.trigger.stop_when)"
    message: "{id} never stops"
schema:
  required: [x-cost-center]
"""


def test_custom_rules_and_schema_leave_no_cycles(tmp_path: Path, collector_paused: None) -> None:
    (tmp_path / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")
    for index in range(3):
        text = EXTENDED.replace("id: extended", f"id: extended-{index}")
        if index:
            text = text.replace("x-cost-center: CC-1\n", "")
        (tmp_path / f"c{index}.yaml").write_text(text, encoding="utf-8")
    settings = load_settings(None, tmp_path, select=(), ignore=(), fail_on=None, today=None)
    engine = Engine(settings)
    sources = [SourceFile(str(path), path.name) for path in sorted(tmp_path.glob("c*.yaml"))]
    engine.pipeline.lint_file(sources[0])
    gc.collect()
    rules = {finding.rule for source in sources for finding in engine.pipeline.lint_file(source).findings}
    assert {"ORG001", "ORG002", "SPEC005"} <= rules
    assert gc.collect() == 0


@pytest.mark.parametrize(
    "data",
    [
        {"a": 1, "x-b": 2},
        {"a": {"x-b": 1, "c": [1, {"x-d": 2, "e": 3}]}, "x-f": {"g": 1}},
        {"list": [{"x-a": 1}, {"b": 2, "x-c": {"x-d": 1}}]},
        {"plain": [1, 2, 3]},
    ],
)
def test_strip_extensions_with_locations_equals_full_walk(data: dict[str, Any]) -> None:
    where = _mappings_with_extensions(data, ())
    before = repr(data)
    assert strip_extensions(data, where) == strip_extensions(data)
    assert repr(data) == before  # the input is not changed


def _mappings_with_extensions(node: Any, path: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    """What the loader records: mappings holding ``x-`` keys, not inside an ``x-`` value."""
    found: list[tuple[str | int, ...]] = []
    if isinstance(node, dict):
        if any(isinstance(key, str) and key.startswith("x-") for key in node):
            found.append(path)
        for key, value in node.items():
            if not key.startswith("x-"):
                found += _mappings_with_extensions(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += _mappings_with_extensions(item, (*path, index))
    return found
