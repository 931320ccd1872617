"""The content cache: a warm run reads no unchanged YAML and says the same thing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from campaign_lint.core import yamlload
from campaign_lint.lint import cache, cachedir, discovery
from tests.cli.campaigns import DUPLICATE_ID, GOOD, SHIPPED
from tests.cli.snapshots import Cli

POLICY = 'extends: recommended\ncampaigns: ["campaigns/**/*.yaml"]\n'
SUPPRESSED = SHIPPED.replace(
    "  event: order.shipped",
    "  event: order.shipped  # campaign-lint: disable=TIM001 -- carrier confirms same day",
)
UNUSED = GOOD.replace("review-after-delivery", "review-unused").replace(
    "channel: email", "channel: email  # campaign-lint: disable=CON001 -- nothing to silence"
)
PORTFOLIO = {
    "campaign-lint.yaml": POLICY,
    "campaigns/a-shipped.yaml": SHIPPED,
    "campaigns/b-duplicate.yaml": DUPLICATE_ID,
    "campaigns/c-suppressed.yaml": SUPPRESSED.replace("review-on-shipment", "review-suppressed"),
    "campaigns/d-unused.yaml": UNUSED,
}
CACHE = Path(".campaign-lint-cache")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """Counts parses of campaign files; the cache's signing key lives in the test's own folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    calls: list[int] = []
    real = yamlload.load

    def counting(text: str) -> yamlload.Document:
        if "purpose:" in text:  # a campaign, not the policy or the built-in profiles
            calls.append(1)
        return real(text)

    monkeypatch.setattr(yamlload, "load", counting)
    return calls


def _check(cli: Cli, parses: list[int], *args: str) -> tuple[str, int]:
    parses.clear()
    run = cli.run("check", "--show-suppressed", *args)
    assert run.stderr == ""
    return run.normalised(run.stdout), len(parses)


def test_warm_run_reads_no_yaml_and_reports_the_same(cli: Cli, parses: list[int]) -> None:
    cli.write(PORTFOLIO)
    cold, cold_parses = _check(cli, parses)
    assert cold_parses == 4
    assert "SPEC003" in cold  # a portfolio finding
    assert "suppressed" in cold
    assert "POL003" in cold  # the unused suppression
    warm, warm_parses = _check(cli, parses)
    assert warm_parses == 0
    assert warm == cold
    assert _check(cli, parses, "--no-cache") == (cold, 4)


def test_changed_file_is_relinted_alone(cli: Cli, parses: list[int]) -> None:
    cli.write(PORTFOLIO)
    _check(cli, parses)
    target = cli.root / "campaigns/a-shipped.yaml"
    target.write_text(target.read_text().replace("order.shipped", "order.delivered"))
    warm, warm_parses = _check(cli, parses)
    assert warm_parses == 1
    assert "a-shipped.yaml:15:10: TIM001" not in warm  # the old finding is gone
    assert _check(cli, parses, "--no-cache")[0] == warm


def test_touched_but_unchanged_file_is_a_hit(cli: Cli, parses: list[int]) -> None:
    cli.write(PORTFOLIO)
    cold, _ = _check(cli, parses)
    target = cli.root / "campaigns/a-shipped.yaml"
    later = target.stat().st_mtime_ns + 10_000_000_000
    os.utime(target, ns=(later, later))
    assert _check(cli, parses) == (cold, 0)


def test_policy_change_invalidates(cli: Cli, parses: list[int]) -> None:
    cli.write(PORTFOLIO)
    _check(cli, parses)
    cli.write({"campaign-lint.yaml": POLICY + "rules: {TIM001: off}\n"})
    output, count = _check(cli, parses)
    assert count == 4
    assert "TIM001 [error]" not in output


def test_changed_tool_code_invalidates(cli: Cli, parses: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule edited in place (editable install, patched checkout) is not answered from the cache."""
    cli.write(PORTFOLIO)
    _check(cli, parses)
    assert _check(cli, parses)[1] == 0
    edited = (*cache.code_stamp(), ("policies/tim.py", 1, 1))
    monkeypatch.setattr(cache, "code_stamp", lambda: edited)
    assert _check(cli, parses)[1] == 4


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda blob: b"garbage", id="garbage"),
        pytest.param(lambda blob: blob[: len(blob) // 2], id="truncated"),
        pytest.param(lambda blob: blob[:-1] + bytes([blob[-1] ^ 1]), id="one-bit"),
    ],
)
def test_corrupt_cache_is_ignored_and_rebuilt(cli: Cli, parses: list[int], damage: object) -> None:
    cli.write(PORTFOLIO)
    cold, _ = _check(cli, parses)
    (cache_file,) = (cli.root / CACHE).glob("results-*.bin")
    cache_file.write_bytes(damage(cache_file.read_bytes()))  # type: ignore[operator]
    assert _check(cli, parses) == (cold, 4)
    assert _check(cli, parses) == (cold, 0)


def test_foreign_cache_is_not_trusted(
    cli: Cli, parses: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A cache written with another user's key (say, committed to the repository) is ignored."""
    cli.write(PORTFOLIO)
    cold, _ = _check(cli, parses)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    assert _check(cli, parses) == (cold, 4)


def test_cache_folder_is_marked_and_cleared(cli: Cli, parses: list[int]) -> None:
    cli.write(PORTFOLIO)
    _check(cli, parses)
    folder = cli.root / CACHE
    assert (folder / ".gitignore").read_text().endswith("*\n")
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    run = cli.run("cache", "clear")
    assert run.exit_code == 0
    assert run.stdout.startswith("Removed ")
    assert not folder.exists()
    assert cli.run("cache", "clear").stdout.startswith("No cache at ")


def test_no_cache_writes_nothing(cli: Cli, parses: list[int]) -> None:
    cli.write(PORTFOLIO)
    _check(cli, parses, "--no-cache")
    assert not (cli.root / CACHE).exists()


def _stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_ino, info.st_mtime_ns


def test_an_edit_writes_the_journal_not_the_whole_cache(cli: Cli, parses: list[int]) -> None:
    """After a few edits only the changed entries are written; the next run reads them back."""
    cli.write(PORTFOLIO)
    _check(cli, parses)
    (cache_file,) = (cli.root / CACHE).glob("results-*.bin")
    written = _stamp(cache_file)
    target = cli.root / "campaigns/a-shipped.yaml"
    target.write_text(target.read_text().replace("order.shipped", "order.delivered"))
    edited, count = _check(cli, parses)
    assert count == 1
    assert _stamp(cache_file) == written
    (journal,) = (cli.root / CACHE).glob("journal-*.bin")
    assert journal.name.split("-", 1)[1] == cache_file.name.split("-", 1)[1]
    assert _check(cli, parses) == (edited, 0)  # the edited file's outcome comes from the journal
    assert _check(cli, parses, "--no-cache")[0] == edited
    (cli.root / "campaigns/d-unused.yaml").unlink()  # a file gone: the whole cache is written again
    gone, _ = _check(cli, parses)
    assert _stamp(cache_file) != written
    assert not journal.exists()
    assert _check(cli, parses) == (gone, 0)


def test_the_cache_is_written_again_once_the_journal_is_large(
    cli: Cli, parses: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "_JOURNAL_MIN", 1)
    monkeypatch.setattr(cache, "_JOURNAL_SHARE", 0)
    cli.write(PORTFOLIO)
    for path in (cli.root / "campaigns").iterdir():  # older than the cache's racy window: trusted by stat
        os.utime(path, ns=(path.stat().st_mtime_ns - 10_000_000_000,) * 2)
    _check(cli, parses)
    (cache_file,) = (cli.root / CACHE).glob("results-*.bin")
    written = _stamp(cache_file)
    first = cli.root / "campaigns/a-shipped.yaml"
    first.write_text(first.read_text() + "# one\n")
    assert _check(cli, parses)[1] == 1
    assert _stamp(cache_file) == written
    assert list((cli.root / CACHE).glob("journal-*.bin"))
    second = cli.root / "campaigns/b-duplicate.yaml"
    second.write_text(second.read_text() + "# two\n")
    output, count = _check(cli, parses)
    assert count == 1
    assert _stamp(cache_file) != written
    assert not list((cli.root / CACHE).glob("journal-*.bin"))
    assert _check(cli, parses) == (output, 0)


def test_a_journal_leaves_out_what_the_cache_file_holds(
    cli: Cli, parses: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an edit no portfolio rule reads, the journal holds the entry alone; after one they read, the state too."""
    cli.write(PORTFOLIO)
    for path in (cli.root / "campaigns").iterdir():  # older than the cache's racy window: trusted by stat
        os.utime(path, ns=(path.stat().st_mtime_ns - 10_000_000_000,) * 2)
    _check(cli, parses)
    journals: list[tuple[object, ...]] = []
    real = cachedir.store

    def recording(path: Path, key: bytes, secret: bytes, *values: object) -> bool:
        if path.name.startswith("journal-"):
            journals.append(values)
        return real(path, key, secret, *values)

    monkeypatch.setattr(cachedir, "store", recording)
    focused = (
        "--force-exclude",
        "campaigns/a-shipped.yaml",
    )  # not the replayed command line: reads the cache
    target = cli.root / "campaigns/a-shipped.yaml"
    target.write_text(target.read_text() + "# edited\n")
    commented, count = _check(cli, parses)
    assert count == 1
    (values,) = journals
    assert list(values[1]) == ["campaigns/a-shipped.yaml"]  # type: ignore[call-overload]
    assert values[2:] == (None, None)  # the answers and the portfolio state: the cache file's
    assert _check(cli, parses, *focused) == (_check(cli, parses, "--no-cache", *focused)[0], 0)
    # The duplicate id gone: SPEC003's findings change, and the journal holds the new state.
    journals.clear()
    duplicate = cli.root / "campaigns/b-duplicate.yaml"
    duplicate.write_text(duplicate.read_text().replace("review-on-shipment", "review-renamed"))
    fixed, count = _check(cli, parses)
    assert count == 1
    assert fixed != commented
    (values,) = journals
    assert values[2] is None
    assert isinstance(values[3], tuple)
    assert _check(cli, parses, *focused) == (_check(cli, parses, "--no-cache", *focused)[0], 0)
    assert _check(cli, parses, "--format", "json")[1] == 0
    assert (
        _check(cli, parses, "--format", "json", "--no-cache")[0] == _check(cli, parses, "--format", "json")[0]
    )


def test_exceptions_and_comments_still_judge_cached_findings(cli: Cli, parses: list[int]) -> None:
    """Findings of unchanged files pass the controls again: a new exception silences a cached one."""
    waived = POLICY + (
        "exceptions:\n  - rule: TIM001\n    campaigns: [review-on-shipment]\n"
        "    reason: Carrier confirms delivery the same day (MKT-9).\n    expires: 2099-12-31\n"
    )
    cli.write({**PORTFOLIO, "campaign-lint.yaml": waived})
    cold, _ = _check(cli, parses)
    assert "exception until 2099-12-31" in cold
    assert "inline: carrier confirms same day" in cold
    for args in [
        (),
        ("--force-exclude", "campaigns/a-shipped.yaml"),
        ("--force-exclude", "campaigns/c-suppressed.yaml"),
    ]:
        warm, count = _check(cli, parses, *args)
        assert count == 0
        assert warm == _check(cli, parses, "--no-cache", *args)[0]


def test_a_warm_run_finds_its_files_without_matching_the_patterns(
    cli: Cli, parses: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The patterns' answers are kept in the cache: an edited run matches only files it has not seen."""
    cli.write(PORTFOLIO)
    _check(cli, parses)
    matched: list[str] = []
    real = discovery.Scope.answer

    def counting(self: discovery.Scope, rel: str) -> tuple[bool, bool]:
        if rel not in self.answers:
            matched.append(rel)
        return real(self, rel)

    monkeypatch.setattr(discovery.Scope, "answer", counting)
    target = cli.root / "campaigns/a-shipped.yaml"
    target.write_text(target.read_text() + "# edited\n")  # not replayed: the whole check runs
    cli.write({"campaigns/e-new.yaml": GOOD.replace("review-after-delivery", "review-new")})
    assert _check(cli, parses, "--force-exclude", "campaigns/a-shipped.yaml")[1] == 2
    assert matched == ["campaigns/e-new.yaml"]
    matched.clear()
    target.write_text(target.read_text() + "# again\n")
    assert _check(cli, parses, "--force-exclude", "campaigns/a-shipped.yaml")[1] == 1
    assert matched == []
    assert (
        _check(cli, parses, "--no-cache", "--force-exclude", "campaigns/a-shipped.yaml")[0]
        == _check(cli, parses, "--force-exclude", "campaigns/a-shipped.yaml")[0]
    )
