"""``check --show-policy``: the effective policy, and where each value came from."""

from __future__ import annotations

import json
from typing import Any

from campaign_lint.core.findings import YamlPath
from campaign_lint.lint.config import Settings
from campaign_lint.policies.profiles import profiles


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        plain = value and value.strip() == value and not any(c in value for c in ":#{}[],&*!|>'\"%@`")
        return (
            value
            if plain and value.lower() not in ("true", "false", "null", "yes", "no", "on", "off")
            else json.dumps(value)
        )
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def show_policy(settings: Settings) -> str:
    """The merged policy as commented YAML, one origin comment per value."""
    layered = settings.layered
    lines = [
        "# Effective policy: every value with the file and line it comes from.",
        f"# Files: {', '.join(layered.files) if layered else '(none: built-in defaults)'}",
        f"profile: {settings.profile}  # {layered.profile_origin if layered else 'built-in default'}",
        f"fail_on: {settings.fail_on}  # {_origin(settings, ('fail_on',), 'profile ' + settings.profile)}",
    ]
    data = dict(layered.data) if layered else {}
    data.pop("version", None)
    data.pop("fail_on", None)
    for key, value in data.items():
        _emit(lines, settings, (key,), value, 0)
    lines.append("# Built-in channel defaults, after the policy's `channels`:")
    lines.append("effective_channels:")
    for channel, policy in settings.view.channels.items():
        dumped = {k: v for k, v in policy.model_dump(mode="json").items() if v is not None}
        lines.append(f"  {channel}: {json.dumps(dumped) if dumped else '{}'}")
    lines.append(f"# Rules enabled ({len(settings.rules)}), profile `{settings.profile}` plus `rules:`:")
    lines.append("enabled_rules:")
    base = set(profiles()[settings.profile].rules)
    for rule_id, setting in sorted(settings.rules.items()):
        fallback = f"profile {settings.profile}" if rule_id in base else "policy"
        source = _origin(settings, ("rules", rule_id), fallback)
        lines.append(f"  {rule_id}: {setting.severity}  # {source}")
    return "\n".join(lines) + "\n"


def _origin(settings: Settings, path: YamlPath, fallback: str) -> str:
    layered = settings.layered
    origin = layered.values.get(path) if layered else None
    return str(origin) if origin else fallback


def _emit(lines: list[str], settings: Settings, path: YamlPath, value: Any, depth: int) -> None:
    indent = "  " * depth
    key = path[-1]
    label = f"{indent}- " if isinstance(key, int) else f"{indent}{key}: "
    if isinstance(value, dict) and value:
        lines.append(label.rstrip() if not isinstance(key, int) else f"{indent}-")
        for child, item in value.items():
            _emit(lines, settings, (*path, child), item, depth + 1)
    elif isinstance(value, list) and value and any(isinstance(item, dict | list) for item in value):
        lines.append(label.rstrip())
        for index, item in enumerate(value):
            _emit(lines, settings, (*path, index), item, depth + 1)
    else:
        shown = (
            "[" + ", ".join(_scalar(v) for v in value) + "]" if isinstance(value, list) else _scalar(value)
        )
        if isinstance(value, dict):
            shown = "{}"
        lines.append(f"{label}{shown}  # {_origin(settings, path, '?')}")
