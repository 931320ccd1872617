"""What a one-file run pays before it lints anything: start-up floors, side by side.

Usage (after ``bench/run.py`` has made ``bench/corpus/1000-one``, or any
folder holding a policy file and one campaign)::

    python bench/startup.py [--repeat 21] [--corpus bench/corpus/1000-one]

It times whole processes, each ``--repeat`` times, and prints the medians
of wall time and of CPU time (user and system, with the processes' children):
the bare interpreter, importing PyYAML, importing pydantic's ``BaseModel``,
campaign-lint's imports up to the engine, a cold ``campaign-lint check``
(``--no-cache``) and ``yamllint`` on the same folder. The commands run with
the Python next to ``sys.executable`` (the project's virtualenv). A script,
not a test: it prints figures and asserts nothing.

campaign-lint's package is compiled to bytecode first, as ``pip install``
does for users (an editable install with ``PYTHONDONTWRITEBYTECODE`` set
would compile it from source on every run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from run import BIN, compile_bytecode  # bench/run.py, next to this script

BENCH = Path(__file__).resolve().parent


def timed(argv: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of ``argv`` over ``repeat`` runs (one unmeasured run first).

    CPU is the user and system time ``os.wait4`` reports for the process,
    its waited-for children included (a worker of custom rules), as
    ``bench/against.py`` counts it: what a shared machine's load moves least.
    """
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    walls, cpus = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(process.pid, 0)
        walls.append(time.perf_counter() - started)
        process.returncode = 0  # reaped by wait4
        cpus.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    """Print the start-up table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21, help="runs per command (default 21)")
    parser.add_argument("--corpus", type=Path, default=BENCH / "corpus" / "1000-one")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"{corpus}: not a folder; run bench/run.py --sizes 1000 first", file=sys.stderr)
        return 2
    python = str(BIN / "python")
    compile_bytecode()
    rows: list[tuple[str, list[str]]] = [
        ("python (bare interpreter)", [python, "-c", "pass"]),
        ("python + import yaml", [python, "-c", "import yaml"]),
        ("python + from pydantic import BaseModel", [python, "-c", "from pydantic import BaseModel"]),
        (
            "python + campaign-lint imports (config, engine)",
            [python, "-c", "import campaign_lint.lint.config, campaign_lint.lint.engine"],
        ),
        (
            "campaign-lint check --no-cache (one file)",
            [str(BIN / "campaign-lint"), "check", "--no-cache", "--format", "json", "--output", os.devnull],
        ),
    ]
    yamllint = shutil.which("yamllint", path=str(BIN)) or shutil.which("yamllint")
    if yamllint:
        rows.append(("yamllint (one file)", [yamllint, "-d", "default", "-f", "parsable", "."]))
    else:
        print("yamllint not installed: pip install -r bench/requirements.txt", file=sys.stderr)
    print(
        f"Python {sys.version.split()[0]} on {os.cpu_count()} CPU(s); median of {args.repeat} run(s) in {corpus}"
    )
    results = [(label, *timed(argv, corpus, args.repeat)) for label, argv in rows]
    width = max(len(label) for label, _, _ in results)
    wall_ref, cpu_ref = (results[-1][1], results[-1][2]) if yamllint else (None, None)
    print(f"{'':<{width}}  {'wall':>9}  {'':>14}  {'CPU':>9}")
    for label, wall, cpu in results:
        wall_ratio = f"{wall / wall_ref:5.2f}x yamllint" if wall_ref else ""
        cpu_ratio = f"{cpu / cpu_ref:5.2f}x yamllint" if cpu_ref else ""
        print(f"{label:<{width}}  {wall * 1000:6.1f} ms  {wall_ratio:>14}  {cpu * 1000:6.1f} ms  {cpu_ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
