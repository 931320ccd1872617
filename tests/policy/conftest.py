"""Fixtures of the policy tests: a temporary repository and the CLI run in-process inside it."""

from __future__ import annotations

import pytest

from tests.cli.snapshots import Cli


@pytest.fixture
def repo(cli: Cli) -> Cli:
    """An empty repository (``.git`` stops the policy search) that is the working directory."""
    return cli
