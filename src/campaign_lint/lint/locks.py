"""Locks: what a shared policy's ``locked:`` forbids the policies that extend it to loosen.

An organisation policy lists rules, channels and caps under ``locked:``
(docs/policy.md#locks). Every layer that is not that file or one of the
files it extends itself (its own subtree) is bound by it: a team policy
that extends it, a sibling entry of the team's ``extends`` list, their
``rules``, profiles, ``overrides`` and ``exceptions``. Each lock is judged
against what the locking file makes of the policy on its own (``Effective``
of that file, loaded alone), so a later layer cannot lift a lock by writing
``locked:`` again: locks are read from the file that wrote them.

- a locked rule is never switched off (by ``rules:``, a profile, or an
  ``overrides`` entry), its severity only gets stricter, its options stay
  the lock's, and no exception of another file waives it; inline
  suppressions of it in campaign files silence nothing (``rules`` of the
  result, applied by ``lint/controls.py`` and judged by POL003);
- a locked channel's cap only gets tighter, its consent and send window
  never wider, its unsubscribe only changes to ``one_click``;
- a locked cap (a channel's, or ``total_cap``) only gets tighter;
- ``fail_on: true`` locks the lowest severity that fails a run.

Command-line flags (``--select``, ``--ignore``, ``--fail-on``) stay the CI
owner's and are not judged here. Each problem is one line at the value
that loosens, naming the lock and its file. Nothing here reads a file.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel

from campaign_lint.core.findings import Severity, YamlPath
from campaign_lint.lint.policyfile import Layered
from campaign_lint.policies import defaults
from campaign_lint.schemas.campaign import Channel, SendWindow, Unsubscribe
from campaign_lint.schemas.policy import Cap, ChannelPolicy, Policy

_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}
_DAY = 24 * 60


class Change(Protocol):
    """One rule of an ``overrides`` entry (``resolved.RuleChange``)."""

    @property
    def off(self) -> bool:
        """Whether the entry switches the rule off."""

    @property
    def severity(self) -> Severity | None:
        """The severity the entry sets, if any."""

    @property
    def options(self) -> BaseModel | None:
        """The options the entry sets, if any."""


@dataclass(frozen=True, slots=True)
class Effective:
    """A policy as its rules run, before the command line: its layers, rules, options and ``fail_on``."""

    layered: Layered
    policy: Policy
    severities: Mapping[str, Severity]
    options: Mapping[str, BaseModel]
    fail_on: Severity


@dataclass(slots=True)
class Judged:
    """The problems (one positioned line each) and the locked rules, each with the lock that names it."""

    problems: list[str] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Lock:
    """One file's locks, and where each entry is written."""

    file: str
    base: Effective
    rules: dict[str, str]  # rule ID -> where the entry naming it is (`file:line:col`)
    channels: dict[Channel, str]
    caps: dict[str, str]  # channel name or `total_cap` -> where
    fail_on: str | None

    def label(self, where: str, key: str) -> str:
        """`shared/org.yaml locks it (`locked.rules`, shared/org.yaml:9:11)`."""
        return f"{self.file} locks it (`locked.{key}`, {where})"


def judge(
    final: Effective,
    bases: Mapping[str, Effective],
    overrides: Sequence[tuple[int, Mapping[str, Change]]],
    known: Iterable[str],
) -> Judged:
    """Judge ``final`` against the locks of every locking file (``bases``: each such file loaded alone).

    The top policy file's own locks bind nothing but the campaign files'
    suppressions: no layer comes after it.
    """
    known = frozenset(known)
    result = Judged()
    top = final.layered.files[0] if final.layered.files else ""
    for name in final.layered.locking:
        base = final if name == top else bases[name]
        lock = _read(name, base, known, result.problems)
        for rule_id, where in lock.rules.items():
            result.rules.setdefault(rule_id, lock.label(where, "rules"))
        if name != top:
            _Judge(final, lock, set(base.layered.files), result.problems).run(overrides)
    result.problems.sort(key=_position)
    return result


def _position(problem: str) -> tuple[str, int, int]:
    """(file, line, column) of a ``file:line:col: message`` line, to list problems in file order."""
    head = problem.split(": ", 1)[0].rsplit(":", 2)
    if len(head) == 3 and head[1].isdigit() and head[2].isdigit():
        return head[0], int(head[1]), int(head[2])
    return problem, 0, 0


def _read(name: str, base: Effective, known: frozenset[str], problems: list[str]) -> _Lock:
    """The locks ``name`` writes itself (entries its own bases write are theirs to judge)."""
    layered, locks = base.layered, base.policy.locked

    def own(key: str, entries: Sequence[object]) -> Iterable[tuple[object, str]]:
        for index, entry in enumerate(entries):
            origin = layered.origin(("locked", key, index))
            if origin is not None and origin.path == name:
                yield entry, str(origin)

    rules: dict[str, str] = {}
    for entry, where in own("rules", locks.rules):
        token = str(entry).strip().upper()
        matches = sorted(rule for rule in known if token in (rule, rule.rstrip("0123456789")))
        if not matches:
            problems.append(f"{where}: `{entry}` is not a rule or family; see `campaign-lint rules`")
        for rule_id in matches:
            rules.setdefault(rule_id, where)
    channels = {Channel(str(entry)): where for entry, where in own("channels", locks.channels)}
    caps = {str(entry): where for entry, where in own("caps", locks.caps)}
    origin = layered.origin(("locked", "fail_on"))
    fail_on = str(origin) if locks.fail_on and origin is not None and origin.path == name else None
    return _Lock(name, base, rules, channels, caps, fail_on)


class _Judge:
    """The problems of ``final`` with one file's locks."""

    def __init__(self, final: Effective, lock: _Lock, subtree: set[str], problems: list[str]) -> None:
        self.final, self.lock, self.subtree, self.problems = final, lock, subtree, problems

    def run(self, overrides: Sequence[tuple[int, Mapping[str, Change]]]) -> None:
        lock, final = self.lock, self.final
        for rule_id, where in lock.rules.items():
            self.rule(rule_id, lock.label(where, "rules"))
        for index, changes in overrides:
            for rule_id, change in changes.items():
                if rule_id in lock.rules and self.bound(("overrides", index)):
                    self.override(("overrides", index, "rules", rule_id), rule_id, change)
        for index, waiver in enumerate(final.policy.exceptions):
            if waiver.rule in lock.rules and self.bound(("exceptions", index)):
                label = lock.label(lock.rules[waiver.rule], "rules")
                self.problem(
                    ("exceptions", index, "rule"),
                    f"this exception waives {waiver.rule}, but {label}: only that policy can waive it",
                )
        channels = defaults.merged_channels(final.policy.channels)
        locked = defaults.merged_channels(lock.base.policy.channels)
        for channel, where in lock.channels.items():
            self.channel(channel, channels[channel], locked[channel], lock.label(where, "channels"))
        for name, where in lock.caps.items():
            label = lock.label(where, "caps")
            if name == "total_cap":
                self.cap(
                    ("total_cap",), "the total cap", final.policy.total_cap, lock.base.policy.total_cap, label
                )
            else:
                at: YamlPath = ("channels", name, "cap")
                self.cap(at, f"the {name} cap", channels[Channel(name)].cap, locked[Channel(name)].cap, label)
        if lock.fail_on is not None:
            self.fail_on(lock.label(lock.fail_on, "fail_on"))

    def bound(self, path: YamlPath) -> bool:
        """Whether the value at ``path`` comes from a layer the lock binds (not the lock's own files)."""
        origin = self.final.layered.origin(path)
        return origin is not None and origin.path not in self.subtree

    def problem(self, path: YamlPath, message: str, *, where: str | None = None) -> None:
        self.problems.append(f"{where or self.final.layered.where(path)}: {message}")

    def culprit(self, path: YamlPath) -> tuple[str, str]:
        """Where a loosened setting comes from, and how to say it: ``path`` if a bound layer wrote it, else the profile."""
        layered = self.final.layered
        if (path in layered.values and self.bound(path)) or layered.profile_origin == "built-in default":
            return layered.where(path), "here"
        return layered.profile_origin, f"with the profile `{layered.profile}`"

    def rule(self, rule_id: str, label: str) -> None:
        locked = self.lock.base.severities.get(rule_id)
        if locked is None:
            return  # off where it is locked: nothing to loosen
        severity = self.final.severities.get(rule_id)
        at: YamlPath = ("rules", rule_id)
        where, how = self.culprit(at)
        if severity is None:
            self.problem(
                at,
                f"{rule_id} is switched off {how}, but {label}: a locked rule stays on, at `{locked}` or stricter",
                where=where,
            )
        elif _RANK[severity] < _RANK[locked]:
            self.problem(
                at,
                f"{rule_id} is `{severity}` {how}, below `{locked}`, but {label}: "
                "a locked rule's severity may only get stricter",
                where=where,
            )
        else:
            self.options(rule_id, label)

    def options(self, rule_id: str, label: str) -> None:
        options, locked = self.final.options.get(rule_id), self.lock.base.options.get(rule_id)
        if options is None or locked is None or options == locked:
            return
        name = next(
            name for name in type(options).model_fields if getattr(options, name) != getattr(locked, name)
        )
        at: YamlPath = ("rules", rule_id, name)
        self.problem(
            at,
            f"`{name}` of {rule_id} is `{getattr(options, name)}` here, not `{getattr(locked, name)}`, "
            f"but {label}: a locked rule keeps its options",
            where=self.final.layered.where(at if at in self.final.layered.values else at[:2]),
        )

    def override(self, at: YamlPath, rule_id: str, change: Change) -> None:
        locked = self.lock.base.severities.get(rule_id)
        if locked is None:
            return
        label = self.lock.label(self.lock.rules[rule_id], "rules")
        if change.off:
            self.problem(at, f"this override switches {rule_id} off, but {label}: a locked rule stays on")
        elif change.severity is not None and _RANK[change.severity] < _RANK[locked]:
            self.problem(
                at,
                f"this override makes {rule_id} `{change.severity}`, below `{locked}`, but {label}: "
                "a locked rule's severity may only get stricter",
            )
        elif change.options is not None and change.options != self.lock.base.options.get(rule_id):
            self.problem(
                at,
                f"this override changes the options of {rule_id}, but {label}: a locked rule keeps its options",
            )

    def channel(self, channel: Channel, policy: ChannelPolicy, locked: ChannelPolicy, label: str) -> None:
        at: YamlPath = ("channels", str(channel))
        self.cap((*at, "cap"), f"the {channel} cap", policy.cap, locked.cap, label)
        if locked.consent is not None:
            wider = set(policy.consent) - set(locked.consent) if policy.consent is not None else None
            if wider is None or wider:
                what = "any consent" if wider is None else ", ".join(f"`{c}`" for c in sorted(wider))
                allowed = ", ".join(f"`{c}`" for c in locked.consent)
                self.problem(
                    (*at, "consent"),
                    f"{channel} consent here accepts {what}, beyond {allowed}, but {label}: "
                    "locked consent may only get narrower",
                )
        window, allowed_window = policy.send_window, locked.send_window
        if allowed_window is not None and (
            window is None or not _minutes(window) <= _minutes(allowed_window)
        ):
            shown = f"{window.start}-{window.end}" if window is not None else "any hour"
            key = "start" if window is not None and window.start != allowed_window.start else "end"
            self.problem(
                (*at, "send_window", key),
                f"the {channel} send window here is {shown}, wider than {allowed_window.start}-"
                f"{allowed_window.end}, but {label}: a locked send window may only get narrower",
            )
        if locked.unsubscribe is not None and policy.unsubscribe not in (
            locked.unsubscribe,
            Unsubscribe.ONE_CLICK,
        ):
            self.problem(
                (*at, "unsubscribe"),
                f"{channel} unsubscribe here is `{policy.unsubscribe}`, not `{locked.unsubscribe}`, but {label}: "
                "a locked unsubscribe may only become `one_click`",
            )

    def cap(self, at: YamlPath, what: str, cap: Cap | None, locked: Cap | None, label: str) -> None:
        if locked is None or (cap is not None and _tighter(cap, locked)):
            return
        if cap is None:
            self.problem(at, f"{what} is removed here, but {label}: a locked cap may only get tighter")
            return
        key = "max" if cap.max > locked.max else "per"
        self.problem(
            (*at, key),
            f"{what} here is {cap.max} per {cap.per}, looser than {locked.max} per {locked.per}, "
            f"but {label}: a locked cap may only get tighter",
        )

    def fail_on(self, label: str) -> None:
        fail_on, locked = self.final.fail_on, self.lock.base.fail_on
        if _RANK[fail_on] > _RANK[locked]:
            at: YamlPath = ("fail_on",)
            where, how = self.culprit(at)
            self.problem(
                at,
                f"runs fail from `{fail_on}` {how}, not from `{locked}`, but {label}: "
                "a locked `fail_on` may only get stricter",
                where=where,
            )


def _tighter(cap: Cap, locked: Cap) -> bool:
    """Whether ``cap`` allows no more messages than ``locked`` in any window of ``locked.per``.

    A window of ``locked.per`` holds at most ``ceil(locked.per / cap.per)``
    windows of ``cap.per``, each with up to ``cap.max`` messages: 1 per day
    is looser than 3 per week (7 a week), 1 per 3 days is not (3 a week).
    """
    windows = math.ceil(locked.per.seconds / cap.per.seconds)
    return cap.max * windows <= locked.max


def _minutes(window: SendWindow) -> frozenset[int]:
    """The minutes of the day a send window allows (one that ends before it starts runs past midnight)."""
    start, end = window.start.minutes, window.end.minutes
    if start < end:
        return frozenset(range(start, end))
    return frozenset(range(start, _DAY)) | frozenset(range(end))
