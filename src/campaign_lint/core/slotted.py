"""Small value classes written out by hand: a dataclass's equality, hash and repr without its cost at import.

Python compiles every method a dataclass generates when the class is
defined: a frozen, slotted five-field dataclass costs about 4.3 million
instructions to define, the same class written by hand (``__slots__`` and an
``__init__``) 0.1 million. Every run that lints imports some forty such
classes (docs/performance.md, "An edited run's imports, cheaper to define"). A class on that
path is written out instead, on :class:`Slotted`:

* its fields are its ``__slots__``, in the order of its ``__init__``'s
  parameters, each annotated in the class body (``Final`` where the class is
  immutable: mypy rejects an assignment, as a frozen dataclass would refuse it);
* equality, hash and repr are by those fields, as a dataclass's are (two
  objects are equal when they are of the same class and their fields are
  equal); ``replace`` is ``dataclasses.replace``; pickling calls the class
  with the fields (``core/pickling.by_fields``).

A class whose fields change after it is made (a dataclass that was not
frozen) is written on :class:`Mutable` instead: the same, but unhashable, as
such a dataclass was; its fields are not ``Final``.
"""

from __future__ import annotations

from typing import Any, Self

from campaign_lint.core.pickling import by_fields


class Slotted:
    """Base of a hand-written value class: equality, hash, repr, ``replace`` and pickling by its ``__slots__``."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return by_fields(self)[1] == by_fields(other)[1]

    def __hash__(self) -> int:
        return hash(by_fields(self)[1])

    def __repr__(self) -> str:
        names: tuple[str, ...] = self.__class__.__slots__
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(names, by_fields(self)[1], strict=True))
        return f"{self.__class__.__qualname__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (field name -> value), as ``dataclasses.replace`` makes."""
        names: tuple[str, ...] = self.__class__.__slots__
        values = dict(zip(names, by_fields(self)[1], strict=True))
        values.update(changes)
        return self.__class__(**values)

    __reduce__ = by_fields


class Mutable(Slotted):
    """Base of a hand-written value class whose fields may change: compared by value, so not hashable.

    As a dataclass that is not frozen: its ``__hash__`` is ``None``.
    """

    __slots__ = ()

    __hash__ = None  # type: ignore[assignment]  # as a dataclass that is not frozen
