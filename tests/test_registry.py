"""The registry knows every rule, and a rule's metadata is written once, in its class."""

from __future__ import annotations

import re

import pytest

from campaign_lint.core.findings import Severity
from campaign_lint.policies.base import Rule
from campaign_lint.policies.profiles import profiles
from campaign_lint.policies.registry import FAMILY_MODULES, FAMILY_NAMES, RULES, RULES_BY_ID

IDS = [rule.id for rule in RULES]


def _subclasses(cls: type[Rule]) -> list[type[Rule]]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_every_rule_class_is_registered() -> None:
    defined = {cls for cls in _subclasses(Rule) if "id" in cls.__dict__}
    missing = sorted(cls.__qualname__ for cls in defined - set(RULES))
    assert not missing, f"rule classes outside a family module of policies.registry: {missing}"


def test_ids_are_unique_and_in_catalogue_order() -> None:
    assert len(IDS) == len(set(IDS))
    families = list(FAMILY_NAMES)
    order = [(families.index(rule.family()), int(rule.id[len(rule.family()) :])) for rule in RULES]
    assert order == sorted(order)


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_lives_in_the_module_of_its_family(rule: type[Rule]) -> None:
    module = next(m for m in FAMILY_MODULES if m.__name__ == rule.__module__)
    assert re.fullmatch(rf"{module.FAMILY}\d{{3}}", rule.id)
    assert rule.family() == module.FAMILY


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_rule_declares_its_metadata(rule: type[Rule]) -> None:
    assert rule.profile in profiles()
    assert isinstance(rule.severity, Severity)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    rule.options()  # every option has a default


def test_profiles_are_filled_from_the_rules_and_extend_each_other() -> None:
    known = profiles()
    assert list(known) == ["minimal", "recommended", "strict"]
    for name, profile in known.items():
        own = {rule.id for rule in RULES if rule.profile == name}
        assert own <= set(profile.rules)
        assert all(rule_id in RULES_BY_ID for rule_id in profile.rules)
    assert set(known["minimal"].rules) < set(known["recommended"].rules) < set(known["strict"].rules)
    assert set(known["strict"].rules) == set(RULES_BY_ID)
    assert known["strict"].fail_on is Severity.WARNING
    assert known["recommended"].fail_on is Severity.ERROR
