"""Shared by the hypothesis tests and ``fuzz/run.py``: mutations and the pipeline under test.

``lint_bytes`` runs what ``campaign-lint check FILE`` runs (policy settings,
discovery, the engine with every rule) in this process and returns a
comparable summary: the findings, or the one line of a clean user error.
Any other exception escapes, and is what the fuzzers look for.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import socket
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

import campaign_lint
from campaign_lint.core import yamlload
from campaign_lint.core.errors import CampaignLintError
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.discovery import discover
from campaign_lint.lint.engine import Engine
from campaign_lint.lint.policytests import run_tests

EXAMPLES = Path(__file__).parents[2] / "examples"
TODAY = date(2026, 11, 22)

# What a mutation can insert: YAML's special characters and constructs.
SNIPPETS: tuple[bytes, ...] = (
    b"&a ",
    b"*a",
    b"!!python/object/apply:os.system ",
    b"!Ref ",
    b"!!binary ",
    b"<<: ",
    b"---\n",
    b"...\n",
    b"? ",
    b": ",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b'"',
    b"'",
    b"#",
    b"|",
    b">-",
    b"%YAML 1.1\n",
    b"\t",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\r",
    b"\\",
    b"%",
    b"@",
    b"`",
    b"\xe2\x80\xa8",
    b"9" * 40,
    b"1e999",
    b".nan",
    b"0x",
    b"~",
    b"x-",
    b"# campaign-lint: disable=FRQ002",
    b"# campaign-lint: disable-file=ALL -- reason",
)

# One mutation: (kind, where, what); ``where`` and ``what`` are taken modulo sizes.
Op = tuple[int, int, int]
OP_KINDS = 9


def example_campaigns() -> list[bytes]:
    """The valid example campaigns, the seeds for mutation."""
    return [path.read_bytes() for path in sorted((EXAMPLES / "campaigns").glob("*.yaml"))]


def apply(data: bytes, ops: Sequence[Op]) -> bytes:
    """Apply mutations in order; deterministic for the same input and ops."""
    for kind, where, what in ops:
        data = _apply_one(data, kind % OP_KINDS, where, what)
    return data


def _apply_one(data: bytes, kind: int, where: int, what: int) -> bytes:
    lines = data.split(b"\n")
    line = where % len(lines)
    if kind == 0 and data:  # flip bits of one byte
        at = where % len(data)
        return data[:at] + bytes([data[at] ^ (what % 255 + 1)]) + data[at + 1 :]
    if kind == 1:  # insert a byte
        at = where % (len(data) + 1)
        return data[:at] + bytes([what % 256]) + data[at:]
    if kind == 2:  # delete a line
        return b"\n".join(lines[:line] + lines[line + 1 :])
    if kind == 3:  # duplicate a line
        return b"\n".join(lines[: line + 1] + lines[line:])
    if kind == 4:  # change the indentation of a line
        stripped = lines[line].lstrip(b" ")
        lines[line] = b" " * (what % 9) + stripped
        return b"\n".join(lines)
    if kind == 5:  # insert a YAML construct
        at = where % (len(data) + 1)
        return data[:at] + SNIPPETS[what % len(SNIPPETS)] + data[at:]
    if kind == 6:  # swap two lines
        other = what % len(lines)
        lines[line], lines[other] = lines[other], lines[line]
        return b"\n".join(lines)
    if kind == 7:  # truncate
        return data[: where % (len(data) + 1)]
    if kind == 8 and data:  # delete a run of bytes
        at = where % len(data)
        return data[:at] + data[at + 1 + what % 16 :]
    return data


def random_ops(rng: random.Random, most: int = 3) -> list[Op]:
    """Mutations drawn from ``rng`` (for the standalone fuzzer)."""
    return [
        (rng.randrange(OP_KINDS), rng.randrange(1 << 20), rng.randrange(1 << 16))
        for _ in range(rng.randint(1, most))
    ]


def load_bytes(raw: bytes) -> object:
    """The loader alone: plain data, or the problem's message and position."""
    try:
        return yamlload.load(yamlload.decode(raw)).data
    except yamlload.YamlProblem as problem:
        return ("problem", problem.message, problem.span)


Summary = tuple[tuple[str, str, int, int, str], ...] | str


def lint_bytes(raw: bytes, workdir: Path, *, policy: bytes | None = None) -> Summary:
    """``check`` on one campaign file holding ``raw`` (and an optional policy) in ``workdir``."""
    (workdir / ".git").mkdir(parents=True, exist_ok=True)
    campaigns = workdir / "campaigns"
    campaigns.mkdir(exist_ok=True)
    target = campaigns / "fuzzed.yaml"
    target.write_bytes(raw)
    config = workdir / "campaign-lint.yaml"
    if policy is not None:
        config.write_bytes(policy)
    elif config.exists():
        config.unlink()
    try:
        settings = load_settings(config if policy is not None else None, workdir, today=TODAY)
        files = discover([target], settings.scope())
        report = Engine(settings).run(files)
    except CampaignLintError as exc:
        return f"error: {' | '.join(exc.lines())}"
    return tuple(
        (finding.rule, finding.path, finding.span.line, finding.span.column, finding.message)
        for finding in report.findings
    )


# -- hostile inputs of the untrusted-PR kinds: policy tests, `$ref` schemas, CEL ---------------
#
# Each runs inside a ``Sandbox``: a folder the code under test may read and
# write, next to decoy files it must never read (``outside-decoy/``, and
# ``decoy-*`` files inside the folder that only a followed reference would
# reach), under a ``Guard`` that records any network access and any file
# opened outside the sandbox (an audit hook sees every ``open``, whatever
# the route) and raises ``Escape`` after the run.

KEYS = (
    "id",
    "name",
    "channel",
    "audience",
    "trigger",
    "frequency",
    "send_window",
    "content",
    "version",
    "owner",
    "x-note",
    "<<",
    "1",
    "",
)


def random_structure(rng: random.Random, depth: int = 0, keys: Sequence[str] = KEYS) -> Any:
    """A random YAML-ish value: nested mappings and lists of odd scalars."""
    kind = rng.randrange(8 if depth < 6 else 4)
    if kind == 0:
        return rng.choice([None, True, False, 0, -1, 10**30, 1.5, float("inf"), float("nan")])
    if kind == 1:
        return "".join(
            chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x3000)]))
            for _ in range(rng.randrange(12))
        )
    if kind == 2:
        return rng.choice(
            ["09:00", "NO", "yes", "7d", "sms", "email", "2026-11-22", "0o17", "~", "null", "-"]
        )
    if kind == 3:
        return rng.choice(SNIPPETS).decode("utf-8", "replace")
    if kind in (4, 5):
        return [random_structure(rng, depth + 1, keys) for _ in range(rng.randrange(5))]
    return {rng.choice(keys): random_structure(rng, depth + 1, keys) for _ in range(rng.randrange(6))}


class Escape(Exception):
    """The code under test opened a socket or a file outside the sandbox (deliberately not an OSError)."""


@dataclass(frozen=True, slots=True)
class Sandbox:
    """The folders of the hostile kinds, made once under ``base``."""

    base: Path
    repo: Path  # a repository (``.git``) with the example policy and campaigns: policy tests run here
    work: Path  # campaign and policy of the `$ref` and CEL kinds (``lint_bytes``)
    scratch: Path  # ``tempfile``'s folder during a guarded run
    outside: Path  # decoys outside the sandbox

    @property
    def allowed(self) -> tuple[Path, ...]:
        return (self.repo, self.work, self.scratch)


def sandbox(base: Path) -> Sandbox:
    """Create (once) the sandbox folders, the example policy and campaigns, links out and decoys."""
    base = Path(os.path.realpath(base))
    box = Sandbox(base, base / "repo", base / "work", base / "scratch", base / "outside-decoy")
    if (box.repo / ".git").is_dir():
        return box
    for folder in (box.repo / ".git", box.repo / "policy-tests", box.work, box.scratch, box.outside):
        folder.mkdir(parents=True, exist_ok=True)
    secret = b"version: 1\nid: decoy-secret\nname: SECRET-DECOY\n"
    (box.outside / "secret.yaml").write_bytes(secret)
    (box.outside / "schema.json").write_text('{"$defs": {"a": {"type": "string"}}, "type": "object"}')
    (box.outside / "campaign-lint.yaml").write_bytes(b"version: 1\n")
    (box.work / "decoy-local.json").write_text('{"$defs": {"a": {"type": "string"}}, "type": "object"}')
    (box.repo / "campaign-lint.yaml").write_bytes((EXAMPLES / "campaign-lint.yaml").read_bytes())
    shutil.copytree(EXAMPLES / "campaigns", box.repo / "campaigns")
    (box.repo / "campaigns" / "decoy-link.yaml").symlink_to(box.outside / "secret.yaml")
    (box.repo / "decoy-policy-link.yaml").symlink_to(box.outside / "campaign-lint.yaml")
    (box.repo / "decoy-folder-link").symlink_to(box.outside, target_is_directory=True)
    if hasattr(os, "mkfifo"):  # opened without O_NONBLOCK it would hang (the run's timeout says so)
        os.mkfifo(box.repo / "campaigns" / "fifo.yaml")
    return box


_GUARD: list[Guard] = []  # the active guard, if any (the audit hook cannot be removed)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _GUARD:
        return
    if event == "open":
        _GUARD[-1].opened(args[0])
    elif event in ("socket.connect", "socket.sendto", "socket.getaddrinfo", "socket.gethostbyname"):
        family = getattr(args[0], "family", None) if event in ("socket.connect", "socket.sendto") else None
        if family != socket.AF_UNIX:
            _GUARD[-1].violations.append(f"network: {event}{args[1:]!r}")


class _NoNetwork(socket.socket):
    """``socket.socket`` while guarded: local pairs (multiprocessing's pipes) only."""

    def __init__(self, family: Any = -1, type: Any = -1, proto: Any = -1, fileno: Any = None) -> None:
        if fileno is None and family != socket.AF_UNIX:
            _GUARD[-1].violations.append(f"network: socket({family!r}, {type!r})")
            raise Escape("a network socket was opened")
        super().__init__(family, type, proto, fileno)


def _refuse_network(*args: Any, **kwargs: Any) -> Any:
    if _GUARD:
        _GUARD[-1].violations.append(f"network: {args!r}")
    raise Escape("a network connection was attempted")


class Guard:
    """No network and no file outside ``box`` (nor a decoy inside it) while the block runs.

    Python's own files (the standard library, installed packages, campaign_lint's
    package data) may be opened. What the code under test catches is still
    recorded: leaving the block raises ``Escape`` naming every violation.
    """

    _hooked = False

    def __init__(self, box: Sandbox) -> None:
        self.box = box
        self.violations: list[str] = []
        self.allowed = tuple(str(path) + os.sep for path in box.allowed)
        code = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
        code |= {str(Path(campaign_lint.__file__).resolve().parent)}
        self.code = tuple(os.path.realpath(path) + os.sep for path in code)
        self.saved: list[tuple[Any, str, Any]] = []
        self.tempdir: str | None = None
        self.cwd = ""

    def opened(self, path: Any) -> None:
        if isinstance(path, int):
            return
        real = os.path.realpath(os.fsdecode(path))
        if "decoy" in real:
            self.violations.append(f"read: {real}")
        elif not real.startswith(self.allowed + self.code) and not real.endswith((".py", ".pyc", ".so")):
            self.violations.append(f"read outside the sandbox: {real}")

    def __enter__(self) -> Guard:
        if not Guard._hooked:
            sys.addaudithook(_audit)
            Guard._hooked = True
        for owner, name, value in (
            (socket, "socket", _NoNetwork),
            (socket, "create_connection", _refuse_network),
            (socket, "getaddrinfo", _refuse_network),
            (socket, "gethostbyname", _refuse_network),
        ):
            self.saved.append((owner, name, getattr(owner, name)))
            setattr(owner, name, value)
        self.tempdir, tempfile.tempdir = tempfile.tempdir, str(self.box.scratch)
        # A relative path is judged from the current folder; shutil.rmtree opens names
        # relative to a folder's descriptor (the audit event does not say which), all in scratch.
        self.cwd = os.getcwd()
        os.chdir(self.box.scratch)
        _GUARD.append(self)
        return self

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        _GUARD.remove(self)
        os.chdir(self.cwd)
        tempfile.tempdir = self.tempdir
        for owner, name, original in reversed(self.saved):
            setattr(owner, name, original)
        self.saved.clear()
        if self.violations and kind is None:
            raise Escape("; ".join(dict.fromkeys(self.violations)))


# -- policy-test files ---------------------------------------------------------

POLICY_TEST_EXAMPLE = EXAMPLES / "policy-tests" / "engagement.test.yaml"
# Paths a test file from a pull request may name: none of them may be read.
HOSTILE_PATHS = (
    "/etc/passwd",
    "/dev/zero",
    "/proc/self/environ",
    "file:///etc/passwd",
    "~/.ssh/id_rsa",
    "../../outside-decoy/secret.yaml",
    "../../outside-decoy/campaign-lint.yaml",
    "../" * 12 + "etc/passwd",
    "../campaigns/../../outside-decoy/secret.yaml",
    "../campaigns/decoy-link.yaml",
    "../decoy-policy-link.yaml",
    "../decoy-folder-link/secret.yaml",
    "../decoy-folder-link/campaign-lint.yaml",
    "../campaigns/fifo.yaml",
    "../campaigns",
    "..",
    ".",
    "",
    "../.git",
    "C:\\Windows\\win.ini",
    "\\\\server\\share\\x.yaml",
    "..\\..\\outside-decoy\\secret.yaml",
    "../campaigns/welcome-series.yaml\x00.txt",
)
_GOOD_PATHS = (
    "../campaigns/welcome-series.yaml",
    "../campaigns/flash-sale-sms-blast.yaml",
    "../campaigns/review-after-delivery.yaml",
    "../campaigns/archive/" + "x.yaml",
    "../campaign-lint.yaml",
)
_FIXTURE_NAMES = (
    "review.yaml",
    "legacy/old.yaml",
    "a.yml",
    "../escape.yaml",
    "/tmp/abs.yaml",
    "x/../../y.yaml",
    ".git/config",
    "campaigns",
    "",
)
_RULES = ("TIM001", "FRQ002", "CON001", "POL002", "ORG001", "tim001", "XYZ999", "TIM", "", "SPEC005")


def _campaign_text(rng: random.Random, seeds: Sequence[bytes]) -> str:
    raw = rng.choice(seeds)
    if rng.random() < 0.25:
        raw = apply(raw, random_ops(rng, 2))
    return raw.decode("utf-8", "replace")


def _hostile(rng: random.Random, good: Sequence[str], bad: Sequence[str], odds: float) -> str:
    """Mostly one of ``good``; with ``odds``, one of ``bad``."""
    return rng.choice(bad) if rng.random() < odds else rng.choice(good)


def _case(rng: random.Random, seeds: Sequence[bytes], number: int) -> dict[str, Any]:
    case: dict[str, Any] = {"name": _hostile(rng, [f"case {number}"], ["", "case 0", "ü" * 3], 0.1)}
    if rng.random() < 0.6:
        case["campaigns"] = {
            _hostile(rng, _FIXTURE_NAMES[:3], _FIXTURE_NAMES[3:], 0.15): _campaign_text(rng, seeds)
            for _ in range(rng.randint(1, 3))
        }
    if "campaigns" not in case or rng.random() < 0.3:
        case["files"] = [_hostile(rng, _GOOD_PATHS, HOSTILE_PATHS, 0.3) for _ in range(rng.randint(1, 3))]
    case["expect"] = [
        {
            key: value
            for key, value in (
                ("rule", _hostile(rng, _RULES[:5], _RULES[5:], 0.1)),
                ("file", rng.choice(("review.yaml", "welcome-series.yaml", None))),
                ("line", rng.choice((None, 1, 11, -1, 10**20))),
                ("message", rng.choice((None, "cap", ""))),
            )
            if value is not None
        }
        for _ in range(rng.randrange(4))
    ]
    if rng.random() < 0.3:
        case["select"] = [_hostile(rng, _RULES[:5], _RULES[5:], 0.2) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.1:
        case["today"] = rng.choice(("2026-11-22", "2026-02-30", "tomorrow", 20261122))
    return case


def policy_test_file(rng: random.Random, seeds: Sequence[bytes]) -> bytes:
    """A hostile ``*.test.yaml``: the example mutated, or a generated one with odd paths and cases."""
    roll = rng.random()
    if roll < 0.4:
        return apply(POLICY_TEST_EXAMPLE.read_bytes(), random_ops(rng))
    if roll < 0.5:
        document: Any = random_structure(rng, keys=("policy", "cases", "today", "name", "expect", "files"))
    else:
        policy: Any
        which = rng.random()
        if which < 0.55:
            policy = "../campaign-lint.yaml"
        elif which < 0.8:
            policy = rng.choice(HOSTILE_PATHS)
        else:
            policy = {
                "version": 1,
                "channels": {"email": {"cap": {"max": rng.choice([1, 0, -1, "x"]), "per": "7d"}}},
            }
            if rng.random() < 0.3:
                policy["extends"] = rng.choice(
                    [
                        "strict",
                        "../campaign-lint.yaml",
                        "/etc/passwd",
                        "../../outside-decoy/campaign-lint.yaml",
                    ]
                )
        document = {"policy": policy, "today": "2026-11-22"}
        document["cases"] = [
            _case(rng, seeds, number) for number in range(rng.choice((0, 1, 1, 1, 2, 2, 3, 3, 4)))
        ]
    text = yaml.safe_dump(document, allow_unicode=rng.random() < 0.5, sort_keys=False).encode("utf-8")
    return apply(text, random_ops(rng, 2)) if rng.random() < 0.2 else text


_SCRATCH = re.compile(r"campaign-lint-test-[A-Za-z0-9_]+")
PolicyTestSummary = tuple[tuple[str, str, bool, int, int], ...] | str


def run_policy_test(raw: bytes, box: Sandbox) -> PolicyTestSummary:
    """``campaign-lint test`` on one test file holding ``raw`` in the sandbox's repository, guarded.

    The results (each case: passed, missing and unexpected counts), or the
    one line of a clean user error; any other exception escapes.
    """
    folder = box.repo / "policy-tests"
    (folder / "fuzzed.test.yaml").write_bytes(raw)
    try:
        with Guard(box):
            suites = run_tests(folder)
    except CampaignLintError as exc:
        # A message may name the run's temporary folder (an inline policy's folder), random each run.
        return _SCRATCH.sub("campaign-lint-test-*", f"error: {' | '.join(exc.lines())}")
    return tuple(
        (suite.path, case.name, case.passed, len(case.missing), len(case.unexpected))
        for suite in suites
        for case in suite.cases
    )


# -- `$ref` schemas ------------------------------------------------------------

# References a `schema:` block from a pull request may hold: only `#...` ones into the block resolve.
HOSTILE_REFS = (
    "http://example.com/schema.json",
    "https://example.com/schema.json#/$defs/a",
    "http://127.0.0.1:9/x.json",
    "http://[::1]:9/x.json",
    "//example.com/schema.json",
    "file:///etc/passwd",
    "file:/etc/passwd",
    "file://localhost/etc/passwd",
    "/etc/passwd",
    "/proc/self/environ",
    "decoy-local.json",
    "decoy-local.json#/$defs/a",
    "./decoy-local.json",
    "../outside-decoy/schema.json",
    "../outside-decoy/schema.json#/$defs/a",
    "%2e%2e/outside-decoy/schema.json",
    "urn:example:schema",
    "data:application/json,{}",
    "ftp://example.com/s.json",
    "https://json-schema.org/draft/2020-12/schema",
    "#/$defs/missing",
    "#/properties/nothing",
    "#/$defs/a/$ref",
    "#missing-anchor",
    "#/$defs/%61",
    "#/$defs/~1",
    "#/definitions/a",
    "#",
    "",
    "#/",
    "\x00",
)
_IDS = (
    "https://example.com/root.json",
    "file:///etc/",
    "http://127.0.0.1:9/",
    "urn:x",
    "decoy-local.json",
    "sub",
    "#frag",
    "",
)
_CAMPAIGN_FIELDS = ("id", "name", "channel", "audience", "trigger", "content", "success_metrics", "x-a")


def ref_schema(rng: random.Random, defs: Sequence[str], depth: int = 0) -> Any:
    """A random JSON Schema node whose references go into ``defs``, out of the block, or nowhere."""
    roll = rng.randrange(12 if depth < 8 else 3)
    if roll == 0:
        return {"type": rng.choice(["string", "object", "array", "integer", "null", "boolean"])}
    if roll == 1:
        return rng.choice(
            [True, False, {}, {"minLength": 1}, {"pattern": rng.choice(["^a", "(a+)+$", "(?=x)", "["])}]
        )
    if roll in (2, 3, 4):
        if defs and rng.random() < 0.6:
            reference = "#/$defs/" + rng.choice(defs)
        elif rng.random() < 0.8:
            reference = rng.choice(HOSTILE_REFS)
        else:
            reference = rng.choice(_IDS) + rng.choice(("", "#", "#/$defs/a", "#frag"))
        node: dict[str, Any] = {rng.choice(["$ref", "$ref", "$dynamicRef"]): reference}
        if rng.random() < 0.2:
            node["type"] = "object"
        return node
    if roll == 5:
        return {
            "properties": {
                rng.choice(_CAMPAIGN_FIELDS): ref_schema(rng, defs, depth + 1)
                for _ in range(rng.randint(1, 3))
            }
        }
    if roll == 6:
        return {
            rng.choice(["anyOf", "oneOf", "allOf"]): [
                ref_schema(rng, defs, depth + 1) for _ in range(rng.randint(1, 3))
            ]
        }
    if roll == 7:
        return {
            rng.choice(
                ["not", "items", "additionalProperties", "if", "then", "else", "contains"]
            ): ref_schema(rng, defs, depth + 1)
        }
    if roll == 8:
        inner = ref_schema(rng, defs, depth + 1)
        return {"$id": rng.choice(_IDS), **(inner if isinstance(inner, dict) else {})}
    if roll == 9:
        return {
            "$anchor": rng.choice(["frag", "missing-anchor", "a"]),
            "$dynamicAnchor": "a",
            "type": "object",
        }
    if roll == 10:  # straight to a definition (chains and loops come from ref_policy), or to the root
        return {"$ref": "#/$defs/" + rng.choice(defs) if defs else "#"}
    return {"required": [rng.choice(_CAMPAIGN_FIELDS) for _ in range(rng.randint(1, 3))]}


def ref_policy(rng: random.Random) -> bytes:
    """A policy whose ``schema:`` holds ``$ref``s: internal, unresolvable, remote, file, recursive, deep."""
    names = [f"d{number}" for number in range(rng.randrange(6))]
    shape = rng.random()
    definitions: dict[str, Any]
    if shape < 0.15 and names:  # a chain d0 -> d1 -> ... (a loop when the last refers back)
        definitions = {
            name: {"$ref": f"#/$defs/{names[(i + 1) % len(names)]}"} for i, name in enumerate(names)
        }
        if rng.random() < 0.5:
            definitions[names[-1]] = {"type": "object"}
    elif shape < 0.25:  # deep nesting through references and in-place keywords
        deep: Any = {"$ref": "#/$defs/leaf"}
        for _ in range(rng.randint(5, 30)):
            deep = (
                {rng.choice(["allOf", "anyOf", "oneOf"]): [deep]}
                if rng.random() < 0.5
                else {"not": {"not": deep}}
            )
        definitions = {"leaf": {"type": "object"}, "deep": deep}
        names = ["leaf", "deep"]
    else:
        definitions = {name: ref_schema(rng, names, 1) for name in names}
    schema = ref_schema(rng, names)
    if not isinstance(schema, dict):
        schema = {"allOf": [schema]}
    if definitions:
        schema["$defs"] = definitions
    if rng.random() < 0.2:
        schema["properties"] = {
            "trigger": {"$ref": "#"},
            **schema.get("properties", {}),
        }  # recursion into the campaign
    policy = {"version": 1, "campaigns": ["campaigns/**/*.yaml"], "schema": schema}
    text = yaml.safe_dump(policy, allow_unicode=True, sort_keys=False).encode("utf-8")
    return apply(text, random_ops(rng, 2)) if rng.random() < 0.25 else text


# -- CEL expressions -----------------------------------------------------------

_CEL_FIELDS = (
    "campaign.channel",
    "campaign.id",
    "campaign.name",
    "campaign.type",
    "campaign.frequency.max",
    "campaign.trigger.delay",
    "campaign['x-a']",
    'campaign["x-legal-approved"]',
    "campaign.missing",
    "campaign",
    "policy.channels.email.cap.max",
    "policy.fail_on",
)
_CEL_LISTS = (
    "campaign.success_metrics",
    "campaign.trigger.stop_when",
    "campaign.audience.exclude",
    "campaign.audience",
    "campaign",
    "policy.channels",
    "[1, 2, 3]",
    "['a', 'b']",
    "[]",
    "{'a': 1, 'b': [2]}",
    "campaign.missing",
)
_CEL_LITERALS = (
    "0",
    "-1",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615u",
    "0x7f",
    "1e308",
    "1.5",
    "null",
    "true",
    "false",
    '"sms"',
    "'email'",
    '"a\\nb"',
    "'\\u00e9'",
    '"\\x41\\101"',
    "r'\\d+'",
    '"""tri\nple"""',
    "b'\\xff'",
    '"\\""',
    "'\\''",
    '"// not a comment"',
    '".map(x, x.map(y, y.map(z, z)))"',
    "'a.all(x, x.exists(y, y))'",
    '"\\\\"',
    "'\\'.map('",
)
_CEL_MACROS = ("all", "exists", "exists_one", "existsOne", "map", "filter", "transformList", "sortBy")
_SPACES = (" ", "", "\n", " \t ", " // a comment .map(x, x)\n", "\n\n  ", "\r\n", " //\n")
_OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "&&", "||", "+", "-", "*", "/", "%", "in")


def cel_expression(rng: random.Random, depth: int = 0, macros: int = 0, names: tuple[str, ...] = ()) -> str:
    """A random CEL expression: fields, literals, operators, calls, macros nested ``macros`` deep at most."""
    space = rng.choice(_SPACES) if rng.random() < 0.3 else " "
    roll = rng.randrange(10 if depth < 5 else 3)
    if roll == 0:
        return rng.choice(_CEL_LITERALS)
    if roll == 1:
        return rng.choice(_CEL_FIELDS + names) if names and rng.random() < 0.5 else rng.choice(_CEL_FIELDS)
    if roll == 2:
        return rng.choice(names) if names else rng.choice(_CEL_FIELDS)
    if roll in (3, 4):
        left = cel_expression(rng, depth + 1, macros, names)
        right = cel_expression(rng, depth + 1, macros, names)
        return f"{left}{space}{rng.choice(_OPERATORS)}{space}{right}"
    if roll == 5:
        return f"({rng.choice(('!', '-', ''))}{cel_expression(rng, depth + 1, macros, names)}" + (
            ")" if rng.random() < 0.95 else ""
        )
    if roll == 6:
        inner = cel_expression(rng, depth + 1, macros, names)
        call = rng.choice(
            (
                "size({})",
                "has(campaign.{})",
                "string({})",
                "int({})",
                "type({})",
                "dyn({})",
                "{}.startsWith('a')",
                "{}.matches('^(a+)+$')",
                '{}.contains("x")',
                "{}[0]",
                "{}['k']",
            )
        )
        return call.format(inner if "has(" not in call else rng.choice(_CAMPAIGN_FIELDS[:7]))
    if roll == 7:
        return f"{cel_expression(rng, depth + 1, macros, names)} ? {cel_expression(rng, depth + 1, macros, names)} : {cel_expression(rng, depth + 1, macros, names)}"
    if macros <= 0:
        return rng.choice(_CEL_FIELDS)
    variable = rng.choice(("x", "m", "e", "y", "campaign", "policy"))
    target = rng.choice(_CEL_LISTS + names) if names else rng.choice(_CEL_LISTS)
    macro = rng.choice(_CEL_MACROS)
    body = cel_expression(rng, depth + 1, macros - 1, (*names, variable))
    dot = rng.choice((".", " .", ".\n", " . ", "\n  // the next line maps\n  .", ".  \t"))
    extra = (
        f", {cel_expression(rng, depth + 1, macros - 1, (*names, variable))}"
        if macro == "map" and rng.random() < 0.3
        else ""
    )
    return f"{target}{dot}{macro}{space}({variable},{space}{body}{extra})"


def cel_policy(rng: random.Random) -> bytes:
    """A policy with one to three ``custom_rules`` whose ``when``/``assert`` are generated CEL, some mutated."""
    rules = []
    for number in range(rng.randint(1, 3)):
        rule: dict[str, Any] = {
            "id": f"ORG{number + 1:03d}",
            "description": "fuzzed",
            "assert": cel_expression(rng, macros=rng.choice((0, 1, 2, 2, 3, 4))),
            "message": rng.choice(("campaign {id} fails", "{channel} {trigger.event} {x-a} {0}", "{")),
        }
        if rng.random() < 0.5:
            rule["when"] = cel_expression(rng, macros=rng.choice((0, 1, 2, 3)))
        for key in ("when", "assert"):
            if key in rule and rng.random() < 0.25:
                rule[key] = apply(rule[key].encode("utf-8"), random_ops(rng, 2)).decode("utf-8", "replace")
        if rng.random() < 0.2:
            rule["path"] = rng.choice(("trigger.event", "trigger.stop_when.0", "nothing.here", "", "0"))
        rules.append(rule)
    policy = {"version": 1, "campaigns": ["campaigns/**/*.yaml"], "custom_rules": rules}
    text = yaml.safe_dump(policy, allow_unicode=True, sort_keys=False, width=200).encode("utf-8")
    return apply(text, random_ops(rng, 2)) if rng.random() < 0.15 else text


def lint_guarded(raw: bytes, box: Sandbox, policy: bytes) -> Summary:
    """``lint_bytes`` in the sandbox's work folder, under a ``Guard``.

    The CEL library compiled every expression that campaign-lint's own parse
    (which counts macro nesting) is handed, so that parse failing is a bug.
    """
    with Guard(box):
        summary = lint_bytes(raw, box.work, policy=policy)
    if isinstance(summary, str) and "cannot be measured for cost" in summary:
        raise AssertionError(f"CEL compiled an expression the nesting parse rejects: {summary}")
    return summary
