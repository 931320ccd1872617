"""``overrides``: rule settings for the campaign files matching gitignore-style globs."""

from __future__ import annotations

from tests.cli.snapshots import Cli
from tests.policy.support import at, feedback, findings

# Clean except MET002 (a warning: only activity metrics).
OPENS_ONLY = feedback("{id}").replace("[problems_resolved, repeat_purchase_rate]", "[opens, clicks]")


def opens_only(campaign_id: str) -> str:
    return OPENS_ONLY.replace("{id}", campaign_id)


FILES = {
    "campaigns/new.yaml": opens_only("new"),
    "campaigns/legacy/old.yaml": opens_only("old"),
    "campaigns/legacy/keep.yaml": opens_only("keep"),
    "campaigns/legacy/deep/older.yaml": opens_only("older"),
    "campaigns/emea/winter-legacy.yaml": opens_only("winter-legacy"),
}
MET002_LINE = at(OPENS_ONLY, "[opens")


def met002(run_findings: list[tuple[str, str, str, int, int]]) -> dict[str, str]:
    """{path: severity} of the MET002 findings."""
    return {path: severity for rule, severity, path, *_ in run_findings if rule == "MET002"}


def run(repo: Cli, policy: str) -> list[tuple[str, str, str, int, int]]:
    repo.write({"campaign-lint.yaml": policy, **FILES})
    result = repo.run("check", "--format", "json", "--no-cache")
    assert result.exit_code in (0, 1), result.stderr
    return findings(result)


def test_without_overrides_every_file_reports(repo: Cli) -> None:
    found = run(repo, "version: 1\n")
    assert met002(found) == {path: "warning" for path in FILES}
    assert {(line, column) for rule, _, _, line, column in found if rule == "MET002"} == {MET002_LINE}


def test_off_only_for_matching_files(repo: Cli) -> None:
    found = run(
        repo, 'version: 1\noverrides:\n  - files: ["campaigns/legacy/**"]\n    rules: {MET002: off}\n'
    )
    assert met002(found) == {
        "campaigns/new.yaml": "warning",
        "campaigns/emea/winter-legacy.yaml": "warning",
    }


def test_severity_changes_only_for_matching_files(repo: Cli) -> None:
    found = run(
        repo, 'version: 1\noverrides:\n  - files: ["campaigns/new.yaml"]\n    rules: {MET002: error}\n'
    )
    severities = met002(found)
    assert severities.pop("campaigns/new.yaml") == "error"
    assert set(severities.values()) == {"warning"}


def test_a_pattern_without_slash_matches_at_any_depth(repo: Cli) -> None:
    found = run(
        repo, 'version: 1\noverrides:\n  - files: ["*-legacy.yaml", "older.yaml"]\n    rules: {MET002: off}\n'
    )
    assert set(met002(found)) == {
        "campaigns/new.yaml",
        "campaigns/legacy/old.yaml",
        "campaigns/legacy/keep.yaml",
    }


def test_a_negated_pattern_takes_a_file_back_out(repo: Cli) -> None:
    policy = (
        'version: 1\noverrides:\n  - files: ["campaigns/legacy/**", "!campaigns/legacy/keep.yaml"]\n'
        "    rules: {MET002: off}\n"
    )
    assert set(met002(run(repo, policy))) == {
        "campaigns/new.yaml",
        "campaigns/legacy/keep.yaml",
        "campaigns/emea/winter-legacy.yaml",
    }


def test_single_star_does_not_cross_folders(repo: Cli) -> None:
    found = run(
        repo, 'version: 1\noverrides:\n  - files: ["campaigns/legacy/*.yaml"]\n    rules: {MET002: off}\n'
    )
    assert "campaigns/legacy/deep/older.yaml" in met002(found)
    assert "campaigns/legacy/old.yaml" not in met002(found)


def test_later_overrides_win(repo: Cli) -> None:
    policy = (
        "version: 1\noverrides:\n"
        '  - files: ["campaigns/**"]\n    rules: {MET002: off}\n'
        '  - files: ["campaigns/new.yaml"]\n    rules: {MET002: info}\n'
    )
    assert met002(run(repo, policy)) == {"campaigns/new.yaml": "info"}


def test_an_override_can_switch_on_a_rule_the_profile_leaves_off(repo: Cli) -> None:
    # MET004 (strict only): a large audience without a holdout.
    policy = 'version: 1\noverrides:\n  - files: ["campaigns/new.yaml"]\n    rules: {MET004: {severity: warning}}\n'
    repo.write({"campaign-lint.yaml": policy})
    repo.write({"campaigns/new.yaml": feedback("new").replace("segment: recent_buyers", "segment: all")})
    repo.write({"campaigns/other.yaml": feedback("other").replace("segment: recent_buyers", "segment: all")})
    found = findings(repo.run("check", "--format", "json", "--no-cache", "--ignore", "FRQ003"))
    assert [(rule, path) for rule, _, path, *_ in found if rule == "MET004"] == [
        ("MET004", "campaigns/new.yaml")
    ]


def test_an_override_matching_no_file_is_pol002(repo: Cli) -> None:
    policy = 'version: 1\noverrides:\n  - files: ["campaigns/retired/**"]\n    rules: {MET002: off}\n'
    found = run(repo, policy)
    assert ("POL002", "warning", "campaign-lint.yaml", *at(policy, "[")) in found
    assert len(met002(found)) == len(FILES)


def test_an_override_of_an_unknown_rule_is_a_policy_error(repo: Cli) -> None:
    repo.write(
        {
            "campaign-lint.yaml": 'version: 1\noverrides:\n  - files: ["campaigns/**"]\n    rules: {MET020: off}\n',
            **FILES,
        }
    )
    result = repo.run("check")
    assert result.exit_code == 2
    assert result.stderr.startswith("campaign-lint.yaml:4:13: `MET020` is not a rule")
