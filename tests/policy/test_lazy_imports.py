"""Start-up: the CEL library and jsonschema are imported only when the policy needs them, ruamel.yaml only by `new` and to fix, the git reading only for the git index.

The contact timeline too (``policies/pressurepool.py``, ``policies/expect.py``):
FRQ003, FRQ004 and the persona expectations load with every run, but draw
plans and timelines only when there is something to count (two marketing
campaigns, a text, a persona that expects something), so a one-campaign run
(the pre-commit case in a small repository) does not import it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.snapshots import Cli
from tests.policy.support import feedback

pytestmark = pytest.mark.slow  # each test starts a Python

CEL_MODULES = ("cel", "cel.cel", "celpy", "campaign_lint.policies.custom")
SCHEMA_MODULES = ("jsonschema", "campaign_lint.policies.constraints")
# Round-trip YAML, for writing files that keep comments: never for reading campaigns.
RUAMEL_MODULES = ("ruamel.yaml", "campaign_lint.lint.draftfile")
# What fixing imports: only when `check --fix` or `--diff` has something to fix.
FIX_MODULES = (
    "ruamel.yaml",
    "campaign_lint.lint.fixing",
    "campaign_lint.core.yamledit",
    "campaign_lint.core.edits",
)
# What reads the git index: only under pre-commit (PRE_COMMIT=1) or with --staged.
GIT_MODULES = ("campaign_lint.lint.gitchanges",)
# A small run forks its CEL worker with os.fork, without multiprocessing (and the sockets it imports).
PROCESS_MODULES = ("multiprocessing", "multiprocessing.connection")
# pathspec: only for globs beyond plain names, `*` and `**` (lint/globs.py); the default ones are simple.
GLOB_MODULES = ("pathspec",)
# The contact timeline: only when FRQ003, FRQ004 or a persona's expectations have something to count.
TIMELINE_MODULES = tuple(
    f"campaign_lint.policies.{name}"
    for name in ("timeline", "sendtimes", "personas", "plans", "pressure", "capcount", "replans")
)

# Runs the CLI in-process, then reports which of the watched modules it imported.
PROBE = """\
import json, sys
from campaign_lint.cli.app import main
code = main(sys.argv[1:])
watched = {watched!r}
print(json.dumps({{"exit": code, "loaded": sorted(m for m in watched if m in sys.modules)}}))
"""

CUSTOM_RULES = """\
custom_rules:
  - id: ORG001
    description: Campaigns name a cost centre.
    assert: "'x-cost-center' in campaign"
    message: "{id} has no x-cost-center"
"""
SCHEMA = "schema:\n  required: [x-cost-center]\n"
EXPECTS = """\
personas:
  early:
    journey: {order.delivered: 0d}
    expects:
      - {quiet: {start: "00:00", end: "23:59"}}
"""


CHECK = ("check", "--no-cache", "--format", "json")


def loaded(root: Path, *command: str, **extra_env: str) -> tuple[int, set[str]]:
    """Exit code of ``command`` (`check`) in ``root`` and the watched modules it imported."""
    watched = {
        *CEL_MODULES,
        *SCHEMA_MODULES,
        *RUAMEL_MODULES,
        *FIX_MODULES,
        *GIT_MODULES,
        *PROCESS_MODULES,
        *TIMELINE_MODULES,
        *GLOB_MODULES,
    }
    probe = PROBE.format(watched=sorted(watched))
    command = command or CHECK
    argv = [sys.executable, "-c", probe, *command]
    env = {name: value for name, value in os.environ.items() if name != "PRE_COMMIT"}
    env.update(extra_env)
    done = subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=120, check=False, env=env)
    assert done.stderr == "", done.stderr
    last = json.loads(done.stdout.strip().splitlines()[-1])
    return last["exit"], set(last["loaded"])


@pytest.fixture
def tree(repo: Cli) -> Cli:
    repo.write({"campaigns/review.yaml": feedback("review")})
    return repo


def test_plain_policy_imports_neither(tree: Cli) -> None:
    tree.write({"campaign-lint.yaml": "version: 1\nextends: recommended\nrules: {MET002: error}\n"})
    code, modules = loaded(tree.root)
    assert code == 0
    assert modules == set()


def test_no_policy_file_imports_neither(tree: Cli) -> None:
    assert loaded(tree.root) == (0, set())


def test_custom_rules_import_cel_but_not_jsonschema(tree: Cli) -> None:
    tree.write({"campaign-lint.yaml": "version: 1\n" + CUSTOM_RULES})
    code, modules = loaded(tree.root)
    assert code == 1  # ORG001 fires: the rules really ran
    assert {"cel.cel", "campaign_lint.policies.custom"} <= modules
    assert not modules & set(SCHEMA_MODULES)
    assert not modules & set(PROCESS_MODULES)  # the rules ran in a worker forked with os.fork


def test_schema_imports_jsonschema_but_not_cel(tree: Cli) -> None:
    tree.write({"campaign-lint.yaml": "version: 1\n" + SCHEMA})
    code, modules = loaded(tree.root)
    assert code == 1  # SPEC005 fires
    assert set(SCHEMA_MODULES) <= modules
    assert not modules & set(CEL_MODULES)


def test_only_new_imports_ruamel(tree: Cli) -> None:
    code, modules = loaded(tree.root, "new", "--type", "feedback", "--id", "fresh")
    assert code == 0
    assert set(RUAMEL_MODULES) <= modules  # the watch sees it when it is there
    code, modules = loaded(tree.root)
    assert code == 0
    assert not modules & set(RUAMEL_MODULES)  # `check` of the new campaign too goes without it


def test_only_fixing_imports_ruamel(tree: Cli) -> None:
    tree.write({"campaigns/review.yaml": feedback("review").replace("channel: email", "channel: Email")})
    code, modules = loaded(tree.root, *CHECK, "--diff", "--quiet")
    assert code == 1  # there is something to fix
    assert set(FIX_MODULES) <= modules
    tree.write({"campaigns/review.yaml": feedback("review")})
    code, modules = loaded(tree.root, *CHECK, "--fix", "--quiet")
    assert code == 0
    assert "ruamel.yaml" not in modules  # nothing to fix: no comments to keep


def test_only_a_staged_run_imports_what_reads_the_git_index(tree: Cli) -> None:
    assert loaded(tree.root) == (0, set())  # not under pre-commit: the disk, no git
    code, modules = loaded(tree.root, PRE_COMMIT="1")
    assert code == 0
    assert "campaign_lint.lint.gitchanges" in modules  # the watch sees it when it is there


def test_only_something_to_count_imports_the_contact_timeline(tree: Cli) -> None:
    tree.write({"campaign-lint.yaml": "version: 1\nextends: recommended\n"})
    assert loaded(tree.root) == (0, set())  # one campaign: FRQ003 has nothing to add up, FRQ004 no text
    tree.write({"campaigns/second.yaml": feedback("second")})
    code, modules = loaded(tree.root)
    assert code == 0
    assert set(TIMELINE_MODULES) - {"campaign_lint.policies.replans"} <= modules  # FRQ003 drew the plans
    assert "campaign_lint.policies.replans" not in modules  # the plans kept between runs: only with a cache


def test_a_persona_that_expects_something_imports_the_contact_timeline(tree: Cli) -> None:
    tree.write({"campaign-lint.yaml": "version: 1\n" + EXPECTS})
    code, modules = loaded(tree.root)
    assert code == 1  # TIM005 fires: the timeline was drawn
    assert {"campaign_lint.policies.timeline", "campaign_lint.policies.personas"} <= modules


def test_only_a_glob_beyond_names_and_stars_imports_pathspec(tree: Cli) -> None:
    tree.write({"campaign-lint.yaml": 'version: 1\ncampaigns: ["campaigns/**/*.yaml"]\n'})
    assert loaded(tree.root) == (0, set())  # the default globs' form: matched without pathspec
    tree.write({"campaign-lint.yaml": 'version: 1\ncampaigns: ["campaigns/[rs]*.yaml"]\n'})
    code, modules = loaded(tree.root)
    assert code == 0
    assert "pathspec" in modules  # the watch sees it when it is there
