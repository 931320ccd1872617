"""The policy's ``schema:`` block: JSON Schema (Draft 2020-12) constraints on every campaign.

jsonschema is imported only when a policy has a ``schema:`` block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from campaign_lint.core.errors import PolicyError
from campaign_lint.core.findings import Violation, YamlPath


class SchemaConstraints:
    """A compiled ``schema:`` block."""

    def __init__(self, schema: dict[str, Any], where: Callable[[YamlPath], str]) -> None:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            location = where(("schema", *exc.path))
            raise PolicyError([f"{location}: `schema` is not a valid JSON Schema: {exc.message}"]) from None
        self.validator = Draft202012Validator(schema)

    def check(self, data: dict[str, Any]) -> Iterator[Violation]:
        """Yield one violation per constraint the campaign breaks, at its position."""
        errors = sorted(self.validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
        for error in errors:
            path: YamlPath = tuple(error.absolute_path)
            message = error.message
            if error.validator == "required":
                missing = message.split("'")[1] if "'" in message else message
                message = f"your organisation's schema requires `{missing}`"
            elif error.validator == "additionalProperties":
                message = f"your organisation's schema does not allow this: {message}"
            else:
                field = ".".join(str(p) for p in path) or "the campaign"
                message = f"`{field}`: {message} (organisation schema)"
            yield Violation(message, path, hint="see the `schema:` block of the policy file")
