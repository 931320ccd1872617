"""The portfolio as FRQ003 and FRQ004 read it (``Pool``), and their rules' base class (``PressureRule``).

Both rules judge the whole portfolio on each persona's plan, but most of the
time there is nothing to count: FRQ003 needs two marketing campaigns,
FRQ004 one text or call. So this module, which the rules' classes load with
the registry in every run, does not import the contact timeline: a pool
read from the records (``RecordPool``) imports ``policies/plans.py`` only
when a plan is drawn, and the pool kept between runs with a cache
(``policies/replans.py``) only when a group is checked with one. A
one-campaign run without a cache never imports either.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from campaign_lint.policies.base import (
    CampaignRecord,
    LazyRecord,
    OptionsT,
    PortfolioRule,
    PortfolioViolation,
    RuleContext,
)
from campaign_lint.policies.record import TEXTS
from campaign_lint.policies.verdicts import Asked

if TYPE_CHECKING:
    from campaign_lint.policies.plans import Plan
    from campaign_lint.policies.replans import Chosen

T = TypeVar("T")


class Pool(Protocol):
    """The portfolio as FRQ003 and FRQ004 read it."""

    @property
    def records(self) -> Mapping[str, CampaignRecord]:
        """Every campaign's record by path (for the findings)."""
        ...

    def chosen(self, texts: bool) -> list[Chosen]:
        """The campaigns counted: marketing ones (FRQ003), or their texts and calls (``texts``: FRQ004)."""
        ...

    def counted(self, texts: bool) -> int:
        """How many campaigns ``chosen`` lists."""
        ...

    def plans(self, texts: bool, horizon_days: int) -> list[Plan]:
        """Each persona's plan of the ``chosen`` campaigns."""
        ...

    def judged(self, asked: Asked, judge: Callable[[Plan], T]) -> list[T]:
        """``judge`` of each persona's plan (``plans``), in order.

        With a cache, a persona whose plan (in ``asked.channel``) is the one
        the last run judged under ``asked.what`` gets the last run's result
        (``policies/verdicts.py``).
        """
        ...


class RecordPool:
    """The portfolio from its records, every plan drawn (no cache)."""

    def __init__(self, records: Sequence[CampaignRecord], ctx: RuleContext[Any]) -> None:
        self._all = records
        self._ctx = ctx
        self._counted: dict[bool, list[CampaignRecord]] = {}
        self._plans: dict[tuple[bool, int], list[Plan]] = {}

    @cached_property
    def records(self) -> Mapping[str, CampaignRecord]:
        """Every record by path."""
        return {record.path: record for record in self._all}

    def _chosen(self, texts: bool) -> list[CampaignRecord]:
        if texts not in self._counted:
            self._counted[texts] = [
                r
                for r in self._all
                if not r.transactional and r.sender is not None and (not texts or r.channel in TEXTS)
            ]
        return self._counted[texts]

    def chosen(self, texts: bool) -> list[Chosen]:
        """See ``Pool.chosen``."""
        return [(r.path, r.event, r.schedule is not None) for r in self._chosen(texts)]

    def counted(self, texts: bool) -> int:
        """See ``Pool.counted``."""
        return len(self._chosen(texts))

    def plans(self, texts: bool, horizon_days: int) -> list[Plan]:
        """See ``Pool.plans``."""
        # The contact timeline: imported only to draw (module docstring).
        from campaign_lint.policies.plans import plans_for

        drawn = self._plans.get((texts, horizon_days))
        if drawn is None:
            drawn = plans_for(self._all, self._chosen(texts), self._ctx, horizon_days)
            self._plans[texts, horizon_days] = drawn
        return drawn

    def judged(self, asked: Asked, judge: Callable[[Plan], T]) -> list[T]:
        """See ``Pool.judged``: every plan judged."""
        return [judge(plan) for plan in self.plans(asked.texts, asked.horizon_days)]


class PressureRule(PortfolioRule[OptionsT]):
    """FRQ003 and FRQ004: a rule that judges the portfolio as a ``Pool`` reads it (``judge``)."""

    def check(
        self, records: Sequence[CampaignRecord], ctx: RuleContext[OptionsT]
    ) -> Iterable[PortfolioViolation]:
        """Judge every record, every plan drawn."""
        return self.judge(RecordPool(records, ctx), ctx)

    def check_members(
        self, key: Hashable, members: Sequence[LazyRecord], ctx: RuleContext[OptionsT]
    ) -> Iterable[PortfolioViolation]:
        """Judge the group: with what the last run kept when there is a cache, else from every record."""
        pool = None
        if ctx.carried is not None:
            from campaign_lint.policies.replans import remembered  # only with a cache (module docstring)

            pool = remembered(members, ctx)
        if pool is None:
            return self.check([member.load() for member in members], ctx)
        return self.judge(pool, ctx)

    def judge(self, pool: Pool, ctx: RuleContext[OptionsT]) -> Iterable[PortfolioViolation]:
        """The rule's findings on the portfolio ``pool`` reads."""
        raise NotImplementedError
