"""Baselines: today's findings, recorded so that a run fails only on new ones.

An entry is keyed on what a finding means, not where it happens to sit: the
rule, the campaign id (or, for a finding with no campaign, the file's path
from the policy folder) and the YAML path it points at. Line numbers and
messages (which carry numbers such as "7 per 7 days") are left out, so moving
lines or a count changing from 7 to 8 does not bring a baselined finding back.
A ``count`` holds several findings with the same key; a run absorbs at most
that many, so one more of the same kind is reported.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from campaign_lint import __version__
from campaign_lint.core.errors import UsageError
from campaign_lint.core.files import MIB, escapes, read_regular
from campaign_lint.core.findings import Finding, YamlPath
from campaign_lint.lint.report import Report

FORMAT_VERSION = 1
DEFAULT_FILE = ".campaign-lint-baseline.json"
# The largest baseline read: about 150 bytes an entry, so some 400,000 findings.
MAX_BYTES = 64 * MIB
_PLAIN_KEY = re.compile(r"^[^.\[\]\"]+$")


@dataclass(frozen=True, order=True, slots=True)
class Key:
    """What a finding means: rule, campaign id or file path, YAML path."""

    campaign: str | None
    path: str | None
    rule: str
    yaml_path: str


@dataclass(frozen=True, slots=True)
class Baseline:
    """Recorded findings: how many of each key."""

    counts: Mapping[Key, int]

    def total(self) -> int:
        """Number of findings recorded."""
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Update:
    """The result of ``update``: the new baseline and what changed."""

    baseline: Baseline
    removed: int
    added: int
    # New findings left out of the baseline (``accept_new`` was not given).
    new: int


def yaml_path_text(path: YamlPath) -> str:
    """``("frequency", "max")`` as ``frequency.max``; list items as ``[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


def key_of(finding: Finding, root: Path) -> Key:
    """The baseline key of ``finding``; ``root`` is the policy folder paths are relative to."""
    if finding.campaign is not None:
        return Key(finding.campaign, None, finding.rule, yaml_path_text(finding.yaml_path))
    return Key(None, _from_root(finding.path, root), finding.rule, yaml_path_text(finding.yaml_path))


def _from_root(display: str, root: Path) -> str:
    """A finding's path (relative to the working folder) relative to ``root``, with ``/``."""
    path = Path(display)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside the policy folder
        return path.as_posix()


def from_findings(findings: Iterable[Finding], root: Path) -> Baseline:
    """A baseline recording ``findings``."""
    return Baseline(dict(Counter(key_of(finding, root) for finding in findings)))


def dumps(baseline: Baseline) -> str:
    """The baseline file: JSON, sorted, one entry per line, same input same bytes."""
    entries = [
        {
            "campaign": key.campaign,
            "path": key.path,
            "rule": key.rule,
            "yaml_path": key.yaml_path,
            "count": count,
        }
        for key, count in sorted(baseline.counts.items(), key=lambda item: _sort_key(item[0]))
    ]
    tool = {"name": "campaign-lint", "version": __version__}
    body = ",\n".join("    " + json.dumps(entry, ensure_ascii=False) for entry in entries)
    findings = f"[\n{body}\n  ]" if body else "[]"
    return (
        f'{{\n  "version": {FORMAT_VERSION},\n  "tool": {json.dumps(tool)},\n  "findings": {findings}\n}}\n'
    )


def _sort_key(key: Key) -> tuple[str, str, str]:
    return (key.campaign or key.path or "", key.rule, key.yaml_path)


def load(path: Path) -> Baseline:
    """Read a baseline file; anything that is not one is a ``UsageError`` (one line, exit 2).

    Only a regular file of at most ``MAX_BYTES`` inside the repository is
    read: a FIFO would wait forever, a link out of the repository could show
    another file's values in the error. JSON nested too deeply for the parser
    (``[`` a hundred thousand times) is not a baseline either.
    """
    if os.path.lexists(path) and escapes(str(path)):
        raise UsageError(
            f"{path}: the baseline is a symbolic link that points outside the repository; "
            "campaign-lint does not read it (recreate it with `campaign-lint baseline create`)"
        )
    try:
        text = read_regular(path, MAX_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"{path}: no such baseline; create it with `campaign-lint baseline create {path}`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise UsageError(f"{path}: cannot read the baseline ({reason})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}:{exc.lineno}:{exc.colno}: not a campaign-lint baseline (invalid JSON: {exc.msg}); "
            "recreate it with `campaign-lint baseline create`"
        ) from None
    except RecursionError:
        raise UsageError(
            f"{path}: not a campaign-lint baseline (JSON nested too deeply); "
            "recreate it with `campaign-lint baseline create`"
        ) from None
    return _parse(path, data)


def _parse(path: Path, data: Any) -> Baseline:
    def broken(what: str) -> UsageError:
        return UsageError(
            f"{path}: not a campaign-lint baseline ({what}); recreate it with `campaign-lint baseline create`"
        )

    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise broken("expected an object with a `findings` list")
    if data.get("version") != FORMAT_VERSION:
        version = repr(data.get("version"))
        version = version if len(version) <= 40 else version[:37] + "..."  # a value of the file: kept short
        raise broken(f"format version {version}; this campaign-lint reads {FORMAT_VERSION}")
    counts: Counter[Key] = Counter()
    for index, entry in enumerate(data["findings"], start=1):
        problem = _problem(entry)
        if problem is not None:
            raise broken(f"finding {index}: {problem}")
        counts[Key(entry.get("campaign"), entry.get("path"), entry["rule"], entry["yaml_path"])] += entry[
            "count"
        ]
    return Baseline(dict(counts))


def _problem(entry: Any) -> str | None:
    """What is wrong with one entry of the file, or None."""
    if not isinstance(entry, dict):
        return "not an object"
    rule, yaml_path, count = entry.get("rule"), entry.get("yaml_path"), entry.get("count")
    campaign, path = entry.get("campaign"), entry.get("path")
    if not isinstance(rule, str) or not rule:
        return "`rule` must be a rule ID"
    if not isinstance(yaml_path, str):
        return "`yaml_path` must be a string"
    if type(count) is not int or count < 1:
        return "`count` must be a whole number of at least 1"
    if not ((isinstance(campaign, str) and path is None) or (campaign is None and isinstance(path, str))):
        return "give exactly one of `campaign` and `path`"
    return None


def apply(report: Report, baseline: Baseline, root: Path) -> Report:
    """``report`` without the findings the baseline still has room for.

    Findings are taken in report order (path, line, column, rule), so the same
    input absorbs the same findings. ``report.baselined`` counts what was absorbed.
    """
    left = Counter(baseline.counts)
    kept: list[Finding] = []
    for finding in report.findings:
        key = key_of(finding, root)
        if left[key] > 0:
            left[key] -= 1
        else:
            kept.append(finding)
    return report.replace(findings=kept, baselined=len(report.findings) - len(kept))


def update(old: Baseline, findings: Iterable[Finding], root: Path, *, accept_new: bool) -> Update:
    """Drop what was fixed from ``old``; add new findings only when ``accept_new``."""
    current = Counter(key_of(finding, root) for finding in findings)
    kept = {key: min(count, current[key]) for key, count in old.counts.items() if current[key] > 0}
    removed = old.total() - sum(kept.values())
    new_counts = {key: count - kept.get(key, 0) for key, count in current.items() if count > kept.get(key, 0)}
    new = sum(new_counts.values())
    if accept_new:
        return Update(Baseline(dict(current)), removed, new, 0)
    return Update(Baseline(kept), removed, 0, new)
