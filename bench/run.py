"""Benchmark campaign-lint on generated corpora, against a parse-only floor and peer tools.

Usage::

    python bench/run.py --sizes 1000,10000 [--repeat 3] [--peers] [--seed 1]

For each size N it generates ``bench/corpus/<N>`` with ``bench/corpus.py``
(reused when it already holds N campaign files), then runs whole commands as
child processes, from inside the corpus directory:

* ``campaign-lint check --format json --output /dev/null`` with no paths, so
  the policy file's ``campaigns`` globs choose the files. The executable is
  the ``campaign-lint`` next to ``sys.executable`` (the same virtualenv).
  Exit codes 0 and 1 (findings) are success; anything else is a failure and
  its stderr is printed. Rows: cold (``--no-cache``), warm (after one
  unmeasured run, nothing changed: answered from the replay record), one
  named file of the portfolio warm, one named file *edited* before each run
  (the pre-commit case: that file is linted, the portfolio rules run again
  over the cached records of the others), ``simulate`` of the built-in
  ``late-delivery`` persona over 90 days (warm: the records come from the
  cache; the replay records are deleted before each timed run, so the
  simulation itself is timed, not the answer of its replay record), cold with ``--jobs 1``, and a one-campaign copy of the corpus,
  cold and warm.
* ``read only``: a ``python -c`` that reads the bytes of every file (the floor
  of the floor: start-up plus file I/O).
* ``parse with positions``: a ``python -c`` that reads every file and composes
  it with PyYAML's C loader (``yaml.compose(text, Loader=yaml.CSafeLoader)``),
  whose nodes carry line/column marks. No validation, no rules: the floor any
  YAML linter with positions pays, in one process.
* with ``--peers``: ``yamllint -d default -f parsable campaigns`` (exit code 1
  is fine) and, when installed, ``check-jsonschema`` against
  ``campaign-lint schema campaign``. Peers are looked up next to
  ``sys.executable``, then on ``PATH``.

Each command runs ``--repeat`` times; the table shows the median wall time and
the peak resident memory (the largest ``ru_maxrss`` of the child, measured
with ``os.wait4``; it covers the child and any workers it waited for, taking
the largest single process, not their sum).

These are scripts, not timed tests: nothing here asserts a number.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CORPUS_SCRIPT = BENCH / "corpus.py"
BIN = Path(sys.executable).parent
INSTALL_HINT = "pip install -r bench/requirements.txt"

READ_ONLY = """\
import os, sys
n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".yaml"):
            with open(os.path.join(root, name), "rb") as handle:
                handle.read()
            n += 1
sys.exit(0 if n else 3)
"""

PARSE_ONLY = """\
import os, sys, yaml
loader = yaml.CSafeLoader
n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".yaml"):
            with open(os.path.join(root, name), "rb") as handle:
                text = handle.read().decode("utf-8", "replace")
            try:
                yaml.compose(text, Loader=loader)
            except yaml.YAMLError:
                pass
            n += 1
sys.exit(0 if n else 3)
"""


@dataclass(frozen=True, slots=True)
class Command:
    """One row of the table: what to run and which exit codes mean it worked."""

    label: str
    argv: list[str]
    ok_codes: frozenset[int] = frozenset({0})
    baseline: bool = False
    # Run once, unmeasured, before timing (to fill campaign-lint's cache).
    prime: bool = False
    # Measured on a one-campaign copy of the corpus (the pre-commit case).
    single: bool = False
    key: str = ""
    # A campaign (relative path) given a new last line before each timed run,
    # and restored afterwards: a commit that edits one file.
    edit: str | None = None
    # The replay records deleted before each timed run (``simulate``): the cache stays warm, but the
    # command runs instead of being answered from its record.
    unreplayed: bool = False


@dataclass(slots=True)
class Result:
    """The measured runs of one command on one corpus."""

    command: Command
    files: int
    seconds: list[float] = field(default_factory=list)
    peak_rss_kb: int = 0
    error: str | None = None

    @property
    def median(self) -> float | None:
        """Median wall time in seconds, or None when the command failed."""
        if self.error is not None or not self.seconds:
            return None
        return statistics.median(self.seconds)


def find_tool(name: str) -> str | None:
    """The executable ``name`` next to ``sys.executable``, else on ``PATH``."""
    local = BIN / name
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which(name)


def count_campaigns(corpus: Path) -> int:
    """Number of ``*.yaml`` files under ``corpus/campaigns``."""
    return sum(1 for _ in (corpus / "campaigns").rglob("*.yaml")) if (corpus / "campaigns").is_dir() else 0


def _policy_text() -> str:
    sys.path.insert(0, str(BENCH))
    try:
        import corpus  # the generator script next to this one

        return str(corpus.POLICY)
    finally:
        sys.path.remove(str(BENCH))


def _write_policy(policy: Path) -> None:
    """Write the benchmark policy unless ``policy`` already holds it; date it a minute back.

    campaign-lint does not record a run for replay while its policy file was
    saved within the last two seconds (it could change again unnoticed); a
    benchmark's warm rows stand for a repository where nothing was just edited.
    """
    text = _policy_text()
    if not policy.is_file() or policy.read_text(encoding="utf-8") != text:
        policy.write_text(text, encoding="utf-8")
    moment = time.time() - 60
    if policy.stat().st_mtime > moment:  # just generated or written
        os.utime(policy, (moment, moment))


def ensure_corpus(size: int, seed: int) -> Path:
    """Generate ``bench/corpus/<size>`` unless it already holds ``size`` campaigns."""
    corpus = BENCH / "corpus" / str(size)
    policy = corpus / "campaign-lint.yaml"
    if policy.is_file() and count_campaigns(corpus) == size:
        print(f"corpus {corpus}: reusing {size} files", file=sys.stderr)
        _write_policy(policy)
        return corpus
    argv = [
        sys.executable,
        str(CORPUS_SCRIPT),
        "--count",
        str(size),
        "--out",
        str(corpus),
        "--seed",
        str(seed),
    ]
    subprocess.run(argv, check=True)
    _write_policy(policy)
    return corpus


def run_once(argv: Sequence[str], cwd: Path) -> tuple[float, int, int, str]:
    """Run a command once: (wall seconds, peak RSS in KB, exit code, stderr)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    rss_kb = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return seconds, rss_kb, proc.returncode, stderr


def single_corpus(corpus: Path) -> tuple[Path, str]:
    """A copy of ``corpus``'s policy with its first valid-looking campaign alone: the pre-commit case."""
    one = corpus.parent / f"{corpus.name}-one"
    first = sorted((corpus / "campaigns").rglob("*.yaml"))[0]
    relative = first.relative_to(corpus).as_posix()
    target = one / relative
    if not target.is_file():
        if one.exists():
            shutil.rmtree(one)
        target.parent.mkdir(parents=True)
        shutil.copy2(first, target)
    _write_policy(one / "campaign-lint.yaml")
    return one, relative


def compile_bytecode(env: dict[str, str] | None = None) -> str | None:
    """Write the bytecode of the installed campaign-lint package, as ``pip install`` does; its folder.

    A user's ``pip install`` or ``pipx install`` writes the bytecode of every
    module at install time, as it did for the peers; an editable development
    install does not, and with ``PYTHONDONTWRITEBYTECODE`` set (as in some CI
    and container images) it would compile about 50 modules from source on
    every run, some 35 ms. ``compileall`` writes the ``__pycache__`` files
    explicitly, so every row measures the installed tool a user runs.
    ``env``: the environment to look for the package in (``bench/against.py``
    points ``PYTHONPATH`` at an older commit's tree); default this process's.
    """
    python = BIN / "python"
    found = subprocess.run(
        [str(python), "-c", "import campaign_lint, os; print(os.path.dirname(campaign_lint.__file__))"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if found.returncode != 0:
        return None
    package = found.stdout.strip()
    subprocess.run([str(python), "-m", "compileall", "-q", package], check=False)
    return package


def warm_up(one: Path) -> None:
    """Compile campaign-lint to bytecode, then run it once, unmeasured, on the one-file corpus."""
    compile_bytecode()
    lint = BIN / "campaign-lint"
    if lint.is_file():
        run_once([str(lint), "check", "--no-cache", "--format", "json", "--output", os.devnull], one)


def measure(command: Command, corpus: Path, files: int, repeat: int) -> Result:
    """Run ``command`` ``repeat`` times in ``corpus``; stop at the first failure."""
    result = Result(command, files)
    edited = corpus / command.edit if command.edit else None
    original = edited.read_bytes() if edited else None
    try:
        if command.prime:
            run_once(command.argv, corpus)
        for i in range(repeat):
            if edited and original is not None:
                edited.write_bytes(original + f"# edited for timed run {i + 1}\n".encode())
            if command.unreplayed:
                for record in (corpus / ".campaign-lint-cache").glob("replay-*.bin"):
                    record.unlink()
            print(f"  {command.label}: run {i + 1}/{repeat} ...", end="", file=sys.stderr, flush=True)
            try:
                seconds, rss_kb, code, stderr = run_once(command.argv, corpus)
            except OSError as exc:
                result.error = f"could not start: {exc}"
                print(f" failed: {result.error}", file=sys.stderr)
                break
            if code not in command.ok_codes:
                tail = "\n".join(stderr.strip().splitlines()[-40:])
                result.error = f"exit code {code}"
                print(f" failed (exit code {code})\n{tail}", file=sys.stderr)
                break
            print(f" {seconds:.2f} s, {rss_kb / 1024:.0f} MB", file=sys.stderr)
            result.seconds.append(seconds)
            result.peak_rss_kb = max(result.peak_rss_kb, rss_kb)
    finally:
        if edited and original is not None:
            edited.write_bytes(original)
    return result


def campaign_schema(tool: str, corpus: Path) -> Path | None:
    """Write ``campaign-lint schema campaign`` next to the corpus (for check-jsonschema)."""
    target = corpus / "campaign.schema.json"
    done = subprocess.run([tool, "schema", "campaign"], capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        print(
            f"check-jsonschema skipped: `campaign-lint schema campaign` failed\n{done.stderr}",
            file=sys.stderr,
        )
        return None
    target.write_text(done.stdout, encoding="utf-8")
    return target


def commands(corpus: Path, peers: bool, one_file: str) -> list[Command]:
    """The rows to measure on ``corpus`` (``one_file``: the campaign of the one-file rows)."""
    rows: list[Command] = []
    lint = str(BIN / "campaign-lint")
    report = ["--format", "json", "--output", os.devnull]
    both = frozenset({0, 1})
    rows.append(Command("campaign-lint cold (no cache)", [lint, "check", "--no-cache", *report], both, True))
    rows.append(
        Command(
            "campaign-lint warm (cache, no change)", [lint, "check", *report], both, prime=True, key="warm"
        )
    )
    rows.append(
        Command(
            "campaign-lint 1 named file, warm, in portfolio",
            [lint, "check", "--force-exclude", *report, one_file],
            both,
            prime=True,
        )
    )
    rows.append(
        Command(
            "campaign-lint 1 named file edited, warm",
            [lint, "check", "--force-exclude", *report, one_file],
            both,
            prime=True,
            key="edited",
            edit=one_file,
        )
    )
    rows.append(
        Command(
            "campaign-lint simulate 1 persona 90 days, warm",
            [lint, "simulate", "--persona", "late-delivery", "--days", "90", "--from", "2026-11-01", *report],
            both,
            prime=True,
            key="simulate",
            unreplayed=True,
        )
    )
    rows.append(
        Command("campaign-lint cold, --jobs 1", [lint, "check", "--no-cache", "--jobs", "1", *report], both)
    )
    rows.append(Command("read only (floor of the floor)", [sys.executable, "-c", READ_ONLY, "campaigns"]))
    rows.append(
        Command(
            "parse with positions (C compose)",
            [sys.executable, "-c", PARSE_ONLY, "campaigns"],
            key="parse",
        )
    )
    rows.append(
        Command(
            "campaign-lint one-file repo, cold",
            [lint, "check", "--no-cache", *report],
            both,
            single=True,
            key="one-cold",
        )
    )
    rows.append(
        Command(
            "campaign-lint one-file repo, warm",
            [lint, "check", *report],
            both,
            prime=True,
            single=True,
            key="one-warm",
        )
    )
    if not peers:
        return rows
    yamllint = find_tool("yamllint")
    if yamllint is None:
        print(f"yamllint not installed: {INSTALL_HINT}", file=sys.stderr)
    else:
        argv = [yamllint, "-d", "default", "-f", "parsable", "campaigns"]
        rows.append(Command("yamllint (default rules)", argv, both, key="yamllint"))
        rows.append(Command("yamllint one-file repo", argv, both, single=True, key="yamllint-one"))
    spectral = spectral_cli()
    if spectral is not None:
        ruleset = str(BENCH / "spectral-ruleset.yaml")
        argv = [spectral, "lint", "--ruleset", ruleset, "--format", "json", "--quiet", "campaigns/**/*.yaml"]
        rows.append(Command("Spectral (5-rule ruleset)", argv, both, key="spectral"))
    checker = find_tool("check-jsonschema")
    if checker is None:
        print(f"check-jsonschema not installed: {INSTALL_HINT}", file=sys.stderr)
    elif Path(lint).is_file():
        schema = campaign_schema(str(lint), corpus)
        if schema is not None:
            files = sorted(str(p.relative_to(corpus)) for p in (corpus / "campaigns").rglob("*.yaml"))
            argv = [checker, "--schemafile", schema.name, *files]
            rows.append(Command("check-jsonschema (campaign schema)", argv, both, key="check-jsonschema"))
    return rows


def spectral_cli() -> str | None:
    """Stoplight Spectral, installed with npm into ``bench/.peers`` on first use."""
    prefix = BENCH / ".peers"
    binary = prefix / "node_modules" / ".bin" / "spectral"
    if binary.is_file():
        return str(binary)
    npm = shutil.which("npm")
    if npm is None:
        print("Spectral skipped: npm is not installed", file=sys.stderr)
        return None
    print("installing @stoplight/spectral-cli into bench/.peers (npm) ...", file=sys.stderr)
    done = subprocess.run(
        [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "@stoplight/spectral-cli@6"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not binary.is_file():
        print(f"Spectral skipped: npm install failed\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    return str(binary)


TARGETS = (
    # (label, numerator key, denominator key, target ratio, "at most" or "at least")
    ("cold vs yamllint: faster by", "yamllint", "cold", 25.0),
    ("cold vs check-jsonschema: faster by", "check-jsonschema", "cold", 5.0),
    ("cold vs Spectral: faster by", "spectral", "cold", 30.0),
)


def ratios(results: Sequence[Result]) -> str:
    """The issue's target ratios, per corpus size, from this run's medians."""
    out = []
    for files in sorted({r.files for r in results if not r.command.single}):
        by_key = {
            r.command.key or ("cold" if r.command.baseline else ""): r.median
            for r in results
            if r.files == files or r.command.single
        }
        cold = by_key.get("cold")
        lines = [f"targets at {files:,} files:"]
        for label, top, bottom, target in TARGETS:
            a, b = by_key.get(top), by_key.get(bottom)
            if a and b:
                lines.append(f"  {label} {a / b:.1f}x (target >= {target:g}x)")
        parse, warm = by_key.get("parse"), by_key.get("warm")
        if cold and parse:
            lines.append(f"  cold / parse-with-positions: {cold / parse:.2f}x (target <= 2x)")
        if cold and warm:
            lines.append(f"  warm / cold: {warm / cold:.2f}x (target <= 0.15x)")
        simulated = by_key.get("simulate")
        if simulated and warm:
            lines.append(
                f"  simulate 1 persona 90 days - warm check: {simulated - warm:+.2f} s (target < 1 s)"
            )
        one_warm, one_cold, y_one = by_key.get("one-warm"), by_key.get("one-cold"), by_key.get("yamllint-one")
        if one_warm and y_one:
            lines.append(f"  one file warm / yamllint one file: {one_warm / y_one:.2f}x (target <= 1x)")
        if one_cold and y_one:
            lines.append(f"  one file cold / yamllint one file: {one_cold / y_one:.2f}x (target <= 2x)")
        out.append("\n".join(lines))
    return "\n\n".join(out)


def table(results: Sequence[Result]) -> str:
    """Format results as a plain-text table, one block per corpus size."""
    header = ("command", "files", "median s", "files/s", "peak RSS MB", "vs campaign-lint")
    rows: list[tuple[str, ...]] = []
    baselines = {r.files: r.median for r in results if r.command.baseline}
    for r in results:
        median = r.median
        base = baselines.get(r.files)
        if median is None:
            rows.append((r.command.label, f"{r.files:,}", "FAILED", "-", "-", "-"))
            continue
        rate = f"{r.files / median:,.0f}" if median > 0 else "-"
        ratio = f"{median / base:.2f}x" if base else "-"
        rss = f"{r.peak_rss_kb / 1024:,.0f}"
        rows.append((r.command.label, f"{r.files:,}", f"{median:.2f}", rate, rss, ratio))
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        """One table line: first column left-aligned, numbers right-aligned."""
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest)).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    previous: str | None = None
    for row in rows:
        if previous is not None and row[1] != previous:
            out.append("")
        out.append(line(row))
        previous = row[1]
    return "\n".join(out)


def parse_sizes(text: str) -> list[int]:
    """Parse ``1000,10000`` (also ``1k,10k``) into corpus sizes."""
    sizes: list[int] = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        value = int(part[:-1]) * 1000 if part.endswith("k") else int(part)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"size must be positive: {part}")
        sizes.append(value)
    if not sizes:
        raise argparse.ArgumentTypeError("give at least one size")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: generate corpora, time the commands, print the table."""
    parser = argparse.ArgumentParser(description="Benchmark campaign-lint on generated corpora.")
    parser.add_argument(
        "--sizes", type=parse_sizes, default=[1000, 10000], help="corpus sizes (default 1000,10000)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per command; the median is shown (default 3)"
    )
    parser.add_argument("--peers", action="store_true", help="also time yamllint and check-jsonschema")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not hasattr(os, "wait4"):
        parser.error("this benchmark needs os.wait4 (Linux or macOS)")
    if not (BIN / "campaign-lint").is_file():
        print(f"warning: {BIN / 'campaign-lint'} not found; its row will fail", file=sys.stderr)
    results: list[Result] = []
    for size in args.sizes:
        corpus = ensure_corpus(size, args.seed)
        files = count_campaigns(corpus)
        print(f"corpus {corpus} ({files} files), {args.repeat} run(s) per command", file=sys.stderr)
        one, one_file = single_corpus(corpus)
        warm_up(one)
        for command in commands(corpus, args.peers, one_file):
            if command.single:
                results.append(measure(command, one, 1, args.repeat))
            else:
                results.append(measure(command, corpus, files, args.repeat))
    print()
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPU(s); median of {args.repeat} run(s)")
    print(table(results))
    print()
    print(ratios(results))
    failed = [r for r in results if r.error is not None]
    for r in failed:
        note = " (stderr above)" if (r.error or "").startswith("exit code") else ""
        print(f"FAILED: {r.command.label} on {r.files:,} files: {r.error}{note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
