"""Fast pickling for the small dataclasses a run moves in bulk."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

# Per class, a C getter of its fields as a tuple, in declaration order.
_FIELDS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def by_fields(self: Any) -> tuple[type, tuple[Any, ...]]:
    """A ``__reduce__`` for slots dataclasses: pickled as a call with the fields, in order.

    Findings, records and per-file outcomes cross from worker processes and
    fill the cache and the replay record by the ten thousand; loading them
    through dataclasses' generic ``__setstate__`` (a Python loop over the
    fields per object) costs twice as much as calling the class. Only for
    dataclasses whose ``__init__`` takes every field, in declaration order.
    The fields are read by one ``operator.attrgetter`` per class (in C: a
    third of the time of a loop over the names when saving the replay record).
    """
    cls = type(self)
    fields = _FIELDS.get(cls)
    if fields is None:
        names: tuple[str, ...] = cls.__slots__
        getter = attrgetter(*names)
        fields = _FIELDS[cls] = getter if len(names) > 1 else lambda value: (getter(value),)
    return (cls, fields(self))
