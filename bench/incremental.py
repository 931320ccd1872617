"""The pre-commit case: one edited campaign in a large portfolio, against the run with nothing edited.

Usage::

    python bench/incremental.py [--count 10000] [--repeat 7] [--shapes project,segments,channels,rules]

For each corpus shape it writes ``bench/corpus/incremental-<shape>-<count>``
(kept while it holds ``count`` campaigns; ``project`` is the benchmark
corpus of ``bench/corpus.py`` itself), fills the cache with unmeasured
runs (the replay record of a cold run holds nothing to patch an edit with:
the first edit after a cold run is a full warm run, made unmeasured too),
then times whole ``campaign-lint check --force-exclude --format json
--output /dev/null FILE`` commands, FILE being one valid campaign of the
portfolio: the command line of the pre-commit hook, run by hand (without
``--hook``, below, the environment is not the hook's):

* ``unedited``: nothing changed (answered from the replay record);
* ``edited, comment``: FILE gets a new last line, a comment, before each run
  (what no rule can see: the bench of ``bench/run.py``);
* ``edited, cap``: FILE's ``frequency.max`` is raised by 1, then by 2, in
  turn, before each run: its portfolio record changes, so the portfolio groups it
  is in (FRQ003 and FRQ004: the whole portfolio) are checked again (FILE is
  an on-site campaign capped at 91 a day: its messages stay the same);
* ``edited, sends``: the same edit on another file, SENDER, a daily
  scheduled email whose cap binds (at most 5 in 7 days at first), so the
  raised cap changes the messages every persona receives and FRQ003 and
  FRQ004 count them again (SENDER is then the file named);
* under each shape, ``imports alone``: a Python that only imports what any
  run that lints a file must (the policy models, the rules, the engine, the
  cache), against the unedited run, which imports none of it: the floor of
  every edited run.

The runs of the rows are interleaved (one of each, in turn), so that
the machine's changing load weighs on them alike; the table gives median
wall seconds and the ratio of each edited row to the unedited one (the
target of the performance issue: at most 1.5x). The shapes besides
``project`` change the generated campaigns with plain text substitutions:

* ``segments``: 400 segments, 20 ``disjoint`` groups of them in the policy,
  exclusions of other segments;
* ``channels``: campaigns spread over email, sms, push, whatsapp and voice,
  texts and calls triggered by 40 events (many FRQ004 groups);
* ``rules``: 20 custom CEL rules, 200 exceptions in the policy and a
  suppression comment in one campaign of ten.

With ``--hook``, every run is made as the pre-commit hook makes it: the
corpus folder is a git repository (made once, with one commit), the edited
FILE is staged before its run, and ``PRE_COMMIT=1`` is set, so the run
judges the git index and is never answered from the replay record (the
record is of the disk): *unedited* is then the whole warm run too.

A script, not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
LINT = Path(sys.executable).parent / "campaign-lint"
sys.path.insert(0, str(BENCH))
import corpus  # noqa: E402 - the generator script next to this one
from run import compile_bytecode  # noqa: E402 - as bench/run.py does before its rows

Shape = Callable[[str, int], str]


def _segments(text: str, index: int) -> str:
    text = re.sub(r"(?m)^(  segment: )\S+", lambda m: f"{m.group(1)}seg-{index % 400}", text, count=1)
    return re.sub(r"(?m)^(  exclude: )\[[^\]]*\]", lambda m: f"{m.group(1)}[seg-{(index * 7) % 400}]", text)


_CHANNELS = ("email", "sms", "push", "whatsapp", "voice")


def _channels(text: str, index: int) -> str:
    channel = _CHANNELS[index % len(_CHANNELS)]
    text = re.sub(r"(?m)^channel: \S+", f"channel: {channel}", text, count=1)
    return re.sub(r"(?m)^(  event: )\S+", lambda m: f"{m.group(1)}event.n{index % 40}", text, count=1)


def _rules(text: str, index: int) -> str:
    if index % 10:
        return text
    return re.sub(
        r"(?m)^(channel: \S+)",
        lambda m: f"{m.group(1)}  # campaign-lint: disable=AUD001 -- approved by the CRM council",
        text,
        count=1,
    )


SHAPES: dict[str, Shape | None] = {
    "project": None,
    "segments": _segments,
    "channels": _channels,
    "rules": _rules,
}

_EXTRA_POLICY = {
    "segments": "segments:\n  disjoint:\n"
    + "".join(f"    - [{', '.join(f'seg-{g * 20 + i}' for i in range(20))}]\n" for g in range(20)),
    "channels": "channels:\n  whatsapp: {cap: {max: 2, per: 7d}}\n  voice: {cap: {max: 1, per: 7d}}\n",
    "rules": "exceptions:\n"
    + "".join(
        f"  - rule: {('FRQ002', 'AUD001', 'VAL001', 'MET001')[i % 4]}\n"
        f'    campaigns: ["*-{i:04d}"]\n'
        f"    reason: Approved exception {i} (MKT-{i}).\n"
        f"    expires: 2099-12-31\n"
        for i in range(200)
    ),
}


def _custom_rules() -> str:
    lines = []
    for i in range(15):
        lines.append(
            f"  - id: ORG{100 + i}\n"
            f"    severity: info\n"
            f"    description: Generated rule {i}.\n"
            f"    when: \"campaign.channel == '{_CHANNELS[i % len(_CHANNELS)]}'\"\n"
            f'    assert: "size(campaign.id) > {i % 5}"\n'
            f'    message: "campaign {{id}} breaks generated rule {i}"\n'
        )
    return "".join(lines)


def policy(shape: str) -> str:
    """The benchmark policy, with what ``shape`` adds."""
    text = corpus.POLICY
    if shape == "rules":
        text += _custom_rules()
    return text + _EXTRA_POLICY.get(shape, "")


def ensure(shape: str, count: int) -> Path:
    """The corpus of ``shape`` with ``count`` campaigns (written unless it is already there)."""
    out = BENCH / "corpus" / f"incremental-{shape}-{count}"
    policy_file = out / "campaign-lint.yaml"
    wanted = policy(shape)
    made = out / "campaigns"
    if not (made.is_dir() and sum(1 for _ in made.rglob("*.yaml")) == count):
        if made.exists():
            shutil.rmtree(made)
        change = SHAPES[shape]
        for index, item in enumerate(corpus.generate(count, 1)):
            target = out / item.relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(item.text if change is None else change(item.text, index), encoding="utf-8")
    if not policy_file.is_file() or policy_file.read_text(encoding="utf-8") != wanted:
        policy_file.write_text(wanted, encoding="utf-8")
    moment = time.time() - 60  # a policy saved just now is not recorded for replay (bench/run.py)
    os.utime(policy_file, (moment, moment))
    return out


def pick(folder: Path) -> Path:
    """A campaign to edit: the first, by path, with a ``frequency`` block and a valid look."""
    for path in sorted((folder / "campaigns").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"(?m)^  max: \d+$", text) and "frequncy" not in text and "\t" not in text:
            return path
    raise SystemExit(f"no campaign with a frequency block in {folder}")


def pick_sender(folder: Path) -> Path:
    """A campaign whose raised cap changes what customers receive: a daily email capped at 5 or fewer a week."""
    for path in sorted((folder / "campaigns").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if (
            re.search(r"(?m)^channel: email\b", text)
            and re.search(r"(?m)^    every: 1d$", text)
            and re.search(r"(?m)^  max: [1-5]\n  per: 7d$", text)
        ):
            return path
    raise SystemExit(f"no daily email with a binding weekly cap in {folder}")


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


def as_repository(folder: Path) -> None:
    """Make ``folder`` a git repository with every file committed, for ``--hook``."""
    if not (folder / ".git").exists():
        _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    if subprocess.run(["git", "diff", "--cached", "--quiet"], cwd=folder, check=False).returncode:
        _git(folder, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "corpus")


# Set by ``--hook``: runs are made as the pre-commit hook makes them.
HOOK = {"enabled": False}


def timed(folder: Path, target: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user and system) of one pre-commit run on ``target``."""
    argv = [str(LINT), "check", "--force-exclude", "--format", "json", "--output", os.devnull]
    argv.append(str(target.relative_to(folder)))
    env = dict(os.environ)
    if HOOK["enabled"]:
        _git(folder, "add", str(target.relative_to(folder)))  # what pre-commit judges: the index
        env["PRE_COMMIT"] = "1"
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    stderr = child.stderr.read() if child.stderr is not None else b""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"campaign-lint failed in {folder}:\n{stderr.decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime


ROWS = ("unedited", "edited, comment", "edited, cap", "edited, sends")

# What any run that lints a file imports, and the unedited run (answered from the
# replay record) does not: the policy models, the rules, the engine and the cache.
IMPORTS = (
    "from campaign_lint.cli import startup; startup.install(); "
    "import campaign_lint.cli.check, campaign_lint.lint.session, campaign_lint.lint.engine, "
    "campaign_lint.lint.cache, campaign_lint.cli.writing"
)


def imports_alone(folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of a Python that only imports what an edited run must (``IMPORTS``)."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", IMPORTS], cwd=folder)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the imports of an edited run failed")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def _raise_cap(text: str, by: int) -> str:
    """``text`` with its first ``frequency.max`` raised by ``by``."""

    def raised(match: re.Match[str]) -> str:
        return f"{match.group(1)}{int(match.group(2)) + by}"

    return re.sub(r"(?m)^(  max: )(\d+)$", raised, text, count=1)


def measure(folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of the rows on ``folder`` (their runs interleaved)."""
    target = pick(folder)
    original = target.read_text(encoding="utf-8")
    # Two caps, both other than the original's: each cap run's record differs from the one the
    # cache holds (the comment run before it keeps the original's facts).
    capped = [_raise_cap(original, by) for by in (1, 2)]
    sender = pick_sender(folder)
    sending = sender.read_text(encoding="utf-8")
    sends = [_raise_cap(sending, by) for by in (1, 2)]
    rows: dict[str, list[tuple[float, float]]] = {label: [] for label in (*ROWS, "imports")}
    try:
        # Unmeasured runs fill the cache and the replay record. A record made by a cold run holds
        # nothing to patch an edit with (``lint/patching.section``): the first edit after it is
        # a full warm run, which records what later edits patch. That run is made here too.
        timed(folder, target)
        target.write_text(original + "# edited before the timed runs\n", encoding="utf-8")
        timed(folder, target)
        target.write_text(original, encoding="utf-8")
        timed(folder, target)
        for run in range(repeat):
            rows["unedited"].append(timed(folder, target))
            target.write_text(original + f"# edited for timed run {run}\n", encoding="utf-8")
            rows["edited, comment"].append(timed(folder, target))
            target.write_text(capped[run % 2], encoding="utf-8")
            rows["edited, cap"].append(timed(folder, target))
            target.write_text(original, encoding="utf-8")
            timed(folder, target)  # back to the unedited state, recorded
            sender.write_text(sends[run % 2], encoding="utf-8")
            rows["edited, sends"].append(timed(folder, sender))
            sender.write_text(sending, encoding="utf-8")
            timed(folder, sender)  # back again, recorded
            rows["imports"].append(imports_alone(folder))
    finally:
        target.write_text(original, encoding="utf-8")
        sender.write_text(sending, encoding="utf-8")
    return {
        label: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for label, runs in rows.items()
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--count``, ``--repeat``, ``--shapes``."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="campaigns per corpus (default 10000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per row (default 7)")
    parser.add_argument("--shapes", default=",".join(SHAPES), help=f"comma-separated, of {', '.join(SHAPES)}")
    parser.add_argument(
        "--hook", action="store_true", help="run as the pre-commit hook does: PRE_COMMIT=1, the edit staged"
    )
    args = parser.parse_args(argv)
    HOOK["enabled"] = args.hook
    shapes = [name for name in args.shapes.split(",") if name]
    unknown = [name for name in shapes if name not in SHAPES]
    if unknown:
        parser.error(f"unknown shape(s): {', '.join(unknown)}")
    compile_bytecode()  # as an installed tool is: no module compiled from source on every run
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPU(s); median of {args.repeat} run(s)")
    if args.hook:
        print("as the pre-commit hook runs: PRE_COMMIT=1, the git index judged, no replay record")
    print("wall seconds (CPU seconds, user and system); ratio: edited / unedited, wall (CPU)")
    heads = "".join(f" {label:>16} {'ratio':>13}" for label in ROWS[1:])
    print(f"{'corpus':<16} {'unedited':>14}{heads}")
    for shape in shapes:
        folder = ensure(shape, args.count)
        if args.hook:
            as_repository(folder)
        medians = measure(folder, args.repeat)
        base_wall, base_cpu = medians["unedited"]
        cells = ""
        for label in ROWS[1:]:
            wall, cpu = medians[label]
            cells += (
                f" {f'{wall:.3f} ({cpu:.3f})':>16} {f'{wall / base_wall:.2f}x ({cpu / base_cpu:.2f}x)':>13}"
            )
        name = f"{shape} {args.count:,}"
        print(f"{name:<16} {f'{base_wall:.3f} ({base_cpu:.3f})':>14}{cells}")
        wall, cpu = medians["imports"]
        print(
            f"{'':<16} imports alone (what every edited run pays first): {wall:.3f} ({cpu:.3f}), "
            f"{wall / base_wall:.2f}x ({cpu / base_cpu:.2f}x) the unedited run",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
