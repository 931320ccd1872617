"""``campaign-lint explain``: a rule's documentation for a terminal, and the policy's custom rules.

Rule docstrings are Markdown (docs/rules.md is made of them). A terminal
gets them rendered: code blocks indented instead of fenced, links as their
text with the target, no bold markers. ``--format markdown`` keeps the
Markdown (``ruledocs.explain_markdown``).

Custom rules come from the policy in use (``--config``, or the one found
from the working folder), with their description, severity and the place
they are written; their text comes from a policy file, so it is shown
escaped (``core.display``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from campaign_lint.core.display import shown
from campaign_lint.policies.base import Rule
from campaign_lint.policies.registry import FAMILY_NAMES
from campaign_lint.schemas.policy import CustomRule

_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
# Where the rule reference's own anchors (`#vocabularies`) are, for a reader outside it.
REFERENCE = "docs/rules.md"


@dataclass(frozen=True, slots=True)
class CustomEntry:
    """A custom rule of the policy in use: the rule, its severity in that policy (or ``off``), where it is written."""

    rule: CustomRule
    severity: str
    source: str


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


def terminal(markdown: str) -> list[str]:
    """Markdown of a rule's docs as terminal lines: code indented by 4, not fenced; links as text (target)."""
    lines: list[str] = []
    code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            code = not code
            if not code:
                lines.append("")  # a code block ends: keep two blocks in a row apart
            continue
        if code:
            lines.append(f"    {line}".rstrip())
        else:
            lines.append(_BOLD.sub(r"\1", _LINK.sub(_link, line)))
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _link(match: re.Match[str]) -> str:
    target = match[2]
    return f"{match[1]} ({REFERENCE}{target})" if target.startswith("#") else f"{match[1]} ({target})"


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
        lines += [f"{title}:", *(f"  {line}" if line else "" for line in terminal(body)), ""]
    lines += ["Fix:", f"  {fix_words(rule)}", ""]
    rows = option_rows(rule.options)
    if rows:
        lines.append("Options (set them under `rules:` in the policy file):")
        for name, default, description in rows:
            lines.append(f"  {name} (default: {default})")
            if description:
                lines.append(f"      {description}")
        lines.append("")
    return "\n".join(lines)


def fix_words(rule: type[Rule]) -> str:
    """Whether ``check --fix`` can fix the rule's findings, how safely, and what the fix does."""
    if rule.fixable is None:
        return "none: fix it by hand, as the hint says."
    flag = "--fix" if rule.fixable == "safe" else "--fix --unsafe-fixes"
    what = "changes only how it is written" if rule.fixable == "safe" else "changes what the campaign does"
    return f"{rule.fixable} ({flag}; it {what}): it {rule.fix_doc}."


def custom_rules(config: Path | None) -> list[CustomEntry]:
    """The custom rules of the policy in use (``config``, or found from the working folder)."""
    from campaign_lint.lint.config import load_settings

    settings = load_settings(config, Path.cwd())
    return [
        CustomEntry(
            rule,
            str(settings.rules[rule.id].severity) if rule.id in settings.rules else "off",
            settings.where_text(("custom_rules", index)),
        )
        for index, rule in enumerate(settings.custom_rules)
    ]


def custom_parts(entry: CustomEntry) -> list[tuple[str, str]]:
    """(title, text) of what a custom rule says, in order; the text as written in the policy."""
    rule = entry.rule
    parts = [("Applies when", rule.when or "always"), ("Checks", rule.assert_), ("Message", rule.message)]
    parts.append(("Points at", rule.path or "the campaign's `id` (the rule gives no `path`)"))
    if rule.hint:
        parts.append(("Hint", rule.hint))
    return parts


def custom_text(entry: CustomEntry) -> str:
    """``campaign-lint explain ORG001``: a custom rule of the policy, for a terminal."""
    rule = entry.rule
    lines = [
        f"{rule.id} (custom rule): {shown(rule.description)}",
        "",
        f"Severity: {entry.severity}   Defined in: {shown(entry.source)}",
        "",
    ]
    for title, text in custom_parts(entry):
        lines += [f"{title}:", *(f"    {shown(line)}".rstrip() for line in text.strip().splitlines()), ""]
    return "\n".join(lines)
