"""Package metadata and the README as the package index shows them: one project address, working links, one tag convention."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from campaign_lint import ISSUES, REPOSITORY, __version__
from campaign_lint.cli.guard import BUG_URL
from campaign_lint.cli.init import PRE_COMMIT_SNIPPET

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def project() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return data


def test_project_urls_are_the_repository_and_its_issue_tracker() -> None:
    urls = project()["urls"]
    assert urls["Homepage"] == urls["Source"] == REPOSITORY
    assert urls["Issues"] == ISSUES == f"{REPOSITORY}/issues"
    assert urls["Documentation"].startswith(f"{REPOSITORY}/")
    # The bug message sends people to the same tracker.
    assert BUG_URL == ISSUES


def test_readme_links_work_on_the_package_index() -> None:
    """The index shows README.md alone: a relative link there leads nowhere."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = LINK.findall(readme)
    assert links
    for link in links:
        assert re.match(r"https?://|#", link), f"README link {link!r} is relative"
        for kind in ("blob", "tree"):
            prefix = f"{REPOSITORY}/{kind}/main/"
            if link.startswith(prefix):
                path = ROOT / link.removeprefix(prefix).split("#")[0]
                assert path.exists(), f"README links to {link}, which is not in the repository"
    assert any(link.startswith(f"{REPOSITORY}/blob/main/docs/") for link in links)


def test_classifiers_name_the_supported_python_versions() -> None:
    meta = project()
    assert meta["requires-python"] == ">=3.11"
    versions = {
        classifier.rsplit(" :: ", 1)[1]
        for classifier in meta["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", classifier)
    }
    assert versions == {"3.11", "3.12", "3.13"}


def rev_lines() -> list[tuple[str, str]]:
    """Every `rev:` a document tells users to put in .pre-commit-config.yaml."""
    found = []
    for path in [ROOT / "README.md", ROOT / ".pre-commit-hooks.yaml", *sorted((ROOT / "docs").glob("*.md"))]:
        for rev in re.findall(r"\brev: *(\S+)", path.read_text(encoding="utf-8")):
            found.append((path.name, rev))
    return found


def test_docs_name_the_release_tag_of_this_version() -> None:
    """Releases are tagged v<version>: every `rev:` in the docs is this version's tag."""
    revs = rev_lines()
    assert revs
    assert {rev for _, rev in revs} == {f"v{__version__}"}, revs
    assert f"rev: v{__version__}" in PRE_COMMIT_SNIPPET


@pytest.mark.parametrize("name", ["CONTRIBUTING.md"])
def test_the_tag_convention_is_written_down(name: str) -> None:
    assert "v<version>" in (ROOT / name).read_text(encoding="utf-8")
