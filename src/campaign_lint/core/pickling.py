"""Fast pickling for the small dataclasses a run moves in bulk."""

from __future__ import annotations

from typing import Any


def by_fields(self: Any) -> tuple[type, tuple[Any, ...]]:
    """A ``__reduce__`` for slots dataclasses: pickled as a call with the fields, in order.

    Findings, records and per-file outcomes cross from worker processes and
    fill the cache and the replay record by the ten thousand; loading them
    through dataclasses' generic ``__setstate__`` (a Python loop over the
    fields per object) costs twice as much as calling the class. Only for
    dataclasses whose ``__init__`` takes every field, in declaration order.
    """
    cls = type(self)
    return (cls, tuple(getattr(self, name) for name in cls.__slots__))
