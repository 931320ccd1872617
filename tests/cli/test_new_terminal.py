"""``campaign-lint new`` at a terminal: a pseudo-terminal answers its questions as a person would."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

from campaign_lint.core import yamlload

pytestmark = pytest.mark.slow  # each test starts a Python

PROMPT = r"\] > |  > "
POLICY = """\
version: 1
extends: strict
channels:
  sms: {cap: {max: 2, per: 7d}, send_window: {start: "09:00", end: "19:00"}}
events:
  order.placed: {}
  order.shipped: {after: order.placed}
  order.delivered: {after: order.shipped, fulfilment: true}
  review.submitted: {after: order.delivered}
  order.returned: {}
"""


def spawn(root: Path, *argv: str) -> pexpect.spawn[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "campaign_lint", "new", *argv],
        cwd=root,
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )


def answer(child: pexpect.spawn[str], question: str, reply: str) -> str:
    """Wait for ``question`` (or a refusal) and its prompt, type ``reply``; return what was shown in between."""
    child.expect_exact(question)
    child.expect(PROMPT)
    shown = str(child.before)
    child.sendline(reply)
    return shown


def test_a_feedback_request_answered_at_the_terminal(cli_root: Path) -> None:
    (cli_root / "campaigns").mkdir()
    (cli_root / "campaigns" / "rate-your-kettle.yaml").write_text("# taken\n", encoding="utf-8")
    child = spawn(cli_root)
    shown = answer(child, "What kind of campaign is it?", "3")  # by its number
    assert "feedback       a review, rating or survey request" in shown
    shown = answer(child, "Which channel does it go out on?", "sms")
    assert "sms          text message (your cap: 2 per 7 days)" in shown
    answer(child, "What is the campaign called?", "Rate your kettle")
    answer(
        child, "What is its ID?", ""
    )  # the default made of the name: its file exists, so it is asked again
    answer(
        child,
        "campaigns/rate-your-kettle.yaml already exists; `new` never writes over a file",
        "kettle-rating",
    )
    answer(child, "Who answers for it?", "crm@kettle.example")
    answer(child, "What does the company want from it?", "")
    answer(child, "What does the customer get out of it?", "You tell us what to fix; others choose better.")
    answer(child, "Who does it go to?", "")
    answer(child, "Who is left out?", "")
    shown = answer(child, "What consent did they give for sms?", "")
    assert "1. express_written" in shown
    shown = answer(child, "After which event does the customer have what they bought?", "order.shipped")
    # Only events at or after fulfilment are offered; an earlier one is refused and asked again.
    assert "order.delivered" in shown
    assert "order.shipped " not in shown
    answer(
        child, "`order.shipped` is too early: a feedback request waits until the customer has what they", ""
    )
    shown = answer(child, "How long after order.delivered do you ask?", "1d")
    assert "(at least 3d, your policy's minimum)" in shown
    answer(child, "1d is too soon; your policy asks for at least 3d (3 days)", "5d")
    answer(child, "Which events end it for a customer?", "")
    answer(child, "How often at most may one customer get it?", "")
    shown = answer(child, "Between which hours may it arrive", "08:00-21:00")
    assert "your policy allows 09:00-19:00" in shown
    answer(child, "sms messages may go out only between 09:00 and 19:00", "")  # asked again: the default
    answer(child, "What is the subject line or headline?", "")
    answer(child, "How will you know it helped?", "")
    child.expect_exact("Wrote campaigns/kettle-rating.yaml. Checking it against your policy:")
    child.expect_exact("All clear: no findings in 1 file")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    data = yamlload.load((cli_root / "campaigns" / "kettle-rating.yaml").read_text("utf-8")).data
    assert (cli_root / "campaigns" / "rate-your-kettle.yaml").read_text("utf-8") == "# taken\n"
    assert data["owner"] == "crm@kettle.example"
    assert data["trigger"]["event"] == "order.delivered"
    assert data["trigger"]["delay"] == "5d"
    assert data["send_window"] == {"start": "09:00", "end": "19:00"}
    assert data["audience"]["consent"] == "express_written"
    assert data["content"]["unsubscribe"] == "keyword"


def test_flags_answer_their_questions_and_the_rest_are_asked(cli_root: Path) -> None:
    child = spawn(cli_root, "welcome", "--type", "onboarding", "--channel", "email", "--owner", "a@b.example")
    shown = answer(child, "What is the campaign called?", "")
    assert "What kind of campaign" not in shown
    assert "Which channel" not in shown
    answer(child, "What does the company want from it?", "")
    child.expect_exact("What does the customer get out of it?")
    child.sendeof()  # Ctrl-D: nothing is written
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert not (cli_root / "campaigns" / "welcome.yaml").exists()


@pytest.fixture
def cli_root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")
    return root
