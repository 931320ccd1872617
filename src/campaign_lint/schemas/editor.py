"""What the JSON Schemas add for editors (yaml-language-server): descriptions, snippets, readable errors.

pydantic writes the shape; this module makes the schema pleasant to type against:

- every field's description is its attribute docstring in the model (read here,
  when a schema is generated, so validation never pays for it);
- an optional field is just its type, without ``null`` and ``default: null``
  (editors otherwise complete ``frequency: null`` and hover "Delay || Delay");
- every mapping has a snippet (``defaultSnippets``), so completing ``frequency``
  inserts ``max:`` and ``per:``;
- every pattern says in words what it wants (``patternErrorMessage``), and
  enums of rule IDs and profiles come from the catalogue (``Catalogue``), which
  the layer above (``policies/catalogue.py``) fills from the registry.

Fields name the catalogue with the marker types of ``schemas/types.py``
(``RuleRef``, ``RuleOrFamily``, ``PolicyRef``); here each marker becomes a
``$ref`` to a definition built from the catalogue. ``errorMessage``,
``patternErrorMessage``, ``enumDescriptions`` and ``defaultSnippets`` are
yaml-language-server's keywords; other JSON Schema validators ignore them.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from campaign_lint.schemas.snippets import SNIPPETS
from campaign_lint.schemas.types import MARKER

# A custom rule's ID: 2 to 6 capital letters and 3 digits (the lookahead, added
# from the catalogue, keeps out the built-in families).
CUSTOM_ID = "[A-Z]{2,6}[0-9]{3}"
CUSTOM_ID_OR_FAMILY = "[A-Za-z]{2,6}([0-9]{3})?"
# An `extends` entry that is not a profile is a path: it has a / or ends in .yaml or .yml.
PATH_PATTERN = r"/|\.ya?ml$"


@dataclass(frozen=True, slots=True)
class Catalogue:
    """What the schemas offer as values: the built-in rules, their families and the profiles."""

    rules: Mapping[str, str]  # rule ID -> its title, in catalogue order
    families: Mapping[str, str]  # family prefix -> what it is about
    profiles: Mapping[str, str]  # profile name -> what it is for
    options: Mapping[str, Mapping[str, Any]]  # rule ID -> the JSON Schema `properties` of its options


class EditorJsonSchema(GenerateJsonSchema):
    """pydantic's schema generator, with optional fields as their type and descriptions from docstrings."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        """The type alone: `frequency: null` means what leaving the key out means."""
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        """Defaults worth inserting only: a completion would write `null`, `[]` or a mapping of nulls."""
        json_schema = super().default_schema(schema)
        default = json_schema.get("default", 0)
        if default is None or default == [] or isinstance(default, dict):
            del json_schema["default"]
        return json_schema

    def field_title_should_be_set(self, schema: Any) -> bool:
        """Never pydantic's "Stop When": ``model_schema`` titles a field with its key as written."""
        return False

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        """The model's schema, with descriptions from the fields' docstrings and the model's snippet."""
        json_schema = super().model_schema(schema)
        cls = schema["cls"]
        docs = attribute_docs(cls)
        properties = json_schema.get("properties", {})
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if key in properties:
                # Hovers show the title: the key as written, not the title of the mapping it is in.
                properties[key]["title"] = key
            if key in properties and name in docs:
                # A value type's own description (how to write a duration) follows the field's.
                own = properties[key].get("description")
                properties[key]["description"] = f"{docs[name]} {own}" if own else docs[name]
        snippet = SNIPPETS.get(cls.__name__)
        if snippet is not None:
            json_schema["defaultSnippets"] = [snippet]
        return json_schema


def attribute_docs(cls: Any) -> dict[str, str]:
    """Field name -> the docstring written under the field (as pydantic's ``use_attribute_docstrings`` reads it)."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or "__annotations__" not in vars(klass):
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):  # no source (a class made at run time)
            continue
        body = ast.parse(source).body[0]
        if not isinstance(body, ast.ClassDef):
            continue
        for node, following in zip(body.body, body.body[1:], strict=False):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[node.target.id] = " ".join(following.value.value.split())
    return docs


def finish(schema: dict[str, Any], catalogue: Catalogue) -> dict[str, Any]:
    """Replace the catalogue markers with ``$ref``s to definitions built from ``catalogue``."""
    used: set[str] = set()

    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            if MARKER in node:
                used.add(node[MARKER])
                rest = {key: visit(value) for key, value in node.items() if key not in (MARKER, "type")}
                return {"$ref": f"#/$defs/{node[MARKER]}", **rest}
            if isinstance(node.get("anyOf"), list):
                for branch in node["anyOf"]:
                    if isinstance(branch, dict) and "$ref" not in branch and "description" not in branch:
                        # Hovers join the titles of branches they cannot tell apart ("extends || extends").
                        branch["description"] = _branch_description(branch)
            return {key: visit(value) for key, value in node.items()}
        if isinstance(node, list):
            return [visit(item) for item in node]
        return node

    result: dict[str, Any] = visit(schema)
    built = definitions(catalogue)
    defs = result.setdefault("$defs", {})
    for name in sorted(used):
        defs[name] = built[name]
    if "RuleSettings" in used:
        defs["RuleSeverity"] = built["RuleSeverity"]
    if "RuleRef" in used and "custom_rules" in result.get("properties", {}):
        # A policy file that defines no custom rules and extends no policy file can
        # name only built-in rules: `XYZ999: warning` is a typo there, not a rule.
        defs["BuiltInRuleRef"] = built["BuiltInRuleRef"]
        result["allOf"] = [built_in_only(catalogue)]
    return result


def _branch_description(branch: dict[str, Any]) -> str:
    """A description of one alternative of a union, from its type."""
    if "const" in branch:
        return f"`{branch['const']}`."
    if branch.get("format") == "date":
        return "A date, like 2026-03-01."
    if branch.get("format") == "date-time":
        return "A date and time, like 2026-03-01T09:00:00Z."
    return {"array": "A list of them.", "object": "A mapping."}.get(str(branch.get("type")), "Text.")


def definitions(catalogue: Catalogue) -> dict[str, Any]:
    """The definitions the markers point at."""
    ids, families = list(catalogue.rules), list(catalogue.families)
    outside = f"(?!(?:{'|'.join(families)})[0-9])"
    custom_id = f"^{outside}{CUSTOM_ID}$"
    # `select` and `locked.rules` take any case (tim, Tim001): a custom family, or a custom rule's ID.
    custom_ref = f"^(?!(?:{'|'.join(families)})[0-9]*$){CUSTOM_ID_OR_FAMILY}$"
    rule_descriptions = [f"{rule_id}: {title}" for rule_id, title in catalogue.rules.items()]
    family_descriptions = [f"The {family} rules: {title}" for family, title in catalogue.families.items()]

    def built_in(message: str) -> dict[str, Any]:
        return {
            "type": "string",
            "enum": ids,
            "enumDescriptions": rule_descriptions,
            "description": "A rule of campaign-lint (`campaign-lint rules` lists them).",
            "errorMessage": message,
        }

    rule_message = (
        "Not a rule: write a built-in rule ID in capitals, like TIM001 (`campaign-lint rules` lists them), "
        "or the ID of a custom rule of your policy, like ORG001."
    )
    family_message = (
        "Not a rule or family: write a rule ID like TIM001, a family like TIM "
        "(`campaign-lint rules` lists them), or a custom rule's ID or prefix, like ORG001 or ORG."
    )
    custom_rule = {
        "type": "string",
        "pattern": custom_id,
        "description": "A custom rule's ID (2 to 6 capital letters of your own, then 3 digits).",
        "patternErrorMessage": rule_message,
    }
    return {
        "RuleRef": {
            "description": "A rule: a built-in rule ID, or the ID of a custom rule of the policy.",
            "anyOf": [built_in(rule_message), custom_rule],
        },
        "BuiltInRuleRef": built_in(
            "Not a rule of campaign-lint (`campaign-lint rules` lists them). A custom rule's ID works only "
            "in a policy that defines it under `custom_rules`, or extends a policy file that does."
        ),
        "RuleOrFamily": {
            "description": "A rule ID (TIM001) or a whole family (TIM), built-in or custom.",
            # One enum only: yaml-language-server merges the messages of failing enums.
            "anyOf": [
                {
                    **built_in(family_message),
                    "enum": [*ids, *families],
                    "enumDescriptions": [*rule_descriptions, *family_descriptions],
                },
                {
                    "type": "string",
                    "pattern": custom_ref,
                    "description": "A custom rule's ID, or the prefix of your custom rules (ORG for ORG001).",
                    "patternErrorMessage": family_message,
                },
            ],
        },
        "CustomRuleId": {
            "type": "string",
            "pattern": custom_id,
            "description": "The rule's ID: 2 to 6 capital letters of your own and 3 digits, like ORG001.",
            "patternErrorMessage": (
                "A custom rule ID is 2 to 6 capital letters and 3 digits, like ORG001, and its letters are "
                f"not a built-in family ({', '.join(families)})."
            ),
        },
        "PolicyRef": policy_ref(catalogue),
        **rule_settings(catalogue),
    }


def rule_settings(catalogue: Catalogue) -> dict[str, Any]:
    """``rules:``: each built-in rule with its severity or its own options; custom rules with a severity."""
    severities = ["error", "warning", "info", "off"]
    severity = {"$ref": "#/$defs/RuleSeverity"}

    # The branches carry no description: a hover shows the first it finds, and that
    # should be the rule's summary, not "a severity".
    def setting(options: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "anyOf": [
                severity,
                {
                    "type": "object",
                    "properties": {
                        "severity": {**severity, "description": "The rule's severity."},
                        **options,
                    },
                    "additionalProperties": False,
                    "defaultSnippets": [
                        {"label": "severity", "body": {"severity": "${1|error,warning,info,off|}"}}
                    ],
                },
            ]
        }

    return {
        "RuleSettings": {
            "type": "object",
            "description": "Rule ID -> its severity (error, warning, info), `off`, or a mapping of options.",
            "properties": {
                rule_id: {
                    "title": rule_id,
                    "description": title,
                    **setting(catalogue.options.get(rule_id, {})),
                }
                for rule_id, title in catalogue.rules.items()
            },
            "propertyNames": {"$ref": "#/$defs/RuleRef"},
            "additionalProperties": {
                "description": "A custom rule's severity, or `off`.",
                **setting({}),
            },
        },
        "RuleSeverity": {
            "type": "string",
            "enum": severities,
            "enumDescriptions": [
                "Fails the run (by default).",
                "Reported; fails the run with `fail_on: warning`.",
                "Reported as advice; fails the run only with `fail_on: info`.",
                "The rule does not run.",
            ],
            "errorMessage": "Write error, warning, info or off, or a mapping of the rule's options.",
        },
    }


def policy_ref(catalogue: Catalogue) -> dict[str, Any]:
    """An ``extends`` entry: a profile, or a path to a policy file."""
    names = list(catalogue.profiles)
    message = (
        f"Not a profile or a policy file: write {', '.join(names[:-1])} or {names[-1]}, "
        "or the path of a policy file ending in .yaml, like ../company/campaign-lint.yaml."
    )
    return {
        "description": "A built-in profile, or the path of a policy file (relative to this one).",
        "anyOf": [
            {
                "type": "string",
                "enum": names,
                "enumDescriptions": list(catalogue.profiles.values()),
                "description": "A built-in profile: which rules run.",
                "errorMessage": message,
            },
            {
                "type": "string",
                "pattern": PATH_PATTERN,
                "description": "The path of a policy file, relative to this one.",
                "patternErrorMessage": message,
            },
        ],
    }


def built_in_only(catalogue: Catalogue) -> dict[str, Any]:
    """Without ``custom_rules`` and without a policy file in ``extends``, rules are built-in ones."""
    # No anyOf here: hovers would join the titles of its branches.
    profile = {"pattern": f"^(?:{'|'.join(catalogue.profiles)})$"}
    only_built_in = {"$ref": "#/$defs/BuiltInRuleRef"}
    return {
        "if": {
            "properties": {
                "custom_rules": {"maxItems": 0},
                "extends": {**profile, "items": profile},
            }
        },
        "then": {
            "properties": {
                "rules": {"propertyNames": only_built_in},
                "overrides": {"items": {"properties": {"rules": {"propertyNames": only_built_in}}}},
                "exceptions": {"items": {"properties": {"rule": only_built_in}}},
                "unsuppressible": {"items": only_built_in},
            }
        },
    }
