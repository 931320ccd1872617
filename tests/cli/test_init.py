"""``campaign-lint init``: a policy and a campaign that pass, never written over existing files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from campaign_lint import __version__
from campaign_lint.cli import init as init_module
from campaign_lint.cli import writing
from campaign_lint.lint.config import load_settings
from campaign_lint.policies.defaults import FULFILMENT_EVENT
from campaign_lint.policies.events import STOP_WHEN_EXAMPLE
from campaign_lint.policies.registry import RULES_BY_ID
from campaign_lint.schemas.campaign import Channel
from tests.cli.snapshots import Cli

PROJECT = Path(__file__).resolve().parents[2]
WRITTEN = ["campaign-lint.yaml", "campaigns/welcome.yaml"]


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.parts
    }


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_init_then_check_passes(cli: Cli) -> None:
    run = cli.run("init")
    assert (run.exit_code, run.stderr) == (0, "")
    assert sorted(tree(cli.root)) == WRITTEN
    assert run.stdout.startswith("Wrote campaign-lint.yaml\nWrote campaigns/welcome.yaml\n")
    # The pre-commit snippet, as pre-commit reads it.
    snippet = run.stdout[run.stdout.index("# .pre-commit-config.yaml") :]
    config = yaml.safe_load(snippet)
    assert config["repos"][0]["rev"] == f"v{__version__}"
    hook_ids = {hook["id"] for hook in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())}
    assert {hook["id"] for hook in config["repos"][0]["hooks"]} <= hook_ids

    run = cli.run("check", "--no-cache", "--format", "json", "--fail-on", "info")
    assert (run.exit_code, run.stderr) == (0, "")
    data = json.loads(run.stdout)
    assert (data["findings"], data["summary"]["files"]) == ([], 1)


def test_example_campaign_is_clean_under_the_strict_profile(cli: Cli) -> None:
    assert cli.run("init").exit_code == 0
    policy = cli.root / "campaign-lint.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace("extends: recommended", "extends: strict"),
        encoding="utf-8",
    )
    run = cli.run("check", "--no-cache")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout.startswith("All clear: no findings in 1 file")


def test_init_into_a_new_folder(cli: Cli) -> None:
    run = cli.run("init", "new-repo")
    assert run.exit_code == 0
    assert sorted(tree(cli.root / "new-repo")) == WRITTEN
    assert cli.run("check", "--no-cache", "new-repo").exit_code == 0


@pytest.mark.parametrize("existing", [*WRITTEN, ".campaign-lint.yaml"])
def test_init_refuses_to_overwrite_and_writes_nothing(cli: Cli, existing: str) -> None:
    cli.write({existing: "mine: true\n"})
    before = tree(cli.root)
    run = cli.run("init")
    assert (run.exit_code, run.stdout) == (2, "")
    assert one_line(run.stderr) == (
        f"campaign-lint: error: {existing} already exists; init writes nothing over existing files"
    )
    assert tree(cli.root) == before


def test_init_of_a_file_is_exit_2(cli: Cli) -> None:
    cli.write({"notes.txt": "x"})
    run = cli.run("init", "notes.txt")
    assert (run.exit_code, one_line(run.stderr)) == (2, "campaign-lint: error: notes.txt: not a folder")


def test_a_failed_write_leaves_nothing_behind(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    real = writing.write_output

    def fail_on_campaign(path: Path, text: str) -> None:
        if path.name == "welcome.yaml":
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(writing, "write_output", fail_on_campaign)
    run = cli.run("init", "fresh")
    assert run.exit_code == 2
    assert "No space left on device" in one_line(run.stderr)
    assert not (cli.root / "fresh").exists()


def test_generated_policy_loads(cli: Cli) -> None:
    assert cli.run("init").exit_code == 0
    settings = load_settings(None, cli.root)
    assert settings.policy_path == cli.root / "campaign-lint.yaml"
    assert (settings.profile, settings.campaigns) == ("recommended", ("campaigns/**/*.yaml",))
    cap = settings.view.channels[Channel("email")].cap
    assert cap is not None
    assert cap.max == 3
    assert "account.created" in settings.view.events


def test_commented_examples_load_once_uncommented(tmp_path: Path) -> None:
    text = init_module.policy_text()
    # Every line of the examples is in the policy, commented out.
    for line in init_module.POLICY_EXAMPLES.splitlines():
        assert (line if line.startswith("#") else f"# {line}".rstrip()) in text.splitlines()
    policy = tmp_path / "campaign-lint.yaml"
    policy.write_text(init_module.POLICY_HEAD + init_module.POLICY_EXAMPLES, encoding="utf-8")
    settings = load_settings(policy, tmp_path)
    assert [rule.id for rule in settings.custom_rules] == ["ORG001"]
    assert [waiver.rule for waiver in settings.exceptions] == ["FRQ002"]
    assert str(settings.rules["MET002"].severity) == "warning"


def test_files_carry_the_schema_modeline_of_a_committed_schema() -> None:
    for text, kind in ((init_module.EXAMPLE_CAMPAIGN, "campaign"), (init_module.policy_text(), "policy")):
        first = text.splitlines()[0]
        assert first == f"# yaml-language-server: $schema={init_module.SCHEMA_URL}/{kind}.schema.json"
        assert (PROJECT / "schemas" / f"{kind}.schema.json").is_file()
    assert init_module.SCHEMA_URL.endswith(f"/v{__version__}/schemas")


def test_policy_names_only_known_rules() -> None:
    data = yaml.safe_load(init_module.POLICY_EXAMPLES)
    assert set(data["rules"]) <= set(RULES_BY_ID)


def _doc_example_events() -> set[str]:
    """Every event a rule's examples start or stop on (what `explain` shows marketers to copy)."""
    events: set[str] = set()
    for rule in RULES_BY_ID.values():
        for section in ("Bad", "Use instead"):
            if rule.id == "SPEC004" and section == "Bad":
                continue  # misspelt on purpose: it is the example of an unknown event
            for text in rule.doc().examples(section):
                for data in yaml.safe_load_all(text):
                    trigger = data.get("trigger") if isinstance(data, dict) else None
                    if isinstance(trigger, dict):
                        events.update([trigger["event"]] if "event" in trigger else [])
                        events.update(trigger.get("stop_when") or [])
    return events


def test_catalogue_covers_the_events_of_hints_and_examples() -> None:
    catalogue = set(yaml.safe_load(init_module.POLICY_HEAD.replace("{{", "{").replace("}}", "}"))["events"])
    used = _doc_example_events() | set(STOP_WHEN_EXAMPLE) | {FULFILMENT_EVENT}
    assert {"cart.abandoned", "order.placed", "unsubscribed"} <= used  # the collection finds them
    assert used <= catalogue, f"init's catalogue lacks {sorted(used - catalogue)}"


@pytest.mark.parametrize(
    ("trigger", "suggested"),
    [
        ("event: account.created", "[order.placed, unsubscribed]"),
        ("event: cart.abandoned", "[cart.emptied, order.placed, unsubscribed]"),
        ("event: order.delivered", "[review.submitted, order.returned, unsubscribed]"),
    ],
)
def test_following_the_stop_when_hint_after_init_is_clean(cli: Cli, trigger: str, suggested: str) -> None:
    assert cli.run("init").exit_code == 0
    reminder = init_module.EXAMPLE_CAMPAIGN.replace("event: account.created", trigger).replace(
        "  stop_when: [order.placed]        # their order emails take over\n", ""
    )
    cli.write({"campaigns/welcome.yaml": reminder})
    run = cli.run("check", "--no-cache", "--format", "json")
    found = json.loads(run.stdout)["findings"]
    assert [finding["rule"] for finding in found] == ["TIM004"]
    hint = found[0]["hint"]
    assert hint.endswith(f"like {suggested}")
    followed = reminder.replace("  delay: 1h\n", f"  delay: 1h\n  stop_when: {suggested}\n")
    cli.write({"campaigns/welcome.yaml": followed})
    run = cli.run("check", "--no-cache", "--fail-on", "info")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout.startswith("All clear")
