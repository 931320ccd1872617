"""``campaign-lint server``: a Language Server Protocol server over stdio, built on pygls.

pygls (the Open Law Library's LSP framework, Apache-2.0, with Microsoft's
lsprotocol types) handles the JSON-RPC, the document store and incremental
changes; what is campaign-lint's is in ``workspace.py`` (what to lint) and
``convert.py`` (findings as diagnostics).

Each change to an open campaign waits ``DEBOUNCE`` seconds for the next
keystroke, then publishes twice: the file's own findings (its per-file rules,
fast), then the portfolio's findings on every open file, with every open
buffer in place of the disk. Lint runs one at a time on a worker thread, so
the server keeps answering while it lints. The server writes no campaign
file: fixes and suppressions are edits the editor applies.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from campaign_lint import __version__
from campaign_lint.cli.lsp import actions, convert
from campaign_lint.cli.lsp.workspace import PolicyProblem, Workspace
from campaign_lint.core.findings import Finding
from campaign_lint.core.fixes import Safety
from campaign_lint.lint.locate import POLICY_NAMES

# Seconds after the last change before linting (editors send one change per keystroke).
DEBOUNCE = 0.25


@dataclass(slots=True)
class State:
    """The server's state between messages."""

    workspace: Workspace = field(default_factory=lambda: Workspace(Path.cwd()))
    # Bumped by every change: a debounced lint that sees a newer one gives way to it.
    generation: int = 0
    # The diagnostics last published per URI (code actions and hovers read them).
    published: dict[str, list[lsp.Diagnostic]] = field(default_factory=dict)
    # The findings behind them, in the same order (code actions read their fixes).
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    # The policy problems last shown, so that a broken policy is reported once.
    shown_problem: PolicyProblem | None = None
    executor: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, "campaign-lint"))


class CampaignServer(LanguageServer):
    """The language server with campaign-lint's state."""

    def __init__(self) -> None:
        super().__init__("campaign-lint", __version__)
        self.state = State()


server = CampaignServer()


def _path(uri: str) -> str | None:
    path = to_fs_path(uri)
    return None if path is None else os.path.abspath(path)


def _lines(ls: CampaignServer, uri: str) -> list[str]:
    return ls.workspace.get_text_document(uri).source.splitlines()


@server.feature(lsp.INITIALIZE)
def initialize(ls: CampaignServer, params: lsp.InitializeParams) -> None:
    """The workspace root: the first workspace folder, else the root URI, else the working folder."""
    folders = params.workspace_folders or []
    uri = folders[0].uri if folders else params.root_uri
    root = _path(uri) if uri else None
    if root is not None and os.path.isdir(root):
        os.chdir(root)  # findings' paths are relative to the working folder, as in `check`
    ls.state.workspace = Workspace(Path.cwd())


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: CampaignServer, params: lsp.DidOpenTextDocumentParams) -> None:
    """Lint a file as soon as it is opened."""
    await _changed(ls, params.text_document.uri, debounce=False)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: CampaignServer, params: lsp.DidChangeTextDocumentParams) -> None:
    """Lint after the typing pauses."""
    await _changed(ls, params.text_document.uri, debounce=True)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: CampaignServer, params: lsp.DidSaveTextDocumentParams) -> None:
    """A saved policy file changes every campaign it governs."""
    path = _path(params.text_document.uri)
    if path is not None and os.path.basename(path) in POLICY_NAMES:
        ls.state.workspace.forget_policies()
    await _changed(ls, params.text_document.uri, debounce=False)


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def did_change_watched(ls: CampaignServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    """A file changed on disk (a policy, an extended policy, a campaign): lint the open files again."""
    ls.state.workspace.forget_policies()
    await _lint_all(ls, None)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: CampaignServer, params: lsp.DidCloseTextDocumentParams) -> None:
    """A closed file counts from the disk again; its diagnostics go."""
    uri = params.text_document.uri
    path = _path(uri)
    if path is not None:
        ls.state.workspace.close(path)
    ls.state.published.pop(uri, None)
    ls.state.findings.pop(uri, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    await _lint_all(ls, None)


async def _changed(ls: CampaignServer, uri: str, *, debounce: bool) -> None:
    path = _path(uri)
    state = ls.state
    if path is None or not state.workspace.inside(path) or not path.endswith((".yaml", ".yml")):
        return
    state.workspace.open(path, ls.workspace.get_text_document(uri).source)
    state.generation += 1
    mine = state.generation
    if debounce:
        await asyncio.sleep(DEBOUNCE)
        if mine != state.generation:
            return  # a newer change will lint
    await _lint_all(ls, uri)


async def _lint_all(ls: CampaignServer, edited: str | None) -> None:
    """Publish the edited file's own findings, then the portfolio's on every open file."""
    state = ls.state
    loop = asyncio.get_running_loop()
    buffers = dict(state.workspace.buffers)
    if edited is not None:
        path = _path(edited)
        if path is not None and os.path.basename(path) not in POLICY_NAMES:
            own = await loop.run_in_executor(state.executor, state.workspace.own, path, buffers)
            if isinstance(own, PolicyProblem):
                _policy_broken(ls, own)
                return
            _publish(ls, edited, own)
    if not buffers:
        return
    found = await loop.run_in_executor(state.executor, state.workspace.lint, list(buffers), buffers)
    if isinstance(found, PolicyProblem):
        _policy_broken(ls, found)
        return
    _policy_fine(ls)
    for path in buffers:
        if os.path.basename(path) in POLICY_NAMES:
            continue
        _publish(ls, Path(path).as_uri(), found.get(path, []))


def _publish(ls: CampaignServer, uri: str, findings: Sequence[Finding]) -> None:
    lines = _lines(ls, uri)
    root = ls.state.workspace.root
    diagnostics = [convert.diagnostic(finding, lines, root) for finding in findings]
    ls.state.published[uri] = diagnostics
    ls.state.findings[uri] = list(findings)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))


def _policy_broken(ls: CampaignServer, problem: PolicyProblem) -> None:
    """One diagnostic per problem on the policy file, and one window message (not repeated)."""
    state = ls.state
    if state.shown_problem == problem:
        return
    state.shown_problem = problem
    by_file: dict[str, list[lsp.Diagnostic]] = {problem.policy: []}
    for text in problem.problems:
        file, line, column, message = _parts(text, problem.policy)
        position = lsp.Position(line=max(0, line - 1), character=max(0, column - 1))
        by_file.setdefault(file, []).append(
            lsp.Diagnostic(
                range=lsp.Range(
                    start=position, end=lsp.Position(line=position.line, character=position.character + 1)
                ),
                message=message,
                severity=lsp.DiagnosticSeverity.Error,
                source=convert.SOURCE,
            )
        )
    for file, diagnostics in by_file.items():
        uri = Path(file).as_uri()
        state.published[uri] = diagnostics
        state.findings.pop(uri, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))
    ls.window_show_message(
        lsp.ShowMessageParams(
            type=lsp.MessageType.Error,
            message=f"campaign-lint: the policy {os.path.relpath(problem.policy)} does not load, so no campaign "
            f"is checked until it is fixed: {problem.problems[0]}",
        )
    )


def _policy_fine(ls: CampaignServer) -> None:
    """The policy loads again: clear its diagnostics."""
    problem = ls.state.shown_problem
    if problem is None:
        return
    ls.state.shown_problem = None
    for text in problem.problems:
        uri = Path(_parts(text, problem.policy)[0]).as_uri()
        ls.state.published.pop(uri, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    uri = Path(problem.policy).as_uri()
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def _parts(text: str, fallback: str) -> tuple[str, int, int, str]:
    """``path:line:col: message`` as its parts (a problem without a place sits at the policy's start)."""
    head, _, message = text.partition(": ")
    pieces = head.rsplit(":", 2)
    if len(pieces) == 3 and pieces[1].isdigit() and pieces[2].isdigit():
        return os.path.abspath(pieces[0]), int(pieces[1]), int(pieces[2]), message
    return fallback, 1, 1, text


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll]),
)
def code_action(ls: CampaignServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    """For each campaign-lint diagnostic: its fix, "disable for this line", "explain"; then "fix all"."""
    uri = params.text_document.uri
    text = ls.workspace.get_text_document(uri).source
    lines = text.splitlines()
    only = params.context.only
    offered: list[lsp.CodeAction] = []
    if _wanted(only, lsp.CodeActionKind.QuickFix):
        planner = actions.Planner(text)
        for diagnostic in params.context.diagnostics:
            if diagnostic.source != convert.SOURCE or diagnostic.code is None:
                continue
            finding = _finding_of(ls, uri, diagnostic)
            fix = planner.fix(finding) if finding is not None else None
            if fix is not None:
                offered.append(actions.quick_fix(uri, text, fix, diagnostic))
            offered.append(convert.suppress_action(uri, diagnostic, lines))
            offered.append(convert.explain_action(diagnostic))
    if _wanted(only, lsp.CodeActionKind.SourceFixAll):
        everything = _fix_all(ls, uri, text)
        if everything is not None:
            offered.append(everything)
    return offered


def _wanted(only: Sequence[str] | None, kind: str) -> bool:
    """Whether the editor asks for actions of ``kind`` (``only`` names kinds or their parents, ``source``)."""
    return only is None or any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def _finding_of(ls: CampaignServer, uri: str, diagnostic: lsp.Diagnostic) -> Finding | None:
    """The finding last published as ``diagnostic`` (the editor sends back what it was given)."""
    published = ls.state.published.get(uri, [])
    found = ls.state.findings.get(uri, [])
    for shown, finding in zip(published, found, strict=False):
        if (shown.code, shown.range, shown.message) == (
            diagnostic.code,
            diagnostic.range,
            diagnostic.message,
        ):
            return finding
    return None


def _fix_all(ls: CampaignServer, uri: str, text: str) -> lsp.CodeAction | None:
    """The action "Fix all safe problems in this file", when a finding last published for it has a safe fix."""
    found = ls.state.findings.get(uri, [])
    path = _path(uri)
    if path is None or not any(f.fix is not None and f.fix.safety is Safety.SAFE for f in found):
        return None
    session = ls.state.workspace.session(path)
    if isinstance(session, PolicyProblem):
        return None
    return actions.fix_all(uri, path, text, session.settings)


@server.command(convert.EXPLAIN)
def explain(ls: CampaignServer, rule_id: str) -> None:
    """Show a rule's explanation as a window message."""
    ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Info, message=_explanation(rule_id)))


def _explanation(rule_id: str) -> str:
    from campaign_lint.cli.explain import explain_text
    from campaign_lint.policies.registry import RULES_BY_ID

    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        return f"{rule_id} is a custom rule of the policy: `campaign-lint explain {rule_id}` shows it."
    return explain_text(rule)


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: CampaignServer, params: lsp.HoverParams) -> lsp.Hover | None:
    """A rule's explanation on its ID in a suppression comment, or on a field with a finding."""
    uri, position = params.text_document.uri, params.position
    lines = _lines(ls, uri)
    line = lines[position.line] if position.line < len(lines) else ""
    rules = convert.rules_at(line, position.character)
    if not rules:
        rules = [
            str(diagnostic.code)
            for diagnostic in ls.state.published.get(uri, [])
            if diagnostic.code is not None and _contains(diagnostic.range, position)
        ]
    if not rules:
        return None
    from campaign_lint.cli.ruledocs import explain_markdown
    from campaign_lint.policies.registry import RULES_BY_ID

    parts = [
        explain_markdown(RULES_BY_ID[rule]) if rule in RULES_BY_ID else _explanation(rule)
        for rule in dict.fromkeys(rules)
    ]
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts))
    )


def _contains(span: lsp.Range, position: lsp.Position) -> bool:
    start, end, at = span.start, span.end, (position.line, position.character)
    return (start.line, start.character) <= at <= (end.line, end.character)


def run() -> int:
    """Serve over stdio until the editor exits.

    The protocol runs on copies of the standard streams, and ``sys.stdin`` and
    ``sys.stdout`` become the null device and standard error: a policy with
    custom rules lints in forked worker processes (``lint/watchdog.py``),
    and a forked child closes ``sys.stdin`` and flushes ``sys.stdout``, whose
    locks the server's reader and writer threads may hold at the fork (the
    child then waits forever). A stray print cannot corrupt the protocol either.
    """
    stdin = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - replaces the process's standard input
    sys.stdout = sys.stderr
    server.start_io(stdin, stdout)
    return 0
