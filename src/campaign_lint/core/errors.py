"""User-facing error types: one small type per kind of failure.

The CLI catches these at the top and prints them as one line; anything else
is a bug and becomes exit code 3.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNTRUSTED = 2
EXIT_INTERNAL = 3


class CampaignLintError(Exception):
    """Base class of every error that is the user's to fix (exit code 2)."""

    exit_code = EXIT_UNTRUSTED

    def lines(self) -> list[str]:
        """What the CLI prints, one line each."""
        return [f"campaign-lint: error: {self}"]


class UsageError(CampaignLintError):
    """The command line asks for something that cannot be done."""


class PolicyError(CampaignLintError):
    """The policy file is missing, unreadable or invalid.

    ``problems`` holds one ``path:line:col: message`` string per problem.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems

    def lines(self) -> list[str]:
        """Each problem is already ``path:line:col: message``."""
        return list(self.problems)
