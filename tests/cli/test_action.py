"""The GitHub Action runs a `campaign-lint check` command line that works."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml

from campaign_lint.cli.app import main

ROOT = Path(__file__).resolve().parents[2]


def _check_line() -> str:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    scripts = [step.get("run", "") for step in action["runs"]["steps"]]
    (line,) = [
        line.strip()
        for script in scripts
        for line in script.splitlines()
        if line.strip().startswith("campaign-lint check")
    ]
    return str(line)


def test_action_inputs_used_in_steps_are_declared() -> None:
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    action = yaml.safe_load(text)
    declared = set(action["inputs"])
    used = {part.split("}}")[0].strip() for part in text.split("inputs.")[1:]}
    used = {name.split(" ")[0].split(")")[0].split(",")[0] for name in used}
    assert used <= declared


def test_action_command_line_checks_the_examples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sarif = tmp_path / "campaign-lint.sarif"
    line = _check_line()
    line = line.replace('"$SARIF_FILE"', str(sarif)).replace("$CHECK_ARGS", "--no-cache")
    line = line.replace("$targets", "examples")
    monkeypatch.chdir(ROOT)
    code = main(shlex.split(line)[1:])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("::error file=examples/campaigns/")
    log = json.loads(sarif.read_text(encoding="utf-8"))
    uris = {
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in log["runs"][0]["results"]
    }
    assert all(uri.startswith("examples/campaigns/") for uri in uris)
