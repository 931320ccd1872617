"""Questions and answers of ``campaign-lint new``: who answers (a flag, the person, the default), and how answers are read.

Every reader takes the text typed (or given to the flag) and returns the
value, or raises ValueError with what is wrong in plain words: on a
terminal the question is asked again, from a flag it is a usage error.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

import typer
from pydantic_core import PydanticCustomError

from campaign_lint.core.errors import UsageError
from campaign_lint.schemas.campaign import SendWindow
from campaign_lint.schemas.types import ClockTime, Duration

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)
V = TypeVar("V")
NONE = "none"
_NAME = re.compile(r"^[A-Za-z0-9_.:-]+$")


@dataclass(slots=True)
class Asker:
    """Gets each answer from its flag, else from the person at the terminal, else from its default."""

    flags: dict[str, str]
    interactive: bool
    used: set[str] = field(default_factory=set)

    def ask(
        self,
        key: str,
        question: str,
        default: str | None,
        parse: Callable[[str], T],
        choices: Sequence[tuple[str, str]] = (),
    ) -> T:
        """The answer to ``question``: ``parse`` turns text into the value, or raises ValueError."""
        flag = _flag(key)
        if key in self.flags:
            self.used.add(key)
            try:
                return parse(self.flags[key])
            except ValueError as exc:
                raise UsageError(f"{flag}: {exc}") from None
        if not self.interactive:
            if default is None:
                raise UsageError(f"{flag} is needed: {question.rstrip('?').lower()}")
            try:
                return parse(default)
            except ValueError as exc:  # a default the situation refuses: a file of that name exists
                raise UsageError(
                    f"{flag} not given, and its default `{default}` will not do: {exc}"
                ) from None
        typer.echo("")
        typer.echo(question)
        width = max((len(value) for value, _ in choices), default=0)
        for number, (value, words) in enumerate(choices, 1):
            typer.echo(f"  {number}. {value.ljust(width)}  {words}".rstrip())
        while True:
            # `  [default] > `: Enter takes the default; without one, an answer is needed.
            shown = f"  [{default}] " if default is not None else "  "
            raw = typer.prompt(shown, default=default, show_default=False, prompt_suffix="> ")
            try:
                return parse(_numbered(str(raw), choices))
            except ValueError as exc:
                typer.echo(f"  {exc}")

    def unused(self) -> list[str]:
        """The flags given that no question of this campaign asked."""
        return [_flag(key) for key in self.flags if key not in self.used]


def _flag(key: str) -> str:
    """The flag that answers ``key``: ``customer_value`` -> ``--customer-value``."""
    return "--" + key.replace("_", "-")


def _numbered(raw: str, choices: Sequence[tuple[str, str]]) -> str:
    """A choice's number stands for the choice."""
    text = raw.strip()
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1][0]
    return text


def choice(kind: type[E], what: str) -> Callable[[str], E]:
    """A reader of one of the values of ``kind``."""
    return among(list(kind), kind, what)


def among(allowed: Sequence[E], kind: type[E], what: str) -> Callable[[str], E]:
    """A reader of one of ``allowed`` (values of ``kind``): ``Opt-in`` reads as ``opt_in``."""

    def parse(text: str) -> E:
        word = text.strip().lower().replace("-", "_").replace(" ", "_")
        for value in allowed:
            if value.value == word:
                return value
        choices = ", ".join(str(value.value) for value in allowed)
        raise ValueError(f"`{text.strip()}` is not {what}; choose one of: {choices}")

    return parse


def words(text: str) -> str:
    """Text that says something, its spaces tidied."""
    value = " ".join(text.split())
    if not value:
        raise ValueError("an answer is needed here")
    return value


def name(text: str) -> str:
    """A name, as of a segment, an event or a metric: no spaces."""
    value = text.strip()
    if not _NAME.match(value):
        raise ValueError(f"`{value}` is not a name; use letters, digits, dots, dashes or underscores")
    return value


def names(text: str) -> list[str]:
    """Names separated by commas, or `none`."""
    if text.strip().lower() == NONE:
        return []
    return [name(part) for part in text.split(",") if part.strip()]


def listed(values: Sequence[str]) -> str:
    """Names as ``names`` reads them back: ``a, b`` or `none`."""
    return ", ".join(values) if values else NONE


def duration(text: str) -> Duration:
    """A duration: 30m, 12h, 7d, 2w, 12mo."""
    try:
        return Duration.parse(text.strip())
    except PydanticCustomError as exc:
        raise ValueError(str(exc)) from None


def at_least(text: str, least: Duration) -> Duration:
    """A duration no shorter than ``least``."""
    value = duration(text)
    if value.seconds < least.seconds:
        raise ValueError(f"{value} is too soon; your policy asks for at least {least} ({least.words()})")
    return value


def optional(parse: Callable[[str], V]) -> Callable[[str], V | None]:
    """``parse``, or None for `none` or nothing."""

    def read(text: str) -> V | None:
        return None if text.strip().lower() in (NONE, "") else parse(text)

    return read


def checked(parse: Callable[[str], V], problem: Callable[[V], str | None]) -> Callable[[str], V]:
    """``parse``, then refused with ``problem``'s words when it finds one."""

    def read(text: str) -> V:
        value = parse(text)
        why = problem(value)
        if why:
            raise ValueError(why)
        return value

    return read


def every(text: str) -> Duration | None:
    """How often a schedule repeats: a duration, or None for `once`."""
    return None if text.strip().lower() in ("once", NONE) else duration(text)


def day(text: str) -> date:
    """A day written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"`{text.strip()}` is not a day; write it YYYY-MM-DD, like 2026-11-27") from None


def rate(text: str) -> tuple[int, Duration]:
    """A cap written MAX/PER (``1/7d``) or MAX per PER (``1 per 7d``)."""
    most, sep, per = text.replace(" per ", "/").partition("/")
    if not sep or not most.strip().isdigit() or int(most) < 1:
        raise ValueError(f"`{text.strip()}` is not a cap; write MAX/PER, like 1/7d (one message per 7 days)")
    return int(most), duration(per)


def window(text: str) -> SendWindow:
    """Hours written HH:MM-HH:MM."""
    start, sep, end = text.replace(" to ", "-").partition("-")
    try:
        if not sep:
            raise ValueError
        return SendWindow(start=ClockTime.parse(start.strip()), end=ClockTime.parse(end.strip()))
    except (ValueError, PydanticCustomError):
        raise ValueError(f"`{text.strip()}` is not a window; write HH:MM-HH:MM, like 09:00-20:00") from None


def days(text: str) -> int:
    """A whole number of days, at least 1."""
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError(f"`{text.strip()}` is not a number of days, like 180")
    return int(text)
