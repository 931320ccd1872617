"""JSON Schema export of the campaign and policy files (for editors and CI)."""

from __future__ import annotations

import json
from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``campaign`` or ``policy`` files."""
    if kind == "campaign":
        from campaign_lint.schemas.campaign import Campaign as model
    else:
        from campaign_lint.schemas.policy import Policy as model  # type: ignore[assignment]
    schema = model.model_json_schema(mode="validation")
    title = "campaign-lint campaign file" if kind == "campaign" else "campaign-lint policy file"
    return {"$schema": SCHEMA_DIALECT, "title": title, **{k: v for k, v in schema.items() if k != "title"}}


def json_schema_text(kind: str) -> str:
    """The schema as stable, indented JSON."""
    return json.dumps(json_schema(kind), indent=2, sort_keys=True) + "\n"
