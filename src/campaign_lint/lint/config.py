"""The effective settings of a run: policy file, profile, defaults and CLI flags."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from campaign_lint.errors import PolicyError, UsageError
from campaign_lint.lint import yamlload
from campaign_lint.lint.findings import Severity, Span, YamlPath
from campaign_lint.policies import defaults
from campaign_lint.policies.profiles import DEFAULT_PROFILE, profiles
from campaign_lint.policies.registry import RULES_BY_ID
from campaign_lint.schemas.base import strip_extensions
from campaign_lint.schemas.campaign import Channel
from campaign_lint.schemas.messages import describe_errors
from campaign_lint.schemas.policy import Cap, ChannelPolicy, EventDef, Policy, Segments

POLICY_NAMES = ("campaign-lint.yaml", ".campaign-lint.yaml")
DEFAULT_CAMPAIGNS = ("campaigns/**/*.yaml", "campaigns/**/*.yml")


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """How one enabled rule runs."""

    severity: Severity
    options: BaseModel


@dataclass(slots=True)
class Settings:
    """Everything a run needs to know, resolved once."""

    root: Path
    policy_path: Path | None
    profile: str
    campaigns: tuple[str, ...]
    exclude: tuple[str, ...]
    fail_on: Severity
    rules: dict[str, RuleSetting]
    channels: dict[Channel, ChannelPolicy]
    total_cap: Cap | None = None
    events: dict[str, EventDef] = field(default_factory=dict)
    segments: Segments = field(default_factory=Segments)
    activity_metrics: frozenset[str] = frozenset(defaults.ACTIVITY_METRICS)
    outcome_metrics: frozenset[str] = frozenset(defaults.OUTCOME_METRICS)
    policy_set: frozenset[str] = frozenset()

    def fulfilment_events(self) -> frozenset[str]:
        """The catalogue's fulfilment events, or ``order.delivered`` without a catalogue."""
        marked = {name for name, event in self.events.items() if event.fulfilment}
        return frozenset(marked or {defaults.FULFILMENT_EVENT})


def find_policy(start: Path) -> Path | None:
    """The nearest policy file in ``start`` or a parent, stopping at the repository root."""
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for directory in (current, *current.parents):
        for name in POLICY_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
        if (directory / ".git").exists():
            return None
    return None


def load_settings(
    config: Path | None,
    start: Path,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_on: Severity | None = None,
) -> Settings:
    """Read the policy (given, or discovered from ``start``) and apply CLI flags."""
    if config is not None and not config.is_file():
        raise UsageError(f"{config}: policy file not found")
    path = config if config is not None else find_policy(start)
    policy, document = _read_policy(path) if path else (Policy(), None)
    display = _display(path) if path else "<defaults>"
    names = _profile_names(policy, display, document)
    chosen = [profiles()[name] for name in names]
    enabled: dict[str, Severity] = {}
    for profile in chosen:
        for rule_id in profile.rules:
            enabled[rule_id] = RULES_BY_ID[rule_id].severity
    options: dict[str, BaseModel] = {}
    problems: list[str] = []
    for rule_id, setting in policy.rules.items():
        _apply_rule_setting(rule_id, setting, enabled, options, problems, display, document)
    if problems:
        raise PolicyError(problems)
    selected = _expand_ids(select, "--select")
    if selected:
        enabled = {r: enabled.get(r, RULES_BY_ID[r].severity) for r in selected}
    for rule_id in _expand_ids(ignore, "--ignore"):
        enabled.pop(rule_id, None)
    rules = {
        rule_id: RuleSetting(severity, options.get(rule_id) or RULES_BY_ID[rule_id].options())
        for rule_id, severity in enabled.items()
    }
    activity, outcome = policy.metrics.activity, policy.metrics.outcome
    return Settings(
        root=(path.parent if path else start if start.is_dir() else start.parent).resolve(),
        policy_path=path,
        profile="+".join(names),
        campaigns=tuple(policy.campaigns or DEFAULT_CAMPAIGNS),
        exclude=tuple(policy.exclude),
        fail_on=fail_on or policy.fail_on or chosen[-1].fail_on,
        rules=rules,
        channels=defaults.merged_channels(policy.channels),
        total_cap=policy.total_cap,
        events=policy.events,
        segments=policy.segments,
        activity_metrics=frozenset(activity if activity is not None else defaults.ACTIVITY_METRICS),
        outcome_metrics=frozenset(outcome if outcome is not None else defaults.OUTCOME_METRICS),
        policy_set=frozenset(policy.model_fields_set),
    )


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _where(display: str, document: yamlload.Document | None, path: YamlPath, key: bool = False) -> str:
    span = document.span(path, key=key) if document else Span(1, 1, 1, 1)
    return f"{display}:{span.line}:{span.column}"


def _read_policy(path: Path) -> tuple[Policy, yamlload.Document | None]:
    display = _display(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError([f"{display}: cannot read the policy file ({exc.strerror})"]) from None
    try:
        document = yamlload.load(yamlload.decode(raw))
    except yamlload.YamlProblem as problem:
        if problem.message == "the file is empty":
            return Policy(), None
        span = problem.span
        raise PolicyError([f"{display}:{span.line}:{span.column}: {problem.message}"]) from None
    if not isinstance(document.data, dict):
        raise PolicyError([f"{display}:1:1: a policy file must be a mapping of settings"])
    try:
        data = strip_extensions(document.data, document.extensions) if document.extensions else document.data
        return Policy.model_validate(data), document
    except ValidationError as exc:
        violations = describe_errors(exc.errors(), document.data, Policy, "policy")
        raise PolicyError(
            [f"{_where(display, document, v.path, v.key)}: {v.message}" for v in violations]
        ) from None


def _profile_names(policy: Policy, display: str, document: yamlload.Document | None) -> list[str]:
    extends = policy.extends or DEFAULT_PROFILE
    names = [extends] if isinstance(extends, str) else list(extends)
    for index, name in enumerate(names):
        if name not in profiles():
            path: YamlPath = ("extends",) if isinstance(extends, str) else ("extends", index)
            raise PolicyError(
                [
                    f"{_where(display, document, path)}: `{name}` is not a profile; "
                    f"use one of: {', '.join(profiles())}"
                ]
            )
    return names


def _apply_rule_setting(
    rule_id: str,
    setting: Any,
    enabled: dict[str, Severity],
    options: dict[str, BaseModel],
    problems: list[str],
    display: str,
    document: yamlload.Document | None,
) -> None:
    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        guess = difflib.get_close_matches(rule_id, list(RULES_BY_ID), n=1)
        tip = f"; did you mean `{guess[0]}`?" if guess else "; see `campaign-lint rules`"
        where = _where(display, document, ("rules", rule_id), key=True)
        problems.append(f"{where}: `{rule_id}` is not a rule{tip}")
        return
    if setting == "off":
        enabled.pop(rule_id, None)
        return
    if isinstance(setting, Severity):
        enabled[rule_id] = setting
        return
    values: Mapping[str, Any] = dict(setting)
    severity = values.get("severity")
    if severity is not None:
        if severity == "off":
            enabled.pop(rule_id, None)
        elif severity in set(Severity):
            enabled[rule_id] = Severity(severity)
        else:
            where = _where(display, document, ("rules", rule_id, "severity"))
            problems.append(f"{where}: `{severity}` is not a severity; use error, warning, info or off")
            return
    raw_options = {k: v for k, v in values.items() if k != "severity"}
    try:
        options[rule_id] = rule.options.model_validate(raw_options)
    except ValidationError as exc:
        for violation in describe_errors(exc.errors(), raw_options, rule.options, f"{rule_id} option"):
            path = ("rules", rule_id, *violation.path)
            problems.append(f"{_where(display, document, path, violation.key)}: {violation.message}")


def _expand_ids(values: Iterable[str], flag: str) -> list[str]:
    """``--select TIM,FRQ002`` -> rule IDs; families expand to their rules."""
    result: list[str] = []
    for value in values:
        for token in (part.strip().upper() for part in value.split(",")):
            if not token:
                continue
            matches = [r for r in RULES_BY_ID if r == token or r.rstrip("0123456789") == token]
            if not matches:
                raise UsageError(f"{flag}: `{token}` is not a rule ID or family; see `campaign-lint rules`")
            result.extend(m for m in matches if m not in result)
    return result
