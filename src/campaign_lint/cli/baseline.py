"""``campaign-lint baseline create``: record today's findings, to fail only on new ones."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from campaign_lint.cli.options import (
    ConfigOption,
    IgnoreOption,
    SelectOption,
    TodayOption,
)
from campaign_lint.cli.values import available_cores, parse_today
from campaign_lint.core.errors import UsageError
from campaign_lint.lint.baseline import DEFAULT_FILE

if TYPE_CHECKING:
    from campaign_lint.lint.config import Settings
    from campaign_lint.lint.report import Report

baseline_app = typer.Typer(
    help="Record today's findings, so that runs fail only on new ones.", no_args_is_help=True
)


def _plural(count: int, word: str = "finding") -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _lint(
    paths: list[Path], config: Path | None, select: list[str], ignore: list[str], today: str | None
) -> tuple[Settings, Report]:
    """Lint the way ``check`` does, and return the settings and the report."""
    from campaign_lint.lint.session import Session, settings_for

    settings = settings_for(paths, config, select=select, ignore=ignore, today=parse_today(today))
    return settings, Session(settings).lint(paths, jobs=available_cores())


@baseline_app.command("create")
def create(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Baseline file to write.")] = Path(
        DEFAULT_FILE
    ),
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATHS", help="Campaign files or folders (default: the policy's `campaigns` globs)."
        ),
    ] = None,
    config: ConfigOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    today: TodayOption = None,
    update: Annotated[
        bool, typer.Option("--update", help="Rewrite an existing baseline, dropping what was fixed.")
    ] = False,
    accept_new: Annotated[
        bool, typer.Option("--accept-new", help="With --update: also record new findings.")
    ] = False,
) -> None:
    """Record the current findings in FILE; `check --baseline FILE` then reports only new ones."""
    from campaign_lint.cli.writing import write_output
    from campaign_lint.lint import baseline

    if file.suffix != ".json":
        # Also catches `baseline create campaigns/` meant as the paths to lint.
        raise UsageError(f"{file}: a baseline file name ends in .json, like {baseline.DEFAULT_FILE}")
    if accept_new and not update:
        raise UsageError("--accept-new needs --update (a new baseline records every finding anyway)")
    exists = file.exists()
    if exists and not update:
        raise UsageError(
            f"{file} already exists; use --update to drop fixed findings from it "
            "(add --accept-new to also record new ones)"
        )
    if update and (paths or select or ignore):
        # Entries of campaigns or rules left out of the run would look fixed and be dropped.
        raise UsageError(
            "--update checks the whole portfolio with every rule; give no PATHS, --select or --ignore"
        )
    if update and not exists:
        raise UsageError(f"--update: {file} does not exist; run without --update to create it")
    old = baseline.load(file) if update else None
    settings, report = _lint(list(paths or []), config, select or [], ignore or [], today)
    if old is None:
        recorded = baseline.from_findings(report.findings, settings.root)
        summary = f"Recorded {_plural(recorded.total())} in {file}."
    else:
        change = baseline.update(old, report.findings, settings.root, accept_new=accept_new)
        recorded = change.baseline
        summary = (
            f"Updated {file}: removed {_plural(change.removed, 'fixed finding')}, "
            f"added {_plural(change.added, 'new finding')}; it now holds {_plural(recorded.total())}."
        )
        if change.new:
            summary += f" {_plural(change.new, 'new finding')} left out (add --accept-new to record them)."
    try:
        write_output(file, baseline.dumps(recorded))
    except UsageError as exc:
        raise UsageError(str(exc).replace("--output ", "", 1)) from None
    typer.echo(summary)
