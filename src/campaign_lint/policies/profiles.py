"""Profiles (minimal, recommended, strict): described in profiles.yaml, filled by each rule's ``profile``."""

from __future__ import annotations

import os
from functools import cache
from typing import Final

from campaign_lint.core import yamlload
from campaign_lint.core.findings import Severity
from campaign_lint.core.slotted import Slotted
from campaign_lint.policies.registry import RULES
from campaign_lint.schemas.policy import Cap

DEFAULT_PROFILE = "recommended"


class Profile(Slotted):
    """A named set of rules and the ``fail_on`` it implies."""

    __slots__ = ("name", "description", "rules", "fail_on", "total_cap")
    name: Final[str]
    description: Final[str]
    rules: Final[tuple[str, ...]]
    fail_on: Final[Severity]
    # All channels together when the policy sets no ``total_cap`` (FRQ003); None: no such cap.
    total_cap: Final[Cap | None]

    def __init__(
        self,
        name: str,
        description: str,
        rules: tuple[str, ...],
        fail_on: Severity,
        total_cap: Cap | None = None,
    ) -> None:
        self.name = name
        self.description = description
        self.rules = rules
        self.fail_on = fail_on
        self.total_cap = total_cap


@cache
def profiles() -> dict[str, Profile]:
    """All profiles, each with the rules of the profiles it extends."""
    # Next to this module (importlib.resources would add its import to every start-up).
    with open(os.path.join(os.path.dirname(__file__), "profiles.yaml"), encoding="utf-8") as handle:
        text = handle.read()
    raw: dict[str, dict[str, object]] = yamlload.load(text).data
    result: dict[str, Profile] = {}
    for name, entry in raw.items():
        parent = result.get(str(entry["extends"])) if entry.get("extends") else None
        own = [rule.id for rule in RULES if rule.profile == name]
        rules = (*(parent.rules if parent else ()), *own)
        fail_on = Severity(str(entry.get("fail_on") or (parent.fail_on if parent else "error")))
        cap = entry.get("total_cap")
        total_cap = Cap.model_validate(cap) if cap else (parent.total_cap if parent else None)
        result[name] = Profile(name, str(entry.get("description", "")), rules, fail_on, total_cap)
    return result
