"""SARIF as Microsoft's SARIF validator sees it (sarif-multitool, from npm; `make tools` installs it).

The multitool checks what the JSON Schema cannot: the SARIF specification's
rules (SARIF1xxx, errors: a relative URI with its base, consistent rule IDs
and indexes...) and its guidance for consumers such as code scanning
(SARIF2xxx, warnings). campaign-lint's SARIF must raise neither; notes
(suggestions such as snippets or Pascal-case rule names) are allowed.
tests/cli/test_formats.py validates against the official JSON Schema too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.cli.snapshots import Cli
from tests.external import require_tool

pytestmark = [pytest.mark.slow, pytest.mark.external]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TOOLS_BIN = ROOT / "tools" / "node_modules" / ".bin"


def multitool() -> str:
    return require_tool(
        "sarif-multitool",
        "the test validates SARIF with Microsoft's SARIF validator",
        "run `make tools` (it needs npm), which installs @microsoft/sarif-multitool into tools/node_modules",
        path=str(TOOLS_BIN),
    )


def problems(log: Path) -> list[str]:
    """The errors and warnings sarif-multitool finds in the SARIF file ``log``."""
    # tmp_path names hold no spaces or shell characters: the npm wrapper passes them through a shell.
    out = log.with_name(log.stem + ".validation.sarif")
    run = subprocess.run(
        [multitool(), "validate", str(log), "--output", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    validation: dict[str, Any] = json.loads(out.read_text(encoding="utf-8-sig"))
    (result_run,) = validation["runs"]
    assert all(i.get("executionSuccessful") for i in result_run.get("invocations", [])), run.stdout
    return [
        f"{result['ruleId']} [{result.get('level', 'warning')}]: {json.dumps(result.get('message'))}"
        for result in result_run["results"]
        if result.get("level", "warning") in {"error", "warning"}
    ]


def test_the_validator_finds_a_broken_log(tmp_path: Path) -> None:
    """The test below can fail: an absolute URI with a base is an error (SARIF1004)."""
    broken = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x", "version": "1", "informationUri": "https://example.org"}},
                "results": [
                    {
                        "ruleId": "A",
                        "message": {"text": "m"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "file:///a.yaml", "uriBaseId": "%SRCROOT%"},
                                    "region": {
                                        "startLine": 1,
                                        "startColumn": 1,
                                        "endLine": 1,
                                        "endColumn": 2,
                                    },
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }
    log = tmp_path / "broken.sarif"
    log.write_text(json.dumps(broken), encoding="utf-8")
    assert any(problem.startswith("SARIF1004 [error]") for problem in problems(log))


@pytest.mark.parametrize("extra", [(), ("--show-suppressed",)])
def test_check_sarif_passes_the_validator(cli: Cli, tmp_path: Path, extra: tuple[str, ...]) -> None:
    multitool()
    shutil.copytree(
        EXAMPLES, cli.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".campaign-lint-cache")
    )
    log = tmp_path / "campaign-lint.sarif"
    run = cli.run("check", "--no-cache", "--today", "2026-11-22", "-f", "sarif", "-o", str(log), *extra)
    assert run.exit_code == 1, run.stderr
    assert json.loads(log.read_text(encoding="utf-8"))["runs"][0]["results"]
    assert problems(log) == []


def test_a_clean_run_passes_the_validator(cli: Cli, tmp_path: Path) -> None:
    multitool()
    shutil.copytree(EXAMPLES / "clean", cli.root, dirs_exist_ok=True)
    log = tmp_path / "clean.sarif"
    assert cli.run("check", "--no-cache", "-f", "sarif", "-o", str(log)).exit_code == 0
    assert problems(log) == []
