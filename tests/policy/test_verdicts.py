"""FRQ003's and FRQ004's windows kept between runs (policies/verdicts.py) are those judged at once.

A small portfolio of emails is checked, edited and checked again through
``lint/portfolio.check`` with what the last pass kept, and the findings are
compared with a check without a cache. The windows (``pressure.worst``) are
counted: a plan the edit did not change is not judged again, and one it did
change always is (for the caps of the channel that changed, and the total),
whatever the edit does to the worst window (move it to other days, take a
campaign out of it, make it go away).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from campaign_lint.core.findings import Finding
from campaign_lint.lint import portfolio
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.engine import Engine
from campaign_lint.policies import pressure, verdicts
from campaign_lint.policies.base import CampaignRecord
from tests.test_incremental import _records

POLICY = "extends: recommended\ncampaigns: ['campaigns/**/*.yaml']\n"


def email(day: str, cap: str = "", every: str = "") -> str:
    """An email campaign sent on ``day`` (every ``every``, capped at ``cap``)."""
    schedule = f"{{start: {day}{f', every: {every}' if every else ''}}}"
    text = (
        "version: 1\nowner: crm@example.com\ntype: promotional\npurpose: Sell more of the new range.\n"
        f"customer_value: Picks that match what you bought before.\nchannel: email\n"
        f"trigger: {{schedule: {schedule}}}\n"
    )
    return text + (f"frequency: {cap}\n" if cap else "")


# Four emails in the week of 2 November (one over the cap of 3), two in the week of 7 December,
# a daily one from 4 January capped at one a week with two others that week, and a one-off
# capped at one a week (which it never reaches).
START = {
    "campaigns/a.yaml": email("2026-11-02"),
    "campaigns/b.yaml": email("2026-11-03"),
    "campaigns/c.yaml": email("2026-11-04"),
    "campaigns/d.yaml": email("2026-11-05"),
    "campaigns/e.yaml": email("2026-12-07"),
    "campaigns/f.yaml": email("2026-12-08"),
    "campaigns/g.yaml": email("2027-01-04", cap="{max: 1, per: 7d}", every="1d"),
    "campaigns/h.yaml": email("2027-01-05"),
    "campaigns/i.yaml": email("2027-01-06"),
    "campaigns/k.yaml": email("2027-02-01", cap="{max: 1, per: 7d}"),
}


def _key(record: CampaignRecord) -> bytes:
    return hashlib.blake2b(repr(record.facts()).encode(), digest_size=16).digest()


class Portfolio:
    """A folder's policy and portfolio, checked with and without what the last check kept."""

    def __init__(self, root: Path, calls: list[str]) -> None:
        self.calls = calls
        self.judged: list[str] = []
        (root / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")
        self.settings = load_settings(root / "campaign-lint.yaml", root)
        self.rules = Engine(self.settings).portfolio_rules
        self.state: portfolio.State | None = None

    def check(self, files: dict[str, str]) -> list[Finding]:
        """The findings with what the last check kept (compared with a check without it)."""
        records = _records(
            {
                path: text.replace("version: 1\n", f"version: 1\nid: {Path(path).stem}\n")
                for path, text in files.items()
            },
            self.settings.view,
        )
        warm, self.state, _ = portfolio.check(
            self.rules, [portfolio.Member(r.path, r, key=_key(r)) for r in records], self.state
        )
        self.judged = list(self.calls)  # the warm check's windows; the check without a cache judges all
        cold, _, _ = portfolio.check(self.rules, [portfolio.Member(r.path, r) for r in records], None)
        self.calls.clear()
        assert warm == cold
        return [finding for finding in warm if finding.rule == "FRQ003"]


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The channels of the windows judged (``pressure.worst`` calls), in order."""
    calls: list[str] = []
    real = pressure.worst

    def counted(plan: object, limits: pressure.Limits) -> pressure.Window | None:
        calls.append(limits.channel or "all")
        return real(plan, limits)  # type: ignore[arg-type]

    monkeypatch.setattr(pressure, "worst", counted)
    return calls


def _edited(change: Callable[[dict[str, str]], None]) -> dict[str, str]:
    files = dict(START)
    change(files)
    return files


def test_an_edit_that_changes_no_plan_judges_nothing_again(tmp_path: Path, judged: list[str]) -> None:
    """A raised cap the one-off email never reaches: its messages, and so every plan, are the same."""
    checked = Portfolio(tmp_path, judged)
    before = checked.check(START)
    assert len(before) == 1
    assert "2026-11-02 to 2026-11-08" in before[0].message
    assert checked.judged  # the first check judges every window
    raised = _edited(
        lambda f: f.__setitem__("campaigns/k.yaml", email("2027-02-01", cap="{max: 2, per: 7d}"))
    )
    assert checked.check(raised) == before
    assert checked.judged == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # The fourth email of November moves to December, with two others: the worst window moves there.
        (
            lambda f: f.update(
                {"campaigns/d.yaml": email("2026-12-09"), "campaigns/h.yaml": email("2026-12-10")}
            ),
            "2026-12-07 to 2026-12-13",
        ),
        # One email leaves the worst week: three are left, within the cap.
        (lambda f: f.__setitem__("campaigns/d.yaml", email("2026-12-21")), None),
        # One is deleted: the same.
        (lambda f: f.pop("campaigns/b.yaml"), None),
        # The daily email of January is allowed 3 a week: its messages change, and now break the cap.
        (
            lambda f: f.__setitem__(
                "campaigns/g.yaml", email("2027-01-04", cap="{max: 3, per: 7d}", every="1d")
            ),
            "2027-01-04 to 2027-01-10",
        ),
    ],
)
def test_an_edit_that_changes_a_plan_judges_it_again(
    tmp_path: Path, judged: list[str], change: Callable[[dict[str, str]], None], expected: str | None
) -> None:
    """The window kept from the last run is not used for a plan that changed: the findings follow the edit."""
    checked = Portfolio(tmp_path, judged)
    checked.check(START)
    found = checked.check(_edited(change))
    # Judged again, not taken from the last run: the email cap's windows and the total's, not the other
    # channels' (no push, text or WhatsApp message changed, and the schedules' first and last days are
    # the same: when they move, every window is judged again).
    assert set(checked.judged) == {"email", "all"}
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1
        assert expected in found[0].message


def test_a_worst_window_that_moves_away_and_back(tmp_path: Path, judged: list[str]) -> None:
    """November's window, January's after an edit, November's again after the edit is undone."""
    checked = Portfolio(tmp_path, judged)
    raised = _edited(
        lambda f: f.__setitem__("campaigns/g.yaml", email("2027-01-04", cap="{max: 3, per: 7d}", every="1d"))
    )
    for files, days in ((START, "2026-11-02"), (raised, "2027-01-04"), (START, "2026-11-02")):
        found = checked.check(files)
        assert len(found) == 1
        assert f"7 calendar days ({days} to" in found[0].message
        assert "email" in checked.judged


def test_a_window_kept_that_no_longer_unpickles_is_judged_again(tmp_path: Path, judged: list[str]) -> None:
    """What FRQ003 and FRQ004 kept of their windows but cannot read costs a full judgement, not a traceback."""
    checked = Portfolio(tmp_path, judged)
    before = checked.check(START)
    assert checked.state is not None
    everything, groups, kept = checked.state
    assert pickle.loads(kept[verdicts.VERDICTS])  # the windows were kept
    gone = pickle.dumps(Finding, protocol=pickle.HIGHEST_PROTOCOL).replace(b"Portfolio", b"Gone12345")
    checked.state = (everything, groups, {**kept, verdicts.VERDICTS: gone})
    # An edit that changes no plan: with the windows readable, none would be judged again.
    files = _edited(lambda f: f.__setitem__("campaigns/k.yaml", email("2027-02-01", cap="{max: 2, per: 7d}")))
    assert checked.check(files) == before
    assert checked.judged  # nothing readable was kept: every window judged again
