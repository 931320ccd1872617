"""``campaign-lint report --html FILE``: the portfolio as one self-contained HTML page.

It lints the way ``check`` does (the same policy discovery, ``--config`` and
``--today``, the same exit codes) and writes the page instead of a finding
list: the portfolio's health, each campaign with its findings, what each
persona receives (``simulate``'s calendars, when the policy has personas or
built-in ones apply), the policy in short and the rules' explanations.

Templating and charts (Jinja2, markdown-it-py, matplotlib) are the optional
extra ``campaign-lint[report]``: a pre-commit hook environment does not carry
them, and ``check`` never imports them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from campaign_lint.cli.extras import require

# Days of the persona calendars, from --today (as `simulate`'s default).
CALENDAR_DAYS = 30


def run_report(
    paths: list[Path],
    html: Path,
    *,
    config: Path | None,
    today: str | None,
    jobs: int,
    no_cache: bool,
    quiet: bool,
) -> int:
    """Lint ``paths`` and write the report page to ``html``; the exit code of ``check``."""
    require("report", "campaign-lint report")
    from campaign_lint.cli.htmlreport import calendars, data, page
    from campaign_lint.cli.showpolicy import show_policy
    from campaign_lint.cli.simulate import simulation_object
    from campaign_lint.cli.values import parse_today, worker_count
    from campaign_lint.cli.writing import write_parts
    from campaign_lint.lint.pool import paused_collector
    from campaign_lint.lint.session import Session, settings_for
    from campaign_lint.lint.simulation import Request, run_simulation

    # The policy of the paths, as `check` finds it.
    settings = settings_for(paths, config, today=parse_today(today), cache=not no_cache)
    session = Session(settings)
    targets = session.targets(paths)
    if targets.note and not quiet:
        sys.stderr.write(targets.note + "\n")
    # One lint run: its findings, and its campaign records for the persona calendars.
    session.engine.keep_records = True
    with paused_collector():
        linted = session.run(targets, jobs=worker_count(jobs), cache=not no_cache, lines=True)
    request = Request(start=settings.today, days=CALENDAR_DAYS)
    simulation = run_simulation(settings, paths, request, linted=(targets.files, session.engine.records))
    report = linted.report()
    content = data.build(settings, targets.files, report, show_policy(settings))
    drawn = simulation_object(simulation)
    content.personas = calendars.persona_entries(drawn)
    content.unreached = calendars.unreached(drawn)
    write_parts(html, [page.render(content)])
    if not quiet:
        counts = content.totals
        sys.stderr.write(
            f"Wrote {html}: {counts['campaigns']} campaigns, {counts['failing']} failing, "
            f"{counts['warnings']} with warnings only, {counts['clean']} clean.\n"
        )
    return 1 if report.failed(settings.fail_on) else 0
