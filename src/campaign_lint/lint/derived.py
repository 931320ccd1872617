"""What runs draw from their settings by serializing the policy's models, made once and kept with the settings.

Serializing a pydantic model the first time builds its serializer (the
models are ``defer_build``). Settings loaded from the policy files have it
built by the validation; settings served from the settings file
(``lint/keptsettings.py``) are unpickled, with no validator or serializer
built, and carry these values in ``Settings.derived`` instead, made by the
run that kept them:

* :func:`dumped`: the policy and the enabled rules' options as JSON, the part
  of the content cache's key they make (``lint/cache.policy_key``);
* :func:`policy_data`: the effective policy as plain data, what custom rules
  read as ``policy`` (``lint/pipeline.py``).

Both are read-only for their callers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from campaign_lint.lint.resolved import Settings


def dumped(settings: Settings) -> tuple[str, list[tuple[str, str, str]]]:
    """The policy, and every enabled rule's severity and options, as JSON (sorted by rule)."""
    found: tuple[str, list[tuple[str, str, str]]] | None = settings.derived.get("dumped")
    if found is None:
        found = settings.derived["dumped"] = (
            settings.policy.model_dump_json(by_alias=True),
            sorted(
                (rule_id, str(setting.severity), setting.options.model_dump_json())
                for rule_id, setting in settings.rules.items()
            ),
        )
    return found


def policy_data(settings: Settings) -> dict[str, Any]:
    """The effective policy as plain data, for custom rules (``policy`` in CEL)."""
    data: dict[str, Any] | None = settings.derived.get("data")
    if data is None:
        data = settings.policy.model_dump(mode="json", by_alias=True, exclude={"custom_rules"})
        data["channels"] = {
            str(channel): policy.model_dump(mode="json") for channel, policy in settings.view.channels.items()
        }
        data["profile"] = settings.profile
        settings.derived["data"] = data
    return data
