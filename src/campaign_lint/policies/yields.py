"""What portfolio and run rules yield, and what a run rule judges: small value classes (``policies/base.py`` re-exports them).

Written out by hand on ``core/slotted.Slotted`` rather than as dataclasses:
every run that lints imports them (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Final

from campaign_lint.core.findings import Severity, Span, Subject, YamlPath
from campaign_lint.core.slotted import Slotted

if TYPE_CHECKING:
    from campaign_lint.core.suppressions import Suppression
    from campaign_lint.policies.record import CampaignRecord
    from campaign_lint.schemas.policy import Waiver


class Pointer(Slotted):
    """A place in one campaign of the portfolio."""

    __slots__ = ("record", "path", "message")
    record: Final[CampaignRecord]
    path: Final[YamlPath]
    message: Final[str]

    def __init__(self, record: CampaignRecord, path: YamlPath = (), message: str = "") -> None:
        self.record = record
        self.path = path
        self.message = message


class PortfolioViolation(Slotted):
    """A cross-campaign problem, reported at ``at`` with ``related`` places.

    The engine keeps ``RELATED_KEPT`` related places per finding. A rule that
    would otherwise build a quadratic number of them (SPEC003: every copy of
    an id points at every other) builds only those, and gives the number it
    left out in ``related_omitted`` and every path involved in ``involved``.
    """

    __slots__ = ("at", "message", "hint", "related", "related_omitted", "involved", "subject")
    at: Final[Pointer]
    message: Final[str]
    hint: Final[str | None]
    related: Final[tuple[Pointer, ...]]
    related_omitted: Final[int]
    involved: Final[frozenset[str]]
    # What the finding is about when not ``at``'s campaign (``core.findings.subject``):
    # its identity in SARIF and GitLab reports, which survives a move to another campaign.
    subject: Final[Subject]

    def __init__(
        self,
        at: Pointer,
        message: str,
        hint: str | None = None,
        related: tuple[Pointer, ...] = (),
        related_omitted: int = 0,
        involved: frozenset[str] = frozenset(),
        subject: Subject = (),
    ) -> None:
        self.at = at
        self.message = message
        self.hint = hint
        self.related = related
        self.related_omitted = related_omitted
        self.involved = involved
        self.subject = subject


class RunFacts(Slotted):
    """What a run leaves for the rules that judge it, once every file is linted and silenced.

    ``lint/controls.py`` fills it: suppression comments (each with the rules
    it silenced in ``used``), the policy's exceptions and overrides with the
    ones that took effect, and where each policy value is written.
    """

    __slots__ = (
        "comments",
        "exceptions",
        "used_exceptions",
        "overrides",
        "used_overrides",
        "today",
        "known_rules",
        "unsuppressible",
        "locked",
        "not_run",
        "where",
    )
    # Suppression comments per campaign file (display path).
    comments: Final[Mapping[str, Sequence[Suppression]]]
    exceptions: Final[Sequence[Waiver]]
    # Indices of ``exceptions`` that waived at least one finding.
    used_exceptions: Final[frozenset[int]]
    # The globs of each ``overrides:`` entry, by index, and the indices that matched a file.
    overrides: Final[Sequence[tuple[str, ...]]]
    used_overrides: Final[frozenset[int]]
    today: Final[date]
    # Built-in and custom rule IDs.
    known_rules: Final[frozenset[str]]
    unsuppressible: Final[frozenset[str]]
    # Rules a policy file locks (``locked.rules``), each with its lock in words: not suppressible either.
    locked: Final[Mapping[str, str]]
    # Rules the command line switched off: they found nothing, so nothing of theirs is stale.
    not_run: Final[frozenset[str]]
    # Where a policy path is written: (file, span); ``("<policy>", START)`` when unknown.
    where: Final[Callable[[YamlPath], tuple[str, Span]]]

    def __init__(
        self,
        comments: Mapping[str, Sequence[Suppression]],
        exceptions: Sequence[Waiver],
        used_exceptions: frozenset[int],
        overrides: Sequence[tuple[str, ...]],
        used_overrides: frozenset[int],
        today: date,
        known_rules: frozenset[str],
        unsuppressible: frozenset[str],
        locked: Mapping[str, str],
        not_run: frozenset[str],
        where: Callable[[YamlPath], tuple[str, Span]],
    ) -> None:
        self.comments = comments
        self.exceptions = exceptions
        self.used_exceptions = used_exceptions
        self.overrides = overrides
        self.used_overrides = used_overrides
        self.today = today
        self.known_rules = known_rules
        self.unsuppressible = unsuppressible
        self.locked = locked
        self.not_run = not_run
        self.where = where


class Placed(Slotted):
    """What a run rule yields: a violation at an explicit place (a comment, a policy value)."""

    __slots__ = ("message", "path", "span", "hint", "severity")
    message: Final[str]
    path: Final[str]
    span: Final[Span]
    hint: Final[str | None]
    # None: the rule's configured severity (POL001 warns before an expiry whatever its own).
    severity: Final[Severity | None]

    def __init__(
        self, message: str, path: str, span: Span, hint: str | None = None, severity: Severity | None = None
    ) -> None:
        self.message = message
        self.path = path
        self.span = span
        self.hint = hint
        self.severity = severity
