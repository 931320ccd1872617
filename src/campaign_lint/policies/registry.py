"""The one registry of built-in rules, in catalogue order, found in the family modules.

A family module of this package declares ``FAMILY`` (the ID prefix) and
``TITLE``, and defines its rule classes; a family that outgrows one module
spans several, each declaring the same ``FAMILY`` (TRP: ``trp.py`` and
``loyalty.py``; TIM: ``tim.py`` and ``reminders.py``). Every class of a family module with an ``id`` is
registered, ordered by family (the order of ``FAMILY_MODULES``) and then by
number; ``tests/test_registry.py`` fails when a rule class is defined
anywhere else, or its ID does not match its family.
"""

from __future__ import annotations

from types import ModuleType

from campaign_lint.policies import (
    aud,
    con,
    frq,
    hours,
    inbox,
    loyalty,
    met,
    pol,
    reminders,
    spec,
    tim,
    trp,
    val,
)
from campaign_lint.policies.base import Rule

FAMILY_MODULES: tuple[ModuleType, ...] = (
    spec,
    val,
    tim,
    reminders,
    hours,
    frq,
    inbox,
    con,
    trp,
    loyalty,
    aud,
    met,
    pol,
)


def _rules_of(module: ModuleType) -> list[type[Rule]]:
    """The rule classes ``module`` defines (not those it imports), by number."""
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Rule)
        and "id" in value.__dict__
        and value.__module__ == module.__name__
    ]
    return sorted(found, key=lambda rule: int(rule.id.removeprefix(module.FAMILY)))


_FAMILY_ORDER = {
    family: index for index, family in enumerate(dict.fromkeys(m.FAMILY for m in FAMILY_MODULES))
}

RULES: tuple[type[Rule], ...] = tuple(
    sorted(
        (rule for module in FAMILY_MODULES for rule in _rules_of(module)),
        key=lambda rule: (_FAMILY_ORDER[rule.family()], int(rule.id.removeprefix(rule.family()))),
    )
)

RULES_BY_ID: dict[str, type[Rule]] = {rule.id: rule for rule in RULES}

# Family prefix -> what the family is about, in catalogue order.
FAMILY_NAMES: dict[str, str] = {module.FAMILY: module.TITLE for module in FAMILY_MODULES}
