"""Organisation rules written in CEL (``custom_rules``), compiled once per run.

Each rule has an optional ``when`` (does the rule apply?) and an ``assert``
(what must hold). Both see ``campaign``, the campaign as written (``x-`` keys
included), and ``policy``, the effective policy. A ``when`` that cannot be
evaluated (it reads a field the campaign does not have) means the rule does
not apply; an ``assert`` that cannot be evaluated counts as not holding.

The CEL library is imported only when a policy has custom rules.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from campaign_lint.core.errors import PolicyError
from campaign_lint.core.findings import Violation, YamlPath
from campaign_lint.schemas.policy import CustomRule

MAX_EXPRESSION = 4_000
# List macros nested inside each other multiply their work: four `.map`s over a
# 100-item list are 10^8 steps per campaign. The CEL library has no evaluation
# budget, so the nesting is limited when the rule is compiled.
MAX_MACRO_NESTING = 2
_MACRO = re.compile(r"\.\s*(all|exists|exists_one|map|filter)\s*\($")
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.\-]+)\}")
_ERROR_AT = re.compile(r"<input>:(\d+):(\d+): (.*?)(?:\n|$)")


def load_cel() -> Any:
    """The compiled CEL module of ``common-expression-language`` (``cel.cel``), imported as usual.

    The console script imports its package bare, without the command-line
    tool its ``__init__`` imports (``cli/startup.py``); a program that
    imports campaign_lint gets the package as it is.
    """
    try:
        return importlib.import_module("cel.cel")
    except ModuleNotFoundError as exc:
        if exc.name not in ("cel", "cel.cel"):
            raise
        raise PolicyError(
            ["custom_rules need the CEL library: pip install common-expression-language"]
        ) from None


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A custom rule ready to evaluate."""

    rule: CustomRule
    when: Any
    check: Any
    path: YamlPath


def parse_path(text: str | None) -> YamlPath:
    """``trigger.stop_when.0`` -> ``("trigger", "stop_when", 0)``; without a path, the campaign's ``id``."""
    if not text:
        return ("id",)
    return tuple(int(part) if part.isdigit() else part for part in text.split("."))


def compile_rules(rules: Sequence[CustomRule], where: Any) -> list[CompiledRule]:
    """Compile every rule once; ``where(path)`` gives ``file:line:col`` of a policy path.

    A compile error is a policy error at the expression's position.
    """
    if not rules:
        return []
    cel = load_cel()
    problems: list[str] = []
    compiled: list[CompiledRule] = []
    for index, rule in enumerate(rules):
        programs: list[Any] = []
        for key, source in (("when", rule.when), ("assert", rule.assert_)):
            if source is None:
                programs.append(None)
                continue
            location = where(("custom_rules", index, key))
            if len(source) > MAX_EXPRESSION:
                problems.append(
                    f"{location}: `{key}` of {rule.id} is longer than {MAX_EXPRESSION} characters"
                )
                continue
            depth = macro_nesting(source)
            if depth > MAX_MACRO_NESTING:
                problems.append(
                    f"{location}: `{key}` of {rule.id} nests list macros (all, exists, map, filter) "
                    f"{depth} deep; at most {MAX_MACRO_NESTING} are allowed, so that a rule cannot run for hours"
                )
                continue
            try:
                programs.append(cel.compile(source))
            except (ValueError, RuntimeError) as exc:
                problems.append(
                    f"{location}: `{key}` of {rule.id} is not valid CEL: {_compile_error(str(exc))}"
                )
        if len(programs) == 2:
            compiled.append(CompiledRule(rule, programs[0], programs[1], parse_path(rule.path)))
    if problems:
        raise PolicyError(problems)
    return compiled


def macro_nesting(source: str) -> int:
    """How deeply list macros (``.map(``, ``.all(``...) nest in a CEL expression.

    A scan of brackets outside string literals: each ``(`` opened by a macro
    call counts while it is open.
    """
    stack: list[bool] = []
    deepest = 0
    quote: str | None = None
    index = 0
    while index < len(source):
        char = source[index]
        if quote is not None:
            if char == "\\":
                index += 1
            elif source.startswith(quote, index):
                index += len(quote) - 1
                quote = None
        elif char in "\"'":
            quote = char * 3 if source.startswith(char * 3, index) else char
            index += len(quote) - 1
        elif char == "(":
            stack.append(bool(_MACRO.search(source[max(0, index - 16) : index + 1])))
            deepest = max(deepest, sum(stack))
        elif char == ")" and stack:
            stack.pop()
        index += 1
    return deepest


def _compile_error(text: str) -> str:
    match = _ERROR_AT.search(text)
    if match:
        return f"{match.group(3).strip()} (expression column {match.group(2)})"
    return text.splitlines()[0] if text else "syntax error"


_CAMPAIGN = re.compile(r"\bcampaign\b")
_DOT_FIELD = re.compile(r"\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)")
_INDEX_FIELD = re.compile(r"\s*\[\s*(['\"])(.*?)\1\s*\]")
_IN_FIELD = re.compile(r"(['\"])([^'\"]*)\1\s+in\s*$")


def referenced_fields(expressions: Sequence[str]) -> frozenset[str] | None:
    """The top-level campaign fields the expressions read, or None if one uses ``campaign`` whole.

    Handing CEL a whole campaign costs more than evaluating most rules, so the
    evaluator binds only these fields. Recognised: ``campaign.f``,
    ``campaign['f']`` and ``'f' in campaign``; anything else (``size(campaign)``,
    ``campaign[key]``) binds the whole campaign.
    """
    fields: set[str] = set()
    for expression in expressions:
        for match in _CAMPAIGN.finditer(expression):
            after = expression[match.end() :]
            found = _DOT_FIELD.match(after) or _INDEX_FIELD.match(after)
            if found is not None:
                fields.add(found.group(found.lastindex or 1))
                continue
            before = _IN_FIELD.search(expression[: match.start()])
            if before is None:
                return None
            fields.add(before.group(2))
    return frozenset(fields)


class Evaluator:
    """Evaluates compiled rules against campaigns, sharing one policy context."""

    def __init__(self, rules: Sequence[CompiledRule], policy: dict[str, Any]) -> None:
        self.rules = list(rules)
        self.context = load_cel().Context({"policy": policy}) if rules else None
        sources = [
            source
            for compiled in self.rules
            for source in (compiled.rule.when, compiled.rule.assert_)
            if source
        ]
        self.fields = referenced_fields(sources)

    def check(self, data: dict[str, Any]) -> Iterator[tuple[CustomRule, Violation]]:
        """Yield (rule, violation) for every custom rule the campaign breaks."""
        if self.context is None:
            return
        context = self.context
        fields = self.fields
        context.add_variable(
            "campaign", data if fields is None else {k: v for k, v in data.items() if k in fields}
        )
        for compiled in self.rules:
            if compiled.when is not None:
                try:
                    if compiled.when.execute(context) is not True:
                        continue
                except Exception:  # noqa: BLE001 - CEL raises many types; unevaluable means "does not apply"
                    continue
            reason = ""
            try:
                holds = compiled.check.execute(context) is True
            except Exception as exc:  # noqa: BLE001 - see the module docstring
                holds, reason = False, f" (could not check: {_short(exc)})"
            if not holds:
                rule = compiled.rule
                yield (
                    rule,
                    Violation(
                        fill(rule.message, data) + reason, compiled.path, hint=rule.hint or rule.description
                    ),
                )


def _short(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"the campaign has no `{exc.args[0]}`" if exc.args else "a field is missing"
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def fill(message: str, data: dict[str, Any]) -> str:
    """Replace ``{field}`` and ``{a.b}`` placeholders with campaign values (never code)."""

    def value(match: re.Match[str]) -> str:
        current: Any = data
        for part in match.group(1).split("."):
            if isinstance(current, dict) and part in current:
                current = current[part]
            elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
                current = current[int(part)]
            else:
                return "?"
        return str(current)

    return _PLACEHOLDER.sub(value, message)
