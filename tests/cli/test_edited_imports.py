"""Start-up of an edited one-file `check` (the pre-commit case): it imports what linting needs, not more.

A run after an edit cannot be answered from the replay record: it imports
the policy models, the rules and the engine (``tests/cli/test_fast_path.py``
pins what a replayed run leaves out). What it still leaves out is imported
only by the runs that use it, and is watched here:

* pathspec, with the regular-expression engines it tries (re2, hyperscan):
  the cache remembers which files the ``campaigns``/``exclude`` globs match,
  so only a policy with ``overrides:`` (``lint/overrides.py``) or a run
  that meets files the cache does not know compiles globs, and only globs
  beyond plain names, ``*`` and ``**`` need pathspec (``lint/globs.py``);
* difflib: only a "did you mean" message needs it (``core/suggest.py``);
* importlib.metadata: pydantic's plugin search, which the console script
  replaces (``cli/startup.py``);
* tempfile (with ``shutil`` and the compression modules it imports): the
  cache, the replay record and reports are written through a file of
  ``core/files.private_beside``.

What it imports is cheap to define (``test_imports_define_no_dataclass_and_build_no_model``):
the value classes on its path, and on the path of the patch of the replay
record after an edit, are written out by hand (``core/slotted.py``; a
dataclass compiles its methods when it is defined), and no pydantic model
builds its validator at import (models are ``defer_build``; defaults made
with ``model_construct``).

Nor does the cyclic collector run once the command line is read: the
imports, the replay record and the cache build long-lived objects it would
scan again and again for nothing (``cli/entry.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.campaigns import GOOD, SHIPPED
from tests.cli.snapshots import Cli

pytestmark = pytest.mark.slow  # each run starts a Python

WATCHED = ("pathspec", "re2", "hyperscan", "difflib", "importlib.metadata", "tempfile")
POLICY = 'extends: recommended\ncampaigns: ["campaigns/**/*.yaml"]\n'
OVERRIDES = 'overrides:\n  - files: ["campaigns/[b]-*.yaml"]\n    rules: {MET002: off}\n'

# Runs the console script's `main` with the arguments, then reports its exit code, whether it
# linted (imported the engine), which of the watched modules it imported and how many passes
# the cyclic collector made after the command line was read.
PROBE = f"""\
import gc, json, sys
from campaign_lint.cli import checkoptions, entry
passes = []
def parsed(args):
    command = parse(args)
    gc.callbacks.append(lambda phase, info: passes.append(info) if phase == "start" else None)
    return command
parse, checkoptions.parse = checkoptions.parse, parsed
code = entry.main(sys.argv[1:])
watched = {WATCHED!r}
loaded = [m for m in watched if m in sys.modules]
print(json.dumps([code, "campaign_lint.lint.engine" in sys.modules, loaded, len(passes)]))
"""


@pytest.fixture
def repo(cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    """The working directory, with the signing key of the cache outside it (the runs inherit the variable)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return cli


def run(repo: Cli, *argv: str) -> list[object]:
    """Exit code, whether it linted, the watched modules imported and the collector's passes, of ``campaign-lint ARGV``."""
    env = {name: value for name, value in os.environ.items() if name != "PRE_COMMIT"}
    command = (sys.executable, "-c", PROBE, *argv)
    done = subprocess.run(command, cwd=repo.root, capture_output=True, text=True, env=env, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def edited_run(repo: Cli, policy: str) -> list[object]:
    """The pre-commit run on one campaign edited after a run that filled the cache."""
    repo.write(
        {"campaign-lint.yaml": policy, "campaigns/a-good.yaml": GOOD, "campaigns/b-other.yaml": SHIPPED}
    )
    for path in repo.root.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))  # not just written: the run is recorded
    run(repo, "check", "--format", "json", "--output", "out.json")
    edited = repo.root / "campaigns" / "a-good.yaml"
    edited.write_text(GOOD + "# edited\n", encoding="utf-8")
    return run(
        repo, "check", "--force-exclude", "--format", "json", "-o", "out.json", "campaigns/a-good.yaml"
    )


def test_an_edited_check_imports_no_glob_matcher_and_no_close_match(repo: Cli) -> None:
    assert edited_run(repo, POLICY) == [0, True, [], 0]


def test_a_policy_with_overrides_imports_the_glob_matcher(repo: Cli) -> None:
    """The same run with an ``overrides:`` glob pathspec must compile (``[b]``): the watch sees pathspec when it is used."""
    code, linted, loaded, _ = edited_run(repo, POLICY + OVERRIDES)
    assert (code, linted) == (0, True)
    assert isinstance(loaded, list)
    assert "pathspec" in loaded
    assert "difflib" not in loaded


# Imports what a run that lints imports (bench/incremental.py's IMPORTS), and what an edited run's
# patch of the replay record imports besides (cli/replay.py: the survey, the patch, the portfolio
# rules checked again, the contact timeline, custom rules' watched workers), then lists the
# dataclasses defined in campaign_lint's modules and the pydantic models already built.
DEFINED = """\
import dataclasses, json, sys
from campaign_lint.cli import startup
startup.install()
import campaign_lint.cli.check, campaign_lint.lint.session, campaign_lint.lint.engine
import campaign_lint.lint.cache, campaign_lint.cli.writing
import campaign_lint.cli.entry, campaign_lint.cli.checkoptions, campaign_lint.cli.replay, campaign_lint.lint.survey
import campaign_lint.lint.patching, campaign_lint.lint.recheck, campaign_lint.lint.watchdog
import campaign_lint.policies.replans, campaign_lint.policies.pressure, campaign_lint.policies.capcount
import campaign_lint.policies.custom
from pydantic import BaseModel
classes = [
    value
    for name, module in list(sys.modules.items())
    if name.startswith("campaign_lint.")
    for value in vars(module).values()
    if isinstance(value, type) and value.__module__ == name
]
print(json.dumps([
    sorted(f"{c.__module__}.{c.__qualname__}" for c in classes if dataclasses.is_dataclass(c)),
    sorted(f"{c.__module__}.{c.__qualname__}" for c in classes if issubclass(c, BaseModel) and c.__pydantic_complete__),
    len(classes),
]))
"""


def test_imports_define_no_dataclass_and_build_no_model() -> None:
    """Of all campaign_lint's modules on the path, but the ``check`` command line's declaration (docs/performance.md)."""
    done = subprocess.run((sys.executable, "-c", DEFINED), capture_output=True, text=True, check=True)
    dataclasses, built, seen = json.loads(done.stdout)
    assert seen > 150  # the watch sees the classes: the models, the rules, the value classes, the timeline's
    # Its fields declare the options (``cli/options.option``): the unedited run defines it too.
    assert dataclasses == ["campaign_lint.cli.checkoptions.CheckOptions"]
    assert built == []


# Runs the console script's `main` with the arguments, then lists the models of the policy file
# (schemas/policy.py) whose validator or serializer pydantic built during the run.
BUILT = """\
import json, sys
from campaign_lint.cli import entry
code = entry.main(sys.argv[1:])
from pydantic import BaseModel
from campaign_lint.schemas import policy
built = sorted(
    name for name, value in vars(policy).items()
    if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == policy.__name__
    and value.__pydantic_complete__
)
print(json.dumps([code, built]))
"""


def built(repo: Cli, *argv: str) -> list[object]:
    """Exit code and the policy models built by ``campaign-lint ARGV``."""
    env = {name: value for name, value in os.environ.items() if name != "PRE_COMMIT"}
    done = subprocess.run(
        (sys.executable, "-c", BUILT, *argv),
        cwd=repo.root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_an_edited_check_with_kept_settings_builds_no_policy_model(repo: Cli) -> None:
    """The settings the last run kept (lint/keptsettings.py) are unpickled: the policy is neither read nor validated."""
    policy = (
        POLICY
        + "exceptions:\n  - {rule: TIM001, campaigns: [review-on-shipment], reason: The carrier confirms delivery (MKT-1), expires: 2099-01-01}\n"
    )
    repo.write(
        {"campaign-lint.yaml": policy, "campaigns/a-good.yaml": GOOD, "campaigns/b-other.yaml": SHIPPED}
    )
    for path in repo.root.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))  # not just written: the settings are kept
    argv = ("check", "--force-exclude", "--format", "json", "-o", "out.json")
    code, models = built(repo, *argv, "--no-cache")
    assert code == 0  # TIM001 waived; MET002 is a warning
    assert isinstance(models, list)
    assert "Policy" in models  # the watch sees a model built
    assert built(repo, *argv)[1] == models  # the first run with the cache loads the policy, and keeps it
    (repo.root / "campaigns/a-good.yaml").write_text(GOOD + "# edited\n", encoding="utf-8")
    assert built(repo, *argv, "campaigns/a-good.yaml") == [code, []]  # patched from the replay record
    (repo.root / "campaigns/c-new.yaml").write_text(GOOD.replace("review-after-delivery", "new"), "utf-8")
    code, models = built(repo, *argv)  # a full warm run: a new file
    assert code == 0
    assert isinstance(models, list)
    assert "Policy" not in models  # (the built-in personas' events are made with their model: EventDef)
