"""The portfolio rules checked again after a few campaigns changed what they read (a patch of the replay record).

A full run's ``portfolio.check`` groups every member for every rule and
makes each group's digest, to tell the groups an edit touched from the
others. A patch (``lint/recheck.py``) knows which members moved: the
edited files whose record digest is not the recorded one, every other
member being what the state it starts from was made of. So
:func:`check_moved` groups only the members of the groups a moved member is
or was in (and of those with findings, to keep their order), and takes every
other group as remembered, without a digest made again: on a 10,000-campaign
portfolio, SPEC003's thousands of groups of one id are not walked through,
and the whole portfolio's digest is not made.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from campaign_lint.core.findings import Finding, Severity
from campaign_lint.lint import portfolio
from campaign_lint.lint.portfolio import (
    DEFAULT_GROUPS,
    Found,
    Groups,
    Member,
    Remembered,
    Rules,
    State,
    digest_of,
    grouped_in_order,
    linted_here,
    repositioned,
    token,
    unpickled,
)
from campaign_lint.policies.base import (
    WHOLE_PORTFOLIO,
    CampaignRecord,
    Carried,
    PortfolioRule,
    RuleContext,
    Shared,
)

# The digest a patch's state remembers for the whole portfolio: none (``check_moved``). Never a
# digest of members (blake2b's 16 bytes, or a member's token), so never taken for unchanged.
MOVED = b""


def check_moved(
    rules: Rules, members: Sequence[Member], previous: State, moved: Sequence[tuple[Member, Groups | None]]
) -> tuple[list[Finding], State]:
    """``check`` after a few ``members`` changed their record digests: only the groups they are or were in checked.

    ``moved``: those members, with the groups ``previous`` saw them in
    (``None``: not a member then). Every other member must be, path, record
    digest and groups, what ``previous`` was made from (a patch: the state
    kept with the replay record, ``lint/recheck.py``): a group no moved
    member is or was in keeps its findings without its digest being made
    again, re-positioned in the campaigns linted again as ``check`` does.
    Of ``previous``, only the groups with findings are read: a state cut
    to them (``recheck._loud``) gives the same findings, and a group
    without findings that ``previous`` lacks is left out of the state too.
    The whole portfolio holds them: its groups are checked again, and
    remembered under ``MOVED`` (the state has no digest of the whole
    portfolio, which only ``check`` would compare). The findings and their
    order are ``check``'s; a group's place in its rule's remembered groups
    is kept only among those with findings (the others' order says nothing).
    """
    ordered = grouped_in_order(rules, members)
    fresh = linted_here(ordered)
    findings: list[Finding] = []
    state: dict[str, Remembered] = {}
    shared = Shared()
    kept = dict(previous[2])
    carried = Carried(functools.partial(unpickled, kept))
    for index, (rule, ctx, severity) in enumerate(rules):
        ctx = ctx.replace(shared=shared, carried=carried)
        known = previous[1].get(rule.id, {})
        if type(rule).groups is DEFAULT_GROUPS:
            found = portfolio.check_group(rule, ctx, severity, WHOLE_PORTFOLIO, ordered) if ordered else []
            remembered: Remembered = {WHOLE_PORTFOLIO: (MOVED, found)} if ordered else {}
        else:
            remembered = _regrouped((rule, ctx, severity), index, ordered, known, moved, fresh)
        findings.extend(finding for _, found in remembered.values() if found for finding, _ in found)
        state[rule.id] = remembered
    portfolio.keep(kept, carried)
    return findings, (MOVED, state, kept)


def _regrouped(
    checked: tuple[PortfolioRule[Any], RuleContext[Any], Severity],
    index: int,
    ordered: Sequence[Member],
    known: Remembered,
    moved: Sequence[tuple[Member, Groups | None]],
    fresh: Mapping[str, CampaignRecord],
) -> Remembered:
    """A rule's remembered groups after ``moved`` (``check_moved``): the groups they are or were in checked again.

    The groups without findings come first, in no particular order; then
    those with findings in ``check``'s order (by their first member's path).
    """
    rule, ctx, severity = checked
    touched: set[Hashable] = set()
    for member, before in moved:
        assert member.groups is not None
        touched.update(member.groups[index])
        if before is not None:
            touched.update(before[index])
    # The members of the groups checked again, and of those with findings (to order them), in path order.
    wanted = touched.union(key for key, (_, found) in known.items() if found)
    if not wanted:
        return known  # no moved member is or was in any of its groups, none has findings: as it was
    grouped: dict[Hashable, list[Member]] = {}
    first: dict[Hashable, tuple[int, int]] = {}
    disjoint = wanted.isdisjoint
    for position, member in enumerate(ordered):
        assert member.groups is not None
        if disjoint(member.groups[index]):
            continue
        for place, key in enumerate(member.groups[index]):
            if key in wanted:
                if key in grouped:
                    grouped[key].append(member)
                else:
                    grouped[key], first[key] = [member], (position, place)
    remembered: Remembered = {key: hit for key, hit in known.items() if key not in wanted}
    loud: list[tuple[tuple[int, int], Hashable, tuple[bytes, list[Found]]]] = []
    for key, group in grouped.items():
        if key in touched:
            digest = digest_of(group, {m.path: token(m) for m in group})
            assert digest is not None  # every member of a patch has a record digest
            entry = (digest, portfolio.check_group(rule, ctx, severity, key, group))
        else:  # no member moved in or out: as remembered, re-positioned
            digest, found = known[key]
            entry = (digest, repositioned(found, fresh) if fresh else found)
        if entry[1]:
            loud.append((first[key], key, entry))
        else:
            remembered[key] = entry
    loud.sort(key=lambda item: item[0])
    remembered.update((key, entry) for _, key, entry in loud)
    return remembered
