"""A patched replay record re-judges only the edited files' controls: each answer as ``--no-cache``'s.

A patch (``lint/patching.py``) takes every other file's share of the
controls (kept, silenced by a comment, waived by an exception; the
exceptions it used; its comments, marked with what they silenced) from the
record, judges the edited files' findings again, then the portfolio
findings and the run rules on the recombined facts. Here, in a portfolio set
up as the ``rules`` shape of ``bench/incremental.py`` is (custom CEL rules,
exceptions, suppression comments), each edit changes what a run rule says
(POL001-POL003) or what is silenced, so that a patch that kept an edited
file's recorded share, or forgot another file's, answers otherwise than
``--no-cache``: each test asserts the answer changed as it should, and was
patched.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from campaign_lint.lint import patching
from tests.cli.snapshots import Cli, Run
from tests.test_incremental import portfolio_files
from tests.test_replay_patch import Patches, _age, _answered, _edit, _fill, _no_metrics, _reworded

ARGV = ("--format", "json", "--show-suppressed")
# After the generated policy's own exception (FRQ004, index 0).
EXCEPTIONS = """\
  - rule: MET001
    campaigns: ["c-03"]
    reason: Measured by the finance team (MKT-3).
    expires: 2099-12-31
  - rule: MET001
    campaigns: ["c-13"]
    reason: Measured by the finance team (MKT-13).
    expires: 2099-12-31
  - rule: MET001
    campaigns: ["c-1*"]
    reason: Measured by the finance team (MKT-10).
    expires: 2099-12-31
  - rule: MET001
    campaigns: ["c-05"]
    reason: Measured by the finance team until the rebrand (MKT-5).
    expires: 2020-01-31
  - rule: ORG900
    campaigns: ["c-0[0-2]"]
    reason: The purpose was reviewed by legal (MKT-900).
    expires: 2099-12-31
custom_rules:
  - id: ORG900
    severity: warning
    description: The purpose says why the customer gets the message.
    assert: "campaign.purpose != 'Say where the order is.'"
    message: "campaign {id} says where the order is, not why the customer gets the message"
"""
# A whole-file suppression of MET001, with a reason: used only while the file has no success metrics.
FILE_WIDE = "# campaign-lint: disable-file=MET001 -- measured by the finance team\n"


def name(index: int) -> str:
    return f"campaigns/team-{'ab'[index % 2]}/c-{index:02d}.yaml"


@pytest.fixture
def patches(
    cli: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Patches:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    files = portfolio_files(5)
    files["campaign-lint.yaml"] += EXCEPTIONS
    # c-10 and c-11 use the exception of c-1*, c-13 (with a suppression comment) its own;
    # c-06 has an unused whole-file suppression.
    for index in (10, 11, 13):
        files[name(index)] = _no_metrics(files[name(index)])
    files[name(6)] = FILE_WIDE + files[name(6)]
    cli.write(files)
    _age(cli.root, 120)
    return Patches(cli, capsys, monkeypatch)


def _counts(run: Run) -> Counter[tuple[str, str]]:
    """How many findings of each rule were reported (``kept``) or silenced, by how (``inline``, ``exception``)."""
    data = json.loads(run.stdout)
    counts: Counter[tuple[str, str]] = Counter((finding["rule"], "kept") for finding in data["findings"])
    for finding in data["suppressed"]:
        how = "inline" if finding["reason"].startswith("inline:") else "exception"
        counts[finding["rule"], how] += 1
    return counts


def _patched(patches: Patches, index: int, change: Callable[[str], str], argv: tuple[str, ...] = ARGV) -> Run:
    """``change`` made to campaign ``index``, answered by a patch as ``--no-cache`` answers."""
    _edit(patches.cli.root, name(index), change)
    return _answered(patches, argv, "patched")


def _messages(run: Run, rule: str) -> list[str]:
    data = json.loads(run.stdout)
    return sorted(finding["message"] for finding in data["findings"] if finding["rule"] == rule)


def _restored(original: str) -> Callable[[str], str]:
    return lambda _: original


def test_an_exception_made_used_then_unused_by_the_edited_file(patches: Patches) -> None:
    before = _fill(patches, ARGV)
    assert any("for c-03 matches no finding" in message for message in _messages(before, "POL002"))
    original = (patches.cli.root / name(3)).read_text(encoding="utf-8")
    used = _patched(patches, 3, _no_metrics)
    assert not any("for c-03" in message for message in _messages(used, "POL002"))
    assert _counts(used)["MET001", "exception"] == _counts(before)["MET001", "exception"] + 1
    unused = _patched(patches, 3, _restored(original))
    assert _messages(unused, "POL002") == _messages(before, "POL002")


def test_an_exception_made_unused_then_used_by_an_edited_file_that_stays_controllable(
    patches: Patches,
) -> None:
    """c-13 has a suppression comment: its findings go through the controls before and after each edit."""
    before = _fill(patches, ARGV)
    assert not any("for c-13 " in message for message in _messages(before, "POL002"))
    original = (patches.cli.root / name(13)).read_text(encoding="utf-8")
    unused = _patched(patches, 13, lambda text: text + "success_metrics: [repeat_purchase_rate]\n")
    assert any("for c-13 " in message for message in _messages(unused, "POL002"))
    used = _patched(patches, 13, _restored(original))
    assert _messages(used, "POL002") == _messages(before, "POL002")


def test_an_exception_still_used_by_another_file_stays_used(patches: Patches) -> None:
    """c-10 and c-11 both use the exception of ``c-1*``: the patch of one keeps the other's use."""
    before = _fill(patches, ARGV)
    assert not any("c-1*" in message for message in _messages(before, "POL002"))
    restored = _patched(patches, 10, lambda text: text + "success_metrics: [repeat_purchase_rate]\n")
    assert not any("c-1*" in message for message in _messages(restored, "POL002"))
    both = _patched(patches, 11, lambda text: text + "success_metrics: [repeat_purchase_rate]\n")
    assert any("c-1*" in message for message in _messages(both, "POL002"))


def test_an_expired_exception_waives_nothing_in_the_edited_file(patches: Patches) -> None:
    before = _fill(patches, ARGV)
    assert any("c-05 expired" in message for message in _messages(before, "POL001"))
    expired = _patched(patches, 5, _no_metrics)
    assert any("c-05 expired" in message for message in _messages(expired, "POL001"))
    assert _counts(expired)["MET001", "kept"] == _counts(before)["MET001", "kept"] + 1
    assert _counts(expired)["MET001", "exception"] == _counts(before)["MET001", "exception"]


def test_a_custom_rule_finding_waived_in_one_edited_file_and_kept_in_another(patches: Patches) -> None:
    before = _fill(patches, ARGV)
    assert any("ORG900" in message for message in _messages(before, "POL002"))
    waived = _patched(patches, 1, _reworded)
    assert not any("ORG900" in message for message in _messages(waived, "POL002"))
    assert _counts(waived)["ORG900", "exception"] == 1
    kept = _patched(patches, 8, _reworded)
    assert _counts(kept)["ORG900", "kept"] == 1


def test_a_whole_file_suppression_made_used_then_unused(patches: Patches) -> None:
    """c-06's comment silences nothing until its success metrics go, and nothing again once they are back."""
    argv = (*ARGV, "--force-exclude", name(6))
    before = _fill(patches, argv)
    assert _counts(before)["POL003", "kept"] == 1
    original = (patches.cli.root / name(6)).read_text(encoding="utf-8")
    used = _patched(patches, 6, _no_metrics, argv)
    assert _counts(used)["POL003", "kept"] == 0
    assert _counts(used)["MET001", "inline"] == 1
    unused = _patched(patches, 6, _restored(original), argv)
    assert _counts(unused) == _counts(before)


def test_a_suppression_comment_added_and_removed_where_a_portfolio_finding_sits(patches: Patches) -> None:
    """c-02 carries an FRQ003 finding of the portfolio rules: a comment added in it silences that finding."""
    before = _fill(patches, ARGV)
    assert any(finding[0] == "FRQ003" for finding in _sites(before, name(2)))
    original = (patches.cli.root / name(2)).read_text(encoding="utf-8")
    silenced = _patched(
        patches, 2, lambda text: "# campaign-lint: disable-file=FRQ003 -- agreed (MKT-2)\n" + text
    )
    assert not any(finding[0] == "FRQ003" for finding in _sites(silenced, name(2)))
    assert _counts(silenced)["FRQ003", "inline"] == _counts(before)["FRQ003", "inline"] + 1
    moved = _patched(patches, 2, lambda text: "# a line on top\n" + text)  # the comment and finding move
    assert _counts(moved) == _counts(silenced)
    back = _patched(patches, 2, _restored(original))
    assert _counts(back) == _counts(before)


def test_a_suppression_comment_removed_leaves_its_finding_kept(patches: Patches) -> None:
    """c-04's generated comment silences FRQ003 or is stale (POL003): either way, removed, it is neither."""
    before = _fill(patches, ARGV)
    removed = _patched(patches, 4, lambda text: re.sub(r"  # campaign-lint: disable=.*", "", text))
    assert _counts(removed) != _counts(before)
    assert not any(finding[0] == "POL003" for finding in _sites(removed, name(4)))


def _sites(run: Run, path: str) -> list[tuple[str, int]]:
    """The rules and lines of the findings reported in ``path``."""
    data = json.loads(run.stdout)
    return [(finding["rule"], finding["line"]) for finding in data["findings"] if finding["path"] == path]


def test_a_record_whose_ledger_does_not_add_up_is_linted_fully(
    patches: Patches, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recorded lists are cut by the ledger's counts: counts that do not match them are not trusted."""
    _fill(patches, ARGV)
    real = patching.section

    def miscounted(*args: object) -> patching.Section | None:
        found = real(*args)  # type: ignore[arg-type]
        if found is None:
            return None
        overrides, shares, portfolio, (kept, inline, waived, ruled) = found
        return overrides, shares, portfolio, (kept, inline, waived, ruled + 1)

    monkeypatch.setattr(patching, "section", miscounted)
    for record in (patches.cli.root / ".campaign-lint-cache").glob("replay-*.bin"):
        record.unlink()
    assert patches.answer(*ARGV)[1] == "linted"  # the record of a warm run, miscounted
    _edit(patches.cli.root, name(3), _no_metrics)
    _answered(patches, ARGV, "linted")


def test_a_raised_cap_in_a_file_whose_comment_silences_a_portfolio_finding(patches: Patches) -> None:
    """A cap edit runs the portfolio rules again (``lint/recheck.py``): their findings judged with the comments."""
    before = _fill(patches, ARGV)
    silenced = _patched(
        patches, 2, lambda text: "# campaign-lint: disable-file=FRQ003 -- agreed (MKT-2)\n" + text
    )
    assert _counts(silenced)["FRQ003", "inline"] == _counts(before)["FRQ003", "inline"] + 1
    raised = _patched(patches, 2, lambda text: re.sub(r"(?m)^  max: \d+$", "  max: 9", text, count=1))
    assert _counts(raised) != _counts(silenced)  # the portfolio rules count the raised cap
    assert not any(finding[0] == "FRQ003" for finding in _sites(raised, name(2)))
