"""Findings: what a rule found, where, and how bad it is."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from campaign_lint.core.pickling import by_fields
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


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that contributes to a finding (portfolio rules)."""

    path: str
    line: int
    column: int
    message: str

    __reduce__ = by_fields


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule yields: a message and the YAML path it points at.

    ``key=True`` points at the mapping key instead of its value (used for
    unknown fields). Rules never know lines; the engine resolves them.
    """

    message: str
    path: YamlPath = ()
    hint: str | None = None
    key: bool = False
    # What would fix it (``core/fixes.py``), when the rule knows.
    fix: Remedy | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """A positioned finding, ready for a reporter."""

    rule: str
    severity: Severity
    message: str
    path: str
    span: Span
    campaign: str | None = None
    hint: str | None = None
    related: tuple[Related, ...] = field(default=())
    yaml_path: YamlPath = ()
    # Related places left out of ``related`` (at most ``RELATED_KEPT`` are kept).
    related_omitted: int = 0
    # When places were left out: the paths of every file the finding involves
    # (possibly shared between findings), so that a run narrowed to some files
    # (pre-commit, --changed-since) still keeps a finding whose related place
    # in a focused file was left out. Never shown.
    involved: frozenset[str] = frozenset()
    # What a portfolio finding is about (see ``subject``); empty: the campaign (or file) and YAML path.
    subject: Subject = ()
    # What would fix it (``core/fixes.py``), when its rule knows: ``check --fix`` and SARIF read it.
    fix: Remedy | None = None

    __reduce__ = by_fields

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Deterministic order: path, line, column, rule, message."""
        return (self.path, self.span.line, self.span.column, self.rule, self.message)
