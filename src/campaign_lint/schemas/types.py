"""Value types of campaign and policy files: durations, clock times, percentages.

Each parses the plain text a marketer writes (``7d``, ``"09:00"``, ``10%``)
and exports a JSON Schema pattern so editors can check it while typing.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Annotated, Any, ClassVar, Final

from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler, StrictStr, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from campaign_lint.core.slotted import Slotted

_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "mo": 30 * 86400}
_UNIT_WORDS = {"m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month"}
_DURATION_RE = re.compile(r"([1-9][0-9]{0,5})(mo|m|h|d|w)")
DURATION_PATTERN = r"^[1-9][0-9]{0,5}(mo|m|h|d|w)$"
_TIME_RE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_JOURNEY_RE = re.compile(r"([0-9]{1,4})d(?:\s+([0-9]{2}:[0-9]{2}))?")
_PERCENT_RE = re.compile(r"([0-9]{1,3}(\.[0-9]+)?)%")


# The key that marks a value whose JSON Schema comes from the rule catalogue
# (``schemas/editor.py`` puts a ``$ref`` to a definition in its place).
MARKER = "x-catalogue"


def catalogue(name: str) -> WithJsonSchema:
    """The JSON Schema of a value the catalogue lists: the definition ``name`` of ``schemas/editor.py``."""
    return WithJsonSchema({MARKER: name})


# A built-in rule ID or a custom rule's ID (custom rules are named in the policy).
RuleRef = Annotated[StrictStr, catalogue("RuleRef")]
# A rule ID or a family (TIM), built-in or custom.
RuleOrFamily = Annotated[StrictStr, Field(min_length=1), catalogue("RuleOrFamily")]
# An `extends` entry: a profile name, or the path of a policy file.
PolicyRef = Annotated[StrictStr, Field(min_length=1), catalogue("PolicyRef")]


class TextValue(Slotted):
    """A value written as text in YAML; subclasses give ``parse`` and ``JSON_SCHEMA``.

    Equal, hashed and shown by their fields (``core/slotted.py``), and immutable (``Final``).
    """

    __slots__ = ()
    JSON_SCHEMA: ClassVar[dict[str, str]]

    @classmethod
    def parse(cls, value: Any) -> Any:
        """Parse the text a user wrote."""
        raise NotImplementedError

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return dict(cls.JSON_SCHEMA)


class Duration(TextValue):
    """A whole number of minutes, hours, days, weeks or months (30 days)."""

    JSON_SCHEMA: ClassVar[dict[str, str]] = {
        "type": "string",
        "pattern": DURATION_PATTERN,
        "description": "A duration: 30m, 12h, 7d, 2w, 12mo (a month is 30 days).",
        "patternErrorMessage": "Not a duration: write a whole number and a unit, like 30m, 12h, 7d, 2w "
        "or 12mo (m minutes, h hours, d days, w weeks, mo months of 30 days).",
    }

    __slots__ = ("amount", "unit")
    amount: Final[int]
    unit: Final[str]

    def __init__(self, amount: int, unit: str) -> None:
        self.amount = amount
        self.unit = unit

    @property
    def seconds(self) -> int:
        """Length in seconds; a month counts as 30 days."""
        return self.amount * _UNIT_SECONDS[self.unit]

    @property
    def days(self) -> Fraction:
        """Length in days, exactly."""
        return Fraction(self.seconds, 86400)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def words(self) -> str:
        """Plain words: ``7 days``, ``1 week``."""
        word = _UNIT_WORDS[self.unit]
        return f"{self.amount} {word}{'' if self.amount == 1 else 's'}"

    @classmethod
    def parse(cls, value: Any) -> Duration:
        """Parse ``30m``, ``12h``, ``7d``, ``2w`` or ``12mo``."""
        if isinstance(value, Duration):
            return value
        if isinstance(value, str):
            match = _DURATION_RE.fullmatch(value.strip())
            if match:
                return cls(int(match.group(1)), match.group(2))
        raise PydanticCustomError(
            "duration",
            "`{value}` is not a duration; write a whole number and a unit, like 30m, 12h, 7d, 2w or 12mo",
            {"value": value},
        )


class ClockTime(TextValue):
    """A local time of day written ``HH:MM`` (24-hour clock)."""

    JSON_SCHEMA: ClassVar[dict[str, str]] = {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        "description": 'Recipient-local time of day, "HH:MM".',
        "patternErrorMessage": 'Not a time of day: write HH:MM on a 24-hour clock, in quotes, like "09:00".',
    }

    __slots__ = ("minutes",)
    minutes: Final[int]

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes

    # Ordered by the time of day.
    def __lt__(self, other: object) -> bool:
        return self.minutes < other.minutes if isinstance(other, ClockTime) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.minutes <= other.minutes if isinstance(other, ClockTime) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.minutes > other.minutes if isinstance(other, ClockTime) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.minutes >= other.minutes if isinstance(other, ClockTime) else NotImplemented

    def __str__(self) -> str:
        return f"{self.minutes // 60:02d}:{self.minutes % 60:02d}"

    @classmethod
    def parse(cls, value: Any) -> ClockTime:
        """Parse ``"09:00"``; YAML 1.2 keeps unquoted ``09:00`` as text too."""
        if isinstance(value, ClockTime):
            return value
        if isinstance(value, str):
            match = _TIME_RE.fullmatch(value.strip())
            if match:
                return cls(int(match.group(1)) * 60 + int(match.group(2)))
        raise PydanticCustomError(
            "clock_time",
            '`{value}` is not a time of day; write it as HH:MM on a 24-hour clock, like "09:00"',
            {"value": value},
        )


class JourneyDay(TextValue):
    """When a journey event happens: a day from the journey's start, and maybe a time (``9d``, ``9d 14:30``)."""

    JSON_SCHEMA: ClassVar[dict[str, str]] = {
        "type": "string",
        "pattern": r"^[0-9]{1,4}d( ([01][0-9]|2[0-3]):[0-5][0-9])?$",
        "description": 'Day of the journey (0d: its first day), and optionally the local time: "9d 14:30".',
        "patternErrorMessage": "Not a day of the journey: write the day and d, like 0d or 9d, "
        'and a time if it matters, like "9d 14:30".',
    }

    __slots__ = ("day", "minute")
    day: Final[int]
    # Minute of the day; None: not given (the timeline's default time).
    minute: Final[int | None]

    def __init__(self, day: int, minute: int | None = None) -> None:
        self.day = day
        self.minute = minute

    def __str__(self) -> str:
        if self.minute is None:
            return f"{self.day}d"
        return f"{self.day}d {self.minute // 60:02d}:{self.minute % 60:02d}"

    @classmethod
    def parse(cls, value: Any) -> JourneyDay:
        """Parse ``0d``, ``9d`` or ``9d 14:30``."""
        if isinstance(value, JourneyDay):
            return value
        if isinstance(value, str):
            match = _JOURNEY_RE.fullmatch(value.strip())
            if match:
                time = match.group(2)
                minute = None if time is None else ClockTime.parse(time).minutes
                return cls(int(match.group(1)), minute)
        raise PydanticCustomError(
            "journey_day",
            "`{value}` is not a day of the journey; write the day and d, like 0d or 9d, "
            'and a time if it matters, like "9d 14:30"',
            {"value": value},
        )


class Percentage(TextValue):
    """A share written ``10%``, between 0% and 100%."""

    JSON_SCHEMA: ClassVar[dict[str, str]] = {
        "type": "string",
        "pattern": r"^[0-9]{1,3}(\.[0-9]+)?%$",
        "description": "A share of the audience, like 10%.",
        "patternErrorMessage": "Not a percentage: write a number from 0 to 100 followed by %, like 10%.",
    }

    __slots__ = ("value",)
    value: Final[float]

    def __init__(self, value: float) -> None:
        self.value = value

    def __str__(self) -> str:
        return f"{self.value:g}%"

    @classmethod
    def parse(cls, value: Any) -> Percentage:
        """Parse ``10%`` or ``2.5%``."""
        if isinstance(value, Percentage):
            return value
        if isinstance(value, str):
            match = _PERCENT_RE.fullmatch(value.strip())
            if match and float(match.group(1)) <= 100:
                return cls(float(match.group(1)))
        raise PydanticCustomError(
            "percentage",
            "`{value}` is not a percentage; write a number from 0 to 100 followed by %, like 10%",
            {"value": value},
        )
