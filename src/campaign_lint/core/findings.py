"""Findings: what a rule found, where, and how bad it is."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Final, NamedTuple

from campaign_lint.core.slotted import Slotted
from campaign_lint.core.yamlpath import YamlPath as YamlPath

if TYPE_CHECKING:  # a replayed run reads findings without importing what fixes them
    from campaign_lint.core.fixes import Remedy

# What a finding is about, when not the place it is reported at: named parts,
# in name order (``(("channel", "email"), ("window", "7d"))``). Build it with
# ``subject()``.
Subject = tuple[tuple[str, str], ...]


def subject(**parts: object) -> Subject:
    """A finding's subject from named parts: ``subject(channel="email", window="7d", persona=None)``.

    Portfolio rules set it on findings that stand for the portfolio rather
    than for the campaign they are shown on: FRQ003's cap is broken on a
    channel over a window, whichever campaign the finding sits on. The
    reporters' fingerprints (SARIF, GitLab) are built from the rule and the
    subject alone, so the finding keeps its identity when it moves to another
    campaign. A part that is ``None`` is left out; the others are compared as text.
    """
    return tuple(sorted((name, str(value)) for name, value in parts.items() if value is not None))


class Severity(enum.StrEnum):
    """How bad a finding is; ``fail_on`` compares against this order."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe."""
        return _RANK[self]


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


class Span(NamedTuple):
    """A 1-based position range in a file (end is exclusive, as editors count).

    A named tuple: made for every finding and every top-level field, so it
    must be cheap to build.
    """

    line: int
    column: int
    end_line: int
    end_column: int


START = Span(1, 1, 1, 1)


# The most related places a finding keeps (the json and gitlab reports list
# them all, the text report the first five, the others the first ten: cli/reporters); the rest
# are counted in ``Finding.related_omitted``. 4,000 copies of one campaign id
# made 4,000 findings of 3,999 related places each, 1.56 GB of text; with the
# cap, output and memory grow linearly with the findings.
RELATED_KEPT = 50


class Related(Slotted):
    """Another place that contributes to a finding (portfolio rules)."""

    __slots__ = ("path", "line", "column", "message")
    path: Final[str]
    line: Final[int]
    column: Final[int]
    message: Final[str]

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.message = message


class Violation(Slotted):
    """What a rule yields: a message and the YAML path it points at.

    ``key=True`` points at the mapping key instead of its value (used for
    unknown fields). Rules never know lines; the engine resolves them.
    """

    __slots__ = ("message", "path", "hint", "key", "fix")
    message: Final[str]
    path: Final[YamlPath]
    hint: Final[str | None]
    key: Final[bool]
    # What would fix it (``core/fixes.py``), when the rule knows.
    fix: Final[Remedy | None]

    def __init__(
        self,
        message: str,
        path: YamlPath = (),
        hint: str | None = None,
        key: bool = False,
        fix: Remedy | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.hint = hint
        self.key = key
        self.fix = fix


class Finding(Slotted):
    """A positioned finding, ready for a reporter."""

    __slots__ = (
        "rule",
        "severity",
        "message",
        "path",
        "span",
        "campaign",
        "hint",
        "related",
        "yaml_path",
        "related_omitted",
        "involved",
        "subject",
        "fix",
    )
    rule: Final[str]
    severity: Final[Severity]
    message: Final[str]
    path: Final[str]
    span: Final[Span]
    campaign: Final[str | None]
    hint: Final[str | None]
    related: Final[tuple[Related, ...]]
    yaml_path: Final[YamlPath]
    # Related places left out of ``related`` (at most ``RELATED_KEPT`` are kept).
    related_omitted: Final[int]
    # When places were left out: the paths of every file the finding involves
    # (possibly shared between findings), so that a run narrowed to some files
    # (pre-commit, --changed-since) still keeps a finding whose related place
    # in a focused file was left out. Never shown.
    involved: Final[frozenset[str]]
    # What a portfolio finding is about (see ``subject``); empty: the campaign (or file) and YAML path.
    subject: Final[Subject]
    # What would fix it (``core/fixes.py``), when its rule knows: ``check --fix`` and SARIF read it.
    fix: Final[Remedy | None]

    def __init__(
        self,
        rule: str,
        severity: Severity,
        message: str,
        path: str,
        span: Span,
        campaign: str | None = None,
        hint: str | None = None,
        related: tuple[Related, ...] = (),
        yaml_path: YamlPath = (),
        related_omitted: int = 0,
        involved: frozenset[str] = frozenset(),
        subject: Subject = (),
        fix: Remedy | None = None,
    ) -> None:
        self.rule = rule
        self.severity = severity
        self.message = message
        self.path = path
        self.span = span
        self.campaign = campaign
        self.hint = hint
        self.related = related
        self.yaml_path = yaml_path
        self.related_omitted = related_omitted
        self.involved = involved
        self.subject = subject
        self.fix = fix

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Deterministic order: path, line, column, rule, message."""
        return (self.path, self.span.line, self.span.column, self.rule, self.message)
