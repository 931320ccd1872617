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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Expectation(_Strict):
    """One finding a case must produce: its rule and, when given, where and what it says."""

    rule: Text
    # The fixture's name as written under `campaigns:`, or its base name.
    file: Text | None = None
    line: Count | None = None
    column: Count | None = None
    # A part of the finding's message.
    message: Text | None = None


class Case(_Strict):
    """A named set of campaign fixtures, linted together, and the findings expected."""

    name: Text
    # Overrides the file's `today` for this case (exception expiry).
    today: date | None = None
    # Inline fixtures: file name (under campaigns/) -> YAML text.
    campaigns: dict[Text, StrictStr] = {}
    # Referenced fixtures: paths relative to the test file.
    files: list[Text] = []
    # Rule IDs or families (TIM, FRQ002): only their findings are compared with `expect`.
    select: list[Text] = []
    # Required, so a clean case says `expect: []` on purpose.
    expect: list[Expectation]


class PolicyTestFile(_Strict):
    """A ``*.test.yaml`` file: the policy under test and its cases."""

    # A path relative to the test file, or the policy itself as a mapping.
    policy: Text | dict[StrictStr, Any]
    today: date | None = None
    cases: list[Case]
