"""JSON Schema export of the campaign, policy and policy test files (for editors and CI)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from campaign_lint.schemas.editor import Catalogue, EditorJsonSchema, finish

if TYPE_CHECKING:
    from pydantic import BaseModel

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


# The files campaign-lint reads, by the name `campaign-lint schema KIND` takes.
KINDS = {"campaign": "campaign file", "policy": "policy file", "policy-test": "policy test file"}


def json_schema(kind: str, catalogue: Catalogue) -> dict[str, Any]:
    """The JSON Schema of ``campaign``, ``policy`` or ``policy-test`` (``*.test.yaml``) files.

    ``catalogue`` lists the rules and profiles the schema offers (the registry
    fills it: ``policies/catalogue.py``).
    """
    model: type[BaseModel]
    if kind == "campaign":
        from campaign_lint.schemas.campaign import Campaign as model
    elif kind == "policy":
        from campaign_lint.schemas.policy import Policy as model
    else:
        from campaign_lint.schemas.policytest import PolicyTestFile as model
    schema = finish(model.model_json_schema(mode="validation", schema_generator=EditorJsonSchema), catalogue)
    title = f"campaign-lint {KINDS[kind]}"
    return {"$schema": SCHEMA_DIALECT, "title": title, **{k: v for k, v in schema.items() if k != "title"}}


def json_schema_text(kind: str, catalogue: Catalogue) -> str:
    """The schema as stable, indented JSON, keys in the models' order (snippets insert keys in this order)."""
    return json.dumps(json_schema(kind, catalogue), indent=2) + "\n"
