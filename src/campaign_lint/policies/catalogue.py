"""The rule catalogue the JSON Schemas offer editors: rule IDs, families and profiles, from the registry.

The schemas layer cannot import the registry (it sits below), so this module
hands it what the schemas list: ``campaign-lint schema`` and ``make
generate`` write the schemas through ``json_schema_text`` here, and the enums
of rule IDs stay in step with the registry (``tests/test_generated.py``).
"""

from __future__ import annotations

from campaign_lint.policies.base import NoOptions
from campaign_lint.policies.profiles import profiles
from campaign_lint.policies.registry import FAMILY_NAMES, RULES
from campaign_lint.schemas import export
from campaign_lint.schemas.editor import Catalogue, EditorJsonSchema


def catalogue() -> Catalogue:
    """The built-in rules (with a one-line description each), their families, the profiles, the rules' options."""
    return Catalogue(
        rules={
            rule.id: f"{rule.doc().summary} ({rule.name}; {rule.severity}, {rule.profile} profile)"
            for rule in RULES
        },
        families=dict(FAMILY_NAMES),
        profiles={name: profile.description for name, profile in profiles().items()},
        options={
            rule.id: rule.options.model_json_schema(schema_generator=EditorJsonSchema)["properties"]
            for rule in RULES
            if rule.options is not NoOptions
        },
    )


def json_schema_text(kind: str) -> str:
    """The JSON Schema of ``campaign``, ``policy`` or ``policy-test`` files, as stable JSON."""
    return export.json_schema_text(kind, catalogue())
