"""Reporters turn a report into bytes; they never decide severity or filter."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Protocol, cast

from campaign_lint import REPOSITORY
from campaign_lint.core.errors import UsageError
from campaign_lint.core.findings import Finding
from campaign_lint.lint.report import Report

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")
# The formats that show the source lines findings point at (``Report.sources``).
# A run whose formats show none, and that leaves no replay record, does not
# collect them (tests/cli/test_formats.py checks the others ignore them).
SHOW_SOURCE_LINES = frozenset({"text"})
RULES_DOC = f"{REPOSITORY}/blob/main/docs/rules.md"
# Related places the formats people read (text, github, junit) and SARIF (a
# related location there is ~500 bytes: 4,000 findings of 50 made 100 MB)
# show per finding; json and gitlab list every one a finding keeps
# (RELATED_KEPT, 50). Each says how many more there are.
SHOWN_RELATED = 10
# The terminal shows a handful: a finding there is read, not processed.
SHOWN_RELATED_TEXT = 5


class Reporter(Protocol):
    """Renders a report as text."""

    def __call__(self, report: Report, *, color: bool, quiet: bool, show_suppressed: bool) -> str:
        """The whole output for ``report``."""
        ...


class PartsReporter(Protocol):
    """Renders a report as pieces of text, written one after another."""

    def __call__(self, report: Report, *, color: bool, quiet: bool, show_suppressed: bool) -> Iterable[str]:
        """The output for ``report``, in order."""
        ...


def _module(name: str) -> ModuleType:
    """Import only the reporter that was asked for (``name`` is one of ``FORMATS``)."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    return importlib.import_module(f"campaign_lint.cli.reporters.{name}")


def get_reporter(name: str) -> Reporter:
    """The reporter ``name`` (one of ``FORMATS``), imported on demand."""
    return cast(Reporter, _module(name).render)


def get_parts_reporter(name: str) -> PartsReporter:
    """``get_reporter`` for writing: the reporter's ``render_parts`` where it has one.

    The JSON report of a large repository is written piece by piece instead
    of being held whole; the other formats come as one piece.
    """
    module = _module(name)
    parts = getattr(module, "render_parts", None)
    if parts is not None:
        return cast(PartsReporter, parts)
    render = cast(Reporter, module.render)

    def whole(report: Report, *, color: bool, quiet: bool, show_suppressed: bool) -> Iterable[str]:
        return (render(report, color=color, quiet=quiet, show_suppressed=show_suppressed),)

    return whole


def related_left_out(finding: Finding, shown: int) -> int:
    """How many related places of ``finding`` a report that shows its first ``shown`` leaves out."""
    return max(0, len(finding.related) - shown) + finding.related_omitted


def more_related(finding: Finding, shown: int) -> str | None:
    """``and 3,990 more``: the related places of ``finding`` beyond the first ``shown`` (``None``: none)."""
    count = related_left_out(finding, shown)
    return f"and {count:,} more" if count else None


def fingerprint_key(finding: Finding) -> list[object]:
    """What a finding's fingerprint is built from: what it means, never its message or line.

    The rule, then what the finding is about: its ``subject`` when a portfolio
    rule set one (FRQ003: the channel and the cap's window), else the campaign
    id (or, for a finding outside any campaign, the file's path) and the YAML
    path. Messages are left out: they carry numbers that change when another
    campaign changes ("3 campaigns can send up to 7 messages").
    """
    if finding.subject:
        return [finding.rule, ["subject", [list(part) for part in finding.subject]]]
    where = ["campaign", finding.campaign] if finding.campaign else ["path", finding.path]
    return [finding.rule, where, list(finding.yaml_path)]


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """A stable identity per finding, unique within ``findings`` (same order).

    Built from ``fingerprint_key``: inserting or moving lines, editing a
    message, or changing another campaign does not change it. Findings that
    would share one get an ordinal in the order given (path, line, column).
    """
    # Here: only the reporters with fingerprints use them (not `import json`: the json
    # reporter submodule shadows it).
    import hashlib
    from json import dumps

    seen: Counter[str] = Counter()
    out = []
    for finding in findings:
        key = dumps(fingerprint_key(finding), ensure_ascii=False)
        seen[key] += 1
        if seen[key] > 1:
            key += f"#{seen[key]}"
        # surrogatepass: a file name that is not UTF-8 holds lone surrogates.
        out.append(hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest())
    return out


def destinations(formats: Sequence[str], outputs: Sequence[Path]) -> list[tuple[str, Path | None]]:
    """Pair ``--format`` and ``--output`` options in order: ``(format, file or None for stdout)``.

    No ``--format`` means ``text``; formats beyond the last ``--output`` go to
    stdout, and only one may. Files come first, so stdout is written last.
    """
    for name in formats:
        if name not in FORMATS:
            raise UsageError(f"--format: `{name}` is not a format; use one of: {', '.join(FORMATS)}")
    chosen = list(formats) or ["text"]
    if len(outputs) > len(chosen):
        raise UsageError(
            f"{len(outputs)} --output files but {len(chosen)} --format; give a --format for each "
            "--output, in the same order (--format sarif --output results.sarif)"
        )
    if len(chosen) - len(outputs) > 1:
        rest = ", ".join(chosen[len(outputs) :])
        raise UsageError(
            f"--format {rest}: only one format can go to stdout; give the others an --output file, "
            "in the same order (--format sarif --output results.sarif --format text)"
        )
    seen: set[Path] = set()
    for output in outputs:
        key = output.resolve()
        if key in seen:
            raise UsageError(f"--output {output}: given twice; each format needs its own file")
        seen.add(key)
    paired: list[tuple[str, Path | None]] = list(zip(chosen, outputs, strict=False))
    paired += [(name, None) for name in chosen[len(outputs) :]]
    return paired
