"""The policy's ``overrides:``: which rules, with which severities, run on one file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from campaign_lint.core.findings import Severity
from campaign_lint.core.slotted import Slotted
from campaign_lint.lint.config import RuleSetting, Settings
from campaign_lint.lint.globs import compiled
from campaign_lint.policies.base import CampaignRule, RuleContext
from campaign_lint.policies.registry import RULES, RULES_BY_ID

if TYPE_CHECKING:
    from campaign_lint.lint.globs import Matcher

# The campaign rules of a file, each with its context and severity.
CampaignRules = list[tuple[CampaignRule[Any], RuleContext[Any], Severity]]


class FileRules(Slotted):
    """The rules that run on one file."""

    __slots__ = ("matched", "settings", "campaign_rules")
    # Indices of the ``overrides`` entries that matched the file (POL002 reports those that never do).
    matched: Final[tuple[int, ...]]
    settings: Final[dict[str, RuleSetting]]
    campaign_rules: Final[CampaignRules]

    def __init__(
        self, matched: tuple[int, ...], settings: dict[str, RuleSetting], campaign_rules: CampaignRules
    ) -> None:
        self.matched = matched
        self.settings = settings
        self.campaign_rules = campaign_rules


class RuleSets:
    """The rules of each file: the policy's, changed by the ``overrides`` whose globs match it.

    Files matching the same entries share one rule set, built on first use.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._specs = _compiled(settings)
        self.default = FileRules((), settings.rules, campaign_rules(settings, settings.rules))
        self._by_match: dict[tuple[int, ...], FileRules] = {}

    def for_file(self, location: str) -> FileRules:
        """The rules of the file at ``location`` (absolute; a ``Path`` is made only when there are overrides)."""
        if not self._specs:
            return self.default
        relative = _relative(Path(location), self._settings.root)
        if relative is None:
            return self.default
        matched = tuple(
            entry.index
            for entry, spec in zip(self._settings.overrides, self._specs, strict=True)
            if spec.match_file(relative)
        )
        if not matched:
            return self.default
        found = self._by_match.get(matched)
        if found is None:
            rules = dict(self._settings.rules)
            for index in matched:
                for rule_id, change in self._settings.overrides[index].rules.items():
                    rule = RULES_BY_ID.get(rule_id)
                    change.apply(rule_id, rules, rule.severity if rule else Severity.ERROR)
            found = self._by_match[matched] = FileRules(matched, rules, campaign_rules(self._settings, rules))
        return found


def _compiled(settings: Settings) -> list[Matcher]:
    """Each ``overrides`` entry's ``files`` patterns, compiled (``lint/globs.py``)."""
    return [compiled(entry.files) for entry in settings.overrides]


def campaign_rules(settings: Settings, rules: dict[str, RuleSetting]) -> CampaignRules:
    """The enabled campaign rules of ``rules``, in catalogue order, ready to run."""
    return [
        (rule(), RuleContext(settings.view, rules[rule.id].options), rules[rule.id].severity)
        for rule in RULES
        if rule.id in rules and issubclass(rule, CampaignRule)
    ]


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside the root, or a symlink loop
        return None
