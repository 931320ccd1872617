"""The GitHub Action runs a `campaign-lint check` command line that works."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from campaign_lint.cli.app import main
from tests.external import require_tool

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
    line = line.replace("$targets", "examples").replace('"$shown"', "github")
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


def _choose_script() -> str:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    (step,) = [step for step in action["runs"]["steps"] if step.get("id") == "choose"]
    return str(step["run"])


@pytest.mark.parametrize(
    ("upload", "annotate", "head", "expected"),
    [
        # The defaults: annotations, no upload, on any pull request.
        ("false", "auto", "someone/fork", {"upload": "false", "annotate": "true"}),
        ("false", "auto", "", {"upload": "false", "annotate": "true"}),
        # Upload asked: code scanning shows the findings, annotations would repeat them.
        ("true", "auto", "owner/repo", {"upload": "true", "annotate": "false"}),
        ("true", "auto", "", {"upload": "true", "annotate": "false"}),
        # A fork's token cannot upload: skipped, annotations instead.
        ("true", "auto", "someone/fork", {"upload": "false", "annotate": "true"}),
        ("true", "true", "owner/repo", {"upload": "true", "annotate": "true"}),
        ("false", "false", "", {"upload": "false", "annotate": "false"}),
    ],
)
def test_action_defaults_work_on_forks_and_report_each_finding_once(
    tmp_path: Path, upload: str, annotate: str, head: str, expected: dict[str, str]
) -> None:
    bash = require_tool("bash", "the action's steps are bash scripts")
    output = tmp_path / "github-output"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "GITHUB_OUTPUT": str(output),
        "UPLOAD_SARIF": upload,
        "ANNOTATIONS": annotate,
        "HEAD_REPOSITORY": head,
        "REPOSITORY": "owner/repo",
    }
    run = subprocess.run([bash, "-c", _choose_script()], env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    written = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
    assert written == expected
    if upload == "true" and head == "someone/fork":
        assert "::notice" in run.stdout
        assert "fork" in run.stdout


def test_action_refuses_a_misspelt_choice(tmp_path: Path) -> None:
    bash = require_tool("bash", "the action's steps are bash scripts")
    env = {"PATH": os.environ.get("PATH", ""), "GITHUB_OUTPUT": str(tmp_path / "out")}
    for upload, shown in (("yes", "auto"), ("false", "sometimes")):
        env |= {
            "UPLOAD_SARIF": upload,
            "ANNOTATIONS": shown,
            "HEAD_REPOSITORY": "",
            "REPOSITORY": "o/r",
        }
        run = subprocess.run(
            [bash, "-c", _choose_script()], env=env, capture_output=True, text=True, check=False
        )
        assert run.returncode == 2
        assert "::error" in run.stdout


def test_action_defaults_are_annotations_without_upload() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["inputs"]["upload-sarif"]["default"] == "false"
    assert action["inputs"]["annotations"]["default"] == "auto"
