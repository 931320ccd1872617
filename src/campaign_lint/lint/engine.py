"""The lint engine: files in, sorted positioned findings out.

Per file (in worker processes when there are many): read, parse with
positions (SPEC001), validate against the campaign schema (SPEC002), run the
per-campaign rules, the organisation's schema constraints (SPEC005) and
custom rules. Then the portfolio rules see every valid campaign at once, and
inline suppressions and policy exceptions are applied. Nothing here prints.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pathspec
from pydantic import ValidationError

from campaign_lint.core import yamlload
from campaign_lint.core.findings import Finding, Related, Severity, Span, Violation
from campaign_lint.core.pickling import by_fields
from campaign_lint.core.suggest import did_you_mean
from campaign_lint.lint import suppressions, waivers
from campaign_lint.lint.config import RuleSetting, Settings
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.report import Report, Results, lines_of, narrow
from campaign_lint.policies.base import (
    PORTFOLIO_FIELDS,
    CampaignRecord,
    CampaignRule,
    PortfolioRule,
    PortfolioViolation,
    RuleContext,
    portfolio_view,
)
from campaign_lint.policies.registry import RULES, RULES_BY_ID
from campaign_lint.schemas.base import strip_extensions
from campaign_lint.schemas.campaign import Campaign
from campaign_lint.schemas.messages import describe_errors

if TYPE_CHECKING:
    from campaign_lint.lint.cache import Cache

MAX_FILE_BYTES = 4 * 1024 * 1024
# Below this many files a process pool costs more than it saves.
PARALLEL_MIN_FILES = 400

__all__ = ["Engine", "Report"]


@dataclass(slots=True)
class FileOutcome:
    """What linting one file produced (small: it may cross a process boundary)."""

    findings: list[Finding]
    record: CampaignRecord | None
    lines: dict[int, str]
    comments: list[suppressions.Suppression]
    overrides: tuple[int, ...] = ()
    # Digest of the bytes linted (the cache's key); None when the file could not be read.
    content: bytes | None = None
    # From the cache: ``record`` pickled, unpickled only if the portfolio rules must run again.
    record_blob: bytes | None = None

    __reduce__ = by_fields


CampaignRules = list[tuple[CampaignRule, RuleContext, Severity]]


class Engine:
    """Runs the enabled rules of ``settings`` over files."""

    def __init__(self, settings: Settings, cache: Cache | None = None) -> None:
        self.settings = settings
        self.cache = cache
        # Set for each run: the content digest is the cache's key, made only when there is a cache.
        self._digest: Callable[[bytes], bytes] | None = None
        # Whether outcomes carry the source lines their findings point at (``Report.sources``):
        # only the text report shows them, and the cache and replay record keep them.
        self.collect_lines = True
        self._rule_sets: dict[tuple[int, ...], tuple[dict[str, RuleSetting], CampaignRules]] = {}
        self.campaign_rules = self._campaign_rules(settings.rules)
        self.portfolio_rules = [
            (rule(), RuleContext(settings, settings.rules[rule.id].options), settings.rules[rule.id].severity)
            for rule in RULES
            if rule.id in settings.rules and issubclass(rule, PortfolioRule)
        ]
        self._override_specs = [
            pathspec.GitIgnoreSpec.from_lines(override.files) for override in settings.overrides
        ]
        self.custom: Any = None
        if settings.custom_rules:
            from campaign_lint.policies.custom import Evaluator, compile_rules

            compiled = compile_rules(
                settings.custom_rules, lambda path: ":".join(map(str, settings.where(path)))
            )
            self.custom = Evaluator(compiled, _policy_data(settings))
        self.constraints: Any = None
        if settings.schema is not None:
            from campaign_lint.policies.constraints import SchemaConstraints

            self.constraints = SchemaConstraints(
                settings.schema, lambda path: ":".join(map(str, settings.where(path)))
            )

    def _campaign_rules(self, rules: dict[str, RuleSetting]) -> CampaignRules:
        return [
            (rule(), RuleContext(self.settings, rules[rule.id].options), rules[rule.id].severity)
            for rule in RULES
            if rule.id in rules and issubclass(rule, CampaignRule)
        ]

    def _rules_for(self, source: SourceFile) -> tuple[tuple[int, ...], dict[str, RuleSetting], CampaignRules]:
        """The rules of one file, after the ``overrides`` that match it."""
        if not self._override_specs:
            return (), self.settings.rules, self.campaign_rules
        relative = _relative(source.path, self.settings.root)
        matched = tuple(
            override.index
            for override, spec in zip(self.settings.overrides, self._override_specs, strict=True)
            if relative is not None and spec.match_file(relative)
        )
        if not matched:
            return (), self.settings.rules, self.campaign_rules
        if matched not in self._rule_sets:
            rules = dict(self.settings.rules)
            for index in matched:
                for rule_id, change in self.settings.overrides[index].rules.items():
                    rule = RULES_BY_ID.get(rule_id)
                    default = rule.severity if rule else Severity.ERROR
                    change.apply(rule_id, rules, default)
            self._rule_sets[matched] = (rules, self._campaign_rules(rules))
        rules, campaign_rules = self._rule_sets[matched]
        return matched, rules, campaign_rules

    def run(
        self,
        files: Sequence[SourceFile],
        jobs: int = 1,
        focus: Collection[str] | None = None,
        progress: Callable[[], None] | None = None,
    ) -> Report:
        """Lint ``files`` (with ``jobs`` processes) and return every finding, sorted.

        The result does not depend on ``jobs``: files are linted independently,
        gathered in input order, and the findings sorted.

        ``focus`` (display paths) narrows what is reported, not what is
        linted: every file feeds the portfolio rules, and a finding is kept
        when it or one of its related locations is in a focused file. This is
        how pre-commit and ``--changed-since`` runs stay correct about
        cross-campaign rules while only reporting on what changed.

        ``progress`` is called once per file as its result arrives.
        """
        started = time.perf_counter()
        results = self.results(files, jobs, progress)
        return narrow(results, focus, time.perf_counter() - started)

    def results(
        self, files: Sequence[SourceFile], jobs: int = 1, progress: Callable[[], None] | None = None
    ) -> Results:
        """Lint ``files`` and return what every one of them produced (``run`` without a focus)."""
        with paused_collector():
            return self._results(files, jobs, progress)

    def _results(
        self, files: Sequence[SourceFile], jobs: int, progress: Callable[[], None] | None
    ) -> Results:
        findings: list[Finding] = []
        records: list[CampaignRecord] = []
        stored: list[bytes] = []
        portfolio_key: list[tuple[str, bytes | None]] = []
        sources: dict[str, dict[int, str]] = {}
        comments: dict[str, list[suppressions.Suppression]] = {}
        used_overrides: set[int] = set()
        for source, outcome in zip(files, self._cached_outcomes(files, jobs), strict=True):
            findings.extend(outcome.findings)
            if outcome.record is not None:
                records.append(outcome.record)
                portfolio_key.append((source.display, outcome.content))
            elif outcome.record_blob is not None:
                stored.append(outcome.record_blob)
                portfolio_key.append((source.display, outcome.content))
            if outcome.lines:
                sources[source.display] = outcome.lines
            if outcome.comments:
                comments[source.display] = outcome.comments
            used_overrides.update(outcome.overrides)
            if progress is not None:
                progress()
        if self.cache is None:
            findings.extend(self.portfolio(records))
        else:
            findings.extend(self.cache.portfolio(portfolio_key, records, stored, self.portfolio))
            del records, stored  # the portfolio rules were their last use: freed before saving
            # Saved before suppressions are applied: they mark comments as used.
            self.cache.forget_missing({source.display for source in files})
            self.cache.save()
        kept, silenced = self._controls(findings, comments, used_overrides)
        return Results(kept, silenced, sources, tuple(source.display for source in files))

    def _cached_outcomes(self, files: Sequence[SourceFile], jobs: int) -> Iterator[FileOutcome]:
        """Outcomes in input order: from the cache when the file is unchanged, else linted."""
        cache = self.cache
        if cache is None:
            yield from self._outcomes(files, jobs)
            return
        known = [cache.lookup(source) for source in files]
        misses = [source for source, outcome in zip(files, known, strict=True) if outcome is None]
        stats = {source.display: _stat(source.location) for source in misses}
        fresh = self._outcomes(misses, jobs)
        for source, outcome in zip(files, known, strict=True):
            if outcome is None:
                outcome = next(fresh)
                cache.store(source, outcome, stats[source.display])
            yield outcome

    def _outcomes(self, files: Sequence[SourceFile], jobs: int) -> Iterator[FileOutcome]:
        digests = self.cache is not None
        if jobs <= 1 or len(files) < PARALLEL_MIN_FILES:
            self.digest_contents(digests)
            yield from map(self.lint_file, files)
            return
        chunk = max(16, min(256, len(files) // (jobs * 8)))
        import multiprocessing  # only runs with many files pay its import

        start = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with multiprocessing.get_context(start).Pool(
            jobs, initializer=_start_worker, initargs=(self.settings, digests, self.collect_lines)
        ) as pool:
            yield from pool.imap(_lint_in_worker, files, chunksize=chunk)

    def _lines(self, text: str, findings: list[Finding]) -> dict[int, str]:
        return lines_of(text, findings) if self.collect_lines else {}

    def digest_contents(self, wanted: bool) -> None:
        """Whether ``lint_file`` digests the bytes it lints (``FileOutcome.content``, the cache's key).

        Only runs with a cache need it; without one, neither the digest
        (blake2b of every file) nor the import of the cache module is paid.
        """
        if wanted:
            from campaign_lint.lint.cache import digest

            self._digest = digest
        else:
            self._digest = None

    def _controls(
        self,
        findings: list[Finding],
        comments: dict[str, list[suppressions.Suppression]],
        used_overrides: set[int],
    ) -> tuple[list[Finding], list[tuple[Finding, str]]]:
        """Apply inline suppressions, then policy exceptions; add POL findings."""
        rules = self.settings.rules
        severity = {
            rule_id: rules[rule_id].severity if rule_id in rules else None
            for rule_id in ("POL001", "POL002", "POL003")
        }
        inline = suppressions.apply(
            findings,
            comments,
            known=self.settings.known_rule_ids(),
            unsuppressible=self.settings.unsuppressible,
            severity=severity["POL003"],
            not_run=self.settings.dropped_by_cli,
        )
        where = {}
        for index in range(len(self.settings.exceptions)):
            path, line, column = self.settings.where(("exceptions", index))
            where[index] = (path, Span(line, column, line, column + 1))
        waived = waivers.apply(
            inline.kept,
            self.settings.exceptions,
            today=self.settings.today,
            where=where,
            pol001=severity["POL001"],
            pol002=severity["POL002"],
            not_run=self.settings.dropped_by_cli,
        )
        kept = [*waived.kept, *inline.problems, *waived.problems, *self._catalogue_findings()]
        if severity["POL002"] is not None:
            for override in self.settings.overrides:
                if override.index not in used_overrides:
                    path, line, column = self.settings.where(("overrides", override.index, "files"))
                    kept.append(
                        Finding(
                            "POL002",
                            severity["POL002"],
                            f"this `overrides` entry ({', '.join(override.files)}) matches no campaign file",
                            path,
                            Span(line, column, line, column + 1),
                            hint="fix the globs or remove the entry",
                        )
                    )
        return kept, [*inline.suppressed, *waived.waived]

    def _catalogue_findings(self) -> list[Finding]:
        """SPEC004 on the policy's event catalogue: an `after:` naming an event it does not list."""
        setting = self.settings.rules.get("SPEC004")
        catalogue = self.settings.events
        if setting is None or not catalogue:
            return []
        found = []
        for name, event in catalogue.items():
            if event.after is None or event.after in catalogue:
                continue
            tip = did_you_mean(event.after, catalogue)
            path, line, column = self.settings.where(("events", name, "after"))
            found.append(
                Finding(
                    "SPEC004",
                    setting.severity,
                    f"`{name}` comes after `{event.after}`, which is not an event of the catalogue{tip}",
                    path,
                    Span(line, column, line, column + len(event.after)),
                    hint="name an event listed under `events:`, or add it there",
                )
            )
        return found

    def _file_finding(
        self, rule: str, source: SourceFile, span: Span, message: str, hint: str | None
    ) -> list[Finding]:
        setting = self.settings.rules.get(rule)
        if setting is None:
            return []
        return [Finding(rule, setting.severity, message, source.display, span, hint=hint)]

    def lint_file(self, source: SourceFile) -> FileOutcome:
        """Lint one file: parse, validate, per-campaign rules."""
        try:
            return self._lint_file(source)
        except Exception as exc:
            # Survives pickling from a worker; main() names the file in its bug message.
            exc.add_note(f"while checking {source.display}")
            raise

    def _lint_file(self, source: SourceFile) -> FileOutcome:
        try:
            raw = source.read()
        except OSError as exc:
            message = f"cannot read the file ({exc.strerror or type(exc).__name__})"
            return FileOutcome(
                self._file_finding("SPEC001", source, Span(1, 1, 1, 1), message, None), None, {}, []
            )
        outcome = self._lint_bytes(source, raw)
        if self._digest is not None:
            outcome.content = self._digest(raw)
        return outcome

    def _lint_bytes(self, source: SourceFile, raw: bytes) -> FileOutcome:
        if len(raw) > MAX_FILE_BYTES:
            message = f"the file is {len(raw) // 1024} KiB; campaign files are limited to {MAX_FILE_BYTES // 1024} KiB"
            return FileOutcome(
                self._file_finding("SPEC001", source, Span(1, 1, 1, 1), message, None), None, {}, []
            )
        try:
            text = yamlload.decode(raw)
            document = yamlload.load(text)
        except yamlload.YamlProblem as problem:
            found = self._file_finding("SPEC001", source, problem.span, problem.message, problem.hint)
            shown = raw.decode("utf-8", "replace")
            return FileOutcome(found, None, self._lines(shown, found), suppressions.parse(shown))
        comments = suppressions.parse(text)
        data = document.data
        if not isinstance(data, dict):
            kind = "a list" if isinstance(data, list) else "a single value"
            message = f"a campaign file must be a mapping of fields (`key: value`), not {kind}"
            found = self._file_finding("SPEC001", source, document.span(()), message, None)
            return FileOutcome(found, None, self._lines(text, found), comments)
        matched, rules, campaign_rules = self._rules_for(source)
        campaign_id = data.get("id") if isinstance(data.get("id"), str) else None
        try:
            campaign = Campaign.model_validate(
                strip_extensions(data, document.extensions) if document.extensions else data
            )
        except ValidationError as exc:
            findings = []
            if "SPEC002" in rules:
                for violation in describe_errors(exc.errors(), data, Campaign, "campaign"):
                    findings.append(
                        _finding(
                            "SPEC002", rules["SPEC002"].severity, violation, source, document, campaign_id
                        )
                    )
            return FileOutcome(findings, None, self._lines(text, findings), comments, matched)
        findings = []
        for rule, ctx, severity in campaign_rules:
            for violation in rule.check(campaign, ctx):
                findings.append(_finding(rule.id, severity, violation, source, document, campaign.id))
        if self.constraints is not None and "SPEC005" in rules:
            for violation in self.constraints.check(data):
                findings.append(
                    _finding("SPEC005", rules["SPEC005"].severity, violation, source, document, campaign.id)
                )
        if self.custom is not None:
            for custom_rule, violation in self.custom.check(data):
                if custom_rule.id in rules:
                    severity = rules[custom_rule.id].severity
                    findings.append(
                        _finding(custom_rule.id, severity, violation, source, document, campaign.id)
                    )
        record = portfolio_view(source.display, campaign, document.top_level_spans(PORTFOLIO_FIELDS))
        return FileOutcome(findings, record, self._lines(text, findings), comments, matched)

    def portfolio(self, records: Sequence[CampaignRecord]) -> list[Finding]:
        """Run the cross-campaign rules over every valid campaign."""
        ordered = sorted(records, key=lambda record: record.path)
        findings: list[Finding] = []
        for rule, ctx, severity in self.portfolio_rules:
            try:
                for violation in rule.check(ordered, ctx):
                    findings.append(_portfolio_finding(rule.id, severity, violation))
            except Exception as exc:
                exc.add_note(f"while checking the portfolio ({rule.id})")
                raise
        return findings


@contextlib.contextmanager
def paused_collector() -> Iterator[None]:
    """Pause the cyclic garbage collector for a run (restored afterwards).

    A run allocates millions of short-lived, acyclic objects (parsing) and
    keeps tens of thousands of long-lived ones (records, findings); reference
    counting frees the former, while the cyclic collector would rescan the
    latter again and again: a third of a 10,000-file run. The few cycles a
    run makes are collected once the collector is back.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


_WORKER: Engine | None = None


def _start_worker(settings: Settings, digests: bool, collect_lines: bool) -> None:
    global _WORKER
    gc.disable()  # see Engine.run
    _WORKER = Engine(settings)
    _WORKER.digest_contents(digests)
    _WORKER.collect_lines = collect_lines


def _lint_in_worker(source: SourceFile) -> FileOutcome:
    assert _WORKER is not None
    return _WORKER.lint_file(source)


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside the root, or a symlink loop
        return None


def _policy_data(settings: Settings) -> dict[str, Any]:
    """The effective policy as plain data, for custom rules (``policy`` in CEL)."""
    data: dict[str, Any] = settings.policy.model_dump(mode="json", by_alias=True, exclude={"custom_rules"})
    data["channels"] = {
        str(channel): policy.model_dump(mode="json") for channel, policy in settings.channels.items()
    }
    data["profile"] = settings.profile
    return data


def _finding(
    rule_id: str,
    severity: Severity,
    violation: Violation,
    source: SourceFile,
    document: yamlload.Document,
    campaign_id: str | None,
) -> Finding:
    span = document.span(violation.path, key=violation.key)
    return Finding(
        rule_id,
        severity,
        violation.message,
        source.display,
        span,
        campaign_id,
        violation.hint,
        yaml_path=violation.path,
    )


def _portfolio_finding(rule_id: str, severity: Severity, violation: PortfolioViolation) -> Finding:
    at = violation.at
    related = tuple(
        Related(p.record.path, p.record.span(p.path).line, p.record.span(p.path).column, p.message)
        for p in violation.related
    )
    return Finding(
        rule_id,
        severity,
        violation.message,
        at.record.path,
        at.record.span(at.path),
        at.record.id,
        violation.hint,
        related,
        at.path,
    )
