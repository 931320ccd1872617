"""New time zone rules reach the next run: the cache and the replay records notice a changed zone file.

Each test lints with its own time zone database (a folder on ``PYTHONTZPATH``,
as ``zoneinfo`` reads it) holding ``Europe/London``, then puts another
zone's rules in that file, as a new ``tzdata`` or a system update does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zoneinfo
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from campaign_lint.core.timezones import zone
from campaign_lint.lint import simulation, zonefiles
from campaign_lint.lint.engine import Engine
from tests.cli.snapshots import Cli, InProcess, Run
from tests.cli.test_replay import age

# 09:00Z every Monday: 09:00 in a London winter, 01:00 in Los Angeles (inside the quiet hours).
WEEKLY = """\
version: 1
id: weekly-picks
owner: crm@example.com
type: lifecycle
purpose: Share the new arrivals.
customer_value: You see new arrivals first.
channel: email
trigger:
  schedule: {start: "2026-11-23T09:00:00Z", every: 7d, end: "2026-12-28"}
frequency: {max: 1, per: 7d}
"""
POLICY = """\
version: 1
extends: recommended
campaigns: ["campaigns/**/*.yaml"]
personas:
  customer:
    timezone: Europe/London
    expects: [{quiet: {start: "21:00", end: "08:00"}}]
"""
SIMULATE = ("simulate", "--from", "2026-11-20", "--days", "14", "-f", "json")


def rules_of(name: str) -> bytes:
    """The zone file of ``name`` in the ``tzdata`` package (a dependency)."""
    *folders, leaf = name.split("/")
    return resources.files(".".join(["tzdata.zoneinfo", *folders])).joinpath(leaf).read_bytes()


class Zones:
    """The time zone database of a test: folders searched in order, as ``PYTHONTZPATH`` names them."""

    def __init__(self, folders: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
        self.folders = folders
        self.monkeypatch = monkeypatch

    def use(self, folders: list[Path]) -> None:
        """Search ``folders``, as a new process with ``PYTHONTZPATH`` set to them would."""
        self.folders = folders
        self.monkeypatch.setenv("PYTHONTZPATH", os.pathsep.join(map(str, folders)))
        zoneinfo.reset_tzpath([str(folder) for folder in folders])
        forget()

    def put(self, name: str, rules: str, folder: int = 0, moment: float = 0) -> None:
        """Write the rules of the zone ``rules`` as the file of ``name``, last modified ``moment`` (0: a minute ago)."""
        target = self.folders[folder] / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rules_of(rules))
        when = moment or target.stat().st_mtime - 60
        os.utime(target, (when, when))


def forget() -> None:
    """What this process read of zones (``zoneinfo``'s instances, ``zone``'s, ``lint/zonefiles.py``'s digests)."""
    zoneinfo.ZoneInfo.clear_cache()
    zone.cache_clear()
    zonefiles._seen.clear()


@pytest.fixture
def zones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Zones]:
    searched = zoneinfo.TZPATH
    database = Zones([], monkeypatch)
    database.use([tmp_path / "zones"])
    database.put("Europe/London", "Europe/London", moment=1_700_000_000)
    yield database
    zoneinfo.reset_tzpath(list(searched))
    forget()


@pytest.fixture
def repo(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, zones: Zones) -> Cli:
    """A policy whose persona lives in `Europe/London` (of ``zones``), and a weekly campaign at 09:00Z."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    cli.write({"campaign-lint.yaml": POLICY, "campaigns/weekly.yaml": WEEKLY})
    age(cli.root)
    return cli


@pytest.fixture
def runs(repo: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> InProcess:
    return InProcess(repo, capsys, monkeypatch, Engine, "results")


def answer(run: Run) -> tuple[int, str, str]:
    return run.exit_code, run.normalised(run.stdout), run.stderr


def quiet_hours(run: Run) -> list[str]:
    return [
        finding["message"] for finding in json.loads(run.stdout)["findings"] if finding["rule"] == "TIM005"
    ]


def forget_records(root: Path) -> None:
    """Remove the replay records: the next run reads the cache."""
    for record in (root / ".campaign-lint-cache").glob("replay-*.bin"):
        record.unlink()


def test_a_changed_zone_file_changes_the_replayed_and_the_cached_answer(
    runs: InProcess, zones: Zones
) -> None:
    before, _ = runs.run("check", "-f", "json")
    assert quiet_hours(before) == []
    again, replayed = runs.run("check", "-f", "json")
    assert replayed
    assert answer(again) == answer(before)
    zones.put("Europe/London", "America/Los_Angeles")  # new rules for the zone's name
    after, replayed = runs.run("check", "-f", "json")
    assert not replayed
    assert quiet_hours(after) == [
        "the `customer` customer gets `weekly-picks` on day 0 (2026-11-23) at 01:00 Europe/London time, "
        "inside the quiet hours 21:00-08:00"
    ]
    fresh, _ = runs.run("check", "-f", "json", "--no-cache")
    assert answer(after) == answer(fresh)
    zones.put("Europe/London", "Europe/London")  # and back: the cache (no record) answers with these rules
    forget_records(runs.cli.root)
    warm, replayed = runs.run("check", "-f", "json")
    assert not replayed
    assert answer(warm) == answer(before)


def test_the_cache_alone_notices_the_change(runs: InProcess, zones: Zones) -> None:
    before, _ = runs.run("check", "-f", "json")
    zones.put("Europe/London", "America/Los_Angeles")
    forget_records(runs.cli.root)
    after, replayed = runs.run("check", "-f", "json")
    assert not replayed
    assert quiet_hours(after) != quiet_hours(before)
    assert answer(after) == answer(runs.run("check", "-f", "json", "--no-cache")[0])


def test_the_kept_settings_notice_a_zone_that_is_gone(repo: Cli, zones: Zones) -> None:
    """Validating the policy loads its zones: settings kept while a zone existed are not served once it is gone."""
    zones.put("Europe/Atlantis", "Europe/London")  # a zone of this database only
    policy = repo.root / "campaign-lint.yaml"
    policy.write_text(POLICY.replace("Europe/London", "Europe/Atlantis"), "utf-8")
    age(repo.root)
    assert repo.run("check").exit_code == 1  # MET001 on the campaign: the policy loads
    assert list((repo.root / ".campaign-lint-cache").glob("settings-*.bin"))
    (zones.folders[0] / "Europe/Atlantis").unlink()
    forget()
    kept, fresh = repo.run("check"), repo.run("check", "--no-cache")
    assert kept.exit_code == fresh.exit_code == 2
    assert kept.stderr == fresh.stderr
    assert "Europe/Atlantis" in kept.stderr


def test_a_zone_file_found_first_elsewhere_changes_the_answer(runs: InProcess, zones: Zones) -> None:
    """A file of the zone's name now earlier on the search path, or another search path: read from there."""
    later = zones.folders[0]
    zones.use([later.with_name("first"), later])
    before, _ = runs.run("check", "-f", "json")
    assert runs.run("check", "-f", "json")[1]
    zones.put("Europe/London", "America/Los_Angeles", folder=0)
    after, replayed = runs.run("check", "-f", "json")
    assert not replayed
    assert quiet_hours(after) != quiet_hours(before)
    assert runs.run("check", "-f", "json")[1]
    zones.use([later])  # PYTHONTZPATH back as it was: the London rules again
    again, replayed = runs.run("check", "-f", "json")
    assert not replayed
    assert answer(again) == answer(before)


def test_a_changed_zone_file_changes_the_replayed_simulation(
    repo: Cli, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, zones: Zones
) -> None:
    sims = InProcess(repo, capsys, monkeypatch, simulation, "run_simulation")
    zones.put("Asia/Tokyo", "Asia/Tokyo")
    for argv in (SIMULATE, (*SIMULATE, "--timezone", "Asia/Tokyo", "--journey", "order.placed@0d")):
        before, _ = sims.run(*argv)
        again, replayed = sims.run(*argv)
        assert replayed
        assert answer(again) == answer(before)
    zones.put("Europe/London", "America/Los_Angeles")
    zones.put("Asia/Tokyo", "Europe/Paris")
    forget()  # as the next process (``--timezone``'s zone is read again by each run, not kept by the cache)
    for argv in (SIMULATE, (*SIMULATE, "--timezone", "Asia/Tokyo", "--journey", "order.placed@0d")):
        after, replayed = sims.run(*argv)
        assert not replayed
        assert answer(after) == answer(sims.run(*argv, "--no-cache")[0])
    times = {message["time"] for message in json.loads(after.stdout)["messages"]}
    assert times == {"10:00"}  # 09:00Z in Paris, no longer 18:00 in Tokyo


@pytest.mark.slow  # starts Pythons
def test_new_rules_reach_the_next_process(cli: Cli, tmp_path: Path) -> None:
    """With PYTHONTZPATH as a user sets it: each run a new process, as ``zoneinfo`` reads the variable once."""
    cli.write({"campaign-lint.yaml": POLICY, "campaigns/weekly.yaml": WEEKLY})
    age(cli.root)
    folder = tmp_path / "zones"
    for name in ("Europe/London", "Asia/Tokyo"):
        (folder / name).parent.mkdir(parents=True)
        (folder / name).write_bytes(rules_of(name))
        os.utime(folder / name, (1_700_000_000, 1_700_000_000))
    env = {**os.environ, "PYTHONTZPATH": str(folder), "XDG_CACHE_HOME": str(tmp_path / "user")}

    def python(*argv: str) -> str:
        return subprocess.run(
            [sys.executable, *argv], cwd=cli.root, capture_output=True, text=True, env=env, check=False
        ).stdout

    def run(*argv: str) -> list[str]:
        found = json.loads(python("-m", "campaign_lint", "check", "-f", "json", *argv))["findings"]
        return [finding["message"] for finding in found if finding["rule"] == "TIM005"]

    def loaded(argv: list[str]) -> list[Any]:
        """The exit code and what of datetime, zoneinfo, typer a run of ``argv`` imported."""
        probe = (
            "import json, sys\n"
            "from campaign_lint.cli.entry import main\n"
            f"code = main({argv!r})\n"
            "print(json.dumps([code, sorted(m for m in ('datetime', 'zoneinfo', 'typer') if m in sys.modules)]))\n"
        )
        answer: list[Any] = json.loads(python("-c", probe))
        return answer

    assert run() == run() == run("--no-cache") == []
    # Replayed, a record with zones checks their files without reading them: no zoneinfo, no datetime.
    simulate = ["simulate", "--from", "2026-11-20", "--timezone", "Asia/Tokyo", "-o", "days.txt"]
    for argv in (["check", "-o", "report.txt"], simulate):
        first = loaded(argv)  # the check is recorded already, the simulation records here
        assert loaded(argv) == [first[0], []]
    (folder / "Europe/London").write_bytes(rules_of("America/Los_Angeles"))
    os.utime(folder / "Europe/London", (1_700_000_100, 1_700_000_100))
    after = run()
    assert after == run("--no-cache") == run()
    assert after == [
        "the `customer` customer gets `weekly-picks` on day 0 (2026-11-23) at 01:00 Europe/London time, "
        "inside the quiet hours 21:00-08:00"
    ]


def test_without_a_database_the_tzdata_package_is_stamped(zones: Zones) -> None:
    """No file on the search path: zoneinfo reads the ``tzdata`` package's, and that file is stamped."""
    zones.use([])
    files, lookup = zonefiles.found(["Asia/Tokyo"]) or ([], None)
    assert [Path(file).read_bytes() for file in files] == [rules_of("Asia/Tokyo")]
    assert Path(files[0]).parts[-4:] == ("tzdata", "zoneinfo", "Asia", "Tokyo")
    assert lookup == ("", ())
    assert zonefiles.lookup_holds(lookup)
    assert zonefiles.digests(["Asia/Tokyo", "Not/AZone"])[1] == ("Not/AZone", None)
    assert zonefiles.found(["Not/AZone"]) is None  # nothing to stamp: no record is kept


def test_the_lookup_holds_while_nothing_is_found_first(zones: Zones, tmp_path: Path) -> None:
    first = tmp_path / "first"
    zones.use([first, *zones.folders])
    files, lookup = zonefiles.found(["Europe/London"]) or ([], None)
    assert files == [str(zones.folders[1] / "Europe/London")]
    assert lookup == (f"{first}{os.pathsep}{zones.folders[1]}", (str(first / "Europe/London"),))
    assert zonefiles.lookup_holds(lookup)
    (first / "Europe").mkdir(parents=True)
    (first / "Europe/London").mkdir()  # a folder of the name: zoneinfo passes it by
    assert zonefiles.lookup_holds(lookup)
    zones.put("Asia/Tokyo", "Asia/Tokyo", folder=0)
    assert zonefiles.lookup_holds(lookup)
    (first / "Europe/London").rmdir()
    zones.put("Europe/London", "Europe/London", folder=0)
    assert not zonefiles.lookup_holds(lookup)
