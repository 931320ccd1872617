"""Inline suppression comments in campaign files.

``# campaign-lint: disable=FRQ002,AUD001 -- reason`` silences those rules on
the line it is written on; ``# campaign-lint: disable-file=MET002 -- reason``
silences a rule in the whole file. A suppression needs a reason, must name
known rules the policy allows to be suppressed, and must silence something:
otherwise it is itself a POL003 finding (and a suppression without a reason,
or of an unsuppressible rule, silences nothing).

This module only reads the comments; ``lint/controls.py`` silences findings
with them and POL003 (``policies/pol.py``) judges them.
"""

from __future__ import annotations

from typing import Final

from campaign_lint.core.findings import Finding
from campaign_lint.core.slotted import Slotted

_MARK = "campaign-lint:"
# Characters of the rule list after `=` (whitespace too, see `_space`).
_ID_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_,")


class Suppression(Slotted):
    """One suppression comment."""

    __slots__ = ("line", "column", "end_column", "ids", "reason", "whole_file", "used")
    line: Final[int]
    column: Final[int]
    end_column: Final[int]
    ids: Final[tuple[str, ...]]
    reason: Final[str]
    whole_file: Final[bool]
    # The rules it silenced (``lint/controls.py`` adds them as it silences findings).
    used: Final[set[str]]

    def __init__(
        self,
        line: int,
        column: int,
        end_column: int,
        ids: tuple[str, ...],
        reason: str,
        whole_file: bool,
        used: set[str] | None = None,
    ) -> None:
        self.line = line
        self.column = column
        self.end_column = end_column
        self.ids = ids
        self.reason = reason
        self.whole_file = whole_file
        self.used = set() if used is None else used

    def covers(self, finding: Finding) -> bool:
        """Whether this comment names the finding's rule at the finding's place."""
        return finding.rule in self.ids and (self.whole_file or finding.span.line == self.line)


def parse(text: str) -> list[Suppression]:
    """Every suppression comment of a file (cheap when there is none)."""
    if _MARK not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _MARK not in line:
            continue
        comment = _comment(line)
        if comment is None:
            continue
        start, kind, ids, reason = comment
        found.append(
            Suppression(
                number,
                start + 1,
                len(line.rstrip()) + 1,
                tuple(part.strip().upper() for part in ids.split(",") if part.strip()),
                reason,
                kind == "disable-file",
            )
        )
    return found


def _comment(line: str) -> tuple[int, str, str, str] | None:
    """The first suppression comment of ``line``: (index of its ``#``, kind, rule list, reason).

    The grammar is ``#``, ``campaign-lint:``, ``disable`` or ``disable-file``,
    ``=``, a list of rule IDs (letters, digits, ``_``, ``,``) and optionally
    ``--`` and a reason, with any whitespace between; the ``#`` starts the line
    or follows whitespace. Read with a cursor and no regular expression: each
    character is looked at a bounded number of times (the work for one ``#``
    ends at the next ``#``, which no part but the reason contains), so a line
    of any length is read in linear time. (A regular expression with
    overlapping whitespace quantifiers took minutes on a few hundred spaces.)
    """
    hash_at = line.find("#")
    while hash_at >= 0:
        if hash_at == 0 or line[hash_at - 1].isspace():
            parsed = _after_hash(line, hash_at + 1)
            if parsed is not None:
                return (hash_at, *parsed)
        hash_at = line.find("#", hash_at + 1)
    return None


def _after_hash(line: str, at: int) -> tuple[str, str, str] | None:
    """(kind, rule list, reason) of the comment whose text starts at ``at``, or None."""
    at = _space(line, at)
    if not line.startswith(_MARK, at):
        return None
    at = _space(line, at + len(_MARK))
    kind = "disable-file" if line.startswith("disable-file", at) else "disable"
    if not line.startswith(kind, at):
        return None
    at = _space(line, at + len(kind))
    if not line.startswith("=", at):
        return None
    ids_start = at = at + 1
    while at < len(line) and (line[at] in _ID_CHARACTERS or line[at].isspace()):
        at += 1
    ids = line[ids_start:at]
    if at == len(line):
        return kind, ids, ""
    if not line.startswith("--", at):
        return None
    return kind, ids, line[at + 2 :].strip()


def _space(line: str, at: int) -> int:
    """The index of the first non-whitespace character of ``line`` from ``at`` (or its length)."""
    while at < len(line) and line[at].isspace():
        at += 1
    return at
