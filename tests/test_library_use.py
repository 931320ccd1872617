"""A program that imports campaign_lint gets no import shortcuts: those are the console script's (cli/startup.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.campaigns import GOOD

POLICY = """\
version: 1
extends: recommended
custom_rules:
  - id: ORG001
    description: Campaigns name a cost centre.
    assert: "'x-cost-center' in campaign"
    message: "{id} has no x-cost-center"
"""

# Imports the engine, then lints with a custom rule (CEL) and validation (pydantic) as a library.
PROBE = """\
import json, sys
before = list(sys.meta_path)
import campaign_lint.lint.engine
imported = {
    "meta_path unchanged": sys.meta_path == before,
    "plugin loader, if imported, the real one": type(sys.modules.get("pydantic.plugin._loader", sys)) is type(sys),
    "cel not imported": "cel" not in sys.modules,
}
from pathlib import Path
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.discovery import discover
settings = load_settings(None, Path.cwd())
report = campaign_lint.lint.engine.Engine(settings).run(discover([Path("campaigns")], settings.scope()))
import cel, pydantic.plugin._loader as loader
used = {
    "meta_path unchanged": sys.meta_path == before,
    "real plugin loader": type(loader).__name__ == "module" and loader.__file__.endswith("_loader.py"),
    "real cel package": cel.__file__.endswith("__init__.py") and "cel.cli" in sys.modules,
    "custom rule ran": "ORG001" in {finding.rule for finding in report.findings},
}
print(json.dumps([imported, used]))
"""


@pytest.mark.slow  # starts a Python
def test_importing_and_linting_as_a_library_leaves_pydantic_and_cel_alone(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "good.yaml").write_text(GOOD, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=os.environ,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    imported, used = json.loads(result.stdout)
    assert imported == dict.fromkeys(imported, True)
    assert used == dict.fromkeys(used, True)
