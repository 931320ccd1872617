"""The portfolio rules checked again after one edited campaign, timed alone: ``lint/portfolio.check`` of a warm run.

Usage::

    python bench/recheck.py [--shape project] [--file campaigns/x.yaml] [--cap N] [--repeat 15]

In ``bench/incremental.py``'s corpus of ``--shape`` (10,000 campaigns), it
fills the cache with one ``campaign-lint check FILE`` (FILE: ``--file``, or
the campaign that bench edits), sets FILE's first ``frequency.max`` to
``--cap`` (default: one more), and runs ``check FILE`` again in a child
Python in which ``lint/portfolio.check`` is wrapped: after the run's own
call, it is called ``--repeat`` more times on the same members and the
same state the cache remembered (records that came pickled from the cache
are pickled again before each call, so each call reads what it needs as the
run's did). It prints the median and the fastest CPU time of those calls
(``time.process_time``) and how many windows each call judged
(``policies/pressure.worst``). FILE is then restored. The whole run's own
figures are ``bench/incremental.py``'s and ``bench/instructions.py
--edited cap``'s; this one isolates what an edit to a cap makes FRQ003 and
FRQ004 do again. Run it with ``PYTHONPATH=<extracted src>`` for older code.

A script, not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def child(repeat: int) -> None:
    """In the child: the CLI's ``check``, with ``portfolio.check`` timed ``repeat`` more times."""
    from campaign_lint.lint import portfolio
    from campaign_lint.policies import pressure

    real_check, real_worst = portfolio.check, pressure.worst
    judged = [0]

    def worst(*args: object, **kwargs: object) -> object:
        judged[0] += 1
        return real_worst(*args, **kwargs)  # type: ignore[arg-type]

    def check(rules, members, previous):  # type: ignore[no-untyped-def]
        found = real_check(rules, members, previous)
        pressure.worst = worst  # type: ignore[assignment]
        spent = []
        for _ in range(repeat):
            for member in members:
                if member.blob is not None:
                    member.record = None
            judged[0] = 0
            started = time.process_time()
            real_check(rules, members, previous)
            spent.append(time.process_time() - started)
        pressure.worst = real_worst
        print(
            f"portfolio.check: median {statistics.median(spent) * 1000:.1f} ms, "
            f"fastest {min(spent) * 1000:.1f} ms of {repeat}; windows judged per call: {judged[0]}",
            file=sys.stderr,
        )
        return found

    portfolio.check = check
    from campaign_lint.cli.entry import main as cli

    cli(sys.argv[3:])


def main() -> None:
    """Fill the cache, edit FILE's cap, time the re-check in a child, restore FILE."""
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument(
        "--shape", default="project", help="a shape of bench/incremental.py (default project)"
    )
    parser.add_argument(
        "--file", help="the campaign to edit, relative to the corpus (default: bench/incremental.py's)"
    )
    parser.add_argument("--cap", type=int, help="FILE's new frequency.max (default: one more)")
    parser.add_argument("--repeat", type=int, default=15, help="timed calls (default 15)")
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH))
    import edited  # the edited run's command line
    import incremental  # the corpus of the edited-run bench

    folder = incremental.ensure(args.shape, 10_000)
    target = folder / args.file if args.file else incremental.pick(folder)
    original = target.read_text(encoding="utf-8")
    cap = args.cap or int(re.search(r"(?m)^  max: (\d+)$", original).group(1)) + 1  # type: ignore[union-attr]
    lint = [str(Path(sys.executable).parent / "campaign-lint")]
    argv = [*edited.ARGS, str(target.relative_to(folder))]
    try:
        moment = time.time() - 20
        os.utime(target, (moment, moment))
        subprocess.run([*lint, *argv], cwd=folder, check=False, capture_output=True)
        target.write_text(re.sub(r"(?m)^  max: \d+$", f"  max: {cap}", original, count=1), encoding="utf-8")
        moment = time.time() - 10
        os.utime(target, (moment, moment))
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(args.repeat), *argv],
            cwd=folder,
            check=False,
            capture_output=True,
            text=True,
        )
        print(f"{args.shape}: {target.relative_to(folder)} frequency.max -> {cap}")
        print(done.stderr.strip() or f"(the run did not check the portfolio again; exit {done.returncode})")
    finally:
        target.write_text(original, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]))
    else:
        main()
