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

import re
from dataclasses import dataclass, field

from campaign_lint.core.findings import Finding
from campaign_lint.core.pickling import by_fields

_MARK = "campaign-lint:"
_COMMENT = re.compile(
    r"(?:^|\s)#\s*campaign-lint:\s*(?P<kind>disable-file|disable)\s*=\s*(?P<ids>[A-Za-z0-9_,\s]*?)"
    r"\s*(?:--\s*(?P<reason>.*?))?\s*$"
)


@dataclass(slots=True)
class Suppression:
    """One suppression comment."""

    line: int
    column: int
    end_column: int
    ids: tuple[str, ...]
    reason: str
    whole_file: bool
    used: set[str] = field(default_factory=set)

    __reduce__ = by_fields

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
        match = _COMMENT.search(line)
        if match is None:
            continue
        ids = tuple(part.strip().upper() for part in match.group("ids").split(",") if part.strip())
        start = line.index("#", match.start())
        found.append(
            Suppression(
                number,
                start + 1,
                len(line.rstrip()) + 1,
                ids,
                (match.group("reason") or "").strip(),
                match.group("kind") == "disable-file",
            )
        )
    return found
