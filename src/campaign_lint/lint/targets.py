"""What a ``check`` run lints, and what it reports on.

Portfolio rules (SPEC003, FRQ003, FRQ004) are only right when they see every
campaign. So when a run is narrowed to some files (named by pre-commit, or
changed since a git ref) and a policy file says where the portfolio is, the
whole portfolio is linted and only findings involving the narrowed files are
reported.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from campaign_lint.core.slotted import Slotted
from campaign_lint.lint.discovery import NO_OVERLAY, Overlay, Scope, SourceFile, discover


class Targets(Slotted):
    """Files to lint; ``focus`` (display paths) limits what is reported, ``None`` for all."""

    __slots__ = ("files", "focus", "note")
    files: Final[list[SourceFile]]
    focus: Final[frozenset[str] | None]
    note: Final[str | None]

    def __init__(
        self, files: list[SourceFile], focus: frozenset[str] | None, note: str | None = None
    ) -> None:
        self.files = files
        self.focus = focus
        self.note = note


def resolve(
    given: list[Path],
    scope: Scope,
    *,
    force_exclude: bool,
    changed: list[Path] | None,
    overlay: Overlay = NO_OVERLAY,
) -> Targets:
    """The files of a run and its focus (see the module docstring); ``overlay`` as in ``discover``."""
    narrowed = changed if changed is not None else given
    if changed is None and not given:
        return Targets(discover([], scope, overlay=overlay), None)
    lenient = force_exclude or changed is not None
    if any(os.path.abspath(path) in scope.policy_files for path in narrowed):
        # The policy changed: every campaign may be judged differently now.
        everything = discover([], scope, allow_empty=lenient, overlay=overlay)
        return Targets(everything, None, None if everything else "No campaign files yet; nothing to check.")
    if scope.policy_path is None and not lenient:
        return Targets(discover(given, scope, overlay=overlay), None)
    chosen = (
        discover(narrowed, scope, force_exclude=lenient, allow_empty=lenient, overlay=overlay)
        if narrowed
        else []
    )
    if not chosen:
        what = "changed campaign files" if changed is not None else "campaign files among the given paths"
        return Targets([], frozenset(), f"No {what}; nothing to check.")
    if scope.policy_path is None:
        return Targets(chosen, None)
    portfolio = {source.display: source for source in discover([], scope, allow_empty=True, overlay=overlay)}
    for source in chosen:
        portfolio.setdefault(source.display, source)
    files = [portfolio[key] for key in sorted(portfolio)]
    focus = frozenset(source.display for source in chosen)
    if focus == set(portfolio):
        # The whole portfolio: report everything, the policy file's own findings
        # (expired or unused exceptions) included.
        return Targets(files, None)
    return Targets(files, focus)
