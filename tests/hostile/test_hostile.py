"""The hostile-input corpus (issue 7): every case gives its expected answer, never a traceback.

Each case builds a small repository in ``tmp_path`` (copying a fixture from
``corpus/`` or generating the large inputs on the spot) and runs the real
command in a subprocess with a timeout and a 1 GiB address-space limit, so a
hang or a memory blow-up fails the case instead of the machine.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from campaign_lint.cli.app import main
from campaign_lint.lint.discovery import SourceFile

CORPUS = Path(__file__).parent / "corpus"
EXAMPLES = Path(__file__).parents[2] / "examples"
VALID = (EXAMPLES / "campaigns" / "back-in-stock-sms.yaml").read_bytes()
TIMEOUT = 20.0
MEMORY = 1024**3
TODAY = "--today=2026-11-22"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_cli(cwd: Path, args: list[str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """``campaign-lint ARGS`` in ``cwd``, bounded in time and memory."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "campaign_lint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        preexec_fn=_limit_memory,
        check=False,
    )


def repo(tmp_path: Path) -> Path:
    """An empty repository (a ``.git`` folder stops the policy search)."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "campaigns").mkdir()
    return root


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


_USED: set[str] = set()


def fixture(name: str) -> Callable[[Path], list[str]]:
    """A case that lints one committed corpus file."""
    _USED.add(name)

    def build(root: Path) -> list[str]:
        shutil.copyfile(CORPUS / name, root / name)
        return ["check", name]

    return build


def generated(name: str, make: Callable[[], bytes | str]) -> Callable[[Path], list[str]]:
    """A case that lints one file generated on the spot (too big to commit)."""

    def build(root: Path) -> list[str]:
        write(root / name, make())
        return ["check", name]

    return build


def with_policy(policy: str, extra: dict[str, bytes | str] | None = None) -> Callable[[Path], list[str]]:
    """A case with a policy file (and other files) and one valid campaign; default paths."""

    def build(root: Path) -> list[str]:
        write(root / "campaign-lint.yaml", policy)
        write(root / "campaigns" / "ok.yaml", VALID)
        for name, data in (extra or {}).items():
            write(root / name, data)
        return ["check"]

    return build


def _deep_block_mappings() -> str:
    return "".join(" " * level + "k:\n" for level in range(2000))


def _big_file() -> str:
    line = "x-filler: " + "y" * 90 + "\n"
    return "id: big\n" + "".join(line.replace("filler", f"f{i}") for i in range(50_000))


def _custom_rule(expression: str) -> str:
    return (
        "version: 1\ncustom_rules:\n  - id: ORG001\n    severity: error\n    description: d\n"
        f"    assert: {expression}\n    message: m\n"
    )


_DIGITS = ",".join(str(i) for i in range(100))
_NESTED_COMPREHENSION = _custom_rule(
    f"'size([{_DIGITS}].map(a, [{_DIGITS}].map(b, [{_DIGITS}].map(c, [{_DIGITS}].map(d, a + b + c + d))))) > 0'"
)


def _symlink_loop(root: Path) -> list[str]:
    (root / "campaigns" / "loop.yaml").symlink_to("loop.yaml")
    (root / "campaigns" / "a.yaml").symlink_to("b.yaml")
    (root / "campaigns" / "b.yaml").symlink_to("a.yaml")
    return ["check", "campaigns"]


def _symlink_loop_named(root: Path) -> list[str]:
    (root / "campaigns" / "loop.yaml").symlink_to("loop.yaml")
    return ["check", "campaigns/loop.yaml"]


def _broken_symlink(root: Path) -> list[str]:
    (root / "campaigns" / "broken.yaml").symlink_to("nowhere.yaml")
    return ["check", "campaigns"]


def _broken_symlink_named(root: Path) -> list[str]:
    (root / "campaigns" / "broken.yaml").symlink_to("nowhere.yaml")
    return ["check", "campaigns/broken.yaml"]


def _directory_named_yaml(root: Path) -> list[str]:
    write(root / "campaigns" / "folder.yaml" / "inner.yaml", VALID)
    return ["check", "campaigns"]


def _directory_named_yaml_given(root: Path) -> list[str]:
    write(root / "campaigns" / "folder.yaml" / "inner.yaml", VALID)
    return ["check", "campaigns/folder.yaml"]


def _symlink_to_folder_named_yaml(root: Path) -> list[str]:
    write(root / "shared" / "inner.yaml", VALID)
    (root / "campaigns" / "linked.yaml").symlink_to(root / "shared", target_is_directory=True)
    write(root / "campaigns" / "ok.yaml", VALID)
    return ["check", "campaigns"]


def _symlink_out_of_repository(root: Path) -> list[str]:
    secret = write(root.parent / "secret.yaml", "password: hunter2\n")
    (root / "campaigns" / "leak.yaml").symlink_to(secret)
    write(root / "campaigns" / "ok.yaml", VALID)
    return ["check"]


def _symlink_inside_repository(root: Path) -> list[str]:
    write(root / "shared" / "ok.yaml", VALID)
    (root / "campaigns" / "alias.yaml").symlink_to(root / "shared" / "ok.yaml")
    return ["check", "campaigns"]


def _glob_escape(root: Path) -> list[str]:
    write(root.parent / "outside.yaml", VALID)
    write(root / "campaign-lint.yaml", 'version: 1\ncampaigns: ["../**/*.yaml", "../*.yaml"]\n')
    return ["check"]


def _absolute_glob(root: Path) -> list[str]:
    write(root.parent / "outside.yaml", VALID)
    write(root / "campaign-lint.yaml", f'version: 1\ncampaigns: ["{root.parent.as_posix()}/*.yaml"]\n')
    return ["check"]


def _deep_tree(root: Path) -> list[str]:
    folder = root / "campaigns"
    for level in range(150):
        folder = folder / f"d{level}"
    write(folder / "deep.yaml", "- a list, not a campaign\n")
    return ["check", "campaigns"]


def _wide_tree(root: Path) -> list[str]:
    for index in range(3000):
        write(root / "campaigns" / f"team{index % 30}" / f"c{index}.yaml", "- a list, not a campaign\n")
    return ["check", "campaigns"]


def _extends_chain(root: Path) -> list[str]:
    for index in range(40):
        write(root / "policies" / f"p{index}.yaml", f"version: 1\nextends: p{index + 1}.yaml\n")
    write(root / "policies" / "p40.yaml", "version: 1\n")
    write(root / "campaign-lint.yaml", "version: 1\nextends: policies/p0.yaml\n")
    write(root / "campaigns" / "ok.yaml", VALID)
    return ["check"]


@dataclass(frozen=True)
class Case:
    """One hostile input and the answer it must get."""

    name: str
    build: Callable[[Path], list[str]]
    exit_code: int
    expect: tuple[str, ...]  # regular expressions, searched line by line in stdout + stderr
    known_bug: str | None = None


SPEC001 = r"SPEC001 \[error\] "

CASES = [
    # 1. Loader limits and odd YAML.
    Case(
        "billion-laughs",
        fixture("billion-laughs.yaml"),
        1,
        (rf"^billion-laughs\.yaml:1:14: {SPEC001}the file expands to too many values",),
    ),
    Case(
        "deep-brackets",
        generated("deep.yaml", lambda: "[" * 10_000 + "]" * 10_000),
        1,
        (rf"^deep\.yaml:1:\d+: {SPEC001}the file is nested more than 64 levels deep",),
    ),
    Case(
        # Under libyaml's own limit of 1,000 levels: the position is the first value too deep.
        "deep-brackets-under-parser-limit",
        generated("deep.yaml", lambda: "[" * 200 + "]" * 200),
        1,
        (rf"^deep\.yaml:1:66: {SPEC001}the file is nested more than 64 levels deep",),
    ),
    Case(
        "deep-flow-mappings",
        generated("deep.yaml", lambda: "{a: " * 10_000 + "1" + "}" * 10_000),
        1,
        (rf"^deep\.yaml:1:\d+: {SPEC001}the file is nested more than 64 levels deep",),
    ),
    Case(
        "deep-block-mappings",
        generated("deep.yaml", _deep_block_mappings),
        1,
        (rf"^deep\.yaml:\d+:\d+: {SPEC001}the file is nested more than 64 levels deep",),
    ),
    Case(
        "long-line-over-limit",
        generated("long.yaml", lambda: "id: " + "x" * (5 * 1024 * 1024) + "\n"),
        1,
        (rf"^long\.yaml:1:1: {SPEC001}the file is 5120 KiB; campaign files are limited to 4096 KiB",),
    ),
    Case(
        "long-line-under-limit",
        generated("long.yaml", lambda: "id: long\nname: " + "x" * (3 * 1024 * 1024) + "\n"),
        1,
        (r"^long\.yaml:1:1: SPEC002 \[error\] a campaign needs `channel`",),
    ),
    Case(
        "file-over-limit",
        generated("big.yaml", _big_file),
        1,
        (rf"^big\.yaml:1:1: {SPEC001}the file is \d+ KiB; campaign files are limited to 4096 KiB",),
    ),
    Case(
        "latin-1",
        fixture("latin1.yaml"),
        1,
        (rf"^latin1\.yaml:1:13: {SPEC001}the file is not valid UTF-8 \(byte 0xfc\)",),
    ),
    Case(
        "utf-16-bom", fixture("utf16-bom.yaml"), 1, (rf"^utf16-bom\.yaml:1:1: {SPEC001}the file is UTF-16",)
    ),
    Case("utf-8-bom", fixture("utf8-bom.yaml"), 0, (r"^All clear: no findings in 1 file",)),
    Case(
        "nul-byte",
        fixture("nul-byte.yaml"),
        1,
        (rf"^nul-byte\.yaml:2:8: {SPEC001}the file contains a control character \(U\+0000\)",),
    ),
    Case(
        "control-character",
        fixture("control-char.yaml"),
        1,
        (rf"^control-char\.yaml:2:12: {SPEC001}the file contains a control character \(U\+0007\)",),
    ),
    Case(
        "tab-indentation",
        fixture("tabs.yaml"),
        1,
        (rf"^tabs\.yaml:3:1: {SPEC001}not valid YAML: a tab character where YAML expects spaces",),
    ),
    Case("empty", fixture("empty.yaml"), 1, (rf"^empty\.yaml:1:1: {SPEC001}the file is empty",)),
    Case(
        "comments-only",
        fixture("comments-only.yaml"),
        1,
        (rf"^comments-only\.yaml:1:1: {SPEC001}the file is empty",),
    ),
    Case(
        "multiple-documents",
        fixture("multi-document.yaml"),
        1,
        (rf"^multi-document\.yaml:3:1: {SPEC001}the file holds more than one YAML document",),
    ),
    Case(
        "list-root",
        fixture("list-root.yaml"),
        1,
        (rf"^list-root\.yaml:1:1: {SPEC001}a campaign file must be a mapping .* not a list",),
    ),
    Case(
        "scalar-root",
        fixture("scalar-root.yaml"),
        1,
        (rf"^scalar-root\.yaml:1:1: {SPEC001}a campaign file must be a mapping .* not a single value",),
    ),
    Case(
        "int-key",
        fixture("int-key.yaml"),
        1,
        (r"^int-key\.yaml:2:1: SPEC002 \[error\] `1` is not a campaign field",),
    ),
    Case(
        "null-key",
        fixture("null-key.yaml"),
        1,
        (r"^null-key\.yaml:2:1: SPEC002 \[error\] `null` is not a campaign field",),
    ),
    Case(
        "list-as-key",
        fixture("list-key.yaml"),
        1,
        (rf"^list-key\.yaml:2:3: {SPEC001}a key must be a plain word, not a list or mapping",),
    ),
    Case(
        "mapping-as-key",
        fixture("mapping-key.yaml"),
        1,
        (rf"^mapping-key\.yaml:2:1: {SPEC001}a key must be a plain word, not a list or mapping",),
    ),
    Case("merge-keys", fixture("merge-keys.yaml"), 0, (r"^All clear: no findings in 1 file",)),
    Case("extension-nested", fixture("extension-nested.yaml"), 0, (r"^All clear: no findings in 1 file",)),
    Case(
        "merge-scalar",
        fixture("merge-scalar.yaml"),
        1,
        (rf"^merge-scalar\.yaml:2:5: {SPEC001}`<<` must merge a mapping or a list of mappings",),
    ),
    Case(
        "tag-python-object-apply",
        fixture("tag-python-apply.yaml"),
        1,
        (
            rf"^tag-python-apply\.yaml:2:7: {SPEC001}the YAML tag `!!python/object/apply:os.system` is not allowed",
        ),
    ),
    Case(
        "tag-python-name",
        fixture("tag-python-name.yaml"),
        1,
        (rf"^tag-python-name\.yaml:2:7: {SPEC001}the YAML tag `!!python/name:os.system` is not allowed",),
    ),
    Case(
        "tag-python-object",
        fixture("tag-python-object.yaml"),
        1,
        (rf"^tag-python-object\.yaml:2:7: {SPEC001}the YAML tag `!!python/object:collections.OrderedDict`",),
    ),
    Case(
        "tag-custom",
        fixture("tag-custom.yaml"),
        1,
        (rf"^tag-custom\.yaml:2:7: {SPEC001}the YAML tag `!Ref` is not allowed",),
    ),
    Case(
        "tag-binary",
        fixture("tag-binary.yaml"),
        1,
        (rf"^tag-binary\.yaml:2:7: {SPEC001}the YAML tag `!!binary` is not allowed",),
    ),
    Case(
        "tag-set",
        fixture("tag-set.yaml"),
        1,
        (rf"^tag-set\.yaml:2:18: {SPEC001}the YAML tag `!!set` is not allowed",),
    ),
    Case(
        "tag-on-key",
        fixture("tag-on-key.yaml"),
        1,
        (rf"^tag-on-key\.yaml:2:1: {SPEC001}the YAML tag `!!python/name:os.system` is not allowed",),
    ),
    Case(
        "tag-on-merge-source",
        fixture("tag-on-merge.yaml"),
        1,
        (rf"^tag-on-merge\.yaml:2:5: {SPEC001}the YAML tag `!Ref` is not allowed",),
    ),
    Case(
        "duplicate-keys",
        fixture("duplicate-keys.yaml"),
        1,
        (rf"^duplicate-keys\.yaml:3:1: {SPEC001}duplicate key `id` \(first given on line 1\)",),
    ),
    # 2. File system.
    Case(
        "symlink-loop",
        _symlink_loop,
        1,
        (
            rf"^campaigns/a\.yaml:1:1: {SPEC001}cannot read the file \(Too many levels of symbolic links\)",
            rf"^campaigns/loop\.yaml:1:1: {SPEC001}cannot read the file \(Too many levels of symbolic links\)",
        ),
    ),
    Case(
        "symlink-loop-named",
        _symlink_loop_named,
        1,
        (rf"^campaigns/loop\.yaml:1:1: {SPEC001}cannot read the file \(Too many levels of symbolic links\)",),
    ),
    Case(
        "broken-symlink",
        _broken_symlink,
        1,
        (rf"^campaigns/broken\.yaml:1:1: {SPEC001}cannot read the file \(No such file or directory\)",),
    ),
    Case(
        "broken-symlink-named",
        _broken_symlink_named,
        1,
        (rf"^campaigns/broken\.yaml:1:1: {SPEC001}cannot read the file \(No such file or directory\)",),
    ),
    Case(
        "directory-named-yaml",
        _directory_named_yaml,
        0,
        (r"^All clear: no findings in 1 file",),
    ),
    Case(
        "directory-named-yaml-given",
        _directory_named_yaml_given,
        0,
        (r"^All clear: no findings in 1 file",),
    ),
    Case(
        "symlink-to-folder-named-yaml",
        _symlink_to_folder_named_yaml,
        0,
        (r"^All clear: no findings in 1 file",),
    ),
    Case(
        "extends-escape-relative",
        with_policy("version: 1\nextends: ../../../../../../etc/passwd\n"),
        2,
        (r"^campaign-lint\.yaml:2:10: `\.\./\.\./\.\./\.\./\.\./\.\./etc/passwd` is outside the repository",),
    ),
    Case(
        "extends-escape-sibling",
        with_policy("version: 1\nextends: ../outside.yaml\n"),
        2,
        (r"^campaign-lint\.yaml:2:10: `\.\./outside\.yaml` is outside the repository",),
    ),
    Case(
        "extends-absolute",
        with_policy("version: 1\nextends: /etc/passwd\n"),
        2,
        (r"^campaign-lint\.yaml:2:10: `/etc/passwd` is outside the repository",),
    ),
    Case(
        "campaigns-glob-escape",
        _glob_escape,
        2,
        (r"^campaign-lint: error: no campaign files found in .*nothing was checked",),
    ),
    Case(
        "campaigns-absolute-glob",
        _absolute_glob,
        2,
        (r"^campaign-lint: error: no campaign files found in .*nothing was checked",),
    ),
    Case(
        "symlink-out-of-repository",
        _symlink_out_of_repository,
        1,
        (rf"^campaigns/leak\.yaml:1:1: {SPEC001}a symbolic link that points outside the repository",),
    ),
    Case(
        "symlink-inside-repository",
        _symlink_inside_repository,
        0,
        (r"^All clear: no findings in 1 file",),
    ),
    Case(
        "deep-directory-tree",
        _deep_tree,
        1,
        (rf"^campaigns/(d\d+/){{150}}deep\.yaml:1:1: {SPEC001}a campaign file must be a mapping",),
    ),
    Case(
        "wide-directory-tree",
        _wide_tree,
        1,
        (
            rf"^campaigns/team9/c99\.yaml:1:1: {SPEC001}",
            r"^Found 3000 errors, 0 warnings, 0 info in 3000 files",
        ),
    ),
    # 3. Policy input.
    Case(
        "policy-deep-nesting",
        with_policy("version: 1\nx: " + "[" * 10_000 + "]" * 10_000 + "\n"),
        2,
        (r"^campaign-lint\.yaml:2:\d+: the file is nested more than 64 levels deep",),
    ),
    Case(
        "policy-billion-laughs",
        with_policy("version: 1\n" + (CORPUS / "billion-laughs.yaml").read_text()),
        2,
        (r"^campaign-lint\.yaml:2:\d+: the file expands to too many values",),
    ),
    Case(
        "policy-nul-byte",
        with_policy("version: 1\x00\n"),
        2,
        (r"^campaign-lint\.yaml:1:11: the file contains a control character \(U\+0000\)",),
    ),
    Case(
        "policy-tag",
        with_policy("version: 1\nfail_on: !!python/object/apply:os.system [echo]\n"),
        2,
        (r"^campaign-lint\.yaml:2:10: the YAML tag `!!python/object/apply:os.system` is not allowed",),
    ),
    Case(
        "cel-huge-literal",
        with_policy(_custom_rule("'campaign.id != \"" + "9" * 5000 + "\"'")),
        2,
        (r"^campaign-lint\.yaml:6:13: `assert` of ORG001 is longer than 4000 characters",),
    ),
    Case(
        "cel-huge-int-literal",
        with_policy(_custom_rule("'" + "1" * 3990 + " > 0'")),
        2,
        (r"^campaign-lint\.yaml:6:13: `assert` of ORG001 is not valid CEL: invalid int literal",),
    ),
    Case(
        "cel-deep-parentheses",
        with_policy(_custom_rule("'" + "(" * 1500 + "1" + ")" * 1500 + " == 1'")),
        2,
        (r"^campaign-lint\.yaml:6:13: `assert` of ORG001 is not valid CEL: .*Recursion limit",),
    ),
    Case(
        "cel-malformed",
        with_policy(_custom_rule("'campaign.id == ('")),
        2,
        (r"^campaign-lint\.yaml:6:13: `assert` of ORG001 is not valid CEL: Syntax error",),
    ),
    Case(
        "cel-runs-long",
        with_policy(_NESTED_COMPREHENSION),
        2,
        (r"^campaign-lint\.yaml:6:13: `assert` of ORG001 nests list macros .* 4 deep; at most 2",),
    ),
    Case(
        "extends-cycle",
        with_policy(
            "version: 1\nextends: policies/a.yaml\n",
            {
                "policies/a.yaml": "version: 1\nextends: b.yaml\n",
                "policies/b.yaml": "version: 1\nextends: a.yaml\n",
            },
        ),
        2,
        (
            r"^policies/b\.yaml:2:10: `extends` makes a cycle: .*a\.yaml -> policies/b\.yaml -> policies/a\.yaml",
        ),
    ),
    Case(
        "extends-self",
        with_policy("version: 1\nextends: campaign-lint.yaml\n"),
        2,
        (r"^campaign-lint\.yaml:2:10: `extends` makes a cycle",),
    ),
    Case(
        "extends-chain-too-long",
        _extends_chain,
        2,
        (r"^policies/p31\.yaml:2:10: `extends` chains deeper than 32 files",),
    ),
]


def _params() -> list[object]:
    params: list[object] = []
    for case in CASES:
        marks = []
        if case.known_bug:
            marks.append(pytest.mark.xfail(reason=f"known bug, reported: {case.known_bug}", strict=True))
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


@pytest.mark.slow  # each case runs the CLI in a subprocess
@pytest.mark.parametrize("case", _params())
def test_hostile_input(case: Case, tmp_path: Path) -> None:
    root = repo(tmp_path)
    args = [*case.build(root), "--no-cache", TODAY]
    try:
        result = run_cli(root, args, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case.name}: no answer within {TIMEOUT} s")
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "internal error" not in output
    for pattern in case.expect:
        assert re.search(pattern, output, re.MULTILINE), f"{pattern!r} not in:\n{output[:3000]}"
    assert result.returncode == case.exit_code, output[:3000]


def test_corpus_files_are_all_used() -> None:
    """Every committed corpus file belongs to a case (no dead fixtures)."""
    assert {path.name for path in CORPUS.iterdir()} == _USED


@pytest.mark.slow  # runs the CLI in a subprocess
def test_python_tag_runs_no_command(tmp_path: Path) -> None:
    """`!!python/object/apply:os.system` is reported, and the command never runs."""
    root = repo(tmp_path)
    marker = tmp_path / "MARKER"
    command = f'["touch {marker}"]'
    write(root / "evil.yaml", f"id: evil\nname: !!python/object/apply:os.system {command}\n")
    write(root / "evil-policy.yaml", f"version: 1\nfail_on: !!python/object/apply:os.system {command}\n")
    result = run_cli(root, ["check", "evil.yaml", "--no-cache", TODAY])
    assert re.search(
        rf"^evil\.yaml:2:7: {SPEC001}the YAML tag `!!python/object/apply:os.system`", result.stdout, re.M
    )
    assert result.returncode == 1
    result = run_cli(root, ["check", "evil.yaml", "--config", "evil-policy.yaml", "--no-cache", TODAY])
    assert "evil-policy.yaml:2:10: the YAML tag `!!python/object/apply:os.system`" in result.stderr
    assert result.returncode == 2
    assert not marker.exists()


@pytest.mark.slow  # runs the CLI in a subprocess (unless run as root)
def test_unreadable_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that cannot be read is a positioned SPEC001, not a traceback."""
    root = repo(tmp_path)
    locked = write(root / "campaigns" / "locked.yaml", VALID)
    if os.geteuid() != 0:
        locked.chmod(0)
        result = run_cli(root, ["check", "campaigns", "--no-cache", TODAY])
        output, code = result.stdout + result.stderr, result.returncode
    else:  # root reads anything: make the read fail instead
        real = SourceFile.read

        def refuse(self: SourceFile) -> bytes:
            if self.display.endswith("locked.yaml"):
                raise PermissionError(13, "Permission denied", self.location)
            return real(self)

        monkeypatch.setattr(SourceFile, "read", refuse)
        monkeypatch.chdir(root)
        code = main(["check", "campaigns", "--no-cache", TODAY])
        captured = capsys.readouterr()
        output = captured.out + captured.err
    assert re.search(
        rf"^campaigns/locked\.yaml:1:1: {SPEC001}cannot read the file \(Permission denied\)", output, re.M
    )
    assert "Traceback" not in output
    assert code == 1


def _break_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    from campaign_lint.policies.base import CampaignRule
    from campaign_lint.policies.registry import RULES

    def explode(*args: object) -> list[object]:
        raise ValueError("rule exploded")

    for rule in RULES:
        if issubclass(rule, CampaignRule):
            monkeypatch.setattr(rule, "check", explode)


def _internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *debug: str
) -> tuple[int, str, str]:
    root = repo(tmp_path)
    write(root / "campaigns" / "ok.yaml", VALID)
    monkeypatch.chdir(root)
    _break_rules(monkeypatch)
    code = main([*debug, "check", "campaigns", "--no-cache", "--jobs", "1", TODAY])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_internal_error_is_exit_3_and_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _internal_error(tmp_path, monkeypatch, capsys)
    assert code == 3
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "internal error while checking campaigns/ok.yaml (ValueError: rule exploded)" in lines[0]
    assert "please report it" in lines[0]
    assert "Traceback" not in err


def test_internal_error_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _internal_error(tmp_path, monkeypatch, capsys)
    assert code == 3
    assert "internal error while checking campaigns/ok.yaml (" in err


def test_internal_error_with_debug_shows_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _internal_error(tmp_path, monkeypatch, capsys, "--debug")
    assert code == 3
    assert err.startswith("Traceback (most recent call last):")
    assert "ValueError: rule exploded" in err
    assert err.strip().splitlines()[-1].startswith("campaign-lint: internal error")


def _portfolio(root: Path, copies: int) -> None:
    """The example policy and campaigns, plus ``copies`` renamed copies (enough for a process pool)."""
    shutil.copyfile(EXAMPLES / "campaign-lint.yaml", root / "campaign-lint.yaml")
    shutil.copytree(EXAMPLES / "campaigns", root / "campaigns", dirs_exist_ok=True)
    seeds = sorted((EXAMPLES / "campaigns").glob("*.yaml"))
    for index in range(copies):
        seed = seeds[index % len(seeds)]
        text = seed.read_text(encoding="utf-8")
        text = re.sub(r"^id: (.*)$", rf"id: \1-copy{index}", text, count=1, flags=re.M)
        write(root / "campaigns" / "copies" / f"{seed.stem}-{index}.yaml", text)


@pytest.mark.slow  # runs the CLI three times on a portfolio large enough for a process pool
def test_output_is_identical_across_runs_and_jobs(tmp_path: Path) -> None:
    from campaign_lint.lint.pool import PARALLEL_MIN_FILES

    root = repo(tmp_path)
    _portfolio(root, PARALLEL_MIN_FILES + 20)
    outputs: list[bytes] = []
    for name, jobs in (("one.json", "1"), ("again.json", "1"), ("two.json", "2")):
        result = run_cli(
            root,
            ["check", "--format", "json", "--output", name, "--jobs", jobs, "--no-cache", TODAY],
            timeout=60,
        )
        assert result.returncode == 1, result.stderr
        raw = (root / name).read_bytes()
        assert raw.count(b'"seconds": ') == 1
        outputs.append(re.sub(rb'"seconds": [0-9.e-]+', b'"seconds": 0', raw))
    files = re.search(rb'"files": ([0-9]+)', outputs[0])
    assert files is not None
    assert int(files.group(1)) > PARALLEL_MIN_FILES  # so --jobs 2 used a process pool
    assert outputs[0] == outputs[1] == outputs[2]
    assert not [path for path in root.iterdir() if path.name.startswith(".") and path.name != ".git"]


def test_output_is_written_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failure while writing leaves the previous report whole and no temporary file."""
    root = repo(tmp_path)
    write(root / "campaigns" / "list.yaml", "- not a campaign\n")
    report = write(root / "report.txt", "previous report\n")
    monkeypatch.chdir(root)

    def fail(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    code = main(["check", "campaigns", "--output", "report.txt", "--no-cache", TODAY])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "campaign-lint: error: --output report.txt: cannot write (No space left on device); nothing was changed\n"
    )
    assert report.read_text() == "previous report\n"
    assert sorted(path.name for path in root.iterdir()) == [".git", "campaigns", "report.txt"]
    monkeypatch.undo()
    monkeypatch.chdir(root)
    assert main(["check", "campaigns", "--output", "report.txt", "--no-cache", TODAY]) == 1
    assert "SPEC001" in report.read_text()
    assert sorted(path.name for path in root.iterdir()) == [".git", "campaigns", "report.txt"]


def test_a_finding_on_a_huge_line_shows_a_window_not_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo(tmp_path)
    write(root / "campaigns" / "long.yaml", "version: 1\nid: A" + "x" * 1_000_000 + "\n")
    monkeypatch.chdir(root)
    assert main(["check", "campaigns", "--no-cache", TODAY]) == 1
    out = capsys.readouterr().out
    assert len(out) < 5_000
    lines = out.splitlines()
    header = next(index for index, line in enumerate(lines) if line.startswith("campaigns/long.yaml:2:5:"))
    source, caret = lines[header + 1], lines[header + 2]
    assert source.startswith("  2 | id: Axxx")
    assert source.endswith("...")
    assert caret.index("^") == source.index("A")


@pytest.mark.parametrize(
    ("expression", "depth"),
    [
        ("campaign.data_collection.all(f, 'purpose' in f)", 1),
        ("a.map(x, x).filter(y, y > 1)", 1),
        ("a.all(x, b.exists(y, y == ')'))", 2),
        ("'a.map(' + \"b.all(\" + '''c.map(''' ", 0),
        ("a.map(x, b.map(y, c.map(z, z)))", 3),
        ("a . map (x, b.filter(y, c.exists_one(z, d.all(w, w))))", 4),
    ],
)
def test_macro_nesting_is_measured_outside_strings(expression: str, depth: int) -> None:
    from campaign_lint.policies.custom import macro_nesting

    assert macro_nesting(expression) == depth


def test_reports_get_the_usual_file_mode_and_their_folder(tmp_path: Path) -> None:
    from campaign_lint.cli.writing import write_output

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "out" / "nested" / "report.sarif"
        write_output(fresh, "{}\n")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("old\n")
        kept.chmod(0o640)
        write_output(kept, "new\n")
        assert kept.stat().st_mode & 0o777 == 0o640
        assert kept.read_text() == "new\n"
    finally:
        os.umask(old)
