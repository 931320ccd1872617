"""Typer's command-line options, built from the declarations in ``cli/checkoptions.py``.

The options ``check`` shares with other commands (``--config``,
``--select``, ``--ignore``, ``--today``) and the whole ``check`` command line
are declared once, in :class:`~campaign_lint.cli.checkoptions.CheckOptions`;
here they become typer parameters. Only the full command line (typer) imports
this module.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import Field
from pathlib import Path
from typing import Annotated, Any

import typer

from campaign_lint.cli.checkoptions import CheckOptions, declared, fields, value_type


def typer_option(name: str) -> Any:
    """The typer option of the ``CheckOptions`` field ``name``."""
    option = declared(name)
    return typer.Option(*option.names, metavar=option.metavar, help=option.help, min=option.minimum)


ConfigOption = Annotated[Path | None, typer_option("config")]
SelectOption = Annotated[list[str] | None, typer_option("select")]
IgnoreOption = Annotated[list[str] | None, typer_option("ignore")]
TodayOption = Annotated[str | None, typer_option("today")]
JobsOption = Annotated[int, typer_option("jobs")]
NoCacheOption = Annotated[bool, typer_option("no_cache")]
QuietOption = Annotated[bool, typer_option("quiet")]


def _parameter(item: Field[Any]) -> inspect.Parameter:
    """A ``CheckOptions`` field as a parameter of typer's ``check``: a tuple is typer's list, None when absent."""
    kind, repeatable = value_type(item.type)
    if repeatable:
        annotation: Any = list[kind] | None  # type: ignore[valid-type]
        default = None
    else:
        annotation, default = item.type, item.default
    if "argument" in item.metadata:
        info = typer.Argument(help=item.metadata["argument"], metavar="PATHS")
    else:
        info = typer_option(item.name)
    return inspect.Parameter(
        item.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[annotation, info]
    )


def check_signature() -> inspect.Signature:
    """The signature typer reads for ``check``: one parameter per ``CheckOptions`` field, in order."""
    return inspect.Signature([_parameter(item) for item in fields()], return_annotation=int)


def check_options(values: dict[str, Any]) -> CheckOptions:
    """What typer read for ``check`` (the parameters of ``check_signature``) as ``CheckOptions``."""
    converted: dict[str, Any] = {}
    for name, value in values.items():
        _, repeatable = value_type(_TYPES[name])
        converted[name] = tuple(value or ()) if repeatable else value
    return CheckOptions(**converted)


_TYPES = {item.name: item.type for item in fields()}


def _no_type(ctx: Any) -> None:
    return None


def plain_metavars(command: Any, help_names: Sequence[str] = ("-h", "--help")) -> None:
    """Make ``--help`` of ``command`` and its subcommands show plain metavars, never type names.

    Typer writes the type of every parameter in the help (``<bool>``,
    ``<list[Path]>``, ``<int range> [x>=0]``). As ruff and yamllint do, a
    flag shows nothing after its name, an option its metavar (``FILE``,
    ``FORMAT``, ``N``; declared with the option, else its name in capitals),
    and an argument only its name. ``command`` is the click command typer
    built (``typer.main.get_command``), ``help_names`` its help option's
    names; only how the help shows the parameters changes.
    """
    context = command.context_class(command, help_option_names=list(help_names))
    params = [*command.params, command.get_help_option(context)]
    for param in params:
        if param is None:
            continue
        if param.param_type_name == "argument":
            shown = None
        elif getattr(param, "is_flag", False) or getattr(param, "count", False):
            shown = ""
        else:
            shown = param.metavar or param.name.upper()
        # Instance attributes: typer's help asks the parameter for these two.
        param.display_type_rich = _no_type if shown is None else (lambda ctx, text=shown: text)
        param._get_number_range_help_str = _no_type_range
    for sub in getattr(command, "commands", {}).values():
        plain_metavars(sub, help_names)


def _no_type_range() -> None:
    return None
