"""What linting one file produced: the unit the pool, the cache and the engine pass around."""

from __future__ import annotations

from collections.abc import Hashable

from campaign_lint.core.findings import Finding
from campaign_lint.core.slotted import Mutable
from campaign_lint.core.suppressions import Suppression
from campaign_lint.policies.base import CampaignRecord


class FileOutcome(Mutable):
    """What linting one file produced (small: it may cross a process boundary).

    Pickled as a call with its fields (``Slotted``), by the ten thousand.
    """

    __slots__ = (
        "findings",
        "record",
        "lines",
        "comments",
        "overrides",
        "content",
        "record_blob",
        "record_key",
        "groups",
    )
    findings: list[Finding]
    record: CampaignRecord | None
    lines: dict[int, str]
    comments: list[Suppression]
    # Indices of the policy's ``overrides`` entries that matched the file.
    overrides: tuple[int, ...]
    # Digest of the bytes linted (the cache's key); None when the file could not be read.
    content: bytes | None
    # From the cache: ``record`` pickled, unpickled only if a portfolio rule must check it again.
    record_blob: bytes | None
    # With the cache: the digest of the pickled record, and the portfolio groups it is in
    # (``lint/portfolio.py``), so that an unchanged campaign's record is not unpickled.
    record_key: bytes | None
    groups: tuple[tuple[Hashable, ...], ...] | None

    def __init__(
        self,
        findings: list[Finding],
        record: CampaignRecord | None,
        lines: dict[int, str],
        comments: list[Suppression],
        overrides: tuple[int, ...] = (),
        content: bytes | None = None,
        record_blob: bytes | None = None,
        record_key: bytes | None = None,
        groups: tuple[tuple[Hashable, ...], ...] | None = None,
    ) -> None:
        self.findings = findings
        self.record = record
        self.lines = lines
        self.comments = comments
        self.overrides = overrides
        self.content = content
        self.record_blob = record_blob
        self.record_key = record_key
        self.groups = groups
