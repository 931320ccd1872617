"""What the language server lints, with no protocol in it: open buffers, policies, findings.

The editor's open buffers stand in for the files on disk (``discovery.Overlay``),
so every rule, the portfolio rules included, sees unsaved edits. Each folder's
policy is found as ``check`` finds it (``locate.find_policy``: up to the
repository root, never above); its settings and engine are kept per policy
file and rebuilt when that file, or a file it extends, changes on disk. A
policy that does not load is a :class:`PolicyProblem`, reported once by the
server, never a crash.

A lint is two runs: the edited file alone, without the portfolio (its own
findings, fast), then the whole portfolio with every open buffer in place
(``Workspace.lint``); the server publishes after each.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from campaign_lint.core.errors import CampaignLintError, PolicyError
from campaign_lint.core.findings import Finding
from campaign_lint.lint.config import Settings, load_settings
from campaign_lint.lint.discovery import Overlay, SourceFile, discover, display_path
from campaign_lint.lint.locate import find_policy
from campaign_lint.lint.session import Session
from campaign_lint.lint.targets import Targets
from campaign_lint.policies.base import CampaignRule, FileRule
from campaign_lint.policies.registry import RULES_BY_ID


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    """A policy that does not load: the file and its problems (``path:line:col: message`` each)."""

    policy: str
    problems: tuple[str, ...]


@dataclass(slots=True)
class _Loaded:
    """A policy's settings and session, and the modification times of its files when loaded."""

    session: Session
    stamps: dict[str, int | None]


@dataclass(slots=True)
class Workspace:
    """The open buffers and the loaded policies of one editor session (module docstring)."""

    root: Path
    buffers: dict[str, bytes] = field(default_factory=dict)
    _policies: dict[str | None, _Loaded] = field(default_factory=dict)

    def open(self, path: str, text: str) -> None:
        """The editor opened or changed ``path`` (absolute): its buffer stands in for the disk."""
        self.buffers[os.path.abspath(path)] = text.encode("utf-8")

    def close(self, path: str) -> None:
        """The editor closed ``path``: the disk counts again."""
        self.buffers.pop(os.path.abspath(path), None)

    def inside(self, path: str) -> bool:
        """Whether ``path`` is in the workspace (the server reads nothing outside it)."""
        absolute, root = os.path.abspath(path), str(self.root)
        return absolute == root or absolute.startswith(root + os.sep)

    def policy_of(self, path: str) -> str | None:
        """The policy file that governs ``path`` (None: the built-in defaults)."""
        found = find_policy(Path(path).parent)
        return None if found is None else os.path.abspath(found)

    def session(self, path: str) -> Session | PolicyProblem:
        """The session of the policy governing ``path``, loaded again when its files changed."""
        policy = self.policy_of(path)
        loaded = self._policies.get(policy)
        if loaded is not None and loaded.stamps == _stamps(loaded.stamps):
            return loaded.session
        start = Path(path).parent
        try:
            settings = load_settings(None, start)
            session = Session(settings)
        except PolicyError as error:
            self._policies.pop(policy, None)
            return PolicyProblem(policy or str(start), tuple(error.problems))
        except CampaignLintError as error:
            self._policies.pop(policy, None)
            return PolicyProblem(policy or str(start), tuple(error.lines()))
        self._policies[policy] = _Loaded(session, _stamps(_policy_files(settings)))
        return session

    def forget_policies(self) -> None:
        """Load every policy again on the next lint (a policy file changed)."""
        self._policies.clear()

    def own(self, path: str, buffers: Mapping[str, bytes]) -> list[Finding] | PolicyProblem:
        """The findings of ``path`` alone, from its per-file rules (the fast first answer).

        ``buffers``: a copy of the open buffers taken when the lint was asked for.
        """
        session = self.session(path)
        if isinstance(session, PolicyProblem):
            return session
        absolute = os.path.abspath(path)
        if not session.scope.is_campaign(absolute):
            return []
        source = SourceFile(absolute, display_path(absolute), content=buffers.get(absolute))
        linted = session.run(Targets([source], None), cache=False, lines=False)
        return [finding for finding in linted.report().findings if _per_file(finding.rule)]

    def lint(
        self, paths: Iterable[str], buffers: Mapping[str, bytes]
    ) -> Mapping[str, list[Finding]] | PolicyProblem:
        """The findings on ``paths`` of their portfolios with ``buffers`` in place of the disk, by absolute path."""
        found: dict[str, list[Finding]] = {}
        done: set[str | None] = set()
        paths = list(paths)
        # Findings name files by display path: only those of ``paths`` are kept (no path made absolute per finding).
        wanted = {display_path(path): os.path.abspath(path) for path in paths}
        for path in paths:
            policy = self.policy_of(path)
            if policy in done:
                continue
            done.add(policy)
            session = self.session(path)
            if isinstance(session, PolicyProblem):
                return session
            files = discover([], session.scope, allow_empty=True, overlay=Overlay(texts=buffers))
            linted = session.run(Targets(files, None), cache=True, lines=False)
            for finding in linted.report().findings:
                absolute = wanted.get(finding.path)
                if absolute is not None:
                    found.setdefault(absolute, []).append(finding)
        return found


def _per_file(rule_id: str) -> bool:
    """Whether a rule judges one file alone (the file's format, built-in campaign rules, custom CEL rules)."""
    rule = RULES_BY_ID.get(rule_id)
    return rule is None or issubclass(rule, CampaignRule | FileRule)


def _policy_files(settings: Settings) -> list[str]:
    return [os.path.abspath(name) for name in settings.layered.read_through()] if settings.layered else []


def _stamps(files: Iterable[str]) -> dict[str, int | None]:
    stamps: dict[str, int | None] = {}
    for name in files:
        try:
            stamps[name] = os.stat(name).st_mtime_ns
        except OSError:
            stamps[name] = None
    return stamps
