"""What a one-file run pays before it lints anything: start-up floors, side by side.

Usage (after ``bench/run.py`` has made ``bench/corpus/1000-one``, or any
folder holding a policy file and one campaign)::

    python bench/startup.py [--repeat 21] [--corpus bench/corpus/1000-one]

It times whole processes, each ``--repeat`` times, and prints the medians:
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


def timed(argv: list[str], cwd: Path, repeat: int) -> float:
    """Median wall seconds of ``argv`` over ``repeat`` runs (one unmeasured run first)."""
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


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
    results = [(label, timed(argv, corpus, args.repeat)) for label, argv in rows]
    width = max(len(label) for label, _ in results)
    reference = results[-1][1] if yamllint else None
    for label, seconds in results:
        ratio = f"{seconds / reference:5.2f}x yamllint" if reference else ""
        print(f"{label:<{width}}  {seconds * 1000:7.1f} ms  {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
