"""The ``campaign-lint`` command: options in, exit code out; no lint logic here."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.exceptions import TyperException

from campaign_lint import __version__
from campaign_lint.cli.baseline import baseline_app
from campaign_lint.cli.checkoptions import DEBUG
from campaign_lint.cli.guard import guarded
from campaign_lint.cli.init import init as init_command
from campaign_lint.cli.new import new as new_command
from campaign_lint.cli.options import (
    ConfigOption,
    JobsOption,
    NoCacheOption,
    QuietOption,
    TodayOption,
    check_options,
    check_signature,
    plain_metavars,
)
from campaign_lint.cli.simreplay import DEFAULT_DAYS
from campaign_lint.core.errors import EXIT_UNTRUSTED, UsageError

app = typer.Typer(
    name="campaign-lint",
    help="Check marketing campaigns against your organisation's engagement policy.",
    # --install-completion and --show-completion (bash, zsh, fish, PowerShell): typer's.
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"campaign-lint {__version__}")
        raise typer.Exit(0)


@dataclass(slots=True)
class Invocation:
    """What the options before the command said, for ``main`` (typer's ``obj``)."""

    debug: bool = False


@app.callback()
def _root(
    context: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
    debug: Annotated[bool, typer.Option(*DEBUG.names, help=DEBUG.help)] = False,
) -> None:
    """Check marketing campaigns against your organisation's engagement policy."""
    if isinstance(context.obj, Invocation):
        context.obj.debug = debug


def check(**values: Any) -> int:
    """Lint campaign files; exit 1 when a finding is at or above `fail_on`."""
    from campaign_lint.cli.check import run_check

    return run_check(check_options(values))


# The parameters come from the one declaration of check's options (cli/checkoptions.py).
check.__signature__ = check_signature()  # type: ignore[attr-defined]
# Examples at the end of `check --help` (rich help: `\b` keeps a paragraph's line breaks).
CHECK_EXAMPLES = """\b
Examples:
  campaign-lint check                   # every campaign the policy names
  campaign-lint check campaigns/x.yaml  # one file; portfolio rules see all
  campaign-lint check --fail-on warning --select FRQ,CON
  campaign-lint check -f sarif -o results.sarif -f text"""
app.command(epilog=CHECK_EXAMPLES)(check)


cache_app = typer.Typer(help="Manage the cache of per-file results.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")
app.add_typer(baseline_app, name="baseline")
app.command("init")(init_command)
app.command("new")(new_command)


@cache_app.command("clear")
def cache_clear(
    directory: Annotated[
        Path | None,
        typer.Argument(help="Folder of the policy file (default: found from the current folder)."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Delete the cache folder (.campaign-lint-cache/) of a campaign repository."""
    from campaign_lint.lint.cachedir import CACHE_DIR, clear
    from campaign_lint.lint.config import load_settings

    settings = load_settings(config, directory or Path.cwd())
    removed = clear(settings.root)
    where = settings.root / CACHE_DIR
    typer.echo(f"Removed {where}." if removed else f"No cache at {where}; nothing to remove.")


@app.command("rules")
def list_rules(
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, or markdown (the docs/rules.md reference).")
    ] = "table",
    config: ConfigOption = None,
) -> None:
    """List every rule: ID, name, severity, family, profile, fix (safe, unsafe or none); then the policy's custom rules."""
    from campaign_lint.cli.explain import custom_rules
    from campaign_lint.core.display import shown
    from campaign_lint.policies.registry import RULES

    _check_format(output_format, "a rules", ("table", "markdown"))
    custom = custom_rules(config)
    if output_format == "markdown":
        from campaign_lint.cli.ruledocs import rules_markdown

        typer.echo(rules_markdown(custom), nl=False)
        return
    rows = [("ID", "NAME", "SEVERITY", "FAMILY", "PROFILE", "FIX")]
    rows += [
        (rule.id, rule.name, str(rule.severity), rule.family(), rule.profile, str(rule.fixable or "-"))
        for rule in RULES
    ]
    _table(rows)
    if custom:
        typer.echo("\nCustom rules of the policy:")
        _table(
            [("ID", "SEVERITY", "DEFINED IN", "DESCRIPTION")]
            + [(e.rule.id, e.severity, shown(e.source), shown(e.rule.description)) for e in custom]
        )


def _check_format(value: str, kind: str, choices: tuple[str, ...]) -> None:
    """A ``--format`` value ``choices`` has, or a usage error (exit 2)."""
    if value not in choices:
        raise UsageError(f"--format: `{value}` is not {kind} format; use {' or '.join(choices)}")


def _table(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@app.command()
def explain(
    rule_id: Annotated[
        str, typer.Argument(help="A rule ID, like TIM001, or one of the policy's custom rules.")
    ],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text (for a terminal), or markdown.")
    ] = "text",
    config: ConfigOption = None,
) -> None:
    """Explain a rule: why it matters, a bad and a good example, its options."""
    from campaign_lint.cli.explain import custom_rules, custom_text, explain_text
    from campaign_lint.cli.ruledocs import custom_markdown, explain_markdown
    from campaign_lint.policies.registry import RULES_BY_ID

    _check_format(output_format, "an explain", ("text", "markdown"))
    wanted = rule_id.strip().upper()
    rule = RULES_BY_ID.get(wanted)
    if rule is not None:
        typer.echo(explain_text(rule) if output_format == "text" else explain_markdown(rule), nl=False)
        return
    custom = {entry.rule.id: entry for entry in custom_rules(config)}
    entry = custom.get(wanted)
    if entry is None:
        from campaign_lint.core.display import shown
        from campaign_lint.core.suggest import did_you_mean

        tip = did_you_mean(wanted, [*RULES_BY_ID, *custom], "; see `campaign-lint rules`")
        raise UsageError(f"`{shown(rule_id)}` is not a rule{tip}")
    if output_format == "text":
        typer.echo(custom_text(entry), nl=False)
    else:
        typer.echo("\n".join(custom_markdown(entry)).rstrip() + "\n", nl=False)


@app.command("report")
def report(
    html: Annotated[Path, typer.Option("--html", metavar="FILE", help="Write the HTML page to FILE.")],
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Campaign files or folders (default: the policy's campaigns).", show_default=False
        ),
    ] = None,
    config: ConfigOption = None,
    today: TodayOption = None,
    jobs: JobsOption = 0,
    no_cache: NoCacheOption = False,
    quiet: QuietOption = False,
) -> int:
    """Write the portfolio as one HTML page: health, findings, what customers receive, the policy."""
    from campaign_lint.cli.report import run_report

    return run_report(
        paths or [], html, config=config, today=today, jobs=jobs, no_cache=no_cache, quiet=quiet
    )


@app.command()
def simulate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Campaign files or folders, as for check (default: the policy's `campaigns`)."),
    ] = None,
    persona: Annotated[
        list[str] | None,
        typer.Option("--persona", "-p", help="A persona to show (repeatable; default: every persona)."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", metavar="YYYY-MM-DD", help="First day shown (default: today).")
    ] = None,
    days: Annotated[int, typer.Option("--days", "-n", help="Number of days shown.")] = DEFAULT_DAYS,
    journey: Annotated[
        str | None,
        typer.Option(
            "--journey",
            metavar="EVENT@DAY,...",
            help='A customer with this journey, like "order.placed@0d,order.delivered@9d": '
            "in every segment, with every consent.",
        ),
    ] = None,
    segment: Annotated[
        list[str] | None,
        typer.Option("--segment", help="Put the --journey customer in only these segments (repeatable)."),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            metavar="ZONE",
            help="Place every persona without a `timezone` of its own (the built-in ones, the --journey one) "
            "in this time zone, like Europe/London.",
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", help="text, json, or html (a page of calendars; the report extra)."),
    ] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    config: ConfigOption = None,
    today: TodayOption = None,
    jobs: JobsOption = 0,
    no_cache: NoCacheOption = False,
) -> int:
    """Show what each customer (persona) receives, day by day; exit 1 when a cap or an assertion fails."""
    from campaign_lint.cli.simulate import run_simulate

    request = {
        "start": start,
        "days": days,
        "names": tuple(persona or ()),
        "journey": journey,
        "segments": tuple(segment or ()),
        "timezone": timezone,
    }
    return run_simulate(
        paths or [],
        request,
        output_format=output_format,
        output=output,
        config=config,
        today=today,
        jobs=jobs,
        no_cache=no_cache,
    )


@app.command("server")
def language_server() -> int:
    """Run the language server over stdio, for editors (see docs/editors.md)."""
    from campaign_lint.cli.extras import require

    require("server", "campaign-lint server")
    from campaign_lint.cli.lsp.server import run

    return run()


@app.command()
def schema(kind: Annotated[str, typer.Argument(help="campaign, policy or policy-test")]) -> None:
    """Print the JSON Schema of campaign, policy or policy test files (for editors and CI)."""
    from campaign_lint.policies.catalogue import json_schema_text
    from campaign_lint.schemas.export import KINDS

    if kind not in KINDS:
        raise UsageError(f"`{kind}` is not a schema; use `campaign`, `policy` or `policy-test`")
    typer.echo(json_schema_text(kind), nl=False)


@app.command("test")
def policy_test(
    directory: Annotated[
        Path | None,
        typer.Argument(
            help="Folder searched for *.test.yaml files (default: the current folder), or one file."
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="Output format: text or junit.")
    ] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the results to this file.")
    ] = None,
    pass_without_tests: Annotated[
        bool,
        typer.Option(
            "--pass-without-tests",
            help="Pass, with a note, when there is no *.test.yaml file (the pre-commit hook).",
        ),
    ] = False,
) -> int:
    """Run policy tests (*.test.yaml: fixtures and expected findings); exit 1 when a case fails."""
    from campaign_lint.cli.policytest_output import FORMATS, render
    from campaign_lint.cli.writing import wants_color, write_output
    from campaign_lint.lint.policytests import find_test_files, run_tests

    if output_format not in FORMATS:
        raise UsageError(
            f"--format: `{output_format}` is not a test format; use one of: {', '.join(FORMATS)}"
        )
    target = directory or Path(".")
    if pass_without_tests and not find_test_files(target, allow_empty=True):
        sys.stderr.write(f"No policy test files (*.test.yaml) in {target}; nothing to test.\n")
        return 0
    results = run_tests(target)
    color = output is None and wants_color(sys.stdout)
    rendered = render(results, output_format, color=color)
    if output is None:
        sys.stdout.write(rendered)
        sys.stdout.flush()
    else:
        write_output(output, rendered)
    return 1 if any(suite.failures for suite in results) else 0


def _usage_line(exc: TyperException) -> str:
    """A command-line usage error as one line (click prints usage, a hint and the error on four)."""
    message = " ".join(exc.format_message().split()).rstrip(".")
    context = getattr(exc, "ctx", None)
    command = context.command_path if context is not None else "campaign-lint"
    joined = f"{message} See" if message.endswith(("?", "!")) else f"{message}; see"
    return f"campaign-lint: error: {joined} `{command} -h`"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; never lets a traceback reach the user."""
    command = typer.main.get_command(app)
    plain_metavars(command)
    args = sys.argv[1:] if argv is None else list(argv)
    invocation = Invocation()

    def run() -> int | None:
        try:
            result: int | None = command.main(
                args=args, prog_name="campaign-lint", standalone_mode=False, obj=invocation
            )
        except typer.Exit as exc:
            return exc.exit_code
        except TyperException as exc:  # usage errors of the command line itself
            show = getattr(exc, "show", None)
            if not args and show is not None:
                show()  # no arguments at all: the help is the answer
            else:
                typer.echo(_usage_line(exc), err=True)
            return EXIT_UNTRUSTED
        except typer.Abort:
            raise KeyboardInterrupt from None
        return result

    return guarded(run, debug=lambda: invocation.debug)  # known once typer has read the command line
