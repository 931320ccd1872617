"""The options of ``check``, declared once, and the reading of common ``check`` command lines without typer.

:class:`CheckOptions` is the one definition: each field is an option (or the
paths), with its type, default, names, metavar, help and what it means for
the replay record. Both readings of a command line give a ``CheckOptions``:

* typer's ``check`` command (``cli/app.py``) is built from the fields
  (``cli/options.check_signature``): ``check --help`` shows them;
* :func:`parse`, which the console script (``cli/entry.py``) tries first, reads
  the fields' names and types: importing typer costs more than answering an
  unchanged run (``cli/replay.py``). It understands the long and short names,
  ``--name=value``, repeated options, ``--`` and paths, and a ``--debug``
  before ``check``; anything else (``-qf json``, an option twice that takes
  one value, a value typer must reject, another command) is left to typer.

No annotations are postponed here (no ``from __future__ import
annotations``): :func:`parse` reads the fields' types as objects.
"""

import dataclasses
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

T = TypeVar("T")
# The path that stands for standard input (``check - --stdin-filename PATH``).
STDIN = Path("-")

# What an option means for the replay record (``lint/replay.py``): ``key``, it
# changes the results and is part of the record's key; ``never``, a run with it
# set is never answered from a record nor leaves one; ``report``, it only
# changes what is reported of the results, or where, or how fast.
Replay = Literal["key", "never", "report"]


class Declared(NamedTuple):
    """How an option is written on the command line and shown by ``--help``.

    A named tuple, not a dataclass: every run imports this module, and a
    dataclass is slower to create (its methods are compiled at import).
    """

    names: tuple[str, ...]
    help: str
    metavar: str | None = None
    minimum: int | None = None
    replay: Replay = "report"


# The option before the command that the fast reading knows too (typer's is built from it).
DEBUG = Declared(("--debug",), "Show tracebacks of internal errors.")


def option(
    default: T,
    *names: str,
    help: str,
    metavar: str | None = None,
    minimum: int | None = None,
    replay: Replay = "report",
) -> T:
    """A field of :class:`CheckOptions` that is an option: its default, its names and the rest."""
    declared = Declared(names, help, metavar, minimum, replay)
    value: T = field(default=default, metadata={"option": declared})
    return value


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """A ``check`` command line. A tuple is a repeatable option (values in order); a bool, a flag."""

    paths: tuple[Path, ...] = field(
        default=(),
        metadata={"argument": "Campaign files or folders (default: the policy's `campaigns` globs)."},
    )
    # RUF009: option() is dataclasses.field() with the declaration as metadata, like every field here.
    config: Path | None = option(  # noqa: RUF009
        None, "--config", "-c", metavar="FILE", help="Policy file to use.", replay="key"
    )
    formats: tuple[str, ...] = option(
        (),
        "--format",
        "-f",
        metavar="FORMAT",
        help="Output format: text, json, sarif, junit, github or gitlab. Repeatable: "
        "each --format goes to the --output given in the same position; one may go to stdout.",
    )
    outputs: tuple[Path, ...] = option(
        (), "--output", "-o", metavar="FILE", help="Write the report to this file (repeatable, see --format)."
    )
    fail_on: str | None = option(
        None,
        "--fail-on",
        metavar="SEVERITY",
        help="Lowest severity that fails: error, warning, info.",
        replay="key",
    )
    select: tuple[str, ...] = option(
        (),
        "--select",
        metavar="RULES",
        help="Only these rule IDs or families (comma-separated).",
        replay="key",
    )
    ignore: tuple[str, ...] = option(
        (),
        "--ignore",
        metavar="RULES",
        help="Skip these rule IDs or families (comma-separated).",
        replay="key",
    )
    quiet: bool = option(False, "--quiet", "-q", help="Print findings only, no summary.")
    jobs: int = option(
        0,
        "--jobs",
        "-j",
        metavar="N",
        minimum=0,
        help="Worker processes (0: one per available core; at most 4 per core).",
    )
    today: str | None = option(
        None,
        "--today",
        metavar="DATE",
        help="Date used for exception expiry, YYYY-MM-DD (default: today).",
        replay="key",
    )
    show_suppressed: bool = option(
        False, "--show-suppressed", help="Also list findings silenced by comments or exceptions."
    )
    show_policy: bool = option(
        False,
        "--show-policy",
        help="Print the effective policy with the origin of each value; lint nothing.",
        replay="never",
    )
    changed_since: str | None = option(
        None,
        "--changed-since",
        metavar="REF",
        help="Report only on campaigns changed since this git ref (portfolio rules still see all).",
        replay="never",
    )
    force_exclude: bool = option(
        False,
        "--force-exclude",
        help="Skip named files that the policy's `campaigns`/`exclude` patterns leave out (pre-commit).",
    )
    stdin_filename: Path | None = option(  # noqa: RUF009 - see config
        None,
        "--stdin-filename",
        metavar="PATH",
        help="With `-` as the path: the file the campaign on standard input is "
        "(it decides the policy and the overrides, and is the findings' path; editors).",
        replay="never",
    )
    staged: bool = option(
        False,
        "--staged",
        help="Judge the campaigns as staged in the git index; untracked files are left out "
        "(on by itself under pre-commit).",
        replay="never",
    )
    no_cache: bool = option(
        False, "--no-cache", help="Neither read nor write the cache (.campaign-lint-cache/).", replay="never"
    )
    baseline: Path | None = option(  # noqa: RUF009 - see config
        None,
        "--baseline",
        metavar="FILE",
        help="Report only findings not recorded in this baseline.",
        replay="never",
    )

    fix: bool = option(
        False,
        "--fix",
        help="Apply safe fixes to the files (spelling only: `7days` to `7d`, `Email` to `email`); "
        "report what is left.",
        replay="never",
    )
    unsafe_fixes: bool = option(
        False,
        "--unsafe-fixes",
        help="With --fix or --diff: also apply fixes that change what a campaign does "
        "(a later trigger, a lower cap, `unsubscribe: one_click`).",
        replay="never",
    )
    diff: bool = option(
        False,
        "--diff",
        help="Print what --fix would change as a unified diff and change nothing; exit 1 when there is something to fix.",
        replay="never",
    )

    def run_paths(self) -> tuple[Path, ...]:
        """The paths the run is about: ``--stdin-filename`` when the path is ``-`` (standard input)."""
        if self.stdin_filename is not None and self.paths == (STDIN,):
            return (self.stdin_filename,)
        return self.paths

    def replayable(self) -> bool:
        """Whether a replay record can answer this command line (no option of ``replay="never"`` set)."""
        return not any(getattr(self, name) for name in _NEVER_REPLAYED)

    def replay_key(self) -> bytes:
        """The key of this command line's replay record: the options of ``replay="key"``, by name."""
        from campaign_lint.lint.replay import options_key

        return options_key([(name, getattr(self, name)) for name in _KEYED])


def declared(name: str) -> Declared:
    """The declaration of the option of the field ``name``."""
    found: Declared = _FIELDS[name].metadata["option"]
    return found


def fields() -> tuple[dataclasses.Field[Any], ...]:
    """The fields of :class:`CheckOptions`, in the order ``--help`` shows them (paths first)."""
    return dataclasses.fields(CheckOptions)


def value_type(annotation: Any) -> tuple[type, bool]:
    """The type of one value of a field, and whether the option is repeatable (a tuple of them)."""
    if typing.get_origin(annotation) is tuple:
        return typing.get_args(annotation)[0], True
    members = [member for member in typing.get_args(annotation) if member is not type(None)]
    return (members[0] if members else annotation), False


_FIELDS = {item.name: item for item in fields()}
_KEYED = tuple(
    name for name, item in _FIELDS.items() if "option" in item.metadata and declared(name).replay == "key"
)
_NEVER_REPLAYED = tuple(
    name for name, item in _FIELDS.items() if "option" in item.metadata and declared(name).replay == "never"
)
# Every name of every option: (field, type of one value, repeatable).
_BY_NAME = {
    written: (name, *value_type(item.type))
    for name, item in _FIELDS.items()
    if "option" in item.metadata
    for written in declared(name).names
}


class Command(NamedTuple):
    """A command line :func:`parse` understood: ``[--debug] check ...``."""

    options: CheckOptions
    debug: bool


def parse(argv: Sequence[str]) -> Command | None:
    """``argv`` as a ``check`` command line, or ``None`` when typer must read it (see the module docstring)."""
    words = iter(argv)
    first = next(words, None)
    debug = first in DEBUG.names
    if (next(words, None) if debug else first) != "check":
        return None
    read = read_words(words, _BY_NAME, lambda name: declared(name).minimum)
    if read is None:
        return None
    paths, values = read
    return Command(CheckOptions(paths=tuple(paths), **values), debug)


def read_words(
    words: Iterator[str],
    options: Mapping[str, tuple[str, type, bool]],
    minimum: Callable[[str], int | None] = lambda _: None,
) -> tuple[list[Path], dict[str, Any]] | None:
    """The paths and option values of a command line's ``words`` after the command; ``None`` when typer must read it.

    ``options``: every written name (``--days``, ``-n``) to its field, the type
    of one value and whether it is repeatable (a tuple of values); a ``bool``
    is a flag. ``minimum``: the least number a field takes, by field.
    """
    values: dict[str, Any] = {}
    paths: list[Path] = []
    for word in words:
        if word == "--":
            paths.extend(Path(path) for path in words)
            break
        if word == "-" or not word.startswith("-"):
            paths.append(Path(word))
            continue
        written, equals, text = word.partition("=") if word.startswith("--") else (word, "", "")
        known = options.get(written)
        if known is None:
            return None
        name, kind, repeatable = known
        if kind is bool:
            if equals:
                return None
            values[name] = True
            continue
        if not equals:
            text = next(words, "")
        value = _value(kind, text, minimum(name))
        if value is None:
            return None
        if repeatable:
            values.setdefault(name, []).append(value)
        elif name in values:
            return None  # typer takes the last; a command line that says two things is left to it
        else:
            values[name] = value
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = tuple(value)
    return paths, values


def _value(kind: type, text: str, minimum: int | None) -> object | None:
    """``text`` as a value of type ``kind``, or ``None`` when typer must judge it (an empty value, a bad number)."""
    if not text:
        return None
    if kind is int:
        if not (text.isascii() and text.isdigit()):
            return None
        number = int(text)
        return number if minimum is None or number >= minimum else None
    if kind is Path:
        return Path(text)
    return text
