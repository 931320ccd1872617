"""Fixes as code actions: a finding's remedy as LSP text edits of the buffer as it is now.

The edits are ``check --fix``'s own: ``core/yamledit.plan`` turns the remedy
into edits at character offsets of the current buffer (not the disk), which
become LSP ranges in UTF-16 units. A safe fix is the preferred quick fix; an
unsafe one says so in its title and is never preferred (an editor may apply a
preferred fix on its own). "Fix all safe problems in this file" runs the rounds
of ``check --fix`` (``lint/fixing.Fixer``: each fix verified, comments kept)
on the buffer and offers the result as one edit.
"""

from __future__ import annotations

import os

import yaml
from lsprotocol import types as lsp

from campaign_lint.cli.lsp.convert import _units
from campaign_lint.core import yamlload
from campaign_lint.core.edits import Edit, Fix, position
from campaign_lint.core.findings import Finding
from campaign_lint.core.fixes import Safety
from campaign_lint.core.yamledit import Fragile, plan
from campaign_lint.lint.config import Settings
from campaign_lint.lint.discovery import SourceFile, display_path
from campaign_lint.lint.fixing import Fixer
from campaign_lint.lint.pipeline import FilePipeline

UNSAFE = " (unsafe: changes what the campaign does)"
FIX_ALL = "Fix all safe problems in this file"


def lsp_position(text: str, offset: int) -> lsp.Position:
    """The LSP position (0-based line, UTF-16 units) of a character offset of ``text``."""
    line, column = position(text, offset)
    start = text.rfind("\n", 0, offset) + 1
    return lsp.Position(line=line - 1, character=_units(text[start:offset], column))


def text_edit(text: str, edit: Edit) -> lsp.TextEdit:
    """One edit of ``text`` (character offsets) as an LSP text edit."""
    return lsp.TextEdit(
        range=lsp.Range(start=lsp_position(text, edit.start), end=lsp_position(text, edit.end)),
        new_text=edit.text,
    )


class Planner:
    """The fixes of one buffer's findings, the buffer read once (nothing when it cannot be fixed)."""

    def __init__(self, text: str) -> None:
        self.text = text
        try:
            self.document: yamlload.Document | None = yamlload.load(text)
            self.fragile: Fragile | None = Fragile(text)
        except (yamlload.YamlProblem, yaml.YAMLError):
            self.document = self.fragile = None

    def fix(self, finding: Finding) -> Fix | None:
        """The finding's fix as edits of the buffer, or None (no remedy, an anchored part, YAML tags)."""
        if finding.fix is None or self.document is None or self.fragile is None or self.fragile.tags:
            return None
        fix = plan(self.text, self.document, finding.fix)
        return fix if fix is not None and self.fragile.allows(fix.edits) else None


def quick_fix(uri: str, text: str, fix: Fix, diagnostic: lsp.Diagnostic) -> lsp.CodeAction:
    """The quick fix of one diagnostic: preferred when safe, titled as unsafe otherwise."""
    is_safe = fix.safety is Safety.SAFE
    return lsp.CodeAction(
        title=fix.title if is_safe else fix.title + UNSAFE,
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=is_safe,
        edit=lsp.WorkspaceEdit(changes={uri: [text_edit(text, edit) for edit in fix.edits]}),
    )


def fix_all(uri: str, path: str, text: str, settings: Settings) -> lsp.CodeAction | None:
    """Every safe fix of the buffer, as ``check --fix`` applies them, in one edit (None: nothing to fix)."""
    absolute = os.path.abspath(path)
    raw = text.encode("utf-8")
    source = SourceFile(absolute, display_path(absolute), content=raw)
    pipeline = FilePipeline(settings)
    pipeline.collect_lines = False
    result = Fixer(settings, pipeline, source, unsafe=False).run(raw)
    if not result.applied or result.before != text:
        return None
    whole = Edit(0, len(text), result.after)
    return lsp.CodeAction(
        title=FIX_ALL,
        kind=lsp.CodeActionKind.SourceFixAll,
        edit=lsp.WorkspaceEdit(changes={uri: [text_edit(text, whole)]}),
    )
