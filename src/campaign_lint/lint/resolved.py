"""The resolved settings of a run: what ``load_settings`` (``lint/config.py``) makes of the policy and the flags.

Written out by hand on ``core/slotted`` rather than as dataclasses: every run
that lints defines them, and a dataclass compiles its methods when it is
defined (docs/performance.md, "An edited run's imports, cheaper to define").
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel

from campaign_lint.core.findings import Severity, Span, YamlPath
from campaign_lint.core.pickling import by_fields
from campaign_lint.core.slotted import Mutable, Slotted
from campaign_lint.lint.discovery import Scope
from campaign_lint.lint.policyfile import Layered
from campaign_lint.policies.base import NoOptions
from campaign_lint.policies.registry import RULES_BY_ID
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.policy import CustomRule, Policy, Waiver


class RuleSetting(Slotted):
    """How one enabled rule runs."""

    __slots__ = ("severity", "options")
    severity: Final[Severity]
    options: Final[BaseModel]

    def __init__(self, severity: Severity, options: BaseModel) -> None:
        self.severity = severity
        self.options = options


class RuleChange(Slotted):
    """One ``rules:`` entry: switch off, set a severity, and/or set options."""

    __slots__ = ("off", "severity", "options")
    off: Final[bool]
    severity: Final[Severity | None]
    options: Final[BaseModel | None]

    def __init__(
        self, off: bool = False, severity: Severity | None = None, options: BaseModel | None = None
    ) -> None:
        self.off = off
        self.severity = severity
        self.options = options

    def apply(self, rule_id: str, rules: dict[str, RuleSetting], default: Severity) -> None:
        """Change ``rules`` in place. Options alone do not switch a rule on."""
        if self.off:
            rules.pop(rule_id, None)
            return
        current = rules.get(rule_id)
        if current is None and self.severity is None:
            return
        severity = self.severity or (current.severity if current else default)
        options = self.options or (current.options if current else default_options(rule_id))
        rules[rule_id] = RuleSetting(severity, options)


def default_options(rule_id: str) -> BaseModel:
    """The options of rule ``rule_id`` when the policy sets none (made without validating: the same values)."""
    rule = RULES_BY_ID.get(rule_id)
    return (rule.options if rule is not None else NoOptions).model_construct()


class PathOverride(Slotted):
    """``overrides:`` entry: rule changes for files matching ``files``."""

    __slots__ = ("index", "files", "rules")
    index: Final[int]
    files: Final[tuple[str, ...]]
    rules: Final[dict[str, RuleChange]]

    def __init__(self, index: int, files: tuple[str, ...], rules: dict[str, RuleChange]) -> None:
        self.index = index
        self.files = files
        self.rules = rules


class Settings(Mutable):
    """Everything a run needs to know, resolved once."""

    __slots__ = (
        "root",
        "policy_path",
        "profile",
        "campaigns",
        "exclude",
        "fail_on",
        "rules",
        "view",
        "overrides",
        "custom_rules",
        "schema",
        "exceptions",
        "unsuppressible",
        "locked",
        "today",
        "dropped_by_cli",
        "policy",
        "layered",
        "derived",
    )
    root: Path
    policy_path: Path | None
    profile: str
    campaigns: tuple[str, ...]
    exclude: tuple[str, ...]
    fail_on: Severity
    rules: dict[str, RuleSetting]
    # What rules may read of the policy (``RuleContext.policy``).
    view: PolicyView
    overrides: tuple[PathOverride, ...]
    custom_rules: tuple[CustomRule, ...]
    schema: dict[str, Any] | None
    exceptions: tuple[Waiver, ...]
    unsuppressible: frozenset[str]
    # Rules a policy file locks (``locked.rules``): rule ID -> the lock, in words, for POL003.
    locked: Mapping[str, str]
    today: date
    dropped_by_cli: frozenset[str]
    policy: Policy
    layered: Layered | None
    # What runs draw from the rest by serializing models (lint/derived.py: the cache key's JSON, the
    # policy as custom rules' data), kept with the settings (lint/keptsettings.py); not compared.
    derived: dict[str, Any]

    def __init__(
        self,
        root: Path,
        policy_path: Path | None,
        profile: str,
        campaigns: tuple[str, ...],
        exclude: tuple[str, ...],
        fail_on: Severity,
        rules: dict[str, RuleSetting],
        view: PolicyView | None = None,
        overrides: tuple[PathOverride, ...] = (),
        custom_rules: tuple[CustomRule, ...] = (),
        schema: dict[str, Any] | None = None,
        exceptions: tuple[Waiver, ...] = (),
        unsuppressible: frozenset[str] = frozenset(),
        locked: Mapping[str, str] | None = None,
        today: date | None = None,
        dropped_by_cli: frozenset[str] = frozenset(),
        policy: Policy | None = None,
        layered: Layered | None = None,
        derived: dict[str, Any] | None = None,
    ) -> None:
        self.root = root
        self.policy_path = policy_path
        self.profile = profile
        self.campaigns = campaigns
        self.exclude = exclude
        self.fail_on = fail_on
        self.rules = rules
        self.view = PolicyView() if view is None else view
        self.overrides = overrides
        self.custom_rules = custom_rules
        self.schema = schema
        self.exceptions = exceptions
        self.unsuppressible = unsuppressible
        self.locked = {} if locked is None else locked
        self.today = date.today() if today is None else today
        self.dropped_by_cli = dropped_by_cli
        self.policy = Policy.model_construct() if policy is None else policy
        self.layered = layered
        self.derived = {} if derived is None else derived

    def __eq__(self, other: object) -> bool:
        """By value, as ``Slotted``, but for ``derived`` (drawn from the rest, or not yet)."""
        if other.__class__ is not self.__class__:
            return NotImplemented
        return by_fields(self)[1][:-1] == by_fields(other)[1][:-1]

    __hash__ = None  # as Mutable's

    def known_rule_ids(self) -> frozenset[str]:
        """Built-in and custom rule IDs."""
        return frozenset(RULES_BY_ID) | {rule.id for rule in self.custom_rules}

    def scope(self) -> Scope:
        """Where this run looks for campaign files (see ``discovery``)."""
        files = self.layered.files if self.layered is not None else ()
        return Scope(
            self.root,
            self.policy_path,
            self.campaigns,
            self.exclude,
            frozenset(os.path.abspath(name) for name in files),
        )

    def where(self, path: YamlPath, *, key: bool = False) -> tuple[str, int, int]:
        """(policy file, line, column) of a policy path, for POL findings."""
        origin = self.layered.origin(path, key=key) if self.layered else None
        if origin is None:
            return ("<policy>", 1, 1)
        return (origin.path, origin.span.line, origin.span.column)

    def where_text(self, path: YamlPath) -> str:
        """``file:line:col`` of a policy path, for policy errors."""
        return ":".join(map(str, self.where(path)))

    def where_span(self, path: YamlPath) -> tuple[str, Span]:
        """(policy file, span of one point) of a policy path, for findings on the policy."""
        file, line, column = self.where(path)
        return file, Span(line, column, line, column)
