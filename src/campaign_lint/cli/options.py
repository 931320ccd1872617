"""Typer's command-line options, built from the declarations in ``cli/checkoptions.py``.

The options ``check`` shares with other commands (``--config``,
``--select``, ``--ignore``, ``--today``) and the whole ``check`` command line
are declared once, in :class:`~campaign_lint.cli.checkoptions.CheckOptions`;
here they become typer parameters. Only the full command line (typer) imports
this module.
"""

from __future__ import annotations

import inspect
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
        info = typer.Argument(help=item.metadata["argument"])
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
