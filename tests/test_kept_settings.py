"""The kept settings: a warm run takes the settings the last run loaded, while nothing they are made from changed."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from campaign_lint.core.errors import PolicyError
from campaign_lint.core.findings import Severity
from campaign_lint.lint import cache, keptsettings
from campaign_lint.lint.cachedir import CACHE_DIR
from campaign_lint.lint.config import Settings, load_settings
from campaign_lint.lint.derived import policy_data
from campaign_lint.lint.session import settings_for
from campaign_lint.schemas.campaign import Channel
from tests.cli.campaigns import GOOD, SHIPPED
from tests.cli.snapshots import Cli, InProcess, Run
from tests.cli.test_replay import age  # a policy file saved while the settings load is not kept

SHARED = """\
version: 1
extends: recommended
events:
  order.placed: {description: the order is placed}
  order.shipped: {after: order.placed}
  order.delivered: {after: order.shipped, fulfilment: true}
  order.returned: {after: order.delivered}
  review.submitted: {after: order.delivered}
channels:
  email: {cap: {max: 3, per: 7d}}
"""
POLICY = """\
version: 1
extends: central/base.yaml
campaigns: ["campaigns/**/*.yaml"]
rules:
  FRQ002: warning
  FRQ004: {max_per_day: 2}
overrides:
  - files: ["campaigns/legacy/**"]
    rules: {MET002: off}
exceptions:
  - rule: TIM001
    campaigns: [review-on-shipment]
    reason: The carrier confirms delivery the same day (MKT-12).
    expires: 2030-01-31
custom_rules:
  - id: ORG001
    severity: info
    description: Name the owner's team.
    assert: "campaign.owner.endsWith('@example.com')"
    message: "campaign {id} has an outside owner"
personas:
  buyer:
    journey: {order.placed: 0d, order.delivered: 3d}
"""
FILES = {
    "central/base.yaml": SHARED,
    "campaign-lint.yaml": POLICY,
    "campaigns/a-shipped.yaml": SHIPPED,
    "campaigns/c-good.yaml": GOOD,
}
KEPT = Path(CACHE_DIR)


@pytest.fixture
def repo(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    """A repository whose policy extends a shared file (the event catalogue, caps); the signing key in the test's folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    cli.write(FILES)
    age(cli.root)
    return cli


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the settings loaded from the policy files by ``kept_settings`` (not served from the file)."""
    calls: list[int] = []

    def counting(*args: object, **kwargs: object) -> Settings:
        calls.append(1)
        return load_settings(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(keptsettings, "load_settings", counting)
    return calls


def kept_files(root: Path) -> list[Path]:
    return sorted((root / KEPT).glob("settings-*.bin"))


def fresh(**options: object) -> Settings:
    return load_settings(Path("campaign-lint.yaml"), Path.cwd(), **options)  # type: ignore[arg-type]


def kept(**options: object) -> Settings:
    return kept_at(Path("campaign-lint.yaml"), **options)


def kept_at(policy: Path, **options: object) -> Settings:
    """``kept_settings`` called as ``session.settings_for`` calls it, with ``load_settings``'s ``options``."""
    select, ignore = options.get("select", ()), options.get("ignore", ())
    fail_on, today = options.get("fail_on"), options.get("today")
    return keptsettings.kept_settings(policy, Path.cwd(), select, ignore, fail_on, today)  # type: ignore[arg-type]


def test_the_settings_served_from_the_file_equal_a_fresh_load(repo: Cli, loads: list[int]) -> None:
    first = kept()
    assert loads == [1]
    assert len(kept_files(repo.root)) == 1
    second = kept()
    assert loads == [1]  # served from the file
    assert second is not first
    assert second == first == fresh()
    assert second.layered == first.layered
    # What runs draw by serializing the policy came with them, and is what a fresh load gives.
    assert "dumped" in second.derived
    assert "data" in second.derived
    assert cache.policy_key(second) == cache.policy_key(fresh())
    assert policy_data(second) == policy_data(fresh())


@pytest.mark.parametrize(
    "change",
    [
        "edit the policy",
        "edit the extended file",
        "edit the event catalogue",
        "extend another file",
        "another day",
        "--select",
        "--ignore",
        "--fail-on",
        "another working folder",
        "a changed rule module",
    ],
)
def test_anything_the_settings_are_made_from_loads_them_again(
    repo: Cli, loads: list[int], change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    options: dict[str, object] = {}
    before = kept(**options)
    policy, shared = repo.root / "campaign-lint.yaml", repo.root / "central/base.yaml"
    if change == "edit the policy":
        policy.write_text(POLICY.replace("max_per_day: 2", "max_per_day: 4"), "utf-8")
    elif change == "edit the extended file":
        shared.write_text(SHARED.replace("max: 3", "max: 4"), "utf-8")
    elif change == "edit the event catalogue":
        event = "  order.cancelled: {after: order.placed}\n"
        shared.write_text(SHARED.replace("channels:", f"{event}channels:"), "utf-8")
    elif change == "extend another file":
        # The same bytes, another file: what extends resolves to is read again.
        (repo.root / "central/other.yaml").write_text(SHARED, "utf-8")
        shared.unlink()
        shared.symlink_to("other.yaml")
    elif change == "another day":
        options["today"] = date(2030, 2, 1)  # the exception has expired
    elif change == "--select":
        options["select"] = ["TIM"]
    elif change == "--ignore":
        options["ignore"] = ["TIM001"]
    elif change == "--fail-on":
        options["fail_on"] = Severity.INFO
    elif change == "a changed rule module":
        edited = (*cache.code_stamp(), ("policies/tim.py", 1, 1))
        monkeypatch.setattr(keptsettings, "code_stamp", lambda: edited)
    else:
        (repo.root / "sub").mkdir()
        monkeypatch.chdir(repo.root / "sub")  # policy paths in messages are relative to it
    age(repo.root)
    where = Path(os.path.relpath(policy))
    after = kept_at(where, **options)
    assert loads == [1, 1]
    assert after == load_settings(where, Path.cwd(), **options)  # type: ignore[arg-type]
    assert after != before or change == "a changed rule module"  # (the same settings, from other code)
    # Kept in its turn: the next run with the same inputs is served.
    kept_at(where, **options)
    assert loads == [1, 1]


def test_a_policy_file_that_links_elsewhere_loads_again(repo: Cli, loads: list[int]) -> None:
    """The policy named is a link: pointed at another file of the same bytes, the policy is that file's."""
    policies = repo.root / "policies"
    policies.mkdir()
    text = POLICY.replace("extends: central/base.yaml", "extends: ../central/base.yaml")
    for name in ("a.yaml", "b.yaml"):
        (policies / name).write_text(text, "utf-8")
    policy = repo.root / "campaign-lint.yaml"
    policy.unlink()
    policy.symlink_to("policies/a.yaml")
    age(repo.root)
    before = kept()
    assert before.layered is not None
    assert "policies/a.yaml" in before.layered.files
    policy.unlink()
    policy.symlink_to("policies/b.yaml")
    after = kept()
    assert loads == [1, 1]
    assert after == fresh() != before


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],  # truncated
        lambda blob: blob[:-20] + bytes(20),  # tampered with: the signature fails
        lambda blob: b"",  # empty
        lambda blob: b"campaign-lint cache 1\n" + os.urandom(64),  # foreign
    ],
    ids=["truncated", "tampered", "empty", "foreign"],
)
def test_a_damaged_file_is_ignored_and_written_again(
    repo: Cli, loads: list[int], damage: Callable[[bytes], bytes]
) -> None:
    kept()
    (path,) = kept_files(repo.root)
    path.write_bytes(damage(path.read_bytes()))
    assert kept() == fresh()
    assert loads == [1, 1]
    kept()
    assert loads == [1, 1]  # written again, whole


def test_a_file_of_another_signing_key_is_ignored(repo: Cli, loads: list[int], tmp_path: Path) -> None:
    kept()
    os.environ["XDG_CACHE_HOME"] = str(tmp_path / "another-user")  # restored by the fixture's monkeypatch
    assert kept() == fresh()
    assert loads == [1, 1]


def test_a_policy_saved_while_it_loads_is_not_kept(repo: Cli, loads: list[int]) -> None:
    (repo.root / "campaign-lint.yaml").write_text(POLICY + "fail_on: warning\n", "utf-8")  # just now
    kept()
    assert kept_files(repo.root) == []
    age(repo.root)
    kept()
    assert len(kept_files(repo.root)) == 1


def test_a_policy_error_is_reported_as_before_and_nothing_is_kept(repo: Cli, loads: list[int]) -> None:
    kept()
    policy = repo.root / "campaign-lint.yaml"
    policy.write_text(POLICY.replace("max_per_day: 2", "max_per_day: 0").replace("FRQ002", "FRQ999"), "utf-8")
    age(repo.root)
    with pytest.raises(PolicyError) as from_kept:
        kept()
    with pytest.raises(PolicyError) as from_load:
        fresh()
    assert from_kept.value.problems == from_load.value.problems
    assert len(from_kept.value.problems) == 2
    assert len(kept_files(repo.root)) == 1  # the good policy's, no other


def test_settings_without_the_cache_neither_read_nor_write_the_file(repo: Cli, loads: list[int]) -> None:
    settings_for([Path("campaigns")])
    assert not (repo.root / KEPT).exists()
    settings_for([Path("campaigns")], cache=True)
    assert loads == [1]
    assert len(kept_files(repo.root)) == 1
    settings_for([Path("campaigns")])
    settings_for([Path("campaigns")], cache=True)
    assert loads == [1]


def answer(run: Run) -> tuple[int, str, str]:
    return run.exit_code, run.normalised(run.stdout), run.stderr


@pytest.fixture
def runs(repo: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> InProcess:
    """``campaign-lint`` runs, counting the settings loaded from the policy files."""
    return InProcess(repo, capsys, monkeypatch, keptsettings, "load_settings")


@pytest.mark.parametrize("argv", [(), ("campaigns/c-good.yaml",), ("--select", "TIM,MET")])
def test_a_check_with_kept_settings_says_what_a_check_without_the_cache_says(
    runs: InProcess, argv: tuple[str, ...]
) -> None:
    root = runs.cli.root
    first, _ = runs.run("check", "-f", "json", *argv)
    assert len(kept_files(root)) == 1
    # Edited campaigns: the replay record cannot answer, the settings are needed again.
    for run, name in enumerate(("campaigns/a-shipped.yaml", "campaigns/c-good.yaml")):
        target = root / name
        target.write_text(target.read_text("utf-8") + f"# edited {run}\n", "utf-8")
        warm, served = runs.run("check", "-f", "json", *argv)
        assert served  # the settings came from the file, not from the policy files
        cold = runs.cli.run("check", "--no-cache", "-f", "json", *argv)
        assert answer(warm) == answer(cold)
        assert json.loads(warm.stdout)["findings"] == json.loads(first.stdout)["findings"]


def test_check_without_the_cache_leaves_no_file(runs: InProcess) -> None:
    run, _ = runs.run("check", "--no-cache")
    assert "POL002" in run.stdout  # the `overrides` entry that matches no file
    assert not (runs.cli.root / KEPT).exists()


def test_a_broken_policy_says_the_same_with_and_without_kept_settings(runs: InProcess) -> None:
    runs.run("check")
    policy = runs.cli.root / "campaign-lint.yaml"
    policy.write_text(POLICY.replace("TIM001", "TIM999"), "utf-8")
    age(runs.cli.root)
    warm, _ = runs.run("check")
    cold = runs.cli.run("check", "--no-cache")
    assert warm.exit_code == cold.exit_code == 2
    assert warm.stderr == cold.stderr
    assert "TIM999" in warm.stderr


def test_settings_that_do_not_pickle_are_not_kept(repo: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keeping them is only a saving: a value pickle refuses costs the next run a load, never this one its answer."""

    def unpicklable(*args: object, **kwargs: object) -> Settings:
        settings = load_settings(*args, **kwargs)  # type: ignore[arg-type]
        settings.derived["local"] = lambda: None
        return settings

    monkeypatch.setattr(keptsettings, "load_settings", unpicklable)
    assert kept() == fresh()
    assert kept_files(repo.root) == []
    assert not list((repo.root / KEPT).glob(".tmp-*"))


def test_the_code_stamp_names_every_file_of_the_tool_from_the_package() -> None:
    """Part of every key (the settings file's, the cache's, the replay record's): each module and data file by name."""
    package = Path(keptsettings.__file__).resolve().parent.parent
    stamp = cache.code_stamp.__wrapped__()  # (not the process's remembered one)
    names = [name for name, _, _ in stamp]
    expected = sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*")
        if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts
    )
    assert names == expected
    assert "lint/keptsettings.py" in names
    assert "policies/profiles.yaml" in names
    sizes = {name: size for name, size, _ in stamp}
    assert sizes["lint/keptsettings.py"] == (package / "lint/keptsettings.py").stat().st_size


@pytest.mark.parametrize(
    "argv",
    [
        ("simulate", "--from", "2026-12-01", "--days", "14", "-f", "json"),
        ("check", "--show-policy"),
        ("check", "-f", "sarif"),
    ],
    ids=["simulate", "show-policy", "sarif"],
)
def test_other_commands_with_kept_settings_say_what_they_say_without_the_cache(
    runs: InProcess, argv: tuple[str, ...]
) -> None:
    root = runs.cli.root
    runs.run(*argv)
    assert len(kept_files(root)) == 1
    target = root / "campaigns/c-good.yaml"
    target.write_text(target.read_text("utf-8") + "# edited\n", "utf-8")  # no record answers
    warm, served = runs.run(*argv)
    assert served
    cold = runs.cli.run(argv[0], "--no-cache", *argv[1:])
    assert answer(warm) == answer(cold)


@pytest.mark.parametrize("link", ["the extended file", "its folder"])
def test_an_extends_entry_that_links_elsewhere_loads_again(repo: Cli, loads: list[int], link: str) -> None:
    """``extends: central/base.yaml`` through a link, pointed at another file: the policy extends that file.

    Both files stay as they were: only where the entry leads changed.
    """
    for folder, cap in (("team-a", 3), ("team-b", 5)):
        (repo.root / folder).mkdir()
        (repo.root / folder / "base.yaml").write_text(SHARED.replace("max: 3", f"max: {cap}"), "utf-8")
    shared = repo.root / "central"
    (shared / "base.yaml").unlink()
    if link == "the extended file":
        (shared / "base.yaml").symlink_to("../team-a/base.yaml")
    else:
        shared.rmdir()
        shared.symlink_to("team-a")
    age(repo.root)
    before = kept()
    assert before == fresh()
    if link == "the extended file":
        (shared / "base.yaml").unlink()
        (shared / "base.yaml").symlink_to("../team-b/base.yaml")
    else:
        shared.unlink()
        shared.symlink_to("team-b")
    after = kept()
    assert loads == [1, 1]
    assert after == fresh() != before
    email_cap = after.view.channels[Channel.EMAIL].cap
    assert email_cap is not None
    assert email_cap.max == 5


def test_a_policy_named_as_written_or_found_keeps_its_own_path(repo: Cli, loads: list[int]) -> None:
    """``--config campaign-lint.yaml`` and the policy found from the folder are one file, named two ways.

    The settings say the policy's path as the run was given it (the replay record compares it):
    settings kept by one are not served to the other.
    """
    named = kept_at(Path("campaign-lint.yaml"))
    found = settings_for([], cache=True)
    assert found == settings_for([])
    assert found.policy_path == repo.root / "campaign-lint.yaml"
    assert named.policy_path == Path("campaign-lint.yaml")
    assert kept_at(Path("campaign-lint.yaml")) == fresh()


@pytest.mark.parametrize(
    "change",
    ["a policy file nearer the files", "the policy deleted", "a repository in between", "the other name"],
)
def test_the_policy_found_again_is_the_one_the_settings_come_from(
    repo: Cli, loads: list[int], change: str
) -> None:
    """What finds the policy (``locate.policy_for``) runs before the settings file is looked for: it decides which file."""
    paths = [Path("campaigns")]
    before = settings_for(paths, cache=True)
    assert before.policy_path == repo.root / "campaign-lint.yaml"
    if change == "a policy file nearer the files":
        (repo.root / "campaigns/campaign-lint.yaml").write_text("version: 1\nextends: strict\n", "utf-8")
    elif change == "the policy deleted":
        (repo.root / "campaign-lint.yaml").unlink()
    elif change == "a repository in between":
        (repo.root / "campaigns/.git").mkdir()  # a repository of its own: the policy above is not its
    else:
        (repo.root / "campaign-lint.yaml").rename(repo.root / ".campaign-lint.yaml")
    age(repo.root)
    after = settings_for(paths, cache=True)
    assert after == settings_for(paths) != before
    if change == "the other name":
        assert after.policy_path == repo.root / ".campaign-lint.yaml"
    elif change == "a policy file nearer the files":
        assert after.profile == "strict"
    else:
        assert after.policy_path is None  # the built-in defaults: nothing kept for them
        assert after.layered is None


def test_a_policy_replaced_while_it_loads_by_an_older_file_is_not_kept_as_the_new_one(
    repo: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy that keeps its time (``cp -p``, ``rsync -t``) lands while the settings load: its time says nothing.

    What is kept must be checked against the bytes the settings were made from, not the file read again.
    """
    policy = repo.root / "campaign-lint.yaml"

    def replaced_meanwhile(*args: object, **kwargs: object) -> Settings:
        settings = load_settings(*args, **kwargs)  # type: ignore[arg-type]
        policy.write_text(POLICY.replace("max_per_day: 2", "max_per_day: 4"), "utf-8")
        age(repo.root)  # the copy's old time
        return settings

    monkeypatch.setattr(keptsettings, "load_settings", replaced_meanwhile)
    kept()
    monkeypatch.setattr(keptsettings, "load_settings", load_settings)
    assert kept() == fresh()
