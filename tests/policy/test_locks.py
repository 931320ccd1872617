"""``locked:``: what an organisation policy locks, the policies that extend it cannot loosen.

Each loosening is one error line at the value that loosens, naming the lock
and its file (``central/org.yaml locks it (`locked.rules`, central/org.yaml:L:C)``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from campaign_lint.core.errors import PolicyError
from campaign_lint.core.findings import Severity
from campaign_lint.lint.config import Settings, load_settings
from campaign_lint.schemas.campaign import Channel
from tests.cli.snapshots import Cli
from tests.policy.support import at, feedback, findings

ORG = """\
version: 1
extends: strict
channels:
  email: {cap: {max: 3, per: 7d}, consent: [opt_in]}
  sms: {send_window: {start: "09:00", end: "20:00"}}
total_cap: {max: 6, per: 7d}
rules:
  TIM001: {min_delay: 5d}
exceptions:
  - rule: CON001
    campaigns: [store-closure-sms]
    reason: Legal approved the store-closure text to every customer (LEGAL-7).
    expires: 2099-01-01
locked:
  rules: [TIM, CON001, MET003]
  channels: [sms]
  caps: [email, total_cap]
  fail_on: true
"""


def lock(key: str, entry: str) -> str:
    """How an error names the lock written at ``entry`` under ``locked.<key>`` of central/org.yaml."""
    line, column = at(ORG, entry, occurrence=ORG.count(entry))
    return f"central/org.yaml locks it (`locked.{key}`, central/org.yaml:{line}:{column})"


TIM, CON001, MET003 = lock("rules", "TIM,"), lock("rules", "CON001,"), lock("rules", "MET003")
SMS, EMAIL_CAP, TOTAL_CAP = lock("channels", "sms]"), lock("caps", "email,"), lock("caps", "total_cap]")
FAIL_ON = lock("fail_on", "true")


def settings_of(root: Path) -> Settings:
    return load_settings(root / "campaign-lint.yaml", root, today=date(2026, 11, 22))


def problems(repo: Cli, team: str, **files: str) -> list[str]:
    """The policy errors of ``team`` (campaign-lint.yaml) over central/org.yaml."""
    repo.write({"central/org.yaml": ORG, "campaign-lint.yaml": team, **files})
    with pytest.raises(PolicyError) as raised:
        settings_of(repo.root)
    return raised.value.problems


def place(text: str, needle: str, file: str = "campaign-lint.yaml") -> str:
    line, column = at(text, needle)
    return f"{file}:{line}:{column}"


def test_a_team_policy_may_tighten_everything_locked(repo: Cli) -> None:
    repo.write(
        {
            "central/org.yaml": ORG,
            "campaign-lint.yaml": "version: 1\n"
            "extends: central/org.yaml\n"
            "fail_on: info\n"
            "channels:\n"
            "  email: {cap: {max: 1, per: 3d}}\n"  # 3 a week at most: not looser than 3 per 7d
            '  sms: {consent: [express_written], send_window: {start: "10:00", end: "19:00"}, '
            "unsubscribe: one_click}\n"
            "total_cap: {max: 4, per: 14d}\n"
            "rules:\n"
            "  MET003: error\n"
            "  TIM001: {min_delay: 5d, severity: error}\n"
            "  AUD001: off\n"  # not locked
            "overrides:\n"
            '  - files: ["campaigns/legacy/**"]\n'
            "    rules: {TIM004: error, MET002: off}\n"
            "exceptions:\n"
            "  - rule: AUD001\n"
            "    campaigns: [winter-sale]\n"
            "    reason: Store-wide closing-down sale approved by the CMO (MKT-1234).\n"
            "    expires: 2026-12-01\n",
        }
    )
    settings = settings_of(repo.root)
    assert settings.rules["MET003"].severity is Severity.ERROR
    assert settings.fail_on is Severity.INFO
    assert "AUD001" not in settings.rules
    assert {"TIM001", "TIM004", "CON001", "MET003"} <= set(settings.locked)
    assert settings.locked["CON001"] == CON001


def test_extending_recommended_over_a_strict_organisation_policy_is_an_error(repo: Cli) -> None:
    # The case: a later profile switches off what the strict organisation policy runs.
    team = "version: 1\nextends: [central/org.yaml, recommended]\n"
    where = place(team, "recommended")
    assert problems(repo, team) == [
        f"{where}: MET003 is switched off with the profile `recommended`, but {MET003}: "
        "a locked rule stays on, at `info` or stricter",
        f"{where}: runs fail from `error` with the profile `recommended`, not from `warning`, but {FAIL_ON}: "
        "a locked `fail_on` may only get stricter",
    ]


@pytest.mark.parametrize(
    ("lines", "needle", "message"),
    [
        pytest.param(
            "rules:\n  CON001: off\n",
            "off",
            f"CON001 is switched off here, but {CON001}: a locked rule stays on, at `error` or stricter",
            id="rule-off",
        ),
        pytest.param(
            "rules:\n  TIM002: {severity: warning}\n",
            "{severity",
            f"TIM002 is `warning` here, below `error`, but {TIM}: a locked rule's severity may only get stricter",
            id="severity-lowered",
        ),
        pytest.param(
            "rules:\n  TIM001: {min_delay: 1d}\n",
            "1d",
            f"`min_delay` of TIM001 is `1d` here, not `5d`, but {TIM}: a locked rule keeps its options",
            id="options-changed",
        ),
        pytest.param(
            'overrides:\n  - files: ["campaigns/legacy/**"]\n    rules: {TIM004: off}\n',
            "off}",
            f"this override switches TIM004 off, but {TIM}: a locked rule stays on",
            id="override-off",
        ),
        pytest.param(
            'overrides:\n  - files: ["campaigns/legacy/**"]\n    rules: {CON001: info}\n',
            "info}",
            f"this override makes CON001 `info`, below `error`, but {CON001}: "
            "a locked rule's severity may only get stricter",
            id="override-severity",
        ),
        pytest.param(
            "exceptions:\n  - rule: TIM002\n    campaigns: [night-sale]\n"
            "    reason: Approved by the CMO for the night sale (MKT-9).\n    expires: 2099-01-01\n",
            "TIM002",
            f"this exception waives TIM002, but {TIM}: only that policy can waive it",
            id="exception",
        ),
        pytest.param(
            "channels:\n  email: {cap: {max: 5, per: 7d}}\n",
            "5",
            f"the email cap here is 5 per 7d, looser than 3 per 7d, but {EMAIL_CAP}: a locked cap may only get tighter",
            id="cap-max",
        ),
        pytest.param(
            "channels:\n  email: {cap: {max: 1, per: 1d}}\n",
            "1d",
            f"the email cap here is 1 per 1d, looser than 3 per 7d, but {EMAIL_CAP}: a locked cap may only get tighter",
            id="cap-per",
        ),
        pytest.param(
            "total_cap: {max: 6, per: 6d}\n",
            "6d",
            f"the total cap here is 6 per 6d, looser than 6 per 7d, but {TOTAL_CAP}: a locked cap may only get tighter",
            id="total-cap",
        ),
        pytest.param(
            "channels:\n  sms: {consent: [express_written, opt_in]}\n",
            "[express",
            f"sms consent here accepts `opt_in`, beyond `express_written`, but {SMS}: "
            "locked consent may only get narrower",
            id="consent-wider",
        ),
        pytest.param(
            'channels:\n  sms: {send_window: {start: "09:00", end: "22:00"}}\n',
            '"22:00"',
            f"the sms send window here is 09:00-22:00, wider than 09:00-20:00, but {SMS}: "
            "a locked send window may only get narrower",
            id="send-window-wider",
        ),
        pytest.param(
            "channels:\n  sms: {unsubscribe: link}\n",
            "link",
            f"sms unsubscribe here is `link`, not `keyword`, but {SMS}: a locked unsubscribe may only become `one_click`",
            id="unsubscribe",
        ),
        pytest.param(
            "channels:\n  sms: {cap: {max: 3, per: 7d}}\n",
            "3",
            f"the sms cap here is 3 per 7d, looser than 2 per 7d, but {SMS}: a locked cap may only get tighter",
            id="channel-cap-from-the-built-in-default",
        ),
        pytest.param(
            "fail_on: error\n",
            "error",
            f"runs fail from `error` here, not from `warning`, but {FAIL_ON}: a locked `fail_on` may only get stricter",
            id="fail-on",
        ),
        pytest.param(
            "locked: {rules: [], channels: [], caps: [], fail_on: false}\nrules:\n  CON001: off\n",
            "off",
            f"CON001 is switched off here, but {CON001}: a locked rule stays on, at `error` or stricter",
            id="locks-cannot-be-unwritten",
        ),
    ],
)
def test_loosening_a_locked_value_is_an_error_at_its_line(
    repo: Cli, lines: str, needle: str, message: str
) -> None:
    team = "version: 1\nextends: central/org.yaml\n" + lines
    assert problems(repo, team) == [f"{place(team, needle)}: {message}"]


def test_every_loosening_is_reported_in_file_order(repo: Cli) -> None:
    team = (
        "version: 1\n"
        "extends: central/org.yaml\n"
        "total_cap: {max: 7, per: 7d}\n"
        "rules:\n"
        "  CON001: warning\n"
        "  TIM004: off\n"
    )
    found = problems(repo, team)
    assert [line.split(": ", 1)[0] for line in found] == [
        place(team, "7, per"),
        place(team, "warning"),
        place(team, "off"),
    ]


def test_locks_bind_every_layer_that_is_not_the_lock_s_own(repo: Cli) -> None:
    # A sibling entry of `extends` (its exception, its override), and a department
    # policy between the organisation and the team, are bound; the organisation's
    # own exception of its locked CON001 is not.
    loose = (
        "version: 1\n"
        "exceptions:\n"
        "  - rule: CON001\n"
        "    campaigns: [flash-sale]\n"
        "    reason: The team thinks the list is fine (no ticket).\n"
        "    expires: 2099-01-01\n"
    )
    department = "version: 1\nextends: ../central/org.yaml\nrules:\n  TIM003: info\n"
    team = "version: 1\nextends: [loose.yaml, departments/eu.yaml]\n"
    found = problems(repo, team, **{"loose.yaml": loose, "departments/eu.yaml": department})
    assert found == [
        f"{place(department, 'info', 'departments/eu.yaml')}: TIM003 is `info` here, below `error`, "
        f"but {TIM}: a locked rule's severity may only get stricter",
        f"{place(loose, 'CON001', 'loose.yaml')}: this exception waives CON001, but {CON001}: "
        "only that policy can waive it",
    ]


def test_a_lock_of_a_file_the_organisation_extends_binds_the_organisation(repo: Cli) -> None:
    base = "version: 1\nextends: strict\nlocked: {rules: [AUD001]}\n"
    org = "version: 1\nextends: base.yaml\nrules:\n  AUD001: off\n"
    repo.write(
        {
            "central/base.yaml": base,
            "central/org.yaml": org,
            "campaign-lint.yaml": "extends: central/org.yaml\n",
        }
    )
    with pytest.raises(PolicyError) as raised:
        settings_of(repo.root)
    line, column = at(base, "AUD001")
    assert raised.value.problems == [
        f"{place(org, 'off', 'central/org.yaml')}: AUD001 is switched off here, but central/base.yaml locks it "
        f"(`locked.rules`, central/base.yaml:{line}:{column}): a locked rule stays on, at `warning` or stricter"
    ]


def test_the_locking_policy_itself_may_set_what_it_locks(repo: Cli) -> None:
    # Checked on its own (--config central/org.yaml), the organisation's exception and values stand.
    repo.write({"central/org.yaml": ORG})
    settings = load_settings(repo.root / "central/org.yaml", repo.root, today=date(2026, 11, 22))
    assert [waiver.rule for waiver in settings.exceptions] == ["CON001"]
    assert settings.view.channels[Channel.EMAIL].consent == ["opt_in"]


@pytest.mark.parametrize(
    ("locked", "needle", "message"),
    [
        ("locked: {rules: [CON01]}\n", "CON01", "`CON01` is not a rule or family; see `campaign-lint rules`"),
        ("locked: {channels: [fax]}\n", "fax", "`fax` is not a valid `locked.channels[0]`"),
    ],
)
def test_a_lock_of_nothing_is_an_error(repo: Cli, locked: str, needle: str, message: str) -> None:
    team = "version: 1\nextends: central/org.yaml\n" + locked
    found = problems(repo, team)
    assert len(found) == 1
    assert found[0].startswith(f"{place(team, needle)}: ")
    assert message in found[0]


def test_a_locked_rule_cannot_be_suppressed_in_a_campaign(repo: Cli) -> None:
    campaign = (
        feedback("review")
        .replace("  consent: opt_in\n", "  consent: opt_in  # campaign-lint: disable=TIM004 -- see MKT-3\n")
        .replace("  stop_when: [review.submitted, order.returned]\n", "")
        .replace("max: 1", "max: 2")
    )
    repo.write({"central/org.yaml": ORG, "campaign-lint.yaml": "version: 1\nextends: central/org.yaml\n"})
    repo.write({"campaigns/review.yaml": campaign})
    run = repo.run("check", "--format", "json", "--no-cache", "--select", "TIM004,POL003")
    assert run.stderr == ""
    comment_line, comment_column = at(campaign, "# campaign-lint")
    assert findings(run) == [
        ("POL003", "error", "campaigns/review.yaml", comment_line, comment_column),
        ("TIM004", "warning", "campaigns/review.yaml", *at(campaign, "trigger")),
    ]


def test_command_line_flags_stay_the_ci_owner_s(repo: Cli) -> None:
    repo.write(
        {
            "central/org.yaml": ORG,
            "campaign-lint.yaml": "version: 1\nextends: central/org.yaml\n",
            "campaigns/review.yaml": feedback("review"),
        }
    )
    run = repo.run("check", "--no-cache", "--ignore", "TIM,CON001", "--fail-on", "error")
    assert (run.exit_code, run.stderr) == (0, "")


DOCS = Path(__file__).resolve().parents[2] / "docs" / "policy.md"


def test_the_worked_example_of_the_docs_says_what_happens(repo: Cli) -> None:
    """docs/policy.md#locks: the organisation policy, a team policy refused with its errors, one that passes."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("\n## Locks\n") :]
    section = section[: section.index("\n## ", 1)]
    blocks = [block.split("\n", 1) for block in section.split("```")[1::2]]
    org, refused, errors, passes = (body for kind, body in blocks if kind in ("yaml", "text"))
    repo.write({"shared/engagement.yaml": org, "campaigns/review.yaml": feedback("review")})
    repo.write({"campaigns/legacy/old-review.yaml": feedback("old-review")})  # what the override is for
    repo.write({"campaign-lint.yaml": refused})
    run = repo.run("check", "--no-cache")
    assert (run.exit_code, run.stdout, run.stderr) == (2, "", errors)
    repo.write({"campaign-lint.yaml": passes})
    run = repo.run("check", "--no-cache")
    assert (run.exit_code, run.stderr) == (0, "")
