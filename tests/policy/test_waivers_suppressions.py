"""Policy exceptions (POL001, POL002) and inline suppression comments (POL003)."""

from __future__ import annotations

from typing import Any

from tests.cli.snapshots import Cli
from tests.policy.support import at, feedback, report

Row = tuple[str, str, str, int, int]


def to_everyone(campaign_id: str, segment_line: str = "  segment: all") -> str:
    """A clean feedback campaign sent to everyone without exclusions: AUD001 only."""
    return feedback(campaign_id).replace(
        "  segment: recent_buyers\n  exclude: [returned_orders]", segment_line
    )


def exception(campaigns: str, expires: str = "2026-12-31", rule: str = "AUD001") -> str:
    return (
        "version: 1\nexceptions:\n"
        f"  - rule: {rule}\n"
        f"    campaigns: {campaigns}\n"
        "    reason: Store closure notice approved by the CMO (MKT-9).\n"
        f"    expires: {expires}\n"
    )


EXCEPTION_AT = (3, 5)  # the `- rule:` item of the first exception


def lint(repo: Cli, files: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    repo.write(files)
    run = repo.run("check", "--format", "json", "--no-cache", "--today", "2026-11-01", *args)
    assert run.stderr == ""
    return run.exit_code, report(run)


def rows(data: dict[str, Any], key: str = "findings") -> list[Row]:
    return [(f["rule"], f["severity"], f["path"], f["line"], f["column"]) for f in data[key]]


WINTER = to_everyone("winter-sale")
CLEARANCE = to_everyone("winter-clearance")
SPRING = to_everyone("spring-sale")
EVERYONE = {
    "campaigns/winter-sale.yaml": WINTER,
    "campaigns/winter-clearance.yaml": CLEARANCE,
    "campaigns/spring.yaml": SPRING,
}
AUD001_AT = at(WINTER, "all")


def aud001(path: str) -> Row:
    return ("AUD001", "warning", path, *AUD001_AT)


# --- exceptions -------------------------------------------------------------------------------


def test_exception_by_id_glob_waives_only_matching_campaigns(repo: Cli) -> None:
    code, data = lint(repo, {"campaign-lint.yaml": exception('["winter-*"]'), **EVERYONE})
    assert rows(data) == [aud001("campaigns/spring.yaml")]
    assert data["summary"]["suppressed"] == 2
    assert code == 0  # a warning does not fail under `fail_on: error`


def test_exception_by_path_glob(repo: Cli) -> None:
    files = {
        "campaign-lint.yaml": exception('["campaigns/legacy/*"]'),
        "campaigns/legacy/old.yaml": to_everyone("old"),
        "campaigns/spring.yaml": SPRING,
    }
    _, data = lint(repo, files)
    assert rows(data) == [aud001("campaigns/spring.yaml")]


def test_exception_waives_only_its_rule(repo: Cli) -> None:
    policy = exception("[winter-sale]", rule="MET002")
    _, data = lint(repo, {"campaign-lint.yaml": policy, "campaigns/winter-sale.yaml": WINTER})
    assert rows(data) == [
        ("POL002", "warning", "campaign-lint.yaml", *EXCEPTION_AT),
        aud001("campaigns/winter-sale.yaml"),
    ]


def test_exception_matching_nothing_is_pol002(repo: Cli) -> None:
    _, data = lint(repo, {"campaign-lint.yaml": exception("[autumn-sale]"), **EVERYONE})
    found = rows(data)
    assert found[0] == ("POL002", "warning", "campaign-lint.yaml", *EXCEPTION_AT)
    assert found[1:] == [aud001(p) for p in sorted(EVERYONE)]
    assert data["summary"]["suppressed"] == 0


def test_expired_exception_is_pol001_and_the_finding_returns(repo: Cli) -> None:
    policy = exception("[winter-sale]", expires="2026-10-31")
    code, data = lint(repo, {"campaign-lint.yaml": policy, "campaigns/winter-sale.yaml": WINTER})
    assert rows(data) == [
        ("POL001", "error", "campaign-lint.yaml", *EXCEPTION_AT),
        aud001("campaigns/winter-sale.yaml"),
    ]
    assert "expired on 2026-10-31" in data["findings"][0]["message"]
    assert code == 1


def test_an_expired_exception_is_not_also_reported_as_unused(repo: Cli) -> None:
    policy = exception("[autumn-sale]", expires="2026-10-31")
    _, data = lint(repo, {"campaign-lint.yaml": policy, "campaigns/winter-sale.yaml": WINTER})
    assert [rule for rule, *_ in rows(data)] == ["POL001", "AUD001"]


def test_waived_findings_are_listed_with_show_suppressed(repo: Cli) -> None:
    policy = exception("[winter-sale]")
    _, data = lint(
        repo, {"campaign-lint.yaml": policy, "campaigns/winter-sale.yaml": WINTER}, "--show-suppressed"
    )
    assert rows(data) == []
    assert rows(data, "suppressed") == [aud001("campaigns/winter-sale.yaml")]
    assert "MKT-9" in data["suppressed"][0]["reason"]
    assert "2026-12-31" in data["suppressed"][0]["reason"]


# --- inline suppressions ----------------------------------------------------------------------

REASON = " -- store closure notice (MKT-9)"


def suppressed_on_line(comment: str) -> str:
    return to_everyone("winter-sale", f"  segment: all  # campaign-lint: {comment}")


def pol003(text: str) -> Row:
    return ("POL003", "error", "campaigns/winter-sale.yaml", *at(text, "# campaign-lint"))


def test_disable_on_the_findings_line(repo: Cli) -> None:
    campaign = suppressed_on_line("disable=AUD001" + REASON)
    code, data = lint(repo, {"campaigns/winter-sale.yaml": campaign})
    assert rows(data) == []
    assert data["summary"]["suppressed"] == 1
    assert code == 0


def test_disable_lists_several_rules(repo: Cli) -> None:
    campaign = suppressed_on_line("disable=MET001, AUD001" + REASON)
    _, data = lint(repo, {"campaigns/winter-sale.yaml": campaign})
    # AUD001 is silenced; MET001 has nothing to silence on this line.
    assert rows(data) == [pol003(campaign)]
    assert "MET001" in data["findings"][0]["message"]


def test_disable_on_another_line_does_not_cover(repo: Cli) -> None:
    campaign = to_everyone("winter-sale").replace(
        "  consent: opt_in", f"  consent: opt_in  # campaign-lint: disable=AUD001{REASON}"
    )
    _, data = lint(repo, {"campaigns/winter-sale.yaml": campaign})
    assert rows(data) == [aud001("campaigns/winter-sale.yaml"), pol003(campaign)]


def test_disable_file_anywhere(repo: Cli) -> None:
    campaign = f"# campaign-lint: disable-file=AUD001{REASON}\n" + to_everyone("winter-sale")
    _, data = lint(repo, {"campaigns/winter-sale.yaml": campaign}, "--show-suppressed")
    assert rows(data) == []
    assert rows(data, "suppressed") == [
        ("AUD001", "warning", "campaigns/winter-sale.yaml", AUD001_AT[0] + 1, AUD001_AT[1])
    ]
    assert "store closure notice (MKT-9)" in data["suppressed"][0]["reason"]


def test_missing_reason_is_pol003_and_silences_nothing(repo: Cli) -> None:
    campaign = suppressed_on_line("disable=AUD001")
    code, data = lint(repo, {"campaigns/winter-sale.yaml": campaign})
    assert rows(data) == [aud001("campaigns/winter-sale.yaml"), pol003(campaign)]
    assert data["summary"]["suppressed"] == 0
    assert code == 1


def test_unknown_rule_is_pol003(repo: Cli) -> None:
    campaign = suppressed_on_line("disable=AUD001,AUD009" + REASON)
    _, data = lint(repo, {"campaigns/winter-sale.yaml": campaign})
    assert rows(data) == [pol003(campaign)]
    assert "AUD009" in data["findings"][0]["message"]
    assert data["summary"]["suppressed"] == 1


def test_unused_suppression_is_pol003(repo: Cli) -> None:
    campaign = feedback("review").replace(
        "  segment: recent_buyers", f"  segment: recent_buyers  # campaign-lint: disable=AUD001{REASON}"
    )
    _, data = lint(repo, {"campaigns/winter-sale.yaml": campaign})
    assert rows(data) == [pol003(campaign)]


def test_unsuppressible_rule_is_pol003_and_the_finding_stays(repo: Cli) -> None:
    campaign = suppressed_on_line("disable=AUD001" + REASON)
    files = {
        "campaign-lint.yaml": "version: 1\nunsuppressible: [AUD001]\n",
        "campaigns/winter-sale.yaml": campaign,
    }
    _, data = lint(repo, files)
    assert rows(data) == [aud001("campaigns/winter-sale.yaml"), pol003(campaign)]
    assert "unsuppressible" in data["findings"][1]["message"]


def test_custom_rules_can_be_suppressed_inline(repo: Cli) -> None:
    policy = (
        "version: 1\ncustom_rules:\n  - id: ORG001\n    description: Campaigns name a cost centre.\n"
        '    assert: "\'x-cost-center\' in campaign"\n    message: "{id} has no x-cost-center"\n'
        "    path: id\n"
    )
    campaign = feedback("review").replace(
        "id: review", f"id: review  # campaign-lint: disable=ORG001{REASON}"
    )
    _, data = lint(repo, {"campaign-lint.yaml": policy, "campaigns/review.yaml": campaign})
    assert rows(data) == []
    assert data["summary"]["suppressed"] == 1


def test_text_summary_counts_and_show_suppressed_lists(repo: Cli) -> None:
    repo.write({"campaigns/winter-sale.yaml": suppressed_on_line("disable=AUD001" + REASON)})
    plain = repo.run("check", "--no-cache")
    assert "1 suppressed" in plain.stdout
    assert "AUD001" not in plain.stdout
    shown = repo.run("check", "--no-cache", "--show-suppressed")
    line = next(line for line in shown.stdout.splitlines() if "AUD001" in line)
    assert line.startswith(f"campaigns/winter-sale.yaml:{AUD001_AT[0]}:{AUD001_AT[1]}: AUD001 [suppressed]")
    assert "store closure notice (MKT-9)" in shown.stdout
