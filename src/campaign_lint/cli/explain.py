"""``campaign-lint explain``: a rule's documentation as plain text."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from campaign_lint.policies.base import Rule
from campaign_lint.policies.registry import FAMILY_NAMES


def option_rows(options: type[BaseModel]) -> list[tuple[str, str, str]]:
    """(name, default, description) for each option of a rule."""
    rows = []
    for name, field in options.model_fields.items():
        rows.append((name, _show_default(field.default), field.description or ""))
    return rows


def _show_default(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return str(value)


def explain_text(rule: type[Rule]) -> str:
    """The full explanation printed by ``campaign-lint explain ID``."""
    doc = rule.doc()
    lines = [
        f"{rule.id} {rule.name}: {doc.summary}",
        "",
        f"Family: {rule.family()} ({FAMILY_NAMES.get(rule.family(), '')})   Severity: {rule.severity}   "
        f"Profile: {rule.profile}   Principle: {rule.principle}",
        "",
    ]
    for title, body in doc.sections.items():
        if title == "Options":
            continue
        lines += [f"{title}:", *(f"  {line}" if line else "" for line in body.splitlines()), ""]
    rows = option_rows(rule.options)
    if rows:
        lines.append("Options (set them under `rules:` in the policy file):")
        for name, default, description in rows:
            lines.append(f"  {name} (default: {default})")
            if description:
                lines.append(f"      {description}")
        lines.append("")
    return "\n".join(lines)
