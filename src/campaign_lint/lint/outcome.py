"""What linting one file produced: the unit the pool, the cache and the engine pass around."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from campaign_lint.core.findings import Finding
from campaign_lint.core.pickling import by_fields
from campaign_lint.core.suppressions import Suppression
from campaign_lint.policies.base import CampaignRecord


@dataclass(slots=True)
class FileOutcome:
    """What linting one file produced (small: it may cross a process boundary)."""

    findings: list[Finding]
    record: CampaignRecord | None
    lines: dict[int, str]
    comments: list[Suppression]
    # Indices of the policy's ``overrides`` entries that matched the file.
    overrides: tuple[int, ...] = ()
    # Digest of the bytes linted (the cache's key); None when the file could not be read.
    content: bytes | None = None
    # From the cache: ``record`` pickled, unpickled only if a portfolio rule must check it again.
    record_blob: bytes | None = None
    # With the cache: the digest of the pickled record, and the portfolio groups it is in
    # (``lint/portfolio.py``), so that an unchanged campaign's record is not unpickled.
    record_key: bytes | None = None
    groups: tuple[tuple[Hashable, ...], ...] | None = None

    __reduce__ = by_fields
