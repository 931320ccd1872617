"""The effective settings of a run: policy files, profile, defaults and CLI flags.

What it makes (``Settings``, ``RuleSetting``, ...) is defined in ``lint/resolved.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from campaign_lint.core.errors import PolicyError, UsageError
from campaign_lint.core.findings import Severity, YamlPath
from campaign_lint.core.suggest import did_you_mean
from campaign_lint.lint.locate import find_policy, governed_root
from campaign_lint.lint.policyfile import Layered, load_policy
from campaign_lint.lint.resolved import PathOverride, RuleChange, default_options
from campaign_lint.lint.resolved import RuleSetting as RuleSetting  # imported from here by the rest
from campaign_lint.lint.resolved import Settings as Settings
from campaign_lint.policies import defaults
from campaign_lint.policies.base import NoOptions
from campaign_lint.policies.profiles import profiles
from campaign_lint.policies.registry import FAMILY_NAMES, RULES_BY_ID
from campaign_lint.policies.view import PolicyView
from campaign_lint.schemas.base import strip_extensions
from campaign_lint.schemas.messages import describe_errors
from campaign_lint.schemas.policy import Policy
from campaign_lint.schemas.policy import RuleSetting as RawRuleSetting

if TYPE_CHECKING:
    from campaign_lint.lint import locks

DEFAULT_CAMPAIGNS = ("campaigns/**/*.yaml", "campaigns/**/*.yml")
BUILT_IN_FAMILIES = frozenset(FAMILY_NAMES)


def load_settings(
    config: Path | None,
    start: Path,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: Severity | None = None,
    today: date | None = None,
) -> Settings:
    """Read the policy (given, or discovered from ``start``) and apply CLI flags."""
    if config is not None and (config.is_dir() or not os.path.lexists(config)):
        raise UsageError(f"{config}: policy file not found")
    path = config if config is not None else find_policy(start)
    layered = load_policy(path) if path else Layered()
    policy = _validate(layered) if path else Policy.model_construct()
    profile = profiles()[layered.profile]
    custom_ids = _check_custom_ids(policy, layered)
    known = frozenset(RULES_BY_ID) | custom_ids
    problems: list[str] = []
    rules, configured = _rule_settings(policy, layered, known, problems)
    overrides = _overrides(policy, layered, known, problems)
    for index, waiver in enumerate(policy.exceptions):
        if waiver.rule not in known:
            problems.append(_unknown_rule(layered.where(("exceptions", index, "rule")), waiver.rule, known))
    for index, rule_id in enumerate(policy.unsuppressible):
        if rule_id not in known:
            problems.append(_unknown_rule(layered.where(("unsuppressible", index)), rule_id, known))
    if policy.personas:
        from campaign_lint.lint.personacheck import persona_problems

        problems += persona_problems(policy, layered)
    locked: dict[str, str] = {}
    if layered.locking and not problems:
        judged = _judge_locks(layered, policy, rules, overrides, known)
        problems, locked = judged.problems, judged.rules
    if problems:
        raise PolicyError(problems)
    before = set(rules)
    selected = _expand_ids(select, "--select", known)
    if selected:
        rules = {
            r: rules.get(r)
            or RuleSetting(_default_severity(r, policy), configured.get(r) or default_options(r))
            for r in selected
        }
    for rule_id in _expand_ids(ignore, "--ignore", known):
        rules.pop(rule_id, None)
    # Rules the command line switched off: their suppressions and exceptions are not stale.
    dropped = frozenset(before - set(rules))
    activity, outcome = policy.metrics.activity, policy.metrics.outcome
    return Settings(
        root=governed_root(path, start),
        policy_path=path,
        profile=profile.name,
        campaigns=tuple(policy.campaigns or DEFAULT_CAMPAIGNS),
        exclude=tuple(policy.exclude),
        fail_on=fail_on or policy.fail_on or profile.fail_on,
        rules=rules,
        view=PolicyView(
            channels=defaults.merged_channels(policy.channels),
            total_cap=policy.total_cap or profile.total_cap,
            events=policy.events,
            segments=policy.segments,
            personas=policy.personas,
            activity_metrics=frozenset(activity or ()),
            outcome_metrics=frozenset(outcome or ()),
            business=policy.business,
            vocabulary=policy.vocabulary,
        ),
        overrides=overrides,
        custom_rules=tuple(policy.custom_rules),
        schema=policy.schema_,
        exceptions=tuple(policy.exceptions),
        unsuppressible=frozenset(policy.unsuppressible),
        locked=locked,
        today=today or date.today(),
        dropped_by_cli=dropped,
        policy=policy,
        layered=layered if path else None,
    )


def _rule_settings(
    policy: Policy, layered: Layered, known: frozenset[str], problems: list[str]
) -> tuple[dict[str, RuleSetting], dict[str, BaseModel]]:
    """The rules the profile and the policy's ``rules:`` enable, and the options ``rules:`` sets."""
    # Default options are made without validating (``model_construct``, the same values):
    # an options model builds its validator only for a policy that sets its options.
    rules = {
        rule_id: RuleSetting(RULES_BY_ID[rule_id].severity, RULES_BY_ID[rule_id].options.model_construct())
        for rule_id in profiles()[layered.profile].rules
    }
    rules.update(
        {rule.id: RuleSetting(rule.severity, NoOptions.model_construct()) for rule in policy.custom_rules}
    )
    # Options are kept even for rules the profile leaves off: `--select` or an
    # override may switch them on later, and must use them.
    configured: dict[str, BaseModel] = {}
    for rule_id, setting in policy.rules.items():
        change = _parse_change(("rules",), rule_id, setting, problems, layered, known)
        if change is not None:
            change.apply(rule_id, rules, _default_severity(rule_id, policy))
            if change.options is not None:
                configured[rule_id] = change.options
    return rules, configured


def _judge_locks(
    layered: Layered,
    policy: Policy,
    rules: dict[str, RuleSetting],
    overrides: tuple[PathOverride, ...],
    known: frozenset[str],
) -> locks.Judged:
    """The policy against the locks of its files, each locking file loaded alone (lint/locks.py)."""
    from campaign_lint.lint import locks

    def effective(layered: Layered, policy: Policy, rules: dict[str, RuleSetting]) -> locks.Effective:
        return locks.Effective(
            layered,
            policy,
            {rule_id: setting.severity for rule_id, setting in rules.items()},
            {rule_id: setting.options for rule_id, setting in rules.items()},
            policy.fail_on or profiles()[layered.profile].fail_on,
        )

    bases = {}
    for name in (name for name in layered.locking if name != layered.files[0]):  # the top file binds no layer
        alone = load_policy(Path(name))
        policy_alone = _validate(alone)
        ids = frozenset(RULES_BY_ID) | {rule.id for rule in policy_alone.custom_rules}
        bases[name] = effective(alone, policy_alone, _rule_settings(policy_alone, alone, ids, [])[0])
    changes = [(entry.index, entry.rules) for entry in overrides]
    return locks.judge(effective(layered, policy, rules), bases, changes, known)


def _validate(layered: Layered) -> Policy:
    data = layered.data
    stripped = strip_extensions(data)
    if "schema" in data:
        # A JSON Schema, kept verbatim: its `x-` names are the campaign fields it constrains.
        stripped["schema"] = data["schema"]
    try:
        return Policy.model_validate(stripped)
    except ValidationError as exc:
        violations = describe_errors(exc.errors(), data, Policy, "policy")
        raise PolicyError(
            [f"{layered.where(v.path, key=v.key)}: {_with_hint(v.message, v.hint)}" for v in violations]
        ) from None


def _with_hint(message: str, hint: str | None) -> str:
    """Policy errors are one line: the hint follows the message."""
    return f"{message} ({hint})" if hint else message


def _check_custom_ids(policy: Policy, layered: Layered) -> frozenset[str]:
    seen: set[str] = set()
    problems = []
    for index, rule in enumerate(policy.custom_rules):
        where = layered.where(("custom_rules", index, "id"))
        family = rule.id.rstrip("0123456789")
        if family in BUILT_IN_FAMILIES:
            problems.append(
                f"{where}: custom rule `{rule.id}` uses the built-in family {family}; "
                "pick your own prefix, like ORG001"
            )
        elif rule.id in seen:
            problems.append(f"{where}: custom rule `{rule.id}` is defined twice")
        seen.add(rule.id)
    if problems:
        raise PolicyError(problems)
    return frozenset(seen)


def _default_severity(rule_id: str, policy: Policy) -> Severity:
    if rule_id in RULES_BY_ID:
        return RULES_BY_ID[rule_id].severity
    return next(rule.severity for rule in policy.custom_rules if rule.id == rule_id)


def _unknown_rule(where: str, rule_id: str, known: Iterable[str]) -> str:
    return f"{where}: `{rule_id}` is not a rule{did_you_mean(rule_id, known, '; see `campaign-lint rules`')}"


def _parse_change(
    at: YamlPath,
    rule_id: str,
    setting: RawRuleSetting,
    problems: list[str],
    layered: Layered,
    known: frozenset[str],
) -> RuleChange | None:
    """Validate one ``rules:`` entry (``at`` is where its mapping sits in the policy)."""
    if rule_id not in known:
        problems.append(_unknown_rule(layered.where((*at, rule_id), key=True), rule_id, known))
        return None
    if setting == "off":
        return RuleChange(off=True)
    if isinstance(setting, Severity):
        return RuleChange(severity=setting)
    values: Mapping[str, Any] = dict(setting)  # type: ignore[arg-type]
    severity = values.get("severity")
    if severity == "off":
        return RuleChange(off=True)
    if severity is not None and severity not in set(Severity):
        where = layered.where((*at, rule_id, "severity"))
        problems.append(f"{where}: `{severity}` is not a severity; use error, warning, info or off")
        return None
    raw_options = {k: v for k, v in values.items() if k != "severity"}
    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        if raw_options:
            where = layered.where((*at, rule_id))
            problems.append(f"{where}: custom rule `{rule_id}` has no options; give a severity or `off`")
        return RuleChange(severity=Severity(severity) if severity else None)
    try:
        options = rule.options.model_validate(raw_options) if raw_options else None
    except ValidationError as exc:
        for violation in describe_errors(exc.errors(), raw_options, rule.options, f"{rule_id} option"):
            where = layered.where((*at, rule_id, *violation.path), key=violation.key)
            problems.append(f"{where}: {_with_hint(violation.message, violation.hint)}")
        return None
    return RuleChange(severity=Severity(severity) if severity else None, options=options)


def _overrides(
    policy: Policy, layered: Layered, known: frozenset[str], problems: list[str]
) -> tuple[PathOverride, ...]:
    result = []
    for index, entry in enumerate(policy.overrides):
        changes: dict[str, RuleChange] = {}
        for rule_id, raw in entry.rules.items():
            change = _parse_change(("overrides", index, "rules"), rule_id, raw, problems, layered, known)
            if change is not None:
                changes[rule_id] = change
        result.append(PathOverride(index, tuple(entry.files), changes))
    return tuple(result)


def _expand_ids(values: Iterable[str], flag: str, known: frozenset[str]) -> list[str]:
    """``--select TIM,FRQ002`` -> rule IDs; families expand to their rules."""
    result: list[str] = []
    for value in values:
        for token in (part.strip().upper() for part in value.split(",")):
            if not token:
                continue
            matches = [r for r in sorted(known) if r == token or r.rstrip("0123456789") == token]
            if not matches:
                raise UsageError(f"{flag}: `{token}` is not a rule ID or family; see `campaign-lint rules`")
            result.extend(m for m in matches if m not in result)
    return result
