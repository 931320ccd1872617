"""The policy test file (``*.test.yaml``): campaign fixtures and the findings they must produce.

``campaign-lint test`` reads these (see docs/policy-tests.md). Unknown keys
are errors, as in every file campaign-lint reads, so a misspelt ``expcet:``
cannot turn a test into one that checks nothing. Unlike campaign and policy
files, ``x-`` keys are not allowed: a fixture may well be named ``x-sale.yaml``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictStr

from campaign_lint.schemas.campaign import Count, Text
from campaign_lint.schemas.types import RuleOrFamily, RuleRef


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Expectation(_Strict):
    """One finding a case must produce: its rule and, when given, where and what it says."""

    rule: RuleRef
    """The rule of the finding, like TIM001."""
    file: Text | None = None
    """The fixture's name as written under `campaigns:`, or its base name."""
    line: Count | None = None
    """The finding's line (from 1)."""
    column: Count | None = None
    """The finding's column (from 1)."""
    message: Text | None = None
    """A part of the finding's message."""


class Case(_Strict):
    """A named set of campaign fixtures, linted together, and the findings expected."""

    name: Text
    """What the case shows, in words; each case has its own name."""
    today: date | None = None
    """The day the case runs on (YYYY-MM-DD), for exception expiry; overrides the file's `today`."""
    campaigns: dict[Text, StrictStr] = {}
    """Inline fixtures: file name (under campaigns/) -> the campaign's YAML text."""
    files: list[Text] = []
    """Fixture files: paths relative to the test file."""
    select: list[RuleOrFamily] = []
    """Rule IDs or families (TIM, FRQ002): only their findings are compared with `expect`."""
    expect: list[Expectation]
    """The findings the case must produce, and no others; `expect: []` for a clean case."""


class PolicyTestFile(_Strict):
    """A ``*.test.yaml`` file: the policy under test and its cases."""

    policy: Text | dict[StrictStr, Any]
    """The policy under test: a path relative to the test file, or the policy itself as a mapping."""
    today: date | None = None
    """The day the cases run on (YYYY-MM-DD), so exception expiry gives the same result every day."""
    cases: list[Case]
    """The cases: campaign fixtures and the findings each must produce."""
