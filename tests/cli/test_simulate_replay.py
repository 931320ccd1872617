"""An unchanged ``simulate`` is answered from its replay record, byte for byte as the simulation would."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign_lint.cli import app, simreplay
from campaign_lint.cli import replay as replay_cli
from campaign_lint.lint import simulation
from tests.cli import campaigns
from tests.cli.snapshots import Cli, InProcess, Run
from tests.cli.test_replay import age
from tests.cli.test_simulate import DAILY, POLICY, RECEIPT

ARGV = ("simulate", "--from", "2026-11-20", "--days", "14")


@pytest.fixture
def sims(
    cli: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> InProcess:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    cli.write(
        {
            "campaign-lint.yaml": POLICY,
            "campaigns/review-after-delivery.yaml": campaigns.GOOD,
            "campaigns/deal-of-the-day.yaml": DAILY,
            "campaigns/order-receipt.yaml": RECEIPT,
        }
    )
    age(cli.root)
    return InProcess(cli, capsys, monkeypatch, simulation, "run_simulation")


def answer(run: Run) -> tuple[int, str, str]:
    return run.exit_code, run.stdout, run.stderr


@pytest.mark.parametrize(
    "options",
    [
        (),
        ("--persona", "late-parcel", "-f", "json"),
        ("--journey", "order.placed@0d,order.delivered@3d", "--segment", "newsletter"),
        ("--today", "2026-11-01", "-c", "campaign-lint.yaml", "campaigns"),
        ("--timezone", "America/Los_Angeles", "-f", "json"),
    ],
)
def test_an_unchanged_run_is_replayed_byte_for_byte(sims: InProcess, options: tuple[str, ...]) -> None:
    first, replayed = sims.run(*ARGV, *options)
    assert not replayed
    second, replayed = sims.run(*ARGV, *options)
    assert replayed
    assert answer(second) == answer(first)
    fresh, replayed = sims.run(*ARGV, "--no-cache", *options)
    assert not replayed
    assert answer(fresh) == answer(first)


def test_the_recorded_answer_is_written_to_the_output_file(sims: InProcess) -> None:
    sims.run(*ARGV, "-o", "agenda.txt")
    (sims.cli.root / "agenda.txt").unlink()
    run, replayed = sims.run(*ARGV, "-o", "agenda.txt")
    assert replayed
    assert run.stdout == ""
    expected, _ = sims.run(*ARGV, "--no-cache")
    assert (sims.cli.root / "agenda.txt").read_text(encoding="utf-8") == expected.stdout


def test_other_options_are_not_answered_by_the_record(sims: InProcess) -> None:
    sims.run(*ARGV)
    for other in (
        ("--days", "15"),
        ("--persona", "prompt-parcel"),
        ("-f", "json"),
        ("--today", "2026-11-02"),
        ("--timezone", "Europe/London"),
    ):
        _, replayed = sims.run(*ARGV, *other)
        assert not replayed, other


def test_a_record_of_another_day_is_not_replayed(sims: InProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    sims.run("simulate", "--days", "7")  # --from is today: tomorrow's answer starts a day later
    monkeypatch.setattr(replay_cli, "today_text", lambda: "2099-01-01")
    _, replayed = sims.run("simulate", "--days", "7")
    assert not replayed


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("campaigns/deal-of-the-day.yaml", lambda text: text.replace("every: 1d", "every: 2d")),
        (
            "campaign-lint.yaml",
            lambda text: text.replace('order.delivered: "9d 14:30"', "order.delivered: 3d"),
        ),
        ("campaigns/new.yaml", lambda _: DAILY.replace("deal-of-the-day", "deal-again")),
        ("campaigns/order-receipt.yaml", None),
    ],
)
def test_a_changed_campaign_or_policy_gives_a_fresh_answer(
    sims: InProcess, name: str, change: object
) -> None:
    before, _ = sims.run(*ARGV, "-f", "json")
    path = sims.cli.root / name
    if change is None:
        path.unlink()
    else:
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(change(old), encoding="utf-8")  # type: ignore[operator]
    after, replayed = sims.run(*ARGV, "-f", "json")
    assert not replayed
    assert after.stdout != before.stdout
    fresh, _ = sims.run(*ARGV, "-f", "json", "--no-cache")
    assert answer(after) == answer(fresh)


@pytest.mark.parametrize(
    "argv",
    [
        ARGV,
        (*ARGV, "-p", "late-parcel", "--format=json", "--jobs", "1"),
        ("simulate", "--today", "2026-11-01", "-c", "campaign-lint.yaml", "--", "campaigns"),
        ("--debug", "simulate", "-n", "7", "--journey", "order.placed@0d", "--segment", "newsletter"),
        ("simulate", "--timezone", "Asia/Tokyo", "--journey", "order.placed@0d"),
    ],
)
def test_a_recorded_command_line_is_answered_without_typer(
    sims: InProcess, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]
) -> None:
    first, _ = sims.run(*argv)

    def typer_main(args: list[str]) -> int:
        raise AssertionError(f"typer read {args}")

    monkeypatch.setattr(app, "main", typer_main)
    second, replayed = sims.run(*argv)
    assert replayed
    assert answer(second) == answer(first)


@pytest.mark.parametrize(
    "argv",
    [
        ("simulate", "-n14"),
        ("simulate", "--days", "-1"),
        ("simulate", "--days", "1", "--days", "14"),
        ("simulate", "--days", "1_4"),
        ("simulate", "--no-cache"),
        ("simulate", "--help"),
        ("simulate", "-"),
        ("simulate", "--format", "html"),
        ("check",),
    ],
)
def test_other_command_lines_are_left_to_typer(sims: InProcess, argv: tuple[str, ...]) -> None:
    for recorded in (("simulate",), ("simulate", "--days", "14"), ("simulate", "--days", "1")):
        sims.run(*recorded)
    assert simreplay.replay_command_line(("simulate", "--days", "14")) is not None  # recorded: answered
    assert simreplay.replay_command_line(argv) is None


@pytest.mark.parametrize("warm", [False, True], ids=["cold cache", "warm cache"])
def test_the_record_reuses_the_files_and_cache_the_simulation_read(
    sims: InProcess, monkeypatch: pytest.MonkeyPatch, warm: bool
) -> None:
    """Recording the answer neither looks for the campaign files nor opens the cache a second time."""
    from campaign_lint.lint import cache, simulation, targets

    if warm:
        sims.run(
            *ARGV, "--today", "2026-11-02"
        )  # another key: fills the cache, leaves this command unrecorded
    calls = {"open_cache": 0, "resolve": 0}

    def counted(module: object, name: str) -> None:
        original = getattr(module, name)

        def wrapper(*args: object, **kwargs: object) -> object:
            calls[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counted(cache, "open_cache")
    counted(targets, "resolve")
    monkeypatch.setattr(simulation, "resolve", targets.resolve)
    first, replayed = sims.run(*ARGV)
    assert not replayed
    assert calls == {"open_cache": 1, "resolve": 1}
    second, replayed = sims.run(*ARGV)
    assert replayed
    assert answer(second) == answer(first)
