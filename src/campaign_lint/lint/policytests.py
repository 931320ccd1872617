"""Policy tests: the cases of ``*.test.yaml`` files, run against the policy they name.

Compliance leads unit-test their policy as with conftest ``verify`` or
``kyverno test`` (docs/policy-tests.md has the full format)::

    policy: ../campaign-lint.yaml   # relative to the test file, or the policy inline
    today: 2026-11-22               # optional: the date exceptions are judged by
    cases:
      - name: review request waits for delivery
        campaigns: {review.yaml: ...}   # inline fixtures: file name -> YAML text
        files: [../campaigns/flash-sale-sms-blast.yaml] # referenced, relative to the test file
        select: [TIM, FRQ002]           # optional: compare only these rules' findings
        expect: [{rule: TIM001, file: review.yaml, line: 9}]   # every finding, exactly

A case's fixtures go to a fresh temporary folder as ``campaigns/<name>`` (a
referenced file inside the policy's folder keeps its path there, so
``exclude`` and ``overrides`` see it as in the repository) and are linted
together, as if named on the command line with ``--config POLICY``; the
folder stands in for the policy's folder. An inline policy is written to a
temporary ``campaign-lint.yaml`` and loaded the same way; its errors and
findings point at its lines in the test file.

An expectation fits a finding of its rule with, when given, the same file
(name under ``campaigns/`` or base name), line, column, and a message
containing ``message``. Each takes one finding (a maximum matching); a case
passes when every expectation has its finding and no finding is left over.
A case with ``select`` runs the whole policy as usual, but only the findings
of the selected rules count (a policy-level POL002 elsewhere is not its
business).
Every test file is checked before any case runs; an invalid one raises
``PolicyTestError`` (exit 2). Nothing here prints.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from campaign_lint.core import yamlload
from campaign_lint.core.errors import PolicyError, UsageError
from campaign_lint.core.files import MIB, Unreadable, escapes, read_regular
from campaign_lint.core.findings import Finding, Violation, YamlPath
from campaign_lint.core.suggest import did_you_mean
from campaign_lint.lint.config import Settings, load_settings
from campaign_lint.lint.discovery import display_path
from campaign_lint.lint.fixtures import OUTSIDE, Fixtures, case_fixtures, contained
from campaign_lint.lint.session import Session
from campaign_lint.lint.targets import Targets
from campaign_lint.schemas.messages import describe_errors
from campaign_lint.schemas.policytest import Case, Expectation, PolicyTestFile

TEST_SUFFIXES = (".test.yaml", ".test.yml")
_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv"})
_PROBLEM = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$")


class PolicyTestError(PolicyError):
    """A policy test file is invalid; each problem is one ``path:line:col: message`` line."""


@dataclass(frozen=True, slots=True)
class Actual:
    """A finding as a case reports it: the fixture's name instead of a temporary path."""

    rule: str
    file: str
    line: int
    column: int
    severity: str
    message: str


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one case: which expectations found their finding, and what is left."""

    name: str
    matched: tuple[tuple[Expectation, Actual], ...]
    missing: tuple[Expectation, ...]
    unexpected: tuple[Actual, ...]
    seconds: float

    @property
    def passed(self) -> bool:
        """Every expectation matched and every finding was expected."""
        return not self.missing and not self.unexpected


@dataclass(frozen=True, slots=True)
class SuiteResult:
    """The outcome of one test file; ``path`` is as users see it."""

    path: str
    cases: tuple[CaseResult, ...]

    @property
    def failures(self) -> int:
        """Number of failed cases."""
        return sum(1 for case in self.cases if not case.passed)


@dataclass(frozen=True, slots=True)
class _Inline:
    """An inline policy's temporary file, and where its text sits in the test file (0-based)."""

    path: Path
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class _Suite:
    path: str
    settings: Settings
    inline: _Inline | None  # where an inline policy's lines are
    # Each case, its fixtures, and the rules it compares (``select``; None: all).
    cases: tuple[tuple[Case, Fixtures, frozenset[str] | None], ...]


# The largest test file read (fixtures inline included).
MAX_TEST_FILE = 4 * MIB


def find_test_files(target: Path, *, allow_empty: bool = False) -> list[Path]:
    """The test files under ``target`` (or ``target`` itself when it is a file), sorted.

    None found is a usage error (nothing was tested), unless ``allow_empty``.
    """
    if not target.exists():
        raise UsageError(f"{target}: no such file or directory")
    if target.is_file():
        return [target]
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(target):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")]
        found.extend(Path(directory, name) for name in filenames if name.endswith(TEST_SUFFIXES))
    if not found and not allow_empty:
        raise UsageError(
            f"no policy test files (*.test.yaml) found in {target}; nothing was tested "
            "(see docs/policy-tests.md for the format)"
        )
    return sorted(found, key=lambda path: path.as_posix())


def run_tests(target: Path) -> list[SuiteResult]:
    """Load every test file under ``target``, then run every case."""
    paths = find_test_files(target)
    with tempfile.TemporaryDirectory(prefix="campaign-lint-test-") as scratch:
        work = Path(scratch).resolve()
        suites = [_load(path, work / f"policy-{index}") for index, path in enumerate(paths)]
        results = []
        for number, suite in enumerate(suites):
            cases = tuple(
                _run_case(suite, case, fixtures, selected, work / f"case-{number}-{index}")
                for index, (case, fixtures, selected) in enumerate(suite.cases)
            )
            results.append(SuiteResult(suite.path, cases))
    return results


def _load(path: Path, scratch: Path) -> _Suite:
    shown = display_path(path)
    try:
        # A test file is written by anyone with commit access: a regular file
        # inside the repository, bounded, never a link that leads out of it.
        if escapes(str(path)):
            raise Unreadable("it is a symbolic link that points outside the repository")
        text = yamlload.decode(read_regular(path, MAX_TEST_FILE))
        document = yamlload.load(text)
    except OSError as exc:
        raise PolicyTestError([f"{shown}:1:1: cannot read the file ({exc.strerror})"]) from None
    except yamlload.YamlProblem as problem:
        span = problem.span
        raise PolicyTestError([f"{shown}:{span.line}:{span.column}: {problem.message}"]) from None

    def where(at: YamlPath, *, key: bool = False) -> str:
        span = document.span(at, key=key)
        return f"{shown}:{span.line}:{span.column}"

    if not isinstance(document.data, dict):
        raise PolicyTestError([f"{where(())}: a policy test file is a mapping with `policy:` and `cases:`"])
    try:
        spec = PolicyTestFile.model_validate(document.data)
    except ValidationError as exc:
        violations = describe_errors(exc.errors(), document.data, PolicyTestFile, "policy test")
        raise PolicyTestError([f"{where(v.path, key=v.key)}: {_reword(v)}" for v in violations]) from None
    if not spec.cases:
        raise PolicyTestError([f"{where(('cases',))}: `cases` is empty; add at least one case"])
    if isinstance(spec.policy, str):
        settings, inline = _referenced(spec, path.parent, where(("policy",))), None
    else:
        settings, inline = _inline(spec, document, text, scratch, shown)
    problems: list[str] = []
    known = settings.known_rule_ids()
    policy_root = settings.root.resolve() if inline is None else None
    cases = []
    names: set[str] = set()
    for index, case in enumerate(spec.cases):
        if case.name in names:
            problems.append(f"{where(('cases', index, 'name'))}: a second case named `{case.name}`")
        names.add(case.name)
        fixtures = case_fixtures(case, index, path.parent, policy_root, where, problems)
        selected = _selected(case, index, known, where, problems)
        for number, expected in enumerate(case.expect):
            at = where(("cases", index, "expect", number, "rule"))
            if expected.rule not in known:
                tip = did_you_mean(expected.rule.upper(), known, "; see `campaign-lint rules`")
                problems.append(f"{at}: `{expected.rule}` is not a rule{tip}")
            elif selected is not None and expected.rule not in selected:
                problems.append(
                    f"{at}: `{expected.rule}` is not among the rules this case selects "
                    f"({', '.join(case.select)}), so it can never be found; add it to `select`"
                )
        cases.append((case, fixtures, selected))
    if problems:
        raise PolicyTestError(problems)
    return _Suite(shown, settings, inline, tuple(cases))


def _selected(
    case: Case, index: int, known: frozenset[str], where: Callable[..., str], problems: list[str]
) -> frozenset[str] | None:
    """The rule IDs a case's ``select`` names (families expanded); None without ``select``."""
    if not case.select:
        return None
    chosen: set[str] = set()
    for number, entry in enumerate(case.select):
        token = entry.strip().upper()
        matches = {rule for rule in known if token in (rule, rule.rstrip("0123456789"))}
        if not matches:
            families = {rule.rstrip("0123456789") for rule in known}
            tip = did_you_mean(token, known | families, "; give rule IDs or families, like TIM or FRQ002")
            problems.append(
                f"{where(('cases', index, 'select', number))}: `{entry}` is not a rule or family{tip}"
            )
        chosen |= matches
    return frozenset(chosen)


def _reword(violation: Violation) -> str:
    if violation.path == ("policy",) and "missing" not in violation.message:
        return "`policy` must be the path of a policy file, or the policy itself as a mapping"
    return violation.message


def _referenced(spec: PolicyTestFile, base: Path, where: str) -> Settings:
    """Load the policy file under test, as ``--config`` would."""
    if contained(base, str(spec.policy)) is None:
        raise PolicyTestError([f"{where}: `{spec.policy}` {OUTSIDE}"])
    policy = base / str(spec.policy)
    if not policy.is_file():
        raise PolicyTestError(
            [f"{where}: policy file `{spec.policy}` not found (paths are relative to the test file)"]
        )
    return load_settings(policy, policy.parent, today=spec.today)


def _inline(
    spec: PolicyTestFile, document: yamlload.Document, text: str, scratch: Path, shown: str
) -> tuple[Settings, _Inline]:
    """Write the inline policy's own lines of the test file to a temporary file, and load it."""
    node = document.values[("policy",)]
    start = node.start_mark
    inline = _Inline(scratch / "campaign-lint.yaml", start.line, start.column)
    lines = text[start.index - start.column : node.end_mark.index].split("\n")
    # Lines lose the mapping's indentation; a less indented line is a comment.
    kept = [lines[0][start.column :]]
    kept += [
        line[start.column :] if not line[: start.column].strip() else line.lstrip() for line in lines[1:]
    ]
    source = "\n".join(kept) + "\n"
    try:
        alone = yamlload.load(source).data == spec.policy
    except yamlload.YamlProblem:
        alone = False
    if not alone:
        raise PolicyTestError(
            [
                f"{shown}:{start.line + 1}:{start.column + 1}: the inline policy cannot be read on its own "
                "(an alias of an anchor outside it?); move it to a policy file"
            ]
        )
    scratch.mkdir(parents=True)
    inline.path.write_text(source, encoding="utf-8")
    try:
        return load_settings(inline.path, scratch, today=spec.today), inline
    except PolicyError as exc:
        raise PolicyTestError([_relocate(problem, inline, shown) for problem in exc.problems]) from None


def _relocate(problem: str, inline: _Inline, shown: str) -> str:
    """A problem in the temporary policy file, at its place in the test file."""
    found = _PROBLEM.match(problem)
    if found is None or Path(os.path.abspath(found["path"])) != inline.path:
        return problem
    line, column = int(found["line"]) + inline.line, int(found["column"]) + inline.column
    return f"{shown}:{line}:{column}: {found['message']}"


def _run_case(
    suite: _Suite, case: Case, fixtures: Fixtures, selected: frozenset[str] | None, folder: Path
) -> CaseResult:
    started = time.perf_counter()
    for target, content in fixtures.items():
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        (folder / target).write_bytes(content)
    session = Session(suite.settings.replace(root=folder, today=case.today or suite.settings.today))
    try:
        targets = session.targets([folder / target for target in fixtures])
    except UsageError:  # the policy excludes every fixture: nothing is linted
        targets = Targets([], None)
    found = session.run(targets).report().findings
    actual = [_actual(f, folder, suite) for f in found if selected is None or f.rule in selected]
    matched, missing, unexpected = match(case.expect, actual)
    return CaseResult(case.name, matched, missing, unexpected, time.perf_counter() - started)


def _actual(finding: Finding, folder: Path, suite: _Suite) -> Actual:
    """Name a fixture by its place under ``campaigns/``, other files (the policy) by base name."""
    absolute = Path(os.path.abspath(finding.path))
    file, line, column = absolute.name, finding.span.line, finding.span.column
    if absolute.is_relative_to(folder):
        file = absolute.relative_to(folder).as_posix().removeprefix("campaigns/")
    elif suite.inline is not None and absolute == suite.inline.path:
        file, line, column = suite.path, line + suite.inline.line, column + suite.inline.column
    return Actual(finding.rule, file, line, column, str(finding.severity), finding.message)


def fits(expected: Expectation, actual: Actual) -> bool:
    """Whether ``actual`` is a finding ``expected`` describes."""
    return (
        expected.rule == actual.rule
        and (expected.file is None or expected.file in (actual.file, PurePosixPath(actual.file).name))
        and (expected.line is None or expected.line == actual.line)
        and (expected.column is None or expected.column == actual.column)
        and (expected.message is None or expected.message in actual.message)
    )


def match(
    expected: list[Expectation], actual: list[Actual]
) -> tuple[tuple[tuple[Expectation, Actual], ...], tuple[Expectation, ...], tuple[Actual, ...]]:
    """Pair expectations with findings, as many as possible: (matched, missing, unexpected).

    A maximum bipartite matching (augmenting paths), so a loose expectation
    listed first cannot take the finding a precise one needs.
    """
    candidates = [[i for i, found in enumerate(actual) if fits(wanted, found)] for wanted in expected]
    owner: dict[int, int] = {}  # finding index -> expectation index

    def assign(wanted: int, seen: set[int]) -> bool:
        for found in candidates[wanted]:
            if found not in seen:
                seen.add(found)
                if found not in owner or assign(owner[found], seen):
                    owner[found] = wanted
                    return True
        return False

    for wanted in range(len(expected)):
        assign(wanted, set())
    paired = {wanted: found for found, wanted in owner.items()}
    return (
        tuple((expected[w], actual[paired[w]]) for w in sorted(paired)),
        tuple(e for w, e in enumerate(expected) if w not in paired),
        tuple(a for i, a in enumerate(actual) if i not in owner),
    )
