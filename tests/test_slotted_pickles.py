"""What the dataclasses before ``core/slotted`` wrote still loads the same, or is rebuilt: never mis-read.

The replay record and the content cache are keyed on the tool's own files
(``cacheentry.code_stamp``): another version of the code never looks at what
this one wrote. Should it read such a file anyway, a value written by a
dataclass that pickled itself by its fields (``core/pickling.by_fields``: the
cache's entries and outcomes, the files sent to workers) loads as it did,
and one pickled by the dataclass's own state (the record, its scope, a delta)
fails to load, so the record is taken for missing and the run rebuilds it.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest

from campaign_lint.core.findings import Severity
from campaign_lint.core.pickling import by_fields
from campaign_lint.lint import cacheentry, discovery, outcome, replay
from campaign_lint.lint.report import Results

KEY = b"k" * 32


@pytest.fixture(autouse=True)
def _user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Outside tmp_path, the folder the records are for: a key inside it is not used.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))


@contextmanager
def written_by(module: ModuleType, name: str, old: type) -> Iterator[None]:
    """While inside, ``module.name`` is ``old``: pickling writes ``old``'s state under that name, as main's code did."""
    new = getattr(module, name)
    old.__module__, old.__qualname__ = module.__name__, name
    setattr(module, name, old)
    try:
        yield
    finally:
        setattr(module, name, new)


@dataclasses.dataclass(frozen=True, slots=True)
class OldScope:
    """The dataclass ``discovery.Scope`` was."""

    root: Path
    policy_path: Path | None
    campaigns: tuple[str, ...]
    exclude: tuple[str, ...]
    policy_files: frozenset[str] = frozenset()
    answers: dict[str, tuple[bool, bool]] = dataclasses.field(default_factory=dict, compare=False, repr=False)


@dataclasses.dataclass(frozen=True, slots=True)
class OldRecord:
    """The dataclass ``replay.Record`` was."""

    today: str
    scope: object
    fail_on: Severity
    policy: tuple[object, ...]
    files: tuple[tuple[str, str], ...]
    stamps: tuple[object, ...]
    zones: object = None
    keys: bytes = b""


@dataclasses.dataclass(slots=True)
class OldOutcome:
    """The dataclass ``outcome.FileOutcome`` was: pickled by its fields."""

    findings: list[object]
    record: object
    lines: dict[int, str]
    comments: list[object]
    overrides: tuple[int, ...] = ()
    content: bytes | None = None
    record_blob: bytes | None = None
    record_key: bytes | None = None
    groups: tuple[tuple[object, ...], ...] | None = None

    __reduce__ = by_fields


@dataclasses.dataclass(slots=True)
class OldEntry:
    """The dataclass ``cacheentry.Entry`` was: pickled by its fields."""

    size: int
    mtime_ns: int
    cached_ns: int
    content: bytes
    blob: bytes
    record: bytes | None = None
    sender: bytes | None = None
    shown: bytes = b""
    record_key: bytes | None = None
    groups: tuple[tuple[object, ...], ...] | None = None
    overrides: tuple[int, ...] = ()
    rules: frozenset[str] = frozenset()
    mentions: frozenset[str] = frozenset()
    commented: bool = False

    __reduce__ = by_fields


def test_a_record_written_by_the_dataclasses_is_rebuilt(tmp_path: Path) -> None:
    results = Results([], [], {}, ())
    with written_by(discovery, "Scope", OldScope), written_by(replay, "Record", OldRecord):
        old = OldRecord(
            "2026-12-03", OldScope(tmp_path, None, ("**/*.yaml",), ()), Severity.ERROR, (), (), ()
        )
        assert replay.store(KEY, old, results)  # type: ignore[arg-type]  # as main's code wrote it
    assert replay.location(tmp_path, KEY).is_file()
    assert replay.load(tmp_path, KEY) is None  # not mis-read: missing, so the run writes it again
    new = replay.Record(
        "2026-12-03", discovery.Scope(tmp_path, None, ("**/*.yaml",), ()), Severity.ERROR, (), (), ()
    )
    assert replay.store(KEY, new, results)
    stored = replay.load(tmp_path, KEY)
    assert stored is not None
    assert stored.record == new


def test_what_was_pickled_by_its_fields_loads_the_same() -> None:
    with written_by(outcome, "FileOutcome", OldOutcome):
        old_outcome = pickle.dumps(OldOutcome([], None, {3: "line"}, [], (1,), b"digest"))
    with written_by(cacheentry, "Entry", OldEntry):
        old_entry = pickle.dumps(
            OldEntry(10, 20, 30, b"c", b"blob", rules=frozenset({"TIM001"}), commented=True)
        )
    assert pickle.loads(old_outcome) == outcome.FileOutcome([], None, {3: "line"}, [], (1,), b"digest")
    assert pickle.loads(old_entry) == cacheentry.Entry(
        10, 20, 30, b"c", b"blob", rules=frozenset({"TIM001"}), commented=True
    )
