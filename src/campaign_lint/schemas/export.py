"""JSON Schema export of the campaign, policy and policy test files (for editors and CI)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


# The files campaign-lint reads, by the name `campaign-lint schema KIND` takes.
KINDS = {"campaign": "campaign file", "policy": "policy file", "policy-test": "policy test file"}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``campaign``, ``policy`` or ``policy-test`` (``*.test.yaml``) files."""
    model: type[BaseModel]
    if kind == "campaign":
        from campaign_lint.schemas.campaign import Campaign as model
    elif kind == "policy":
        from campaign_lint.schemas.policy import Policy as model
    else:
        from campaign_lint.schemas.policytest import PolicyTestFile as model
    schema = model.model_json_schema(mode="validation")
    title = f"campaign-lint {KINDS[kind]}"
    return {"$schema": SCHEMA_DIALECT, "title": title, **{k: v for k, v in schema.items() if k != "title"}}


def json_schema_text(kind: str) -> str:
    """The schema as stable, indented JSON."""
    return json.dumps(json_schema(kind), indent=2, sort_keys=True) + "\n"
