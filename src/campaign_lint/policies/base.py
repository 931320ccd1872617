"""What a rule is: metadata once, a marketer-facing docstring, typed options, a check.

Rules never print or do I/O. A campaign rule looks at one validated campaign;
a portfolio rule looks at all of them at once. Both yield violations with a
YAML path; the engine turns paths into line:column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from campaign_lint.lint.findings import Severity, Span, Violation, YamlPath
from campaign_lint.schemas.campaign import Campaign

if TYPE_CHECKING:
    from campaign_lint.lint.config import Settings


class NoOptions(BaseModel):
    """A rule without options."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule may read besides the campaign: the effective policy and its options."""

    settings: Settings
    options: BaseModel


# The top-level fields portfolio rules point at (findings and related locations).
PORTFOLIO_FIELDS = ("id", "trigger", "frequency")


def portfolio_view(campaign: Campaign) -> Campaign:
    """``campaign`` with only the fields portfolio rules read.

    Portfolio rules hold every campaign of the repository in memory at once;
    texts, data items, metrics and the like are dropped so that 10,000
    campaigns stay small. ``content`` keeps its incentive and urgency, which
    decide whether a transactional message really is one.
    """
    content = campaign.content
    slim_content = (
        None
        if content is None or (content.incentive is None and content.urgency is None)
        else type(content).model_construct(incentive=content.incentive, urgency=content.urgency)
    )
    return Campaign.model_construct(
        id=campaign.id,
        owner="",
        type=campaign.type,
        purpose="",
        channel=campaign.channel,
        audience=campaign.audience,
        trigger=campaign.trigger,
        frequency=campaign.frequency,
        content=slim_content,
    )


@dataclass(slots=True)
class CampaignRecord:
    """A validated campaign as portfolio rules see it."""

    path: str
    campaign: Campaign
    spans: dict[YamlPath, Span]

    def span(self, path: YamlPath) -> Span:
        """Position of ``path`` or of its nearest recorded parent."""
        while path:
            found = self.spans.get(path)
            if found is not None:
                return found
            path = path[:-1]
        return self.spans.get((), Span(1, 1, 1, 1))


@dataclass(frozen=True, slots=True)
class Pointer:
    """A place in one campaign of the portfolio."""

    record: CampaignRecord
    path: YamlPath = ()
    message: str = ""


@dataclass(frozen=True, slots=True)
class PortfolioViolation:
    """A cross-campaign problem, reported at ``at`` with ``related`` places."""

    at: Pointer
    message: str
    hint: str | None = None
    related: tuple[Pointer, ...] = field(default=())


_SECTIONS = ("What it checks", "Why it matters", "Bad", "Use instead")


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """A rule's documentation, parsed from its docstring."""

    summary: str
    sections: dict[str, str]

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
    options: ClassVar[type[BaseModel]] = NoOptions
    # Rules the bad doc example necessarily reports too (an expired waiver
    # brings back the finding it waived).
    doc_companions: ClassVar[frozenset[str]] = frozenset()
    kind: ClassVar[Literal["file", "campaign", "portfolio", "policy"]]

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
    """A rule the loader and schema validation apply (SPEC001, SPEC002)."""

    kind = "file"


class PolicyRule(Rule):
    """A rule about the policy itself, applied by the engine (POL001-POL003)."""

    kind = "policy"


class CampaignRule(Rule):
    """A rule that looks at one validated campaign."""

    kind = "campaign"

    def check(self, campaign: Campaign, ctx: RuleContext) -> Iterable[Violation]:
        """Yield the campaign's violations of this rule."""
        raise NotImplementedError


class PortfolioRule(Rule):
    """A rule that looks at every campaign at once."""

    kind = "portfolio"

    def check(self, records: Sequence[CampaignRecord], ctx: RuleContext) -> Iterable[PortfolioViolation]:
        """Yield cross-campaign violations."""
        raise NotImplementedError


def _dedent(text: str) -> str:
    lines = text.expandtabs().splitlines()
    if not lines:
        return ""
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    margin = min(indents) if indents else 0
    return "\n".join([lines[0].strip(), *(line[margin:] for line in lines[1:])]).strip()
