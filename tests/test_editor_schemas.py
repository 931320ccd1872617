"""The JSON Schemas as editors see them: descriptions, snippets, readable errors, the rule catalogue.

The first tests read the committed schemas; those marked ``external`` run
yaml-language-server itself (``make tools`` installs it from
tools/package-lock.json) and talk to it over LSP as an editor does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from campaign_lint.core import yamlload
from campaign_lint.policies.profiles import profiles
from campaign_lint.policies.registry import RULES_BY_ID
from tests.external import require_tool
from tests.lsp import Client

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("campaign", "policy", "policy-test")
TOOLS_BIN = ROOT / "tools" / "node_modules" / ".bin"


def _schema(kind: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (ROOT / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
    )
    return loaded


def _nodes(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """(JSON pointer, schema object) of every schema object an editor reports on.

    Snippet bodies, enums and examples are values, not schemas; an ``if`` is a
    condition that never reports anything itself, and its ``then`` narrows
    fields described where they are defined.
    """
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key not in ("defaultSnippets", "enum", "examples", "default", "if", "then"):
                yield from _nodes(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _nodes(value, f"{path}/{index}")


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_has_a_description(kind: str) -> None:
    missing = [
        f"{path}/{name}"
        for path, node in _nodes(_schema(kind))
        if isinstance(node.get("properties"), dict) and not path.endswith("/properties")
        for name, field in node["properties"].items()
        if not field.get("description")
    ]
    assert missing == [], "give these fields a docstring under the field in src/campaign_lint/schemas/"


@pytest.mark.parametrize("kind", KINDS)
def test_no_editor_sees_a_raw_regular_expression(kind: str) -> None:
    raw = [
        path
        for path, node in _nodes(_schema(kind))
        if "pattern" in node and not node.get("patternErrorMessage")
    ]
    assert raw == [], "a pattern needs a patternErrorMessage that says in words what to write"


@pytest.mark.parametrize("kind", KINDS)
def test_schemas_are_valid_json_schema_and_keep_no_marker(kind: str) -> None:
    import jsonschema

    schema = _schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)  # errorMessage & co. are unknown keywords: allowed
    assert "x-catalogue" not in json.dumps(schema)
    assert '"default": null' not in json.dumps(schema)


def _expand(value: Any) -> Any:
    """A snippet body as the text an editor leaves when every tab stop keeps its example."""
    if isinstance(value, dict):
        return {_expand(key): _expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_expand(item) for item in value]
    if not isinstance(value, str):
        return value
    text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", value.removeprefix("^"))
    text = re.sub(r"\$\{\d+\|([^,|]*)[^}]*\}", r"\1", text)
    loaded = yamlload.load(f"v: {text}").data["v"]
    return loaded.isoformat() if isinstance(loaded, date) else loaded


@pytest.mark.parametrize("kind", KINDS)
def test_every_mapping_has_a_snippet_the_schema_accepts(kind: str) -> None:
    import jsonschema

    schema = _schema(kind)
    checked = 0
    for name, definition in schema["$defs"].items():
        if definition.get("type") != "object" or "properties" not in definition or name.startswith("Rule"):
            continue
        checked += 1
        snippets = definition.get("defaultSnippets")
        assert snippets, f"{name}: add a snippet to src/campaign_lint/schemas/snippets.py"
        for snippet in snippets:
            body = _expand(snippet["body"])
            check = {"$defs": schema["$defs"], "$ref": f"#/$defs/{name}"}
            errors = [error.message for error in jsonschema.Draft202012Validator(check).iter_errors(body)]
            assert errors == [], f"{name}: the snippet {snippet['label']!r} gives {body}"
    assert checked, f"the {kind} schema has no mapping with properties: nothing was checked"


def test_rule_and_profile_enums_come_from_the_registry() -> None:
    defs = _schema("policy")["$defs"]
    assert defs["BuiltInRuleRef"]["enum"] == list(RULES_BY_ID)
    assert defs["RuleRef"]["anyOf"][0]["enum"] == list(RULES_BY_ID)
    assert defs["PolicyRef"]["anyOf"][0]["enum"] == list(profiles())
    assert list(defs["RuleSettings"]["properties"]) == list(RULES_BY_ID)
    for rule_id, rule in RULES_BY_ID.items():
        options = defs["RuleSettings"]["properties"][rule_id]["anyOf"][1]["properties"]
        assert list(options) == ["severity", *rule.options.model_fields], rule_id
    assert _schema("policy-test")["$defs"]["RuleRef"] == defs["RuleRef"]


def _policy_errors(text: str) -> list[str]:
    import jsonschema

    data = yamlload.load(text).data
    validator = jsonschema.Draft202012Validator(_schema("policy"))
    return sorted(error.message for error in validator.iter_errors(data))


@pytest.mark.parametrize(
    ("text", "rejected"),
    [
        ("extends: recomended\n", True),
        ("extends: recommended\n", False),
        ("extends: [strict, ../company/campaign-lint.yaml]\n", False),
        ("extends: company-policy.yml\n", False),
        ("extends: recommended\nrules: {XYZ999: warning}\n", True),
        ("extends: recommended\nrules: {TIM001: warning, MET002: off}\n", False),
        ("rules: {TIM099: warning}\n", True),
        ("extends: recommended\nunsuppressible: [ORG001]\n", True),
        (
            "extends: recommended\nexceptions: [{rule: XYZ999, campaigns: [a], reason: reviewed by legal, expires: 2026-01-01}]\n",
            True,
        ),
        ("extends: ../company/campaign-lint.yaml\nrules: {ORG001: warning}\n", False),
        (
            "rules: {ORG001: warning}\ncustom_rules: [{id: ORG001, description: d, assert: 'true', message: m}]\n",
            False,
        ),
        ("custom_rules: [{id: TIM900, description: d, assert: 'true', message: m}]\n", True),
        ("locked: {rules: [CON, TIM001, ORG, org001]}\n", False),
        ("locked: {rules: [TIM099]}\n", True),
        ("rules: {TIM001: warnin}\n", True),
        ("rules: {TIM001: {severity: warning, min_delay: 3d}}\n", False),
        ("rules: {TIM001: {min_delya: 3d}}\n", True),
        ("rules: {TIM001: {min_delay: 3days}}\n", True),
        ("rules: {MET002: {severity: info}}\n", False),
        ("rules: {MET002: {threshold: 1}}\n", True),
        (
            "rules: {ORG001: {severity: info}}\ncustom_rules: [{id: ORG001, description: d, assert: 'true', message: m}]\n",
            False,
        ),
        (
            "rules: {ORG001: {limit: 1}}\ncustom_rules: [{id: ORG001, description: d, assert: 'true', message: m}]\n",
            True,
        ),
    ],
)
def test_policy_schema_knows_the_rules_and_profiles(text: str, rejected: bool) -> None:
    """Rule IDs and profiles are enums; custom rule IDs and policy paths pass where they can be named."""
    assert bool(_policy_errors(text)) is rejected, _policy_errors(text)


# ---------------------------------------------------------------------------
# yaml-language-server over LSP


@pytest.fixture(scope="module")
def server() -> Iterator[Client]:
    why = "the editor tests run yaml-language-server as VS Code's YAML extension does"
    require_tool("node", why, "install Node.js (it brings npm), then run `make tools`")
    command = require_tool("yaml-language-server", why, "run `make tools` (needs npm)", path=str(TOOLS_BIN))
    client = Client([command, "--stdio"], ROOT)
    try:
        client.start()
        yield client
    finally:
        client.stop()


CAMPAIGN = """\
# yaml-language-server: $schema=../../schemas/campaign.schema.json
id: welcome-series
owner: crm@example.com
type: lifecycle
purpose: Welcome new customers and show them how to reach support.
channel: emial
frequncy: {max: 1, per: 7d}
trigger:
  event: account.created
  delay: 3days
"""


def _lines(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines()) if needle in line)


def _by_line(diagnostics: list[dict[str, Any]]) -> dict[int, str]:
    return {d["range"]["start"]["line"]: d["message"] for d in diagnostics}


@pytest.mark.slow
@pytest.mark.external
def test_editor_explains_a_misspelt_field_a_wrong_channel_and_a_bad_duration(server: Client) -> None:
    uri = server.open(ROOT / "examples" / "campaigns" / "editor-check.yaml", CAMPAIGN)
    found = _by_line(server.diagnostics(uri))
    assert found == {
        _lines(CAMPAIGN, "frequncy"): "Property frequncy is not allowed.",
        _lines(CAMPAIGN, "emial"): 'Value is not accepted. Valid values: "email", "sms", "push", "in_app", '
        '"web", "voice", "whatsapp", "direct_mail".',
        _lines(
            CAMPAIGN, "3days"
        ): "Not a duration: write a whole number and a unit, like 30m, 12h, 7d, 2w or "
        "12mo (m minutes, h hours, d days, w weeks, mo months of 30 days).",
    }


@pytest.mark.slow
@pytest.mark.external
def test_editor_completes_frequency_with_a_mapping(server: Client) -> None:
    text = CAMPAIGN.replace("frequncy: {max: 1, per: 7d}\n", "").replace("emial", "email") + "freq"
    uri = server.open(ROOT / "examples" / "campaigns" / "editor-complete.yaml", text)
    server.diagnostics(uri)
    items = {item["label"]: item for item in server.completion(uri, text.count("\n"), 4)}
    frequency = items["frequency"]
    assert frequency["insertText"].startswith("frequency:\n  max: ")
    assert "\n  per: " in frequency["insertText"]
    assert "null" not in frequency["insertText"]
    documentation = frequency["documentation"]
    assert "How often one customer can get it" in str(documentation)

    inside = text.removesuffix("freq") + "frequency:\n  "
    uri = server.open(ROOT / "examples" / "campaigns" / "editor-snippet.yaml", inside)
    server.diagnostics(uri)
    snippets = {item["label"]: item for item in server.completion(uri, inside.count("\n"), 2)}
    assert snippets["frequency cap"]["insertText"] == "max: ${1:1}\nper: ${2:7d}"


@pytest.mark.slow
@pytest.mark.external
def test_editor_hover_says_what_a_field_is_for(server: Client) -> None:
    text = CAMPAIGN.replace("3days", "3d")
    uri = server.open(ROOT / "examples" / "campaigns" / "editor-hover.yaml", text)
    server.diagnostics(uri)
    hover = server.hover(uri, _lines(text, "delay"), 4)
    assert hover.startswith("#### delay\n\nHow long after the event the message goes, like 3d.")
    assert "||" not in hover


POLICY = """\
# yaml-language-server: $schema=../schemas/policy.schema.json
extends: recommended
rules:
  XYZ999: warning
  TIM001: {min_delay: 3days}
"""


@pytest.mark.slow
@pytest.mark.external
def test_editor_flags_unknown_rules_and_profiles_in_the_policy(server: Client) -> None:
    uri = server.open(ROOT / "examples" / "editor-policy.yaml", POLICY)
    assert _by_line(server.diagnostics(uri)) == {
        _lines(POLICY, "XYZ999"): "Not a rule of campaign-lint (`campaign-lint rules` lists them). A custom "
        "rule's ID works only in a policy that defines it under `custom_rules`, or extends a policy file "
        "that does.",
        _lines(POLICY, "3days"): "Not a duration: write a whole number and a unit, like 30m, 12h, 7d, 2w or "
        "12mo (m minutes, h hours, d days, w weeks, mo months of 30 days).",
    }
    hover = server.hover(uri, _lines(POLICY, "TIM001"), 3)
    assert hover.startswith(f"#### TIM001\n\n{RULES_BY_ID['TIM001'].doc().summary}")
    misspelt = POLICY.replace("recommended", "recomended")
    uri = server.open(ROOT / "examples" / "editor-profile.yaml", misspelt)
    found = _by_line(server.diagnostics(uri))
    assert found[_lines(misspelt, "recomended")] == (
        "Not a profile or a policy file: write minimal, recommended or strict, or the path of a policy "
        "file ending in .yaml, like ../company/campaign-lint.yaml."
    )


def _example_files() -> list[Path]:
    return sorted(
        p
        for p in (ROOT / "examples").rglob("*.yaml")
        if p.read_text(encoding="utf-8").startswith("# yaml-language-server")
    )


@pytest.mark.slow
@pytest.mark.external
def test_editor_accepts_the_examples(server: Client) -> None:
    """Every example with a $schema line opens clean, but for the two mistakes the demo shows."""
    found = {}
    for path in _example_files():
        uri = server.open(path, path.read_text(encoding="utf-8"))
        messages = [d["message"] for d in server.diagnostics(uri)]
        if messages:
            found[path.name] = messages
    assert found == {
        "post-purchase-survey.yaml": [
            "Not a duration: write a whole number and a unit, like 30m, 12h, 7d, 2w or 12mo "
            "(m minutes, h hours, d days, w weeks, mo months of 30 days).",
            "Property frequncy is not allowed.",
        ]
    }
