"""The portfolio rules, checked again only where an edit can change their findings.

A portfolio rule splits the portfolio into groups of campaigns that are only
ever compared with each other (``PortfolioRule.groups``: SPEC003 by id; FRQ003
and FRQ004 count every persona's timeline, whose built-in personas are drawn
from every campaign, so they are one group). Each group's findings are remembered
in the content cache with a digest of its members: their paths and the
digests of their records' facts (``CampaignRecord.facts``: everything a rule
may read but positions, so an edit no rule can see, such as a comment or a
reworded purpose, changes nothing). On the next run only the groups whose
digest moved are checked again, with their members' records unpickled; the
others keep their findings, re-positioned in the campaigns linted again
(lines above a field may have been added or removed). A new, deleted, renamed
or edited campaign changes the digest of every group it is, or was, in, so
the findings are those of a run without a cache (tested on generated
portfolios, ``tests/test_incremental.py``).

A group is checked with its members as they are held (``Member``: the
record, or its bytes from the cache), so a rule reads only the records it
needs (``PortfolioRule.check_members``). With a cache, the rules may also
keep what they computed for the next run (``Carried``, each value pickled
apart in the state and unpickled only by the rule that asks for it): FRQ003
and FRQ004, one group over the whole portfolio, keep each campaign's part of
every persona's plan, so an edit draws again only what it changed
(``policies/replans.py``).

Findings come out in a fixed order that does not depend on what was
remembered: rule by rule, then group by group in the order of each group's
first campaign by path.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from campaign_lint.core.findings import RELATED_KEPT, Finding, Related, Severity, YamlPath
from campaign_lint.core.slotted import Mutable
from campaign_lint.policies.base import (
    WHOLE_PORTFOLIO,
    CampaignRecord,
    Carried,
    PortfolioRule,
    PortfolioViolation,
    RuleContext,
    Shared,
)

if TYPE_CHECKING:
    from campaign_lint.lint.config import Settings

# The enabled portfolio rules, in catalogue order, with their context and severity.
Rules = Sequence[tuple[PortfolioRule[Any], RuleContext[Any], Severity]]
# A finding with the YAML paths of its related places (to re-position them after an edit).
Found = tuple[Finding, tuple[YamlPath, ...]]
# Per group key: the digest of the group's members and its findings.
Remembered = dict[Hashable, tuple[bytes, list[Found]]]
# The digest of every member (None: one has no record digest), each rule's groups by rule ID, and
# what the rules keep from one run to the next (``Carried``), each value pickled apart.
State = tuple[bytes | None, dict[str, Remembered], dict[str, bytes]]
# Per rule (in ``Rules`` order), the keys of the groups a record is in.
Groups = tuple[tuple[Hashable, ...], ...]
# ``PortfolioRule.groups`` as a rule inherits it: every record in the one group of the whole portfolio.
DEFAULT_GROUPS = PortfolioRule.groups
_WHOLE: tuple[Hashable, ...] = (WHOLE_PORTFOLIO,)


class Member(Mutable):
    """One valid campaign of the portfolio: its record (or the record pickled), its digest, its groups."""

    __slots__ = ("path", "record", "blob", "key", "groups", "fetch")
    path: str
    record: CampaignRecord | None
    # ``record`` pickled (from the cache): unpickled only when a group it is in is checked again.
    blob: bytes | None
    # Digest of the record's facts (``FileOutcome.record_key``); None without a cache.
    key: bytes | None
    groups: Groups | None
    # Where ``blob`` is read when the member holds neither (a patch: ``lint/recheck.py``), by path.
    fetch: Callable[[str], bytes] | None

    def __init__(
        self,
        path: str,
        record: CampaignRecord | None,
        blob: bytes | None = None,
        key: bytes | None = None,
        groups: Groups | None = None,
        fetch: Callable[[str], bytes] | None = None,
    ) -> None:
        self.path = path
        self.record = record
        self.blob = blob
        self.key = key
        self.groups = groups
        self.fetch = fetch

    def load(self) -> CampaignRecord:
        """The campaign's record, unpickled on first use."""
        if self.record is None:
            if self.blob is None and self.fetch is not None:
                self.blob = self.fetch(self.path)
            assert self.blob is not None
            self.record = pickle.loads(self.blob)  # from the signed cache (lint/cache.py)
        return self.record


def rules_of(settings: Settings) -> list[tuple[PortfolioRule[Any], RuleContext[Any], Severity]]:
    """The enabled portfolio rules of ``settings``, in catalogue order, with their context and severity."""
    from campaign_lint.policies.registry import RULES

    return [
        (
            rule(),
            RuleContext(settings.view, settings.rules[rule.id].options),
            settings.rules[rule.id].severity,
        )
        for rule in RULES
        if rule.id in settings.rules and issubclass(rule, PortfolioRule)
    ]


def groups_of(rules: Rules, record: CampaignRecord) -> Groups:
    """The groups ``record`` is in, for each rule (a rule that keeps the default is one whole group, not asked)."""
    return tuple(
        _WHOLE if type(rule).groups is DEFAULT_GROUPS else tuple(rule.groups(record, ctx))
        for rule, ctx, _ in rules
    )


def check(
    rules: Rules, members: Sequence[Member], previous: State | None
) -> tuple[list[Finding], State, bool]:
    """Every portfolio finding, the state to remember, and whether it differs from ``previous``.

    Groups whose members (paths and record digests) are those ``previous``
    remembered keep their findings, re-positioned in the campaigns linted
    again (lines may have moved); the others are checked again. When no
    member changed at all (an edit no rule reads), nothing is even grouped.
    """
    ordered = grouped_in_order(rules, members)
    # With nothing remembered, no finding needs re-positioning.
    fresh = linted_here(ordered) if previous is not None else {}
    tokens = {m.path: token(m) for m in ordered if m.key}
    everything = digest_of(ordered, tokens) if ordered else None
    ids = [rule.id for rule, _, _ in rules]
    if (
        previous is not None
        and everything is not None
        and previous[0] == everything
        and list(previous[1]) == ids
    ):
        return _unchanged(previous, fresh)
    findings: list[Finding] = []
    state: dict[str, Remembered] = {}
    changed = previous is None or list(previous[1]) != ids
    # What the rules of this pass compute alike (each persona's timeline: FRQ005, TIM005), this pass only.
    shared = Shared()
    # What they keep for the next run (FRQ003 and FRQ004: policies/replans.py), with a cache only.
    kept = dict(previous[2]) if previous is not None else {}
    carried = Carried(functools.partial(unpickled, kept)) if tokens else None
    for index, (rule, ctx, severity) in enumerate(rules):
        ctx = ctx.replace(shared=shared, carried=carried)
        whole = type(rule).groups is DEFAULT_GROUPS  # one group, every member in it: ``everything``'s
        # The whole portfolio: the very list for every such rule (FRQ003 and FRQ004 share a pool by it).
        grouped: dict[Hashable, list[Member]] = {WHOLE_PORTFOLIO: ordered} if whole and ordered else {}
        for member in ordered if not whole else ():
            assert member.groups is not None
            for key in member.groups[index]:
                grouped.setdefault(key, []).append(member)
        known = previous[1].get(rule.id, {}) if previous is not None else {}
        remembered: Remembered = {}
        for key, group in grouped.items():
            # Without record digests (no cache) a group has none, and nothing is remembered.
            if not tokens:
                digest = None
            elif whole:
                digest = everything
            else:
                digest = digest_of(group, tokens)
            hit = known.get(key) if digest is not None else None
            if hit is not None and hit[0] == digest:
                found = repositioned(hit[1], fresh) if fresh and hit[1] else hit[1]
                changed = changed or found is not hit[1]
            else:
                found = check_group(rule, ctx, severity, key, group)
                changed = True
            if digest is not None:
                remembered[key] = (digest, found)
            if found:
                findings.extend(finding for finding, _ in found)
        changed = changed or remembered.keys() != known.keys()
        state[rule.id] = remembered
    if carried is not None and carried.kept:
        changed = True
        keep(kept, carried)
    return findings, (everything, state, kept), changed


def grouped_in_order(rules: Rules, members: Sequence[Member]) -> list[Member]:
    """``members`` in path order, each with its groups (read from its record when it had none)."""
    ordered = sorted(members, key=lambda member: member.path)
    for member in ordered:
        if member.groups is None:
            member.groups = groups_of(rules, member.load())
    return ordered


def linted_here(ordered: Sequence[Member]) -> dict[str, CampaignRecord]:
    """The records of the campaigns linted in this run: the only ones whose places can differ from remembered findings'."""
    return {m.path: m.record for m in ordered if m.blob is None and m.record is not None}


def token(member: Member) -> bytes:
    """A member's path and record digest, as the group digests take them."""
    return b"%s\0%s" % (member.path.encode("utf-8", "surrogatepass"), member.key)


def keep(kept: dict[str, bytes], carried: Carried) -> None:
    """What the rules of a pass kept for the next run (``carried.kept``), pickled into ``kept``."""
    for name, value in carried.kept.items():
        kept[name] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def remembered_found(state: State) -> list[Found]:
    """Every finding ``state`` remembers, rule by rule and group by group (a patch's, ``lint/patching.py``)."""
    return [pair for remembered in state[1].values() for _, pairs in remembered.values() for pair in pairs]


def unpickled(kept: Mapping[str, bytes], name: str) -> object | None:
    """What the last run kept under ``name`` (from the signed cache: lint/cache.py), unpickled; None if unreadable.

    A value that no longer unpickles (a class of the tool moved without its
    files' stamp changing) is as if nothing was kept: the rule computes it all again.
    """
    blob = kept.get(name)
    if blob is None:
        return None
    try:
        value: object = pickle.loads(blob)  # signed with the cache: see lint/cache.py
    except Exception:  # noqa: BLE001 - what we kept but cannot read is computed again
        return None
    return value


def _unchanged(previous: State, fresh: Mapping[str, CampaignRecord]) -> tuple[list[Finding], State, bool]:
    """``check`` when every member is as ``previous`` remembered: its findings, re-positioned."""
    state: dict[str, Remembered] = {}
    findings: list[Finding] = []
    changed = False
    for rule_id, remembered in previous[1].items():
        kept: Remembered = {}
        for key, (digest, found) in remembered.items():
            moved = repositioned(found, fresh)
            changed = changed or moved is not found
            kept[key] = (digest, moved)
            findings.extend(finding for finding, _ in moved)
        state[rule_id] = kept
    return findings, (previous[0], state, previous[2]), changed


def repositioned(found: list[Found], fresh: Mapping[str, CampaignRecord]) -> list[Found]:
    """``found`` with its places in ``fresh`` campaigns read from their records (``found`` itself if none moved).

    Findings kept from a run, after the ``fresh`` campaigns were linted again
    (here, and in a patched replay record: ``lint/patching.py``).
    """
    if not fresh or not found:
        return found
    moved: list[Found] = []
    for finding, paths in found:
        at = fresh.get(finding.path)
        span = at.span(finding.yaml_path) if at is not None else finding.span
        related = tuple(
            _place(fresh[place.path], path, place.message) if place.path in fresh else place
            for place, path in zip(finding.related, paths, strict=True)
        )
        if span != finding.span or related != finding.related:
            finding = finding.replace(span=span, related=related)
        moved.append((finding, paths))
    return found if all(new[0] is old[0] for new, old in zip(moved, found, strict=True)) else moved


def digest_of(group: Sequence[Member], tokens: Mapping[str, bytes]) -> bytes | None:
    """Digest of a group's members (their ``tokens``, in path order); None when one has no record digest."""
    if len(group) == 1:  # most groups of SPEC003 (one per id): the token is as good as its digest
        return tokens.get(group[0].path)
    try:
        return hashlib.blake2b(b"".join([tokens[member.path] for member in group]), digest_size=16).digest()
    except KeyError:
        return None


def check_group(
    rule: PortfolioRule[Any],
    ctx: RuleContext[Any],
    severity: Severity,
    key: Hashable,
    members: Sequence[Member],
) -> list[Found]:
    """The findings of one group of one rule (its ``members``, records read as the rule asks)."""
    try:
        return [_finding(rule.id, severity, violation) for violation in rule.check_members(key, members, ctx)]
    except Exception as exc:
        exc.add_note(f"while checking the portfolio ({rule.id})")
        raise


def _place(record: CampaignRecord, path: YamlPath, message: str) -> Related:
    """A related place: ``path`` in ``record``'s campaign."""
    span = record.span(path)
    return Related(record.path, span.line, span.column, message)


def _finding(rule_id: str, severity: Severity, violation: PortfolioViolation) -> Found:
    """The finding of ``violation`` (at most ``RELATED_KEPT`` related places, the rest counted), with their paths."""
    at = violation.at
    pointers = violation.related
    omitted = violation.related_omitted
    involved = violation.involved
    if len(pointers) > RELATED_KEPT:  # FRQ003 and FRQ004 list every campaign they add up
        involved = involved.union(p.record.path for p in pointers)
        omitted += len(pointers) - RELATED_KEPT
        pointers = pointers[:RELATED_KEPT]
    finding = Finding(
        rule_id,
        severity,
        violation.message,
        at.record.path,
        at.record.span(at.path),
        at.record.id,
        violation.hint,
        tuple(_place(p.record, p.path, p.message) for p in pointers),
        at.path,
        omitted,
        involved,
        violation.subject,
    )
    return finding, tuple(p.path for p in pointers)
