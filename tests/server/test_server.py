"""`campaign-lint server`, driven as an editor drives it: an LSP client over stdio."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.lsp import Client

pytestmark = pytest.mark.slow  # starts the server in a Python of its own

POLICY = "version: 1\ncampaigns: ['campaigns/**/*.yaml']\n"
REVIEW = """version: 1
id: review-request
owner: crm@example.com
type: feedback
purpose: Learn what buyers think of the kettle.
customer_value: Tell us what went wrong and a person follows up within a day.
channel: email
audience: {{segment: recent_buyers, consent: opt_in}}
trigger:
  event: {event}
  delay: 3d
  stop_when: [review.submitted]
frequency: {{max: 1, per: 30d}}
send_window: {{start: "09:00", end: "20:00"}}
content: {{unsubscribe: one_click}}
success_metrics: [reviews_written]
"""
BAD = REVIEW.format(event="order.shipped")
GOOD = REVIEW.format(event="order.delivered")
EVENT_LINE = 9  # 0-based line of `  event: ...`


def _rules(diagnostics: list[dict[str, Any]]) -> set[str]:
    return {str(d.get("code")) for d in diagnostics}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the repository root: policies are looked for up to here
    (tmp_path / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "review.yaml").write_text(BAD, encoding="utf-8")
    return tmp_path


@pytest.fixture
def client(repo: Path) -> Iterator[Client]:
    running = Client([sys.executable, "-m", "campaign_lint", "server"], repo)
    running.start()
    try:
        yield running
    finally:
        running.stop()


def test_a_premature_review_request_is_found_fixed_and_suppressed_as_an_editor_sees_it(
    client: Client, repo: Path
) -> None:
    uri = client.open(repo / "campaigns" / "review.yaml", BAD)
    found = client.diagnostics_until(uri, lambda published: "TIM001" in _rules(published))
    tim001 = next(d for d in found if d["code"] == "TIM001")
    assert tim001["range"]["start"] == {"line": EVENT_LINE, "character": 9}
    assert tim001["range"]["end"] == {"line": EVENT_LINE, "character": 22}
    assert tim001["severity"] == 1
    assert tim001["source"] == "campaign-lint"
    assert tim001["codeDescription"]["href"].endswith("docs/rules.md#tim001")
    assert "How to fix:" in tim001["message"]

    # The editor asks what it can do about it.
    actions = client.code_actions(uri, [tim001])
    titles = [action["title"] for action in actions]
    assert "Disable TIM001 for this line (write the reason)" in titles
    assert "Explain TIM001" in titles
    disable = next(a for a in actions if a["title"].startswith("Disable"))
    (edit,) = disable["edit"]["changes"][uri]
    assert edit["newText"] == "  # campaign-lint: disable=TIM001 -- why this is acceptable"
    assert edit["range"]["start"] == {"line": EVENT_LINE, "character": len("  event: order.shipped")}

    # The marketer fixes the trigger: the diagnostic goes, without saving.
    client.change(uri, GOOD, 2)
    client.diagnostics_until(uri, lambda published: "TIM001" not in _rules(published))
    assert (repo / "campaigns" / "review.yaml").read_text(encoding="utf-8") == BAD  # nothing written


def test_hover_on_a_suppressed_rule_id_explains_the_rule(client: Client, repo: Path) -> None:
    text = BAD.replace(
        "  event: order.shipped", "  event: order.shipped  # campaign-lint: disable=TIM001 -- pilot"
    )
    uri = client.open(repo / "campaigns" / "review.yaml", text)
    client.diagnostics_until(uri, lambda published: "TIM001" not in _rules(published))
    column = text.splitlines()[EVENT_LINE].index("TIM001") + 2
    explanation = client.hover(uri, EVENT_LINE, column)
    assert "TIM001" in explanation
    assert "delivered" in explanation


def test_portfolio_rules_see_an_unsaved_buffer(client: Client, repo: Path) -> None:
    # A second campaign, not saved yet, reuses the id of the one on disk: SPEC003 on both.
    uri = client.open(repo / "campaigns" / "copy.yaml", GOOD)
    found = client.diagnostics_until(uri, lambda published: "SPEC003" in _rules(published))
    spec003 = next(d for d in found if d["code"] == "SPEC003")
    assert (
        spec003["relatedInformation"][0]["location"]["uri"] == (repo / "campaigns" / "review.yaml").as_uri()
    )
    assert not (repo / "campaigns" / "copy.yaml").exists()


def test_diagnostics_follow_the_policy_and_a_broken_policy_is_one_clear_diagnostic(
    client: Client, repo: Path
) -> None:
    uri = client.open(repo / "campaigns" / "review.yaml", BAD)
    client.diagnostics_until(uri, lambda published: "TIM001" in _rules(published))
    policy = repo / "campaign-lint.yaml"

    policy.write_text(POLICY + "rules:\n  TIM001: off\n", encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": policy.as_uri(), "type": 2}]})
    client.diagnostics_until(uri, lambda published: "TIM001" not in _rules(published))

    policy.write_text(POLICY + "fail_on: sometimes\n", encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": policy.as_uri(), "type": 2}]})
    # One diagnostic on the policy file, then one window message (published in that order).
    broken = client.diagnostics(policy.as_uri())
    assert len(broken) == 1
    assert broken[0]["range"]["start"]["line"] == 2
    assert "fail_on" in broken[0]["message"]
    shown = client.message("window/showMessage")
    assert shown["type"] == 1
    assert "does not load" in shown["message"]
    assert "fail_on" in shown["message"]

    policy.write_text(POLICY, encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": policy.as_uri(), "type": 2}]})
    client.diagnostics_until(uri, lambda published: "TIM001" in _rules(published))


def test_the_server_shuts_down_cleanly(repo: Path) -> None:
    running = Client([sys.executable, "-m", "campaign_lint", "server"], repo)
    running.start()
    running.request("shutdown", {})
    running.notify("exit", {})
    assert running.process.wait(timeout=30) == 0


def _apply(text: str, edits: list[dict[str, Any]]) -> str:
    """``text`` with LSP text edits applied (positions in UTF-16 units, as an editor counts)."""
    lines = text.split("\n")

    def offset(position: dict[str, int]) -> int:
        before = sum(len(line) + 1 for line in lines[: position["line"]])
        units = lines[position["line"]].encode("utf-16-le")[: 2 * position["character"]]
        return before + len(units.decode("utf-16-le"))

    spans = sorted(
        ((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits), reverse=True
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def test_a_safe_fix_is_the_preferred_quick_fix_and_applying_it_clears_the_diagnostic(
    client: Client, repo: Path
) -> None:
    # An emoji before the mistake: the edit's columns are UTF-16 units, as LSP counts.
    text = (
        GOOD.replace("channel: email", "channel: Email")
        .replace("purpose: Learn", "purpose: 🫖 Learn")
        .replace("  delay: 3d", "  delay: 3days")
    )
    uri = client.open(repo / "campaigns" / "review.yaml", text)
    found = client.diagnostics_until(uri, lambda published: "SPEC002" in _rules(published))
    channel = next(d for d in found if d["code"] == "SPEC002" and "channel" in d["message"])

    actions = client.code_actions(uri, [channel])
    fix = next(a for a in actions if a.get("kind") == "quickfix" and a.get("isPreferred"))
    assert fix["title"] == "write `email`"
    (edit,) = fix["edit"]["changes"][uri]
    fixed = _apply(text, [edit])
    assert fixed == text.replace("channel: Email", "channel: email")

    client.change(uri, fixed, 2)
    after = client.diagnostics_until(
        uri, lambda published: not any("channel" in d["message"] for d in published)
    )
    assert {d["code"] for d in after} == {"SPEC002"}  # the duration is still there

    # "Fix all" fixes the rest, as `check --fix` would; nothing is written to disk.
    everything = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": after[0]["range"],
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        },
    )
    (fix_all,) = everything
    assert fix_all["title"] == "Fix all safe problems in this file"
    assert _apply(fixed, fix_all["edit"]["changes"][uri]) == GOOD.replace(
        "purpose: Learn", "purpose: 🫖 Learn"
    )
    assert (repo / "campaigns" / "review.yaml").read_text(encoding="utf-8") == BAD


def test_an_unsafe_fix_is_offered_marked_and_not_preferred(client: Client, repo: Path) -> None:
    uri = client.open(repo / "campaigns" / "review.yaml", BAD)
    found = client.diagnostics_until(uri, lambda published: "TIM001" in _rules(published))
    tim001 = next(d for d in found if d["code"] == "TIM001")
    actions = client.code_actions(uri, [tim001])
    (fix,) = [
        a for a in actions if a.get("kind") == "quickfix" and "edit" in a and "Disable" not in a["title"]
    ]
    assert fix["title"].endswith("(unsafe: changes what the campaign does)")
    assert not fix.get("isPreferred")
    fixed = _apply(BAD, fix["edit"]["changes"][uri])
    assert "event: order.delivered" in fixed
    client.change(uri, fixed, 2)
    client.diagnostics_until(uri, lambda published: "TIM001" not in _rules(published))


def test_a_policy_with_custom_rules_lints_in_forked_workers_without_hanging(repo: Path) -> None:
    # Custom rules run in forked worker processes; the server's own threads must not hold
    # the standard streams' locks in them (a forked child closes stdin and flushes stdout).
    policy = POLICY + (
        "custom_rules:\n"
        "  - id: ORG001\n"
        "    description: Every campaign names its cost centre.\n"
        "    assert: \"'x-cost-center' in campaign\"\n"
        '    message: "campaign {id} has no x-cost-center"\n'
    )
    (repo / "campaign-lint.yaml").write_text(policy, encoding="utf-8")
    running = Client([sys.executable, "-m", "campaign_lint", "server"], repo)
    running.start()
    try:
        uri = running.open(repo / "campaigns" / "review.yaml", GOOD)
        running.diagnostics_until(uri, lambda published: "ORG001" in _rules(published))
        running.change(uri, GOOD + "x-cost-center: CC-1\n", 2)
        running.diagnostics_until(uri, lambda published: "ORG001" not in _rules(published))
    finally:
        running.stop()
