"""Organisation rules written in CEL (``custom_rules``), compiled once per run.

Each rule has an optional ``when`` (does the rule apply?) and an ``assert``
(what must hold). Both see ``campaign``, the campaign as written (``x-`` keys
included), and ``policy``, the effective policy. A ``when`` that cannot be
evaluated (it reads a field the campaign does not have) means the rule does
not apply; an ``assert`` that cannot be evaluated counts as not holding.

Policies and campaigns may come from an untrusted pull request, and the CEL
library has no evaluation budget and cannot be interrupted, so evaluation is
bounded (SECURITY.md): macro nesting is counted on a parse of the expression
(``policies/celparse.py``), a rule is handed only fields within the input
limits (``MAX_STRING``, ``MAX_ITEMS``, ``MAX_VALUES``), and the lint layer
runs the rules in worker processes it stops at ``DEADLINE``
(``lint/watchdog.py``).

The CEL library is imported only when a policy has custom rules.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any, Final, Protocol

from campaign_lint.core.errors import PolicyError
from campaign_lint.core.findings import Violation, YamlPath
from campaign_lint.core.slotted import Slotted
from campaign_lint.policies.celparse import CelSyntaxError
from campaign_lint.policies.celparse import macro_nesting as macro_nesting  # re-exported
from campaign_lint.schemas.policy import CustomRule

MAX_EXPRESSION = 4_000
# List macros nested inside each other multiply their work: four `.map`s over a
# 100-item list are 10^8 steps per campaign. The CEL library has no evaluation
# budget, so the nesting is limited when the rule is compiled (on a parse of
# the expression: policies/celparse.py).
MAX_MACRO_NESTING = 2
# What a rule sees of a campaign: a field holding a longer string, a larger
# list or mapping, or more values in all is not handed to CEL, and a rule that
# reads it reports that it could not check.
MAX_STRING = 10_000
MAX_ITEMS = 1_000
MAX_VALUES = 10_000
# Seconds the custom rules may run on one campaign before the process
# evaluating them is stopped (lint/watchdog.py enforces it).
DEADLINE = 1.0
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


class CompiledRule(Slotted):
    """A custom rule ready to evaluate."""

    __slots__ = ("rule", "when", "check", "path")
    rule: Final[CustomRule]
    when: Final[Any]
    check: Final[Any]
    path: Final[YamlPath]

    def __init__(self, rule: CustomRule, when: Any, check: Any, path: YamlPath) -> None:
        self.rule = rule
        self.when = when
        self.check = check
        self.path = path


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
            try:
                program = cel.compile(source)
            except (ValueError, RuntimeError) as exc:
                problems.append(
                    f"{location}: `{key}` of {rule.id} is not valid CEL: {_compile_error(str(exc))}"
                )
                continue
            try:
                depth = macro_nesting(source)
            except CelSyntaxError as exc:
                problems.append(f"{location}: `{key}` of {rule.id} cannot be measured for cost: {exc}")
                continue
            if depth > MAX_MACRO_NESTING:
                problems.append(
                    f"{location}: `{key}` of {rule.id} nests list macros (all, exists, map, filter) "
                    f"{depth} deep; at most {MAX_MACRO_NESTING} are allowed, so that a rule cannot run for hours"
                )
                continue
            programs.append(program)
        if len(programs) == 2:
            compiled.append(CompiledRule(rule, programs[0], programs[1], parse_path(rule.path)))
    if problems:
        raise PolicyError(problems)
    return compiled


def _compile_error(text: str) -> str:
    match = _ERROR_AT.search(text)
    if match:
        return f"{match.group(3).strip()} (expression column {match.group(2)})"
    return text.splitlines()[0] if text else "syntax error"


_DOT_FIELD = re.compile(r"\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)")
_INDEX_FIELD = re.compile(r"\s*\[\s*(['\"])(.*?)\1\s*\]")
_IN_FIELD = re.compile(r"(['\"])([^'\"]*)\1\s+in\s*$")


def referenced_fields(expressions: Sequence[str], variable: str = "campaign") -> frozenset[str] | None:
    """The top-level fields of ``variable`` the expressions read, or None if one uses it whole.

    Handing CEL a whole campaign costs more than evaluating most rules, so the
    evaluator binds only these fields (of the policy too). Recognised:
    ``campaign.f``, ``campaign['f']`` and ``'f' in campaign``; anything else
    (``size(campaign)``, ``campaign[key]``) binds the whole campaign.
    """
    fields: set[str] = set()
    name = re.compile(rf"\b{re.escape(variable)}\b")
    for expression in expressions:
        for match in name.finditer(expression):
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


class Watch(Protocol):
    """Told which rule is being evaluated (``-1``: none), so that a stuck one can be stopped."""

    def rule(self, index: int) -> None:
        """Rule ``index`` of the evaluator starts (``-1``: the campaign's rules are done)."""


class Evaluator:
    """Evaluates compiled rules against campaigns, sharing one policy context.

    ``watch`` (set in a worker process, ``lint/watchdog.py``) is told which
    rule runs; ``not_run`` names rules not to evaluate on the next campaign,
    with the reason (they were stopped at the deadline on it before).
    """

    def __init__(self, rules: Sequence[CompiledRule], policy: dict[str, Any]) -> None:
        self.rules = list(rules)
        sources = [
            source
            for compiled in self.rules
            for source in (compiled.rule.when, compiled.rule.assert_)
            if source
        ]
        # The CEL library converts every bound value again at the first
        # evaluation after a campaign is bound (~200k instructions for the
        # whole policy, per campaign): the policy is bound with only the
        # fields the rules read, as the campaign is.
        policy_fields = referenced_fields(sources, "policy")
        if policy_fields is not None:
            policy = {name: value for name, value in policy.items() if name in policy_fields}
        self.context = load_cel().Context({"policy": policy}) if rules else None
        self.fields = referenced_fields(sources)
        # The fields each `when` and each `assert` reads (None: the whole campaign).
        self.reads = [
            (
                referenced_fields([compiled.rule.when]) if compiled.rule.when else frozenset(),
                referenced_fields([compiled.rule.assert_]),
            )
            for compiled in self.rules
        ]
        self.watch: Watch | None = None
        self.not_run: dict[int, str] = {}

    def check(self, data: dict[str, Any]) -> list[tuple[CustomRule, Violation]]:
        """(rule, violation) for every custom rule the campaign breaks."""
        if self.context is None:
            return []
        context = self.context
        fields = self.fields
        bound = data if fields is None else {k: v for k, v in data.items() if k in fields}
        too_large = _too_large(bound)
        if too_large:
            bound = {k: v for k, v in bound.items() if k not in too_large}
        context.add_variable("campaign", bound)
        watch = self.watch
        found = []
        for index, compiled in enumerate(self.rules):
            reason = self.not_run.get(index, "")
            if reason:
                found.append(_violation(compiled, data, f" (could not check: {reason})"))
                continue
            when_reads, assert_reads = self.reads[index]
            if watch is not None:
                watch.rule(index)
            if compiled.when is not None:
                if too_large and _reads_any(when_reads, too_large):
                    found.append(
                        _violation(compiled, data, f" (could not check: {_first(when_reads, too_large)})")
                    )
                    continue
                try:
                    if compiled.when.execute(context) is not True:
                        continue
                except Exception:  # noqa: BLE001 - CEL raises many types; unevaluable means "does not apply"
                    continue
            if too_large and _reads_any(assert_reads, too_large):
                found.append(
                    _violation(compiled, data, f" (could not check: {_first(assert_reads, too_large)})")
                )
                continue
            reason = ""
            try:
                holds = compiled.check.execute(context) is True
            except Exception as exc:  # noqa: BLE001 - see the module docstring
                holds, reason = False, f" (could not check: {_short(exc)})"
            if not holds:
                found.append(_violation(compiled, data, reason))
        if watch is not None:
            watch.rule(-1)
        return found


def _violation(compiled: CompiledRule, data: dict[str, Any], reason: str) -> tuple[CustomRule, Violation]:
    rule = compiled.rule
    return rule, Violation(
        fill(rule.message, data) + reason, compiled.path, hint=rule.hint or rule.description
    )


def _reads_any(reads: frozenset[str] | None, too_large: dict[str, str]) -> bool:
    return reads is None or not reads.isdisjoint(too_large)


def _first(reads: frozenset[str] | None, too_large: dict[str, str]) -> str:
    return next(problem for name, problem in too_large.items() if reads is None or name in reads)


def _too_large(bound: dict[str, Any]) -> dict[str, str]:
    """The top-level fields of ``bound`` over the input limits, each with what is too large."""
    found: dict[str, str] = {}
    for name, value in bound.items():
        if isinstance(value, str):
            if len(value) > MAX_STRING:
                found[name] = (
                    f"`{name}` has {len(value):,} characters, more than the {MAX_STRING:,} custom rules read"
                )
        elif isinstance(value, dict | list):
            problem = _size_problem(name, value)
            if problem is not None:
                found[name] = problem
    return found


def _size_problem(name: str, value: dict[str, Any] | list[Any]) -> str | None:
    """What in the field ``name`` holding ``value`` is over the input limits, or None."""
    pending = [value]
    values = 0
    while pending:
        item = pending.pop()
        values += len(item)
        if len(item) > MAX_ITEMS:
            return f"`{name}{_path_text(value, item)}` has {len(item):,} entries, more than the {MAX_ITEMS:,} custom rules read"
        if values > MAX_VALUES:
            return f"`{name}` holds more than the {MAX_VALUES:,} values custom rules read in one field"
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, str):
                if len(child) > MAX_STRING:
                    return f"`{name}{_path_text(value, child)}` has {len(child):,} characters, more than the {MAX_STRING:,} custom rules read"
            elif isinstance(child, dict | list):
                pending.append(child)
    return None


def _path_text(value: Any, target: Any) -> str:
    """``.a.0.b``: where the object ``target`` is inside ``value`` (found by identity)."""
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if item is target:
            return path
        if isinstance(item, dict | list):
            entries = item.items() if isinstance(item, dict) else enumerate(item)
            pending.extend((f"{path}.{key}", child) for key, child in entries)
    return ""


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
