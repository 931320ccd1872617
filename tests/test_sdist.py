"""The sdist as its users get it: it builds, passes `twine check`, and holds everything its tests read.

An unpacked sdist must pass its own tests (`make test`): it holds every file
git tracks (docs/, schemas/, examples/, bench/, action.yml,
.pre-commit-hooks.yaml, the Makefile and tools/package.json, tests/data
with its notices). The
fast tests that read those files run inside the unpacked sdist, against the
sdist's own source. CONTRIBUTING.md gives the command that runs all of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pathspec
import pytest

from campaign_lint import __version__
from tests.external import require_index, require_module

pytestmark = [pytest.mark.slow, pytest.mark.external]

ROOT = Path(__file__).resolve().parents[1]
# What the tests read beyond src/ and tests/ (and what `make test` needs).
NEEDED = [
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "Makefile",
    "tools/package.json",
    "tools/package-lock.json",
    ".ci/run",
    "action.yml",
    ".pre-commit-hooks.yaml",
    "docs/output.md",
    "docs/rules.md",
    "schemas/campaign.schema.json",
    "schemas/policy.schema.json",
    "schemas/policy-test.schema.json",
    "examples/campaign-lint.yaml",
    "bench/corpus.py",
    "tests/data/NOTICE.md",
    "tests/data/sarif-schema-2.1.0.json",
    "tests/data/junit-10.xsd",
]
# Fast tests that read docs/, schemas/, examples/, action.yml, the hooks and tests/data.
READERS = [
    "tests/test_generated.py",
    "tests/test_packaging.py",
    "tests/cli/test_action.py",
    "tests/cli/test_init.py",
    "tests/cli/test_formats.py",
    "tests/cli/test_junit_schema.py",
]


def run(*argv: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False, env=env, timeout=900)
    assert result.returncode == 0, f"{' '.join(argv)}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist built from this checkout, as `python -m build --sdist` makes it."""
    require_module("build", "the test builds the sdist with `python -m build`")
    require_index("`python -m build` installs the build backend (hatchling) from the package index")
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--sdist", "--outdir", str(out), str(ROOT), cwd=ROOT)
    (archive,) = out.glob("*.tar.gz")
    assert archive.name == f"campaign_lint-{__version__}.tar.gz"
    return archive


@pytest.fixture(scope="module")
def unpacked(sdist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(sdist) as archive:
        archive.extractall(target, filter="data")
    (root,) = target.iterdir()
    return root


def test_twine_accepts_the_sdist(sdist: Path) -> None:
    require_module("twine", "the test checks the sdist's metadata and README with `twine check`")
    result = run(sys.executable, "-m", "twine", "check", "--strict", str(sdist), cwd=sdist.parent)
    assert "PASSED" in result.stdout


def test_the_sdist_holds_what_its_tests_read(unpacked: Path) -> None:
    missing = [name for name in NEEDED if not (unpacked / name).is_file()]
    assert missing == []
    # Nothing of a developer's machine: no virtual environments, caches or npm tools.
    for name in (".venv", "tools/node_modules", ".hypothesis", ".mypy_cache", ".pytest_cache", ".git"):
        assert not (unpacked / name).exists(), name


def test_the_sdist_holds_every_file_git_would_track(unpacked: Path) -> None:
    """Every file of this checkout that .gitignore does not ignore (works in an unpacked sdist too)."""
    ignored = pathspec.GitIgnoreSpec.from_lines(
        (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    )
    expected = []
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder).relative_to(ROOT)
        dirs[:] = [d for d in dirs if d != ".git" and not ignored.match_file(f"{(here / d).as_posix()}/")]
        # `.git` is a file in a git worktree.
        names = [(here / name).as_posix() for name in files if name != ".git"]
        expected += [name for name in names if not ignored.match_file(name)]
    assert "tests/data/junit-10.xsd" in expected
    missing = sorted(name for name in expected if not (unpacked / name).is_file() and name != "PKG-INFO")
    assert missing == []


def test_the_unpacked_sdist_passes_the_tests_that_read_its_files(unpacked: Path) -> None:
    """Its own source and files: PYTHONPATH puts the sdist's src/ before the installed package."""
    env = {**os.environ, "PYTHONPATH": str(unpacked / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    where = run(
        sys.executable, "-c", "import campaign_lint; print(campaign_lint.__file__)", cwd=unpacked, env=env
    )
    assert Path(where.stdout.strip()).is_relative_to(unpacked)
    run(
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "not slow and not external",
        *READERS,
        cwd=unpacked,
        env=env,
    )
