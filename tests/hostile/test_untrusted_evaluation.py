"""Untrusted pull requests: evaluating policies and campaigns is bounded (no leak, no bypass, no stall).

Each case builds its reproducer in ``tmp_path`` and asserts the mechanism
that bounds it: a registry that refuses to fetch, a regular expression
engine without backtracking, a size cap, a step budget. The subprocess timeouts are a backstop
against a regression hanging the suite, never the assertion.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from campaign_lint.core import suppressions
from campaign_lint.core.errors import PolicyError
from tests.hostile.test_hostile import run_cli as run_bounded

EXAMPLES = Path(__file__).parents[2] / "examples"
VALID = (EXAMPLES / "campaigns" / "back-in-stock-sms.yaml").read_text(encoding="utf-8")
BACKSTOP = 60.0  # seconds; a case that needs it has regressed
TODAY = "--today=2026-11-22"


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``campaign-lint ARGS --no-cache`` in ``cwd``, bounded in time and memory."""
    return run_bounded(cwd, [*args, "--no-cache", TODAY], timeout=BACKSTOP)


def make_repo(tmp_path: Path, policy: str, campaigns: dict[str, str] | None = None) -> Path:
    """A repository with ``policy`` and campaigns (one valid campaign by default)."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "campaigns").mkdir()
    (root / "campaign-lint.yaml").write_text(policy, encoding="utf-8")
    for name, text in (campaigns or {"ok.yaml": VALID}).items():
        (root / "campaigns" / name).write_text(text, encoding="utf-8")
    return root


def one_line_each(output: str) -> None:
    """No traceback, no internal error: every problem is a line of its own."""
    assert "Traceback" not in output
    assert "internal error" not in output


# -- 7. Inline suppressions are read in linear time -----------------------------------------------

SPACES = 100_000


def test_suppression_comment_is_read_without_a_regular_expression() -> None:
    """The mechanism: a cursor over the line, no regular expression that could backtrack."""
    assert "re" not in vars(suppressions)
    assert not [value for value in vars(suppressions).values() if isinstance(value, re.Pattern)]


@pytest.mark.parametrize(
    ("line", "ids", "reason"),
    [
        ("# campaign-lint: disable=" + " " * SPACES, (), ""),
        ("id: a  # campaign-lint: disable=" + " " * SPACES + "FRQ002 -- why", ("FRQ002",), "why"),
        (
            "#" + " " * SPACES + "campaign-lint:" + " " * SPACES + "disable-file" + " " * SPACES + "=MET002",
            ("MET002",),
            "",
        ),
        (
            "# campaign-lint: disable=" + "FRQ002," * (SPACES // 7) + " -- " + " " * SPACES + "r",
            ("FRQ002",) * (SPACES // 7),
            "r",
        ),
    ],
    ids=["spaces-after-equals", "spaces-before-ids", "spaces-everywhere", "many-ids"],
)
def test_a_100000_space_suppression_comment_parses(line: str, ids: tuple[str, ...], reason: str) -> None:
    (found,) = suppressions.parse(line + "\n")
    assert found.ids == ids
    assert found.reason == reason


def test_many_hashes_on_one_line_are_read_once_each() -> None:
    """Each `#` is tried once and its work ends at the next `#`: 50,000 of them in one line."""
    line = "x: 1 " + " # campaign-lint: disable=A#" * 50_000
    assert suppressions.parse(line) == []
    assert suppressions.parse(line + " # campaign-lint: disable=FRQ002 -- ok")[0].ids == ("FRQ002",)


@pytest.mark.slow
def test_the_reproducer_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    campaign = VALID.replace("version: 1\n", "version: 1  # campaign-lint: disable=" + " " * SPACES + "\n")
    root = make_repo(tmp_path, "version: 1\n", {"spaces.yaml": campaign})
    result = run_cli(root, "check")
    one_line_each(result.stdout + result.stderr)
    assert re.search(r"^campaigns/spaces\.yaml:11:\d+: POL003 ", result.stdout, re.M), result.stdout[:2000]


# -- 3 and 12. `$ref` resolves inside the policy only; anything else is a positioned policy error --

SCHEMA_REF = "version: 1\nschema:\n  properties:\n    x-cost-center:\n      $ref: {ref}\n"
REF_AT = r"^campaign-lint\.yaml:5:13: "


@pytest.fixture
def silent_server() -> Iterator[tuple[str, list[object]]]:
    """An HTTP address that accepts connections and never answers; the list records each one."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    accepted: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            accepted.append(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/schema.json", accepted
    stop.set()
    thread.join()
    server.close()


@pytest.mark.slow
def test_a_remote_ref_is_refused_and_nothing_is_fetched(
    tmp_path: Path, silent_server: tuple[str, list[object]]
) -> None:
    address, accepted = silent_server
    root = make_repo(tmp_path, SCHEMA_REF.format(ref=address))
    result = run_cli(root, "check")
    one_line_each(result.stderr)
    assert result.returncode == 2
    assert re.match(
        REF_AT + re.escape(f"`$ref: {address}` refers to a document outside the policy"), result.stderr
    ), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert accepted == []  # no connection was even opened


@pytest.mark.parametrize("target", ["file:///dev/zero", "file:///etc/passwd", "fifo", "other.json"])
@pytest.mark.slow
def test_a_local_ref_is_refused_and_nothing_is_read(tmp_path: Path, target: str) -> None:
    if target == "fifo":
        fifo = tmp_path / "pipe.json"
        os.mkfifo(fifo)  # opening it for reading would block forever
        target = fifo.as_uri()
    root = make_repo(tmp_path, SCHEMA_REF.format(ref=target))
    (root / "other.json").write_text('{"type": "string"}', encoding="utf-8")
    result = run_cli(root, "check")
    one_line_each(result.stderr)
    assert result.returncode == 2
    assert re.match(REF_AT + re.escape(f"`$ref: {target}` refers to a document outside"), result.stderr)


def test_the_registry_refuses_every_address() -> None:
    """The mechanism: the validator's registry has a retrieve function that raises, for any URI."""
    from referencing.exceptions import NoSuchResource, Unresolvable

    from campaign_lint.policies.constraints import SchemaConstraints

    constraints = SchemaConstraints({"type": "object"}, lambda path: "policy:1:1")
    registry = constraints.validator._registry
    for uri in ("http://127.0.0.1:9/x", "file:///dev/zero", "https://example.com/s.json", "relative.json"):
        with pytest.raises(NoSuchResource):
            registry._retrieve(uri)
        with pytest.raises(Unresolvable):
            constraints.validator._resolver.lookup(uri)


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("'#/$defs/missing'", "`$ref: #/$defs/missing` points at nothing in the `schema:` block"),
        ("'#nowhere'", "`$ref: #nowhere` points at nothing in the `schema:` block"),
        ("'#'", "this reference leads back to itself without moving into the campaign"),
    ],
)
@pytest.mark.slow
def test_an_unresolvable_or_looping_ref_is_exit_2_not_a_bug(tmp_path: Path, ref: str, message: str) -> None:
    policy = "version: 1\nschema:\n  $defs: {code: {type: string}}\n  $ref: " + ref + "\n"
    root = make_repo(tmp_path, policy)
    result = run_cli(root, "check")
    one_line_each(result.stderr)
    assert result.returncode == 2
    assert result.stderr.startswith(f"campaign-lint.yaml:4:9: {message}"), result.stderr


@pytest.mark.slow
def test_refs_inside_the_policy_resolve_and_the_cache_sees_their_change(tmp_path: Path) -> None:
    policy = (
        "version: 1\nschema:\n  $defs:\n    code: {type: string, pattern: '^CC-'}\n"
        "  properties:\n    x-cost-center: {$ref: '#/$defs/code'}\n"
    )
    campaign = VALID.replace("version: 1\n", "version: 1\nx-cost-center: FIN-1\n")
    root = make_repo(tmp_path, policy, {"c.yaml": campaign})
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path / "user-cache")}

    def check() -> str:
        command = [sys.executable, "-m", "campaign_lint", "check", TODAY]
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=BACKSTOP)
        return done.stdout

    first = check()
    assert re.search(
        r"^campaigns/c\.yaml:12:16: SPEC005 \[error\] `x-cost-center`: 'FIN-1' does not match", first, re.M
    ), first
    (root / "campaign-lint.yaml").write_text(policy.replace("^CC-", "^FIN-"), encoding="utf-8")
    os.utime(root / "campaign-lint.yaml", (1, 1))  # an old time: the run may be recorded for replay
    second = check()
    assert "SPEC005" not in second, second


# -- 9. Schema evaluation is bounded: RE2, a linear uniqueItems, a size cap, a step budget ----------


def _constraints(schema: dict[str, Any]) -> Any:
    from campaign_lint.policies.constraints import SchemaConstraints

    return SchemaConstraints(schema, lambda path: "campaign-lint.yaml:" + ".".join(map(str, path)))


def test_patterns_run_on_a_regular_expression_engine_without_backtracking() -> None:
    import re2

    from campaign_lint.policies.constraints import _regex

    assert isinstance(_regex("^(a+)+$"), re2._Regexp)
    constraints = _constraints({"properties": {"x-code": {"pattern": "^(a+)+$"}}})
    (violation,) = constraints.check({"x-code": "a" * 100_000 + "!"})
    assert violation.path == ("x-code",)
    assert "does not match '^(a+)+$'" in violation.message
    assert len(violation.message) <= 300  # the 100,000 characters are not quoted whole


def test_pattern_properties_and_additional_properties_use_re2_too() -> None:
    constraints = _constraints(
        {"patternProperties": {"^x-(a+)+$": {"type": "string"}}, "additionalProperties": False}
    )
    found = list(constraints.check({"x-" + "a" * 50_000 + "!": 1}))
    assert len(found) == 1
    assert "Additional properties are not allowed" in found[0].message
    constraints = _constraints(
        {"patternProperties": {"^x-(a+)+$": {"type": "string"}}, "unevaluatedProperties": False}
    )
    found = list(constraints.check({"x-" + "a" * 50_000 + "!": 1, "x-aa": 1}))
    assert sorted(v.path for v in found) == [(), ("x-aa",)]


@pytest.mark.slow
def test_a_pattern_re2_cannot_run_is_a_positioned_policy_error(tmp_path: Path) -> None:
    policy = "version: 1\nschema:\n  properties:\n    x-code: {pattern: '^(?=a)(\\w)\\1$'}\n"
    root = make_repo(tmp_path, policy)
    result = run_cli(root, "check")
    one_line_each(result.stderr)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "campaign-lint.yaml:4:23: the pattern '^(?=a)(\\\\w)\\\\1$' cannot be used"
    )
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.slow
def test_the_backtracking_pattern_reproducer_is_a_finding(tmp_path: Path) -> None:
    policy = "version: 1\nschema:\n  properties:\n    x-code: {pattern: '^(a+)+$'}\n"
    campaign = VALID.replace("version: 1\n", "version: 1\nx-code: " + "a" * 100_000 + "!\n")
    root = make_repo(tmp_path, policy, {"c.yaml": campaign})
    result = run_cli(root, "check")
    one_line_each(result.stdout + result.stderr)
    assert re.search(
        r"^campaigns/c\.yaml:12:9: SPEC005 \[error\] `x-code`: 'aaa.*does not match", result.stdout, re.M
    )


def test_unique_items_hashes_instead_of_comparing_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mechanism: no pairwise `equal` (jsonschema's quadratic fallback for mappings) is ever called."""
    import jsonschema._utils

    from campaign_lint.policies.constraints import MAX_ITEMS

    def no_pairs(*args: object) -> bool:
        raise AssertionError("pairwise comparison")

    monkeypatch.setattr(jsonschema._utils, "equal", no_pairs)
    monkeypatch.setattr(jsonschema._utils, "uniq", no_pairs)
    constraints = _constraints({"properties": {"x-list": {"uniqueItems": True}}})
    items: list[Any] = [{"a": index, "b": [index, {"c": True}]} for index in range(MAX_ITEMS - 1)]
    assert list(constraints.check({"x-list": items})) == []
    (violation,) = constraints.check({"x-list": [*items, {"b": [3, {"c": True}], "a": 3.0}]})
    assert (
        violation.message
        == f"`x-list`: item {MAX_ITEMS - 1} repeats item 3; items must be unique (organisation schema)"
    )
    assert list(constraints.check({"x-list": [1, True, "1", [1], {"1": 1}]})) == []


@pytest.mark.slow
def test_the_unique_items_reproducer_is_a_too_large_finding(tmp_path: Path) -> None:
    """8,000 mappings (107 s before): over the cap of 1,000 entries, so one SPEC005 at the list."""
    policy = "version: 1\nschema:\n  properties:\n    x-list: {uniqueItems: true}\n"
    items = "".join(f"  - {{n: {index}}}\n" for index in range(8000))
    campaign = VALID.replace("version: 1\n", "version: 1\nx-list:\n" + items)
    root = make_repo(tmp_path, policy, {"c.yaml": campaign})
    result = run_cli(root, "check")
    one_line_each(result.stdout + result.stderr)
    assert re.search(
        r"^campaigns/c\.yaml:12:1: SPEC005 \[error\] `x-list` has 8,000 entries; your organisation's schema "
        r"is checked on lists and mappings of at most 1,000",
        result.stdout,
        re.M,
    ), result.stdout[:2000]


def test_a_schema_that_multiplies_its_work_stops_at_the_step_budget() -> None:
    """40 levels of `anyOf: [$ref next, $ref next]` would be 2^40 evaluations; the budget stops it."""
    from campaign_lint.policies.constraints import MAX_STEPS

    definitions: dict[str, Any] = {
        f"d{level}": {"anyOf": [{"$ref": f"#/$defs/d{level + 1}"}, {"$ref": f"#/$defs/d{level + 1}"}]}
        for level in range(40)
    }
    definitions["d40"] = {"type": "string"}
    constraints = _constraints({"$defs": definitions, "properties": {"x-a": {"$ref": "#/$defs/d0"}}})
    (violation,) = constraints.check({"x-a": 1})
    assert constraints.steps == MAX_STEPS + 1
    assert violation.path == ()
    assert violation.message == (
        f"checking this campaign against your organisation's schema takes more than {MAX_STEPS:,} steps, "
        "so it was not fully checked"
    )
    # The budget is per campaign: an ordinary one after it is checked in full.
    assert list(_constraints({"required": ["x-b"]}).check({"x-b": 1})) == []


def test_a_schema_policy_error_names_every_problem_on_its_own_line() -> None:
    with pytest.raises(PolicyError) as raised:
        _constraints(
            {
                "properties": {
                    "a": {"$ref": "https://example.com/a.json"},
                    "b": {"pattern": "(?<=x)y"},
                    "c": {"$ref": "#/$defs/none"},
                }
            }
        )
    problems = raised.value.problems
    assert len(problems) == 3
    assert all("\n" not in problem for problem in problems)
