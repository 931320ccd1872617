"""``check --fix`` and ``--diff``: apply the findings' fixes to each file, one verified fix at a time.

For each file, in rounds (at most ``MAX_ROUNDS``, like ruff): lint its text,
take the first finding (in file order) whose fix is allowed (safe, or unsafe
with ``--unsafe-fixes``) and not silenced, turn the fix into text edits
(``core/yamledit.py``), apply them, and keep the new text only when

- the finding is gone and no finding appears that was not there (a finding
  under the path the fix wrote, or a rule that could not run while the file
  did not match the format, is not new: it was hidden);
- every comment is still there (read with ruamel.yaml, which keeps them).

Otherwise the fix is not applied and is not tried again. A file whose YAML
cannot be read, that uses tags, or whose fix would change an anchored part
or that is reached through a symbolic link is left alone with a note.
Nothing here prints; :func:`write` replaces each changed file atomically.
"""

from __future__ import annotations

import contextlib
import difflib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from campaign_lint.core import yamlload
from campaign_lint.core.edits import Fix, apply_edits
from campaign_lint.core.files import private_beside
from campaign_lint.core.findings import Finding, YamlPath
from campaign_lint.core.fixes import Remedy, Safety
from campaign_lint.core.yamledit import Fragile, plan
from campaign_lint.lint.config import Settings
from campaign_lint.lint.controls import unsilenced
from campaign_lint.lint.discovery import SourceFile
from campaign_lint.lint.pipeline import FilePipeline
from campaign_lint.policies.spec import SPEC001, SPEC002

if TYPE_CHECKING:
    from campaign_lint.lint.celwatch import WatchedRules

# Rounds of lint-and-fix per file before giving up on a fixpoint.
MAX_ROUNDS = 50
_BOM = "\ufeff"


@dataclass(slots=True)
class FileFix:
    """What fixing one file did: its text before and after, the fixes applied, notes for the user."""

    source: SourceFile
    before: str
    after: str
    applied: list[tuple[str, str]] = field(default_factory=list)
    # The remedies applied, in order (what each changed, in YAML terms).
    remedies: list[Remedy] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Fixable findings left: unsafe ones not asked for (``--unsafe-fixes``).
    unsafe_left: int = 0

    @property
    def changed(self) -> bool:
        """Whether the file's text changes."""
        return self.after != self.before


def fix_files(
    settings: Settings, files: list[SourceFile], *, unsafe: bool, writing: bool = False
) -> list[FileFix]:
    """Fix each file's text in memory (nothing is written; see :func:`write`).

    ``writing``: the fixed texts will be written to disk, so a file whose run
    content is not the disk's (the staged blob of the git index) is fixed only
    when the disk holds the same bytes.
    """
    pipeline = FilePipeline(settings)
    pipeline.collect_lines = False
    with contextlib.ExitStack() as stack:
        rules = None
        if pipeline.custom is not None and hasattr(os, "fork"):
            from campaign_lint.lint import celwatch  # custom rules stopped at their deadline, as in check

            pipeline, rules = stack.enter_context(celwatch.watched(pipeline))
        return _fix_files(settings, pipeline, rules, files, unsafe=unsafe, writing=writing)


def _fix_files(
    settings: Settings,
    pipeline: FilePipeline,
    rules: WatchedRules | None,
    files: list[SourceFile],
    *,
    unsafe: bool,
    writing: bool,
) -> list[FileFix]:
    results = []
    for source in files:
        if rules is not None:
            rules.display = source.display
        if source.outside:
            continue
        if os.path.realpath(source.location) != os.path.abspath(source.location):
            # Nothing is written through a symbolic link (SECURITY.md).
            note = "left alone: the file is reached through a symbolic link; fix the file it points to"
            results.append(FileFix(source, "", "", notes=[note]))
            continue
        try:
            raw = source.read()
        except OSError:
            continue  # check reports it
        if writing and source.content is not None and _on_disk(source.location) != source.content:
            note = "left alone: the file on disk is not the staged one; `git add` it first, or fix it without --staged"
            results.append(FileFix(source, "", "", notes=[note]))
            continue
        results.append(Fixer(settings, pipeline, source, unsafe=unsafe).run(raw))
    return results


def _on_disk(location: str) -> bytes | None:
    try:
        return Path(location).read_bytes()
    except OSError:
        return None


class Fixer:
    """The rounds of fixing one file (module docstring)."""

    def __init__(
        self, settings: Settings, pipeline: FilePipeline, source: SourceFile, *, unsafe: bool
    ) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.source = source
        self.unsafe = unsafe
        self.tried: set[tuple[str, YamlPath, str]] = set()

    def findings(self, text: str) -> list[Finding]:
        """The open (not silenced) findings of ``text`` as this file's content."""
        outcome = self.pipeline.lint_bytes(self.source, text.encode("utf-8"))
        return unsilenced(self.settings, outcome.findings, outcome.comments)

    def run(self, raw: bytes) -> FileFix:
        """Fix ``raw``, the file's bytes."""
        try:
            text = yamlload.decode(raw)
        except yamlload.YamlProblem:
            return FileFix(self.source, "", "", notes=["left alone: the file is not UTF-8 text (SPEC001)"])
        bom = _BOM if raw.startswith(b"\xef\xbb\xbf") else ""
        result = FileFix(self.source, bom + text, bom + text)
        found = self.findings(text)
        if any(finding.rule == SPEC001.id for finding in found):
            result.notes.append("left alone: the file is not valid YAML; fix SPEC001 by hand first")
            return result
        comments: Counter[str] | None = None
        for _ in range(MAX_ROUNDS):
            wanted = [
                f for f in found if f.fix is not None and self._allowed(f) and _key(f) not in self.tried
            ]
            if not wanted:
                break
            if comments is None:  # ruamel.yaml is imported only when there is something to fix
                comments = _comments(text)
                if comments is None:
                    result.notes.append("left alone: ruamel.yaml cannot read the file to keep its comments")
                    break
            fragile = Fragile(text)
            if fragile.tags:
                result.notes.append("left alone: the file uses YAML tags (`!!str`, `!name`); fix it by hand")
                break
            document = yamlload.load(text)
            for finding in sorted(wanted, key=Finding.sort_key):
                self.tried.add(_key(finding))
                assert finding.fix is not None
                fix = plan(text, document, finding.fix)
                if fix is None or not fragile.allows(fix.edits):
                    result.notes.append(
                        _where(finding) + "not fixed: it is in an anchored or aliased part of the file"
                    )
                    continue
                after = apply_edits(text, fix.edits)
                later = self.findings(after)
                if not _better(found, later, finding) or _comments(after) != comments:
                    result.notes.append(_where(finding) + "not fixed: the fix would bring a new finding")
                    continue
                text, found = after, later
                self.tried = set()
                result.applied.append((finding.rule, fix.title))
                result.remedies.append(finding.fix)
                break
            else:
                break
        result.after = bom + text
        result.unsafe_left = sum(
            1 for f in found if f.fix is not None and f.fix.safety is Safety.UNSAFE and not self.unsafe
        )
        return result

    def _allowed(self, finding: Finding) -> bool:
        assert finding.fix is not None
        return self.unsafe or finding.fix.safety is Safety.SAFE


def _key(finding: Finding) -> tuple[str, YamlPath, str]:
    return (finding.rule, finding.yaml_path, finding.fix.title if finding.fix else "")


def _where(finding: Finding) -> str:
    return f"{finding.span.line}:{finding.span.column}: {finding.rule} "


def _better(before: list[Finding], after: list[Finding], fixed: Finding) -> bool:
    """Whether ``after`` lost ``fixed`` and gained nothing new (see the module docstring)."""
    old = Counter((f.rule, f.yaml_path) for f in before)
    new = Counter((f.rule, f.yaml_path) for f in after)
    target = (fixed.rule, fixed.yaml_path)
    if new[target] >= old[target] or any(f.rule == SPEC001.id for f in after):
        return False
    hidden = any(f.rule == SPEC002.id for f in before)
    written = _written_paths(fixed)
    for finding in after:
        key = (finding.rule, finding.yaml_path)
        if key in old:
            continue
        if hidden and finding.rule != SPEC002.id:
            continue  # a rule that could not run before the file matched the format
        if any(finding.yaml_path[: len(path)] == path for path in written):
            continue  # inside what the fix wrote (a renamed field's own values)
        return False
    return True


def _written_paths(finding: Finding) -> list[YamlPath]:
    """The paths a finding's fix wrote: renamed keys under their new name, set or added values."""
    paths: list[YamlPath] = []
    for change in finding.fix.changes if finding.fix else ():
        if change.kind == "rename":
            paths.append((*change.path[:-1], str(change.value)))
        elif change.kind == "add":
            paths.append((*change.path, change.key))
        else:
            paths.append(change.path)
    return paths


def _comments(text: str) -> Counter[str] | None:
    """Every comment of ``text`` (as ruamel.yaml reads them), or ``None`` when it cannot read the text."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    reader = YAML(typ="rt")
    try:
        data = reader.load(text)
    except (YAMLError, ValueError):
        return None
    found: Counter[str] = Counter()

    def collect(value: object) -> None:
        if isinstance(value, list):
            for item in value:
                collect(item)
            return
        token_value = getattr(value, "value", None)
        if value.__class__.__name__ == "CommentToken" and isinstance(token_value, str):
            for line in token_value.splitlines():
                if line.strip().startswith("#"):
                    found[line.strip()] += 1
            return
        attached = getattr(value, "ca", None)
        if attached is not None:
            collect(attached.comment)
            collect(list(attached.items.values()))
            collect(getattr(attached, "end", None))
        if isinstance(value, dict):
            collect(list(value.values()))

    collect(data)
    if isinstance(data, list):
        collect(list(data))
    return found


def unified_diff(results: list[FileFix]) -> str:
    """What ``--fix`` would change, as a unified diff per file (``a/`` and ``b/`` prefixes, like git)."""
    parts: list[str] = []
    for result in results:
        if result.changed:
            name = result.source.display
            parts.extend(
                difflib.unified_diff(
                    result.before.splitlines(keepends=True),
                    result.after.splitlines(keepends=True),
                    f"a/{name}",
                    f"b/{name}",
                )
            )
            if parts and not parts[-1].endswith("\n"):
                parts[-1] += "\n\\ No newline at end of file\n"
    return "".join(parts)


def write(results: list[FileFix]) -> None:
    """Replace each changed file through a temporary file and a rename, keeping its mode."""
    for result in results:
        if not result.changed:
            continue
        path = Path(result.source.location)  # never a link: fix_files leaves those alone
        mode = path.stat().st_mode & 0o7777
        handle, temporary = private_beside(path.parent, f".{path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(result.after)
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def text_fixes(findings: list[Finding]) -> dict[int, tuple[str, Fix]]:
    """Each fixable finding's fix as text edits of its file as it is now, by position in ``findings``.

    For reports (SARIF ``fixes``): the text is returned too, to turn offsets
    into lines and columns. A file that cannot be read or loaded any more, a
    finding that is not where the file on disk has its path (what was linted
    was another text: standard input, the git index), or a fix that would
    touch an anchored part, gives nothing.
    """
    texts: dict[str, tuple[str, yamlload.Document, Fragile] | None] = {}
    found: dict[int, tuple[str, Fix]] = {}
    for number, finding in enumerate(findings):
        if finding.fix is None:
            continue
        if finding.path not in texts:
            texts[finding.path] = _loaded(finding.path)
        loaded = texts[finding.path]
        if loaded is None:
            continue
        text, document, fragile = loaded
        if finding.span not in (document.span(finding.yaml_path), document.span(finding.yaml_path, key=True)):
            continue  # the file on disk is not the text that was linted (standard input, the git index)
        fix = plan(text, document, finding.fix)
        if fix is not None and not fragile.tags and fragile.allows(fix.edits):
            found[number] = (text, fix)
    return found


def _loaded(path: str) -> tuple[str, yamlload.Document, Fragile] | None:
    try:
        text = yamlload.decode(Path(path).read_bytes())
        return text, yamlload.load(text), Fragile(text)
    except (OSError, yamlload.YamlProblem):
        return None
