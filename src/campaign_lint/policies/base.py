"""What a rule is: metadata once, a marketer-facing docstring, typed options, a check.

Rules never print or do I/O. A campaign rule looks at one validated campaign;
a portfolio rule looks at all of them at once. Both yield violations with a
YAML path; the engine turns paths into line:column. A run rule (the POL
rules, and SPEC004 for the event catalogue) judges what the run leaves
behind: suppression comments, the policy's exceptions and overrides; it
yields violations at explicit places. Every rule sees the policy only
through ``RuleContext``: a frozen ``PolicyView`` and its own typed options.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import ClassVar, Final, Generic, Literal, Protocol, TypeVar, cast

from pydantic import BaseModel, ConfigDict

from campaign_lint.core.findings import Finding, Severity, Violation
from campaign_lint.core.fixes import Safety
from campaign_lint.core.slotted import Slotted

# What portfolio rules see of each campaign (policies/record.py), re-exported for the rules.
from campaign_lint.policies.record import PORTFOLIO_FIELDS as PORTFOLIO_FIELDS
from campaign_lint.policies.record import CampaignRecord as CampaignRecord
from campaign_lint.policies.record import portfolio_view as portfolio_view
from campaign_lint.policies.view import PolicyView

# What portfolio and run rules yield and read (policies/yields.py), re-exported for the rules.
from campaign_lint.policies.yields import Placed as Placed
from campaign_lint.policies.yields import Pointer as Pointer
from campaign_lint.policies.yields import PortfolioViolation as PortfolioViolation
from campaign_lint.policies.yields import RunFacts as RunFacts
from campaign_lint.schemas.campaign import Campaign


class NoOptions(BaseModel):
    """A rule without options."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


OptionsT = TypeVar("OptionsT", bound=BaseModel)
T = TypeVar("T")


class Shared:
    """What the portfolio rules of one pass compute alike, computed once and shared.

    FRQ005 and TIM005 judge each persona's expectations on the same contact
    timeline; the first to need it draws it, the other reads it here.
    ``lint/portfolio.check`` makes one per pass and drops it after, so
    nothing outlives the run; a value is keyed on everything it is computed
    from (within the pass).
    """

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[Hashable, object] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of ``key``, computed by ``compute`` the first time it is asked for."""
        if key not in self._values:
            self._values[key] = compute()
        return cast(T, self._values[key])


class Carried:
    """What portfolio rules keep from one run to the next, when the run has a cache.

    A rule (FRQ003 and FRQ004: ``policies/replans.py``) reads what it kept
    last time with ``previous`` and keeps this run's with ``keep``;
    ``lint/portfolio.check`` stores the values kept (pickled) in the content
    cache, whose key holds the policy and the tool's code, and a value not
    kept again in a run is passed on as it was. Whatever is kept must stay
    true of any later portfolio under the same policy: key it on the
    campaigns' record digests (``LazyRecord.key``), never on their order.
    """

    __slots__ = ("_load", "kept")

    def __init__(self, load: Callable[[str], object | None]) -> None:
        self._load = load
        self.kept: dict[str, object] = {}

    def previous(self, name: str) -> object | None:
        """What was kept under ``name`` by an earlier run (None: nothing, or not readable)."""
        return self._load(name)

    def keep(self, name: str, value: object) -> None:
        """Keep ``value`` under ``name`` for the next run (it may still change until the pass ends)."""
        self.kept[name] = value


class RuleContext(Slotted, Generic[OptionsT]):
    """What a rule may read besides the campaign: the policy's view and the rule's own options.

    Equal and hashed by ``policy`` and ``options`` alone: ``shared`` and
    ``carried`` belong to a pass, not to what the rule is told.
    """

    __slots__ = ("policy", "options", "shared", "carried")
    policy: Final[PolicyView]
    options: OptionsT  # not Final: a Final may not depend on a type variable (mypy); never assigned to
    # What the portfolio rules of the pass share (set by ``lint/portfolio.check``; None outside a pass).
    shared: Final[Shared | None]
    # What they keep from one run to the next (set by ``lint/portfolio.check`` when the run has a cache).
    carried: Final[Carried | None]

    def __init__(
        self,
        policy: PolicyView,
        options: OptionsT,
        shared: Shared | None = None,
        carried: Carried | None = None,
    ) -> None:
        self.policy = policy
        self.options = options
        self.shared = shared
        self.carried = carried

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleContext) or other.__class__ is not self.__class__:
            return NotImplemented
        return (self.policy, self.options) == (other.policy, other.options)

    def __hash__(self) -> int:
        return hash((self.policy, self.options))

    def computed(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once per pass for ``key`` when the rule runs in one."""
        return compute() if self.shared is None else self.shared.get(key, compute)


_SECTIONS = ("What it checks", "Why it matters", "Bad", "Use instead")


class RuleDoc(Slotted):
    """A rule's documentation, parsed from its docstring."""

    __slots__ = ("summary", "sections")
    summary: Final[str]
    sections: Final[dict[str, str]]

    def __init__(self, summary: str, sections: dict[str, str]) -> None:
        self.summary = summary
        self.sections = sections

    def examples(self, section: str) -> list[str]:
        """The YAML code blocks of a section (one file each)."""
        return re.findall(r"```yaml\n(.*?)```", self.sections.get(section, ""), flags=re.S)


class Rule:
    """Base of every rule: metadata lives here once.

    The docstring is the rule's documentation for marketers and must have the
    sections ``## What it checks``, ``## Why it matters``, ``## Bad`` and
    ``## Use instead``.
    """

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    principle: ClassVar[str]
    # The lowest profile that runs the rule (minimal, recommended or strict);
    # the profiles that extend it run it too.
    profile: ClassVar[Literal["minimal", "recommended", "strict"]]
    options: ClassVar[type[BaseModel]] = NoOptions
    # Rules the bad doc example necessarily reports too (an expired waiver
    # brings back the finding it waived).
    doc_companions: ClassVar[frozenset[str]] = frozenset()
    kind: ClassVar[Literal["file", "campaign", "portfolio", "policy"]]
    # Whether the rule's findings can carry a fix (``core/fixes.py``), safe or
    # unsafe, and what it does in plain words (``explain``, ``rules``, docs/rules.md).
    fixable: ClassVar[Safety | None] = None
    fix_doc: ClassVar[str] = ""

    @classmethod
    def family(cls) -> str:
        """The three-letter family: SPEC, VAL, TIM..."""
        return cls.id.rstrip("0123456789")

    @classmethod
    def doc(cls) -> RuleDoc:
        """The parsed docstring."""
        text = _dedent(cls.__doc__ or "")
        summary, _, rest = text.partition("\n")
        sections: dict[str, str] = {}
        for match in re.finditer(r"^## (.+?)\n(.*?)(?=^## |\Z)", rest, flags=re.S | re.M):
            sections[match.group(1).strip()] = match.group(2).strip()
        return RuleDoc(summary.strip(), sections)

    @classmethod
    def missing_doc_sections(cls) -> list[str]:
        """Sections the docstring lacks (the meta-tests require none)."""
        found = cls.doc().sections
        return [name for name in _SECTIONS if not found.get(name)]


class FileRule(Rule):
    """A rule about the file itself, applied by the per-file pipeline (``lint/pipeline.py``).

    SPEC001 (the file reads as YAML), SPEC002 (the campaign schema) and
    SPEC005 (the policy's own schema) are found while the pipeline reads and
    validates a campaign, before any other rule can look at it.
    """

    kind = "file"


class CampaignRule(Rule, Generic[OptionsT]):
    """A rule that looks at one validated campaign."""

    kind = "campaign"

    def check(self, campaign: Campaign, ctx: RuleContext[OptionsT]) -> Iterable[Violation]:
        """Yield the campaign's violations of this rule."""
        raise NotImplementedError


# The one group of a portfolio rule that does not split the portfolio (``PortfolioRule.groups``).
WHOLE_PORTFOLIO = "*"


class LazyRecord(Protocol):
    """A campaign of a portfolio group as the engine holds it: its record is read only when asked for."""

    @property
    def path(self) -> str:
        """The campaign file (display path)."""
        ...

    @property
    def key(self) -> bytes | None:
        """The digest of the record's facts (``CampaignRecord.facts``); None without a cache."""
        ...

    def load(self) -> CampaignRecord:
        """The record (unpickled from the cache on first use)."""
        ...


class PortfolioRule(Rule, Generic[OptionsT]):
    """A rule that looks at every campaign at once.

    So that an edit to one campaign does not recompute the whole portfolio,
    a rule may split it into groups (``groups``): the campaigns that can
    only ever be compared with each other (those with one id, those of one
    channel). The engine runs ``check_group`` once per group, remembers each
    group's findings with the records it saw, and after an edit checks again
    only the groups whose records changed (``lint/portfolio.py``). The
    contract, tested for every portfolio rule on generated portfolios: the
    findings of ``check`` over every record are exactly those of
    ``check_group`` over each group, in any order. A group key is a plain,
    hashable and picklable value (a string, a tuple of strings, an enum).
    A rule decides and words its findings from records' facts
    (``CampaignRecord.facts``), never from their positions: an edit that only
    moves lines re-positions remembered findings without checking again.
    """

    kind = "portfolio"

    def check(
        self, records: Sequence[CampaignRecord], ctx: RuleContext[OptionsT]
    ) -> Iterable[PortfolioViolation]:
        """Yield cross-campaign violations."""
        raise NotImplementedError

    def groups(self, record: CampaignRecord, ctx: RuleContext[OptionsT]) -> Iterable[Hashable]:
        """The keys of the groups ``record`` belongs to (none: the rule never looks at it).

        The default is one group, the whole portfolio: the rule is checked
        again whenever any campaign's record changes.
        """
        return (WHOLE_PORTFOLIO,)

    def check_group(
        self, key: Hashable, records: Sequence[CampaignRecord], ctx: RuleContext[OptionsT]
    ) -> Iterable[PortfolioViolation]:
        """Yield the violations of the group ``key`` (its ``records``, sorted by path).

        The default checks the group's records as a portfolio of their own,
        right for a rule whose ``check`` finds nothing across two groups.
        """
        return self.check(records, ctx)

    def check_members(
        self, key: Hashable, members: Sequence[LazyRecord], ctx: RuleContext[OptionsT]
    ) -> Iterable[PortfolioViolation]:
        """``check_group`` of the group ``key`` as the engine runs it: its ``members``, records not yet read.

        The default reads every member's record. A rule that keeps what it
        computed per campaign (``ctx.carried``) reads only the records it
        has not seen before, and those its findings point at.
        """
        return self.check_group(key, [member.load() for member in members], ctx)


class RunRule(Rule, Generic[OptionsT]):
    """A rule that judges the run as a whole (``RunFacts``); may also be a campaign rule."""

    def judge(self, facts: RunFacts, ctx: RuleContext[OptionsT]) -> Iterable[Placed]:
        """Yield what is wrong with the run's comments, exceptions, overrides or catalogue."""
        raise NotImplementedError


class PolicyRule(RunRule[OptionsT]):
    """A rule about the policy and its controls (POL001-POL003)."""

    kind = "policy"


def placed_finding(rule: Rule, severity: Severity, placed: Placed) -> Finding:
    """The finding of a run rule's ``placed`` violation."""
    return Finding(
        rule.id, placed.severity or severity, placed.message, placed.path, placed.span, hint=placed.hint
    )


def _dedent(text: str) -> str:
    lines = text.expandtabs().splitlines()
    if not lines:
        return ""
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    margin = min(indents) if indents else 0
    return "\n".join([lines[0].strip(), *(line[margin:] for line in lines[1:])]).strip()
