"""Shared by the hypothesis tests and ``fuzz/run.py``: mutations and the pipeline under test.

``lint_bytes`` runs what ``campaign-lint check FILE`` runs (policy settings,
discovery, the engine with every rule) in this process and returns a
comparable summary: the findings, or the one line of a clean user error.
Any other exception escapes, and is what the fuzzers look for.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from campaign_lint.core import yamlload
from campaign_lint.core.errors import CampaignLintError
from campaign_lint.lint.config import load_settings
from campaign_lint.lint.discovery import discover
from campaign_lint.lint.engine import Engine

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
