"""Untrusted pull requests: what a committed file can make campaign-lint read, write or wait for.

campaign-lint runs in CI on pull requests written by anyone, with secrets in
the environment. Each test builds the reproducer of one report (a link to a
secret, a FIFO, a file named like an option, a committed cache folder...) and
asserts the mechanism that bounds it: the file never read, the link never
followed, the visited set, the ignored signal. Commands run in a subprocess
whose timeout is only a backstop for a hang, never a measurement.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from campaign_lint.core.errors import PolicyError, UsageError
from campaign_lint.core.files import Unreadable, read_regular
from campaign_lint.lint import baseline, cachedir, policyfile, signed
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.discovery import OUTSIDE_MESSAGE, SourceFile, discover
from campaign_lint.lint.gitchanges import changed_files
from campaign_lint.lint.pipeline import FilePipeline
from tests.helpers import as_a_terminal_job, git

PROJECT = Path(__file__).resolve().parents[2]
VALID = (PROJECT / "examples" / "campaigns" / "back-in-stock-sms.yaml").read_text(encoding="utf-8")
# A campaign with an unknown key: SPEC002, an error under every policy that keeps SPEC002 on.
INVALID = VALID.replace("id: back-in-stock-sms", "id: back-in-stock-sms\nfrequncy: weekly")
SECRET = "hunter2-job-token-3f9a"
BACKSTOP = 60.0  # seconds: a hang fails the test instead of the suite; nothing here is timed
TODAY = "--today=2026-11-22"
BASE = 'version: 1\ncampaigns: ["campaigns/**/*.yaml"]\n'
POLICY = BASE + "extends: recommended\n"
OUTSIDE = re.escape(OUTSIDE_MESSAGE)

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
# Nearly every case runs campaign-lint in a subprocess, as CI would.
pytestmark = pytest.mark.slow


# --- helpers -------------------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A repository (``.git``) with a policy and one valid campaign; the secret lies outside it."""
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    write(repository / "campaign-lint.yaml", POLICY)
    write(repository / "campaigns" / "ok.yaml", VALID)
    write(tmp_path / "secret.yaml", f"token: {SECRET}\n")
    return repository


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache folder (signing key), outside the repository."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(
    cwd: Path, *args: str, env: dict[str, str] | None = None, timeout: float = BACKSTOP
) -> subprocess.CompletedProcess[str]:
    """``campaign-lint ARGS`` in ``cwd`` (a secret in its environment, the user cache outside the repository)."""
    environment = {
        **os.environ,
        "NO_COLOR": "1",
        "CI_JOB_TOKEN": SECRET,
        "XDG_CACHE_HOME": str(cwd.parent / "user-cache"),
        **(env or {}),
    }
    try:
        return subprocess.run(
            [sys.executable, "-m", "campaign_lint", *args],
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"campaign-lint {' '.join(args)}: no answer within the {timeout} s backstop")


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def assert_one_line_error(result: subprocess.CompletedProcess[str], pattern: str) -> None:
    """Exit 2, nothing on stdout, one line on stderr that matches ``pattern``."""
    assert result.returncode == 2, output(result)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in result.stderr


@pytest.fixture
def never_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail the test if a file marked ``outside`` is read by the pipeline; yields the files read."""
    read: list[str] = []
    real = SourceFile.read

    def guarded(self: SourceFile) -> bytes:
        assert not self.outside, f"{self.display} is outside the repository and was read"
        read.append(self.display)
        return real(self)

    monkeypatch.setattr(SourceFile, "read", guarded)
    return read


# --- 1. links out of the repository: every way in, never read ---------------------------------------


def _targets(tmp_path: Path) -> list[Path]:
    targets = [tmp_path / "secret.yaml"]
    targets += [Path(p) for p in ("/proc/self/environ", "/etc/passwd") if os.path.exists(p)]
    return targets


@pytest.mark.parametrize("way", ["walk", "named", "folder-named", "pre-commit"])
@pytest.mark.parametrize("output_format", ["text", "json", "github"])
def test_a_link_out_of_the_repository_is_a_finding_and_never_read(
    root: Path, tmp_path: Path, way: str, output_format: str
) -> None:
    for index, target in enumerate(_targets(tmp_path)):
        (root / "campaigns" / f"leak{index}.yaml").symlink_to(target)
    args = {
        "walk": ["check"],
        "named": ["check", *(f"campaigns/leak{i}.yaml" for i in range(len(_targets(tmp_path))))],
        "folder-named": ["check", "campaigns"],
        "pre-commit": _hooked("campaign-lint", "campaigns/leak0.yaml", "campaigns/ok.yaml"),
    }[way]
    result = run(root, *_options(args, "--format", output_format, "--no-cache", TODAY))
    text = output(result)
    assert result.returncode == 1, text
    assert "Traceback" not in text
    assert SECRET not in text
    assert "root:" not in text  # the first line of /etc/passwd
    assert OUTSIDE_MESSAGE in text
    assert "campaigns/leak0.yaml" in text
    if output_format == "text":
        assert re.search(rf"^campaigns/leak0\.yaml:1:1: SPEC001 \[error\] {OUTSIDE}$", text, re.M), text
        assert "1 |" not in text  # no source excerpt of a file that was not read


def test_discovery_marks_every_way_in_and_the_pipeline_reads_none(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, never_read: list[str]
) -> None:
    """The mechanism: ``SourceFile.outside`` from the walk, names, pre-commit and git; no read of them."""
    (root / "campaigns" / "leak.yaml").symlink_to(tmp_path / "secret.yaml")
    outside_folder = tmp_path / "elsewhere"
    write(outside_folder / "x.yaml", f"token: {SECRET}\n")
    (root / "campaigns" / "linked").symlink_to(outside_folder, target_is_directory=True)
    (root / "campaigns" / "inside.yaml").symlink_to(root / "campaigns" / "ok.yaml")
    monkeypatch.chdir(root)
    settings = load_settings(None, root)
    scope = settings.scope()
    ways = {
        "walk": discover([], scope),
        "named": discover([Path("campaigns/leak.yaml"), Path("campaigns/linked/x.yaml")], scope),
        "pre-commit": discover(
            [Path("campaigns/leak.yaml"), Path("campaigns/linked/x.yaml")], scope, force_exclude=True
        ),
    }
    for way, files in ways.items():
        marked = {source.display: source.outside for source in files}
        assert marked["campaigns/leak.yaml"] is True, way
        assert marked.get("campaigns/inside.yaml", False) is False, way
        if way != "walk":  # a walk does not enter a link to a folder
            assert marked["campaigns/linked/x.yaml"] is True, way
    pipeline = FilePipeline(settings)
    for source in ways["walk"]:
        outcome = pipeline.lint_file(source)
        if source.outside:
            assert [f.message for f in outcome.findings] == [OUTSIDE_MESSAGE]
            assert outcome.lines == {}
            assert outcome.record is None
    assert "campaigns/leak.yaml" not in never_read
    assert "campaigns/ok.yaml" in never_read


@needs_git
def test_changed_since_a_link_in_a_dot_folder_is_a_finding_not_the_ci_environment(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reproducer: ``campaigns/.x/e.yaml -> /proc/self/environ`` under ``--changed-since``."""
    shutil.rmtree(root / ".git")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    target = Path("/proc/self/environ") if os.path.exists("/proc/self/environ") else tmp_path / "secret.yaml"
    (root / "campaigns" / ".x").mkdir()
    (root / "campaigns" / ".x" / "e.yaml").symlink_to(target)
    (root / "campaigns" / ".x" / "passwd.yaml").symlink_to(tmp_path / "secret.yaml")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "pull request")
    # The mechanism: git names the links, discovery marks them.
    monkeypatch.chdir(root)
    changed = changed_files("HEAD~1", root)
    files = discover(changed, load_settings(None, root).scope(), force_exclude=True, allow_empty=True)
    assert {source.display: source.outside for source in files} == {
        "campaigns/.x/e.yaml": True,
        "campaigns/.x/passwd.yaml": True,
    }
    result = run(root, "check", "--changed-since", "HEAD~1", "--no-cache", TODAY)
    text = output(result)
    assert result.returncode == 1, text
    assert SECRET not in text
    assert "CI_JOB_TOKEN" not in text
    assert re.search(rf"^campaigns/\.x/e\.yaml:1:1: SPEC001 \[error\] {OUTSIDE}$", text, re.M), text
    assert re.search(rf"^campaigns/\.x/passwd\.yaml:1:1: SPEC001 \[error\] {OUTSIDE}$", text, re.M), text


def test_a_folder_named_on_the_command_line_that_leads_out_is_refused(root: Path, tmp_path: Path) -> None:
    write(tmp_path / "elsewhere" / "x.yaml", f"token: {SECRET}\n")
    (root / "campaigns" / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    result = run(root, "check", "campaigns/linked", "--no-cache", TODAY)
    assert_one_line_error(result, r"campaigns/linked: a symbolic link to a folder outside the repository")
    assert SECRET not in output(result)


@needs_fifo
def test_a_fifo_campaign_is_a_finding_not_a_hang(root: Path) -> None:
    os.mkfifo(root / "campaigns" / "pipe.yaml")
    source = SourceFile(str(root / "campaigns" / "pipe.yaml"), "campaigns/pipe.yaml")
    with pytest.raises(Unreadable, match="FIFO"):  # the mechanism: opened without waiting, then refused
        source.read()
    result = run(root, "check", "campaigns/pipe.yaml", "--no-cache", TODAY)
    assert result.returncode == 1, output(result)
    assert "campaigns/pipe.yaml:1:1: SPEC001 [error] cannot read the file (it is a FIFO" in result.stdout


# --- 2. policy files, extends and policy tests --------------------------------------------------


def test_a_policy_file_that_links_out_is_refused_before_it_is_read(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "org-policy.yaml", f"version: 1\n{SECRET}: 1\n")
    (root / "campaign-lint.yaml").unlink()
    (root / "campaign-lint.yaml").symlink_to(tmp_path / "org-policy.yaml")
    reads: list[Path] = []
    monkeypatch.setattr(policyfile, "_read", lambda path, shown: reads.append(path))
    with pytest.raises(PolicyError, match="points outside the repository"):
        policyfile.load_policy(root / "campaign-lint.yaml")
    assert reads == []  # the mechanism: refused before anything is read
    result = run(root, "check", "--no-cache", TODAY)
    assert_one_line_error(
        result, r"^campaign-lint\.yaml: the policy file is a symbolic link that points outside the repository"
    )
    assert SECRET not in output(result)
    result = run(root, "check", "--config", "campaign-lint.yaml", "--no-cache", TODAY)
    assert_one_line_error(result, r"points outside the repository")


@needs_fifo
@pytest.mark.parametrize("how", ["found", "config", "extends"])
def test_a_policy_that_is_a_fifo_is_refused(root: Path, how: str) -> None:
    if how == "extends":
        os.mkfifo(root / "shared.yaml")
        write(root / "campaign-lint.yaml", BASE + "extends: [recommended, shared.yaml]\n")
        args = ["check"]
    elif how == "config":
        os.mkfifo(root / "pipe.yaml")
        args = ["check", "--config", "pipe.yaml"]
    else:
        (root / "campaign-lint.yaml").unlink()
        os.mkfifo(root / "campaign-lint.yaml")
        args = ["check"]
    result = run(root, *args, "--no-cache", TODAY)
    assert_one_line_error(
        result, r"cannot read the policy file \(it is a FIFO \(named pipe\), not a regular file\)"
    )


def test_policy_files_are_read_regular_and_bounded(root: Path) -> None:
    big = write(root / "big.yaml", "version: 1\n" + "# " + "x" * (5 * 1024 * 1024) + "\n")
    with pytest.raises(Unreadable, match="larger than 4 MiB"):
        read_regular(big, policyfile.MAX_POLICY_BYTES)
    result = run(root, "check", "--config", "big.yaml", "--no-cache", TODAY)
    assert_one_line_error(result, r"^big\.yaml: cannot read the policy file \(it is larger than 4 MiB\)$")


def _policy_test(root: Path, body: str) -> subprocess.CompletedProcess[str]:
    write(root / "policy-tests" / "leak.test.yaml", body)
    return run(root, "test", "policy-tests")


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("policy: /etc/passwd\ncases:\n  - {name: a, campaigns: {a.yaml: x}, expect: []}\n", "1:9"),
        ("policy: ../../secret.yaml\ncases:\n  - {name: a, campaigns: {a.yaml: x}, expect: []}\n", "1:9"),
        ("policy: ../leak.yaml\ncases:\n  - {name: a, campaigns: {a.yaml: x}, expect: []}\n", "1:9"),
        ("policy: ../campaign-lint.yaml\ncases:\n  - {name: a, files: [/etc/passwd], expect: []}\n", "3:23"),
        ("policy: ../campaign-lint.yaml\ncases:\n  - {name: a, files: [/dev/zero], expect: []}\n", "3:23"),
        (
            "policy: ../campaign-lint.yaml\ncases:\n  - {name: a, files: [../../secret.yaml], expect: []}\n",
            "3:23",
        ),
        ("policy: ../campaign-lint.yaml\ncases:\n  - {name: a, files: [../leak.yaml], expect: []}\n", "3:23"),
    ],
    ids=[
        "policy-absolute",
        "policy-escaping",
        "policy-link",
        "files-passwd",
        "files-dev-zero",
        "files-escaping",
        "files-link",
    ],
)
def test_policy_tests_read_only_files_inside_the_repository(
    root: Path, tmp_path: Path, body: str, where: str
) -> None:
    (root / "leak.yaml").symlink_to(tmp_path / "secret.yaml")
    result = _policy_test(root, body)
    assert_one_line_error(
        result, rf"^policy-tests/leak\.test\.yaml:{where}: `[^`]+` is outside the repository;"
    )
    assert SECRET not in output(result)
    assert "root:" not in output(result)


def test_a_test_file_that_links_out_of_the_repository_is_never_read(root: Path, tmp_path: Path) -> None:
    (root / "policy-tests").mkdir(exist_ok=True)
    (root / "policy-tests" / "leak.test.yaml").symlink_to(tmp_path / "secret.yaml")
    result = run(root, "test", "policy-tests")
    assert_one_line_error(
        result, r"^policy-tests/leak\.test\.yaml:1:1: cannot read the file \(it is a symbolic link"
    )
    assert SECRET not in output(result)


@needs_fifo
def test_a_test_file_that_is_a_fifo_is_refused_not_waited_on(root: Path) -> None:
    (root / "policy-tests").mkdir(exist_ok=True)
    os.mkfifo(root / "policy-tests" / "pipe.test.yaml")
    result = run(root, "test", "policy-tests")
    assert_one_line_error(result, r"^policy-tests/pipe\.test\.yaml:1:1: cannot read the file \(it is a FIFO")


@needs_fifo
def test_policy_test_fixtures_are_regular_files(root: Path) -> None:
    os.mkfifo(root / "campaigns" / "pipe.yaml")
    body = (
        "policy: ../campaign-lint.yaml\ncases:\n  - {name: a, files: [../campaigns/pipe.yaml], expect: []}\n"
    )
    result = _policy_test(root, body)
    assert_one_line_error(
        result, r"^policy-tests/leak\.test\.yaml:3:23: cannot read `\.\./campaigns/pipe\.yaml` \(it is a FIFO"
    )


# --- 4. the pre-commit hook: file names are never options --------------------------------------------


def _hook(hook_id: str) -> dict[str, object]:
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return next(hook for hook in hooks if hook["id"] == hook_id)


def _hook_command(hook_id: str) -> list[str]:
    """The hook's command line as pre-commit builds it, without the program name: entry, then args."""
    hook = _hook(hook_id)
    words = shlex.split(str(hook["entry"])) + [str(arg) for arg in hook.get("args", [])]  # type: ignore[attr-defined]
    assert words[0] == "campaign-lint"
    return words[1:]


def _hooked(hook_id: str, *files: str) -> list[str]:
    """What pre-commit runs for ``files``: the hook's command line, then the file names."""
    return [*_hook_command(hook_id), *files]


def _options(args: list[str], *options: str) -> list[str]:
    """``args`` with ``options`` before its ``--`` (the hook's) if it has one, else at the end."""
    if "--" in args:
        at = args.index("--")
        return [*args[:at], *options, *args[at:]]
    return [*args, *options]


def test_the_hook_ends_its_entry_with_double_dash() -> None:
    """The mechanism: pre-commit appends file names after the entry (and after any `args:`)."""
    assert _hook_command("campaign-lint")[-1] == "--"
    assert _hook("campaign-lint-test")["pass_filenames"] is False  # no names: nothing to take as an option


@pytest.mark.parametrize(
    "name", ["--config=lax.yaml", "--output=campaign-lint.yaml", "-o", "--ignore=SPEC002"]
)
def test_a_committed_file_named_like_an_option_is_a_file_name(root: Path, name: str) -> None:
    write(root / "lax.yaml", "version: 1\nrules: {SPEC002: off}\n")
    write(root / "campaigns" / "bad.yaml", INVALID)
    write(root / name, "")  # committed, empty
    policy = (root / "campaign-lint.yaml").read_bytes()
    # pre-commit passes the committed files after the hook's entry and args.
    result = run(root, *_options(_hooked("campaign-lint", name, "campaigns/bad.yaml"), TODAY))
    assert result.returncode == 1, output(result)
    assert re.search(r"^campaigns/bad\.yaml:\d+:\d+: SPEC002 \[error\]", result.stdout, re.M), output(result)
    assert (root / "campaign-lint.yaml").read_bytes() == policy


def test_options_after_double_dash_are_said_not_skipped(root: Path) -> None:
    # An `args:` list of options: pre-commit puts it after the entry's `--`.
    result = run(root, *_hooked("campaign-lint", "--fail-on", "warning", "campaigns/ok.yaml"))
    assert_one_line_error(result, r"`--fail-on` is not a file: after `--` every argument is a file name")


def test_test_accepts_double_dash_before_its_folder(root: Path) -> None:
    write(
        root / "policy-tests" / "ok.test.yaml",
        "policy: ../campaign-lint.yaml\ncases:\n  - {name: a, files: [../campaigns/ok.yaml], expect: []}\n",
    )
    result = run(root, "test", "--", "policy-tests")
    assert result.returncode == 0, output(result)


# --- 6. the cache folder and the signing key ---------------------------------------------------------


def _decoy(tmp_path: Path) -> dict[str, bytes]:
    """Another folder's files, named like cache files: what a committed link would have pruned."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    for index in range(12):
        (folder / f"results-{index:016x}.bin").write_bytes(b"someone else's %d" % index)
        (folder / f"replay-{index:016x}.bin").write_bytes(b"someone else's %d" % index)
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_a_cache_folder_that_is_a_link_is_neither_read_nor_written(root: Path, tmp_path: Path) -> None:
    before = _decoy(tmp_path)
    (root / cachedir.CACHE_DIR).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    for _ in range(2):  # the second run would replay from a record, if one had been written
        result = run(root, "check", TODAY)
        assert result.returncode == 0, output(result)
        assert result.stderr.count("the cache is off") == 1, result.stderr
        assert re.search(r"\.campaign-lint-cache is a symbolic link", result.stderr)
    after = {path.name: path.read_bytes() for path in (tmp_path / "elsewhere").iterdir()}
    assert after == before
    assert (root / cachedir.CACHE_DIR).is_symlink()


def test_the_cache_writes_no_file_through_a_link(root: Path, tmp_path: Path, user_cache: Path) -> None:
    """The mechanism: ``store`` refuses a linked folder; in a real folder a link is replaced, not followed."""
    victim = write(tmp_path / "victim.txt", "keep me\n")
    secret = signed.secret_key(root)
    assert secret is not None
    (root / "linked").symlink_to(tmp_path, target_is_directory=True)
    assert not cachedir.store(root / "linked" / "results-0.bin", b"k", secret, 1)
    assert not (tmp_path / "results-0.bin").exists()
    folder = root / cachedir.CACHE_DIR
    folder.mkdir()
    (folder / "results-1.bin").symlink_to(victim)
    assert cachedir.store(folder / "results-1.bin", b"k", secret, 1)
    assert victim.read_text() == "keep me\n"
    assert not (folder / "results-1.bin").is_symlink()


def test_cache_clear_refuses_a_link(root: Path, tmp_path: Path) -> None:
    before = _decoy(tmp_path)
    (root / cachedir.CACHE_DIR).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(UsageError, match="is a symbolic link, not campaign-lint's cache folder"):
        cachedir.clear(root)
    result = run(root, "cache", "clear")
    assert_one_line_error(
        result, r"\.campaign-lint-cache is a symbolic link, not campaign-lint's cache folder"
    )
    assert {path.name: path.read_bytes() for path in (tmp_path / "elsewhere").iterdir()} == before


def test_a_cache_key_that_links_to_dev_zero_turns_the_cache_off(root: Path, user_cache: Path) -> None:
    key = user_cache / "campaign-lint" / "cache-key"
    key.parent.mkdir(parents=True)
    key.symlink_to("/dev/zero")
    assert signed.secret_key(root) is None  # the mechanism: lstat, no read of what it points at
    assert key.is_symlink()
    result = run(root, "check", TODAY, env={"XDG_CACHE_HOME": str(user_cache)})
    assert result.returncode == 0, output(result)
    assert "cache-key is not a regular file" in result.stderr
    assert not (root / cachedir.CACHE_DIR).exists()


@pytest.mark.parametrize("variable", ["XDG_CACHE_HOME", "HOME"])
def test_a_key_inside_the_repository_is_not_used(
    root: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """A CI job whose cache folder is in the checkout: a pull request could commit a key of its own."""
    folder = root / "ci-cache" if variable == "XDG_CACHE_HOME" else root
    committed = write(
        (folder if variable == "XDG_CACHE_HOME" else folder / ".cache") / "campaign-lint" / "cache-key",
        "k" * 32,
    )
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv(variable, str(folder))
    assert signed.key_problem(root) is not None
    assert signed.secret_key(root) is None
    env = {"XDG_CACHE_HOME": str(folder)} if variable == "XDG_CACHE_HOME" else {"HOME": str(folder)}
    if variable == "HOME":
        env["XDG_CACHE_HOME"] = ""
    result = run(root, "check", TODAY, env=env)
    assert result.returncode == 0, output(result)
    assert "is inside the repository being checked" in result.stderr
    assert not (root / cachedir.CACHE_DIR).exists()
    assert committed.read_text() == "k" * 32


def test_stale_temporary_files_are_removed_by_cache_upkeep(root: Path, user_cache: Path) -> None:
    """A run killed while writing (kill -9) leaves ``.tmp-*``: upkeep removes those older than the bound."""
    folder = root / cachedir.CACHE_DIR
    folder.mkdir()
    stale, fresh = folder / ".tmp-killed", folder / ".tmp-writing"
    stale.write_bytes(b"half a cache")
    fresh.write_bytes(b"another run, now")
    old = time.time() - cachedir.STALE_SECONDS - 60
    os.utime(stale, (old, old))
    secret = signed.secret_key(root)
    assert secret is not None
    assert cachedir.store(folder / "results-0.bin", b"k", secret, 1)
    assert not stale.exists()
    assert fresh.exists()


# --- 10. extends fan-out: each policy file once ------------------------------------------------------


def _fan_out(root: Path, width: int) -> None:
    """``campaign-lint.yaml`` extends ``width`` files, each extending the same ``width``, three levels deep."""
    for level in (1, 2, 3):
        for index in range(width):
            below = [f"../l{level + 1}/p{i}.yaml" for i in range(width)] if level < 3 else []
            body = f"version: 1\nextends: {json.dumps(below)}\n" if below else "version: 1\n"
            if level == 3 and index == 0:
                body += "exceptions:\n  - {rule: TIM001, campaigns: [x], reason: Approved (MKT-1), expires: 2099-01-01}\n"
            write(root / "policies" / f"l{level}" / f"p{index}.yaml", body)
    top = [f"policies/l1/p{i}.yaml" for i in range(width)]
    write(root / "campaign-lint.yaml", BASE + f"extends: {json.dumps(['recommended', *top])}\n")


def test_extends_fan_out_reads_each_policy_file_once(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fan_out(root, 40)
    reads: list[Path] = []
    real = policyfile._read

    def counted(path: Path, shown: str) -> object:
        reads.append(path)
        return real(path, shown)

    monkeypatch.setattr(policyfile, "_read", counted)
    monkeypatch.chdir(root)
    layered = policyfile.load_policy(root / "campaign-lint.yaml")
    # The mechanism, the visited set: 1 + 40 + 40 + 40 files, each read once (not 1 + 40 + 1,600 + 64,000).
    assert len(reads) == len(set(reads)) == 121
    # A diamond's lists are applied once, and keep their position.
    assert len(layered.data["exceptions"]) == 1
    assert layered.where(("exceptions", 0, "rule")) == "policies/l3/p0.yaml:3:12"
    result = run(root, "check", "--no-cache", TODAY)
    assert result.returncode == 0, output(result)


def test_extends_still_finds_a_cycle_through_a_diamond(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(root / "a.yaml", "version: 1\nextends: [b.yaml, c.yaml]\n")
    write(root / "b.yaml", "version: 1\nextends: d.yaml\n")
    write(root / "c.yaml", "version: 1\nextends: d.yaml\n")
    write(root / "d.yaml", "version: 1\nextends: a.yaml\n")
    monkeypatch.chdir(root)
    with pytest.raises(
        PolicyError, match=r"^d\.yaml:2:10: `extends` makes a cycle: a\.yaml -> b\.yaml -> d\.yaml -> a\.yaml"
    ):
        policyfile.load_policy(root / "a.yaml")


# --- 12. baseline, interrupted runs ------------------------------------------------------------------


def test_a_deeply_nested_baseline_is_a_one_line_error(root: Path) -> None:
    write(root / "base.json", "[" * 100_000)
    with pytest.raises(UsageError, match="nested too deeply"):  # the mechanism: RecursionError caught
        baseline.load(root / "base.json")
    result = run(root, "check", "--baseline", "base.json", "--no-cache", TODAY)
    assert_one_line_error(
        result, r"^campaign-lint: error: base\.json: not a campaign-lint baseline \(JSON nested too deeply\)"
    )


@needs_fifo
def test_a_baseline_that_is_a_fifo_is_a_one_line_error(root: Path) -> None:
    os.mkfifo(root / "base.json")
    with pytest.raises(UsageError, match="FIFO"):
        baseline.load(root / "base.json")
    result = run(root, "check", "--baseline", "base.json", "--no-cache", TODAY)
    assert_one_line_error(
        result, r"base\.json: cannot read the baseline \(it is a FIFO \(named pipe\), not a regular file\)"
    )


def test_a_baseline_is_bounded_and_stays_in_the_repository(root: Path, tmp_path: Path) -> None:
    write(tmp_path / "outside.json", json.dumps({"version": SECRET, "findings": []}))
    (root / "linked.json").symlink_to(tmp_path / "outside.json")
    result = run(root, "check", "--baseline", "linked.json", "--no-cache", TODAY)
    assert_one_line_error(
        result, r"linked\.json: the baseline is a symbolic link that points outside the repository"
    )
    assert SECRET not in output(result)
    assert baseline.MAX_BYTES == 64 * 1024 * 1024
    big = write(root / "big.json", " " * (baseline.MAX_BYTES + 1))
    with pytest.raises(UsageError, match="larger than 64 MiB"):
        baseline.load(big)


_STALL = """
import os, sys, time
from campaign_lint.lint.pipeline import FilePipeline

ready = sys.argv[1]

def stall(self, source):
    with open(os.path.join(ready, str(os.getpid())), "w"):
        pass
    time.sleep(3600)

FilePipeline.lint_file = stall
from campaign_lint.cli.entry import main
sys.exit(main(sys.argv[2:]))
"""


def _sigint_ignored(pid: int) -> bool:
    """Whether process ``pid`` ignores SIGINT (``SigIgn`` in /proc/PID/status)."""
    status = Path(f"/proc/{pid}/status").read_text()
    mask = int(re.search(r"^SigIgn:\s*([0-9a-f]+)$", status, re.M).group(1), 16)  # type: ignore[union-attr]
    return bool(mask & (1 << (signal.SIGINT - 1)))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_ctrl_c_to_the_process_group_stops_the_pool_with_one_line(root: Path, tmp_path: Path) -> None:
    from campaign_lint.lint.pool import PARALLEL_MIN_FILES

    for index in range(PARALLEL_MIN_FILES + 10):
        write(root / "campaigns" / f"c{index}.yaml", VALID.replace("back-in-stock-sms", f"c{index}"))
    ready = tmp_path / "ready"
    ready.mkdir()
    script = write(tmp_path / "stall.py", _STALL)
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    process = subprocess.Popen(
        [sys.executable, str(script), str(ready), "check", "--jobs", "2", "--no-cache", TODAY],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=as_a_terminal_job,
    )
    try:
        waited = 0.0
        while len(list(ready.iterdir())) < 2 and process.poll() is None and waited < BACKSTOP:
            time.sleep(0.05)  # waiting for both workers to start their first file (backstop only)
            waited += 0.05
        workers = [int(path.name) for path in ready.iterdir()]
        assert len(workers) == 2, process.communicate(timeout=BACKSTOP)
        assert all(_sigint_ignored(pid) for pid in workers)  # the mechanism
        assert not _sigint_ignored(process.pid)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the whole group
        stdout, stderr = process.communicate(timeout=BACKSTOP)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, stderr
    assert stderr == "campaign-lint: interrupted\n"
    assert stdout == ""
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
