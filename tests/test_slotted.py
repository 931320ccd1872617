"""The hand-written value classes (``core/slotted.py``) behave as the dataclasses they replace.

Equality, hash, repr, ``replace`` and pickling are compared with a frozen
dataclass of the same fields, and every class on the import path of a run
that lints is checked to list its fields in ``__slots__`` in the order of its
``__init__``'s parameters (what equality, repr and pickling follow).
"""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from pathlib import Path

import pytest

from campaign_lint.core.findings import Finding, Related, Severity, Span, Violation
from campaign_lint.core.fixes import Change, Remedy, Safety
from campaign_lint.core.slotted import Mutable, Slotted
from campaign_lint.core.suppressions import Suppression
from campaign_lint.lint.cache import Cache
from campaign_lint.lint.cacheentry import Entry
from campaign_lint.lint.controls import Controlled, Part
from campaign_lint.lint.discovery import Overlay, Scope, SourceFile
from campaign_lint.lint.outcome import FileOutcome
from campaign_lint.lint.overrides import FileRules
from campaign_lint.lint.policyfile import Layered, Origin
from campaign_lint.lint.portfolio import Member
from campaign_lint.lint.replay import Stored
from campaign_lint.lint.replaydelta import Delta
from campaign_lint.lint.replayrecord import Record
from campaign_lint.lint.report import Report, Results
from campaign_lint.lint.resolved import PathOverride, RuleChange, RuleSetting, Settings
from campaign_lint.lint.session import Linted
from campaign_lint.lint.signed import Signed
from campaign_lint.lint.survey import Survey
from campaign_lint.lint.targets import Targets
from campaign_lint.policies.base import (
    NoOptions,
    Placed,
    Pointer,
    PortfolioViolation,
    RuleContext,
    RuleDoc,
    RunFacts,
    Shared,
)
from campaign_lint.policies.capcount import CapCount
from campaign_lint.policies.celparse import Token
from campaign_lint.policies.custom import CompiledRule
from campaign_lint.policies.expect import Broken
from campaign_lint.policies.intent import Reading
from campaign_lint.policies.personas import Audiences
from campaign_lint.policies.plans import Plan
from campaign_lint.policies.pressure import Limits, Window
from campaign_lint.policies.profiles import Profile
from campaign_lint.policies.record import CampaignRecord
from campaign_lint.policies.senders import Sender
from campaign_lint.policies.timeline import Message, Persona, Timeline, Verdict
from campaign_lint.policies.view import PolicyView
from campaign_lint.policies.vocabulary import WordList
from campaign_lint.schemas.types import ClockTime, Duration, JourneyDay, Percentage

CLASSES = (
    Finding,
    Related,
    Violation,
    Change,
    Remedy,
    Suppression,
    Placed,
    Pointer,
    PortfolioViolation,
    RuleDoc,
    RunFacts,
    RuleContext,
    Broken,
    Reading,
    Profile,
    CampaignRecord,
    Sender,
    PolicyView,
    WordList,
    ClockTime,
    Duration,
    JourneyDay,
    Percentage,
    RuleSetting,
    RuleChange,
    PathOverride,
    Settings,
    Linted,
    Member,
    Controlled,
    Part,
    FileOutcome,
    FileRules,
    Layered,
    Origin,
    CapCount,
    Token,
    CompiledRule,
    Audiences,
    Plan,
    Limits,
    Window,
    Message,
    Persona,
    Timeline,
    Verdict,
    Cache,
    Entry,
    Overlay,
    Scope,
    SourceFile,
    Stored,
    Delta,
    Record,
    Report,
    Results,
    Signed,
    Survey,
    Targets,
)


@dataclasses.dataclass(frozen=True, slots=True)
class _Twin:
    """The dataclass ``Related`` was."""

    path: str
    line: int
    column: int
    message: str


def test_equality_hash_and_repr_are_a_dataclasses() -> None:
    one, twin = Related("a.yaml", 3, 1, "here"), _Twin("a.yaml", 3, 1, "here")
    assert one == Related("a.yaml", 3, 1, "here")
    assert one != Related("a.yaml", 4, 1, "here")
    assert one != twin  # another class, even with the same fields (as a dataclass)
    assert hash(one) == hash(twin) == hash(("a.yaml", 3, 1, "here"))
    assert repr(one) == repr(twin).replace("_Twin", "Related")
    assert len({one, Related("a.yaml", 3, 1, "here")}) == 1


def test_replace_makes_a_changed_copy() -> None:
    finding = Finding("MET001", Severity.ERROR, "no metrics", "a.yaml", Span(1, 1, 1, 5))
    moved = finding.replace(span=Span(2, 1, 2, 5))
    assert moved.span == Span(2, 1, 2, 5)
    assert (moved.rule, moved.message) == (finding.rule, finding.message)
    assert finding.span == Span(1, 1, 1, 5)
    with pytest.raises(TypeError):
        finding.replace(nonsense=1)


def test_pickled_by_their_fields() -> None:
    fix = Remedy("Set it", Safety.SAFE, (Change("set", ("a",), 1),))
    finding = Finding(
        "MET001", Severity.ERROR, "m", "a.yaml", Span(1, 1, 1, 2), related=(Related("b", 1, 1, "x"),), fix=fix
    )
    assert pickle.loads(pickle.dumps(finding)) == finding
    assert pickle.loads(pickle.dumps(ClockTime(540))) == ClockTime(540)


def test_clock_times_are_ordered() -> None:
    early, late = ClockTime(8 * 60), ClockTime(21 * 60)
    assert early < late
    assert early <= late
    assert late > early
    assert late >= early
    assert sorted([late, early]) == [early, late]
    assert max(early, late) is late
    with pytest.raises(TypeError):
        _ = early < 3


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_slots_are_the_init_parameters_in_order(cls: type[Slotted]) -> None:
    parameters = list(inspect.signature(cls.__init__).parameters)[1:]
    assert list(cls.__slots__) == parameters
    assert not dataclasses.is_dataclass(cls)
    assert issubclass(cls, Slotted)


def test_a_rule_context_is_equal_whatever_its_pass() -> None:
    """As the dataclass's ``compare=False`` fields: what a pass shares is not what the rule is told."""
    view, options = PolicyView(), NoOptions.model_construct()
    alone, in_a_pass = RuleContext(view, options), RuleContext(view, options, Shared())
    assert alone == in_a_pass
    assert in_a_pass.replace(shared=None) == alone
    assert RuleContext(PolicyView(activity_metrics=frozenset({"opens"})), options) != alone


def test_a_mutable_one_is_compared_by_value_but_not_hashable() -> None:
    """As a dataclass that is not frozen: equal by its fields, no hash (it may change)."""
    one = Member("a.yaml", None, b"blob")
    assert one == Member("a.yaml", None, b"blob")
    assert one != Member("b.yaml", None, b"blob")
    assert isinstance(one, Mutable)
    with pytest.raises(TypeError, match="unhashable"):
        hash(one)
    one.blob = b"other"
    assert one.replace(blob=b"blob") == Member("a.yaml", None, b"blob")


def test_a_scope_is_equal_whatever_it_has_matched() -> None:
    """As the dataclass's ``compare=False, repr=False`` field: ``answers`` only remembers what the globs decide."""
    scope = Scope(Path("/repo"), None, ("campaigns/**/*.yaml",), (), frozenset({"/repo/policy.yaml"}))
    matched = scope.replace(answers={"campaigns/a.yaml": (False, True)})
    assert matched == scope
    assert hash(matched) == hash(scope)
    assert (
        repr(matched)
        == repr(scope)
        == (
            "Scope(root=PosixPath('/repo'), policy_path=None, campaigns=('campaigns/**/*.yaml',), "
            "exclude=(), policy_files=frozenset({'/repo/policy.yaml'}))"
        )
    )
    assert scope != scope.replace(exclude=("drafts/**",))
    assert pickle.loads(pickle.dumps(matched)).answers == {"campaigns/a.yaml": (False, True)}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__qualname__)
def test_no_default_is_a_mutable_object_shared_by_every_instance(cls: type[Slotted]) -> None:
    """A dataclass's ``default_factory`` made a new list, dict or set per instance: written out, the default is None.

    A mutable default in ``__init__``'s signature would be one object for every
    instance made without the argument: filling one would fill them all.
    """
    shared = [
        name
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
        if isinstance(parameter.default, list | dict | set | bytearray)
    ]
    assert shared == []


def test_a_mutable_ones_defaults_are_its_own() -> None:
    """What the factories made: each instance made without them gets new, empty ones."""
    one, other = Layered(), Layered()
    one.files.append("campaign-lint.yaml")
    one.links.append(("/repo/campaign-lint.yaml", "/repo/policies/a.yaml"))
    one.data["version"] = 1
    assert (other.files, other.links, other.data) == ([], [], {})
    first, second = Part(), Part()
    first.kept.append(Finding("MET001", Severity.ERROR, "no metrics", "a.yaml", Span(1, 1, 1, 5)))
    assert second.kept == []
    assert first.exceptions is second.exceptions  # a frozenset: sharing it is as the dataclass did
