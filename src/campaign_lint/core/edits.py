"""The text edits of a fix (``Fix``): what ``core/yamledit.py`` makes of a ``Remedy`` (``core/fixes.py``).

Apart from the remedies because only fixing needs them (``check --fix``,
``--diff``, SARIF ``fixes``, an editor's quick fixes): a run that reports
findings never builds these classes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from campaign_lint.core.fixes import Safety


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    """Replace ``text[start:end]`` (character offsets) with ``text``; an insertion when ``start == end``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A remedy as text edits of one file: never overlapping, applied together."""

    title: str
    safety: Safety
    edits: tuple[Edit, ...]


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` applied (they must not overlap; ``ValueError`` when they do)."""
    pieces: list[str] = []
    at = 0
    for edit in sorted(edits):
        if edit.start < at or edit.end < edit.start or edit.end > len(text):
            raise ValueError(f"overlapping or out-of-range edit at {edit.start}")
        pieces += [text[at : edit.start], edit.text]
        at = edit.end
    pieces.append(text[at:])
    return "".join(pieces)


def overlaps(edits: Iterable[Edit], others: Iterable[Edit]) -> bool:
    """Whether any edit of ``edits`` touches the range of one of ``others`` (two insertions at one place do)."""
    taken = list(others)
    return any(e.start <= o.end and o.start <= e.end for e in edits for o in taken)


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset (for SARIF and editors)."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
