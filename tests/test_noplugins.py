"""Pydantic's plugin search is left out of a console-script run (schemas/noplugins.py, cli/startup.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.campaigns import GOOD, SHIPPED

pytestmark = pytest.mark.slow  # each test starts a Python


def probe(code: str, cwd: Path) -> list[object]:
    """Run ``code`` in a fresh interpreter; it prints one JSON value."""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=os.environ, check=True
    )
    value: list[object] = json.loads(result.stdout)
    return value


def test_a_check_neither_searches_for_plugins_nor_imports_importlib_metadata(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "campaign-lint.yaml").write_text("extends: recommended\n", encoding="utf-8")
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "good.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "campaigns" / "shipped.yaml").write_text(SHIPPED, encoding="utf-8")
    code = (
        "import io, json, sys\n"
        "from contextlib import redirect_stdout\n"
        "from campaign_lint.cli.entry import main\n"
        "out = io.StringIO()\n"
        "with redirect_stdout(out):\n"
        "    exit_code = main(['check', '--no-cache', '--format', 'json'])\n"
        "loader = sys.modules['pydantic.plugin._loader']\n"
        "rules = sorted({f['rule'] for f in json.loads(out.getvalue())['findings']})\n"
        "print(json.dumps([exit_code, rules, 'importlib.metadata' in sys.modules, list(loader.get_plugins())]))\n"
    )
    exit_code, rules, metadata, plugins = probe(code, tmp_path)
    assert exit_code == 1
    assert isinstance(rules, list)
    assert "TIM001" in rules  # validated and checked as before
    assert metadata is False
    assert plugins == []


def test_other_names_come_from_the_real_loader(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "from campaign_lint.cli import startup\n"
        "startup.install()\n"
        "import pydantic.plugin._loader as loader\n"
        "print(json.dumps([type(loader).__name__, loader.PYDANTIC_ENTRY_POINT_GROUP, hasattr(loader, '__path__')]))\n"
    )
    assert probe(code, tmp_path) == ["_StandIn", "pydantic", False]


def test_a_loader_imported_before_is_left_alone(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "import pydantic.plugin._loader as real\n"
        "from campaign_lint.cli import startup\n"
        "startup.install()\n"
        "from campaign_lint.schemas.campaign import Campaign\n"
        "Campaign.model_json_schema()\n"
        "print(json.dumps([sys.modules['pydantic.plugin._loader'] is real]))\n"
    )
    assert probe(code, tmp_path) == [True]
