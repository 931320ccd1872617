"""What the HTML report shows, as plain data: built from a lint run, rendered by ``page.py``.

Everything here is computed before any template runs, so the page is a
straight rendering of this object and the same run gives the same bytes.
Campaign text (purpose, customer value, messages) is kept as written; the
template escapes it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from campaign_lint.core import yamlload
from campaign_lint.core.findings import Finding, Severity
from campaign_lint.lint.config import Settings
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.report import Report
from campaign_lint.policies.registry import FAMILY_NAMES, RULES_BY_ID

# The fields of a campaign file the report quotes, as written.
_QUOTED = ("id", "name", "type", "channel", "purpose", "customer_value")
# Findings shown per campaign before "and N more" (the rest stay in `check`'s output).
FINDINGS_SHOWN = 25
# Campaigns shown in full (purpose, customer value, each finding with its excerpt and
# hint), worst first; the others are one row each with their findings' rule IDs and
# lines. Keeps the page of a 10,000-campaign portfolio under 5 MB (docs/performance.md).
DETAILED = 500
CUSTOM = "Custom rules of the policy"


@dataclass(frozen=True, slots=True)
class ShownFinding:
    """One finding as the page shows it."""

    rule: str
    severity: str
    message: str
    line: int
    column: int
    hint: str | None
    excerpt: str | None
    related: tuple[str, ...]


@dataclass(slots=True)
class CampaignEntry:
    """One campaign file: what it says it is for, and what was found in it."""

    path: str
    fields: dict[str, str]
    status: str  # failing, warnings, clean
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    findings: list[ShownFinding] = field(default_factory=list)
    more: int = 0
    # Shown in full (see DETAILED); otherwise one row with ``marks``.
    detailed: bool = True
    # (rule, line, severity) of each finding, for a campaign shown as one row.
    marks: list[tuple[str, int, str]] = field(default_factory=list)
    # The file and its findings, until the page knows how much of it to show.
    source: SourceFile | None = field(default=None, repr=False)
    found: list[Finding] = field(default_factory=list, repr=False)


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """A rule that has findings in the report, with its explanation (Markdown)."""

    id: str
    name: str
    summary: str
    markdown: str
    count: int


@dataclass(slots=True)
class ReportData:
    """The whole page."""

    title: str
    today: str
    fail_on: str
    profile: str
    policy_files: list[str]
    campaigns: list[CampaignEntry]
    totals: dict[str, int]
    by_principle: list[tuple[str, int]]
    by_family: list[tuple[str, int]]
    rules: list[RuleEntry]
    channels: list[dict[str, str]]
    custom_rules: list[dict[str, str]]
    effective_policy: str
    elsewhere: list[ShownFinding]
    personas: list[dict[str, Any]] = field(default_factory=list)
    # Campaigns no persona received, with why (``simulate``'s ``not_received``).
    unreached: list[str] = field(default_factory=list)


def headed(settings: Settings, title: str) -> ReportData:
    """A page with its heading (the run's date, profile and policy) and nothing else yet."""
    return ReportData(
        title=title,
        today=settings.today.isoformat(),
        fail_on=str(settings.fail_on),
        profile=settings.profile,
        policy_files=list(settings.layered.files) if settings.layered else [],
        campaigns=[],
        totals={},
        by_principle=[],
        by_family=[],
        rules=[],
        channels=[],
        custom_rules=[],
        effective_policy="",
        elsewhere=[],
    )


def build(
    settings: Settings,
    files: Sequence[SourceFile],
    report: Report,
    effective_policy: str,
    title: str = "campaign-lint report",
) -> ReportData:
    """The page's data for one lint run over ``files``."""
    fail_rank = settings.fail_on.rank
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_path[finding.path].append(finding)
    campaigns = [_campaign(source, by_path.pop(source.display, []), fail_rank) for source in files]
    # Findings on files that are not campaigns of the run (the policy file's own).
    elsewhere = [_shown(finding, report) for path in sorted(by_path) for finding in by_path[path]]
    order = {"failing": 0, "warnings": 1, "clean": 2}
    campaigns.sort(key=lambda c: (order[c.status], -c.errors, -c.warnings, -c.infos, c.path))
    for entry in campaigns[:DETAILED]:
        _in_full(entry, report)
    for entry in campaigns[DETAILED:]:
        _one_row(entry)
    totals = Counter(entry.status for entry in campaigns)
    rule_counts = Counter(finding.rule for finding in report.findings)
    page = headed(settings, title)
    page.campaigns = campaigns
    page.totals = {
        "campaigns": len(campaigns),
        "failing": totals["failing"],
        "warnings": totals["warnings"],
        "clean": totals["clean"],
        "findings": len(report.findings),
    }
    page.by_principle = _grouped(report.findings, _principle)
    page.by_family = _grouped(report.findings, _family)
    page.rules = [_rule(rule_id, count, settings) for rule_id, count in sorted(rule_counts.items())]
    page.channels = _channels(settings)
    page.custom_rules = [
        {"id": rule.id, "severity": str(rule.severity), "description": rule.description or ""}
        for rule in settings.custom_rules
    ]
    page.effective_policy = effective_policy
    page.elsewhere = elsewhere
    return page


def _campaign(source: SourceFile, findings: list[Finding], fail_rank: int) -> CampaignEntry:
    """The campaign's status and counts; what is shown of it is filled in once its place is known."""
    severities = Counter(finding.severity for finding in findings)
    failing = any(finding.severity.rank >= fail_rank for finding in findings)
    findings.sort(key=lambda f: (-f.severity.rank, f.span.line, f.span.column, f.rule))
    return CampaignEntry(
        path=source.display,
        fields={},
        status="failing" if failing else "warnings" if findings else "clean",
        errors=severities[Severity.ERROR],
        warnings=severities[Severity.WARNING],
        infos=severities[Severity.INFO],
        more=max(0, len(findings) - FINDINGS_SHOWN),
        source=source,
        found=findings,
    )


def _in_full(entry: CampaignEntry, report: Report) -> None:
    """Show ``entry`` in full: its own words and each finding with excerpt and hint."""
    assert entry.source is not None
    entry.fields = _quoted_fields(entry.source)
    entry.findings = [_shown(finding, report) for finding in entry.found[:FINDINGS_SHOWN]]
    entry.source, entry.found = None, []


def _one_row(entry: CampaignEntry) -> None:
    """Show ``entry`` as one row: its findings' rule IDs and lines instead of the findings."""
    entry.detailed = False
    entry.marks = [
        (finding.rule, finding.span.line, str(finding.severity)) for finding in entry.found[:FINDINGS_SHOWN]
    ]


def _quoted_fields(source: SourceFile) -> dict[str, str]:
    """The campaign's own words (id, purpose, customer value...), or nothing for an unreadable file.

    Read as the lint reads it: a file that leaves the repository is never
    opened, size and structure limits hold (``SourceFile.read``, ``yamlload``).
    """
    if source.outside:
        return {}
    try:
        loaded = yamlload.load(yamlload.decode(source.read())).data
    except (OSError, yamlload.YamlProblem, RecursionError):
        return {}
    if not isinstance(loaded, Mapping):
        return {}
    return {key: str(loaded[key]) for key in _QUOTED if isinstance(loaded.get(key), str | int | float)}


def _shown(finding: Finding, report: Report) -> ShownFinding:
    excerpt = report.sources.get(finding.path, {}).get(finding.span.line)
    related = tuple(f"{r.path}:{r.line}: {r.message}" for r in finding.related)
    if finding.related_omitted:
        related += (f"... and {finding.related_omitted} more",)
    return ShownFinding(
        rule=finding.rule,
        severity=str(finding.severity),
        message=finding.message,
        line=finding.span.line,
        column=finding.span.column,
        hint=finding.hint,
        excerpt=excerpt,
        related=related,
    )


def _principle(rule_id: str) -> str:
    rule = RULES_BY_ID.get(rule_id)
    return rule.principle if rule is not None else CUSTOM


def _family(rule_id: str) -> str:
    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        return CUSTOM
    family = rule.family()
    return f"{family}: {FAMILY_NAMES.get(family, family)}"


def _grouped(findings: Iterable[Finding], key: Any) -> list[tuple[str, int]]:
    counts = Counter(key(finding.rule) for finding in findings)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _rule(rule_id: str, count: int, settings: Settings) -> RuleEntry:
    from campaign_lint.cli.ruledocs import explain_markdown

    rule = RULES_BY_ID.get(rule_id)
    if rule is not None:
        doc = rule.doc()
        return RuleEntry(rule_id, rule.name, doc.summary, explain_markdown(rule), count)
    custom = {entry.id: entry for entry in settings.custom_rules}.get(rule_id)
    text = (custom.description or "") if custom is not None else ""
    return RuleEntry(rule_id, "custom rule", text, text, count)


def _channels(settings: Settings) -> list[dict[str, str]]:
    """Caps, consent and quiet hours per channel, with where each comes from."""
    rows = []
    for channel, policy in settings.view.channels.items():
        dumped = policy.model_dump(mode="json")
        cap = dumped.get("cap")
        rows.append(
            {
                "channel": str(channel),
                "cap": f"{cap['max']} per {cap['per']}" if isinstance(cap, dict) else "none",
                "consent": ", ".join(dumped.get("consent") or []) or "any",
                "hours": _hours(dumped),
                "source": _origin(settings, ("channels", str(channel))),
            }
        )
    return rows


def _hours(dumped: Mapping[str, Any]) -> str:
    window = dumped.get("send_window")
    if isinstance(window, dict) and window.get("start") and window.get("end"):
        return f"{window['start']}-{window['end']}"
    return "any time"


def _origin(settings: Settings, path: tuple[str, ...]) -> str:
    layered = settings.layered
    origin = layered.values.get(path) if layered else None
    return str(origin) if origin else "built-in default"
