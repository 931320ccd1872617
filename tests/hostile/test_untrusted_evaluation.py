"""Untrusted pull requests: evaluating policies and campaigns is bounded (no leak, no bypass, no stall).

Each case builds its reproducer in ``tmp_path`` and asserts the mechanism
that bounds it: a registry that refuses to fetch, a regular expression
engine without backtracking, a size cap, a step budget, a parse of CEL, a
worker stopped at its deadline. The subprocess timeouts are a backstop
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
from tests.helpers import as_a_terminal_job
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

    from campaign_lint.policies.schemacheck import regex as _regex

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


# -- 11. CEL: nesting measured on a parse, inputs capped, evaluation stopped at a deadline -----------

LIST = "[1, 2, 3]"
THREE_DEEP = f"{LIST}.map(a, {LIST}.map(b, {LIST}.map(c, a + b + c)))"


@pytest.mark.parametrize(
    ("expression", "depth"),
    [
        (THREE_DEEP, 3),
        # The bypasses of the old bracket scan: a 16-character look-back and a naive string scanner.
        (f"{LIST}.map(a, {LIST}.map{' ' * 20}(b, {LIST}.map(c, a + b + c)))", 3),
        (f"{LIST}.map(a, {LIST}.map // a comment\n (b, {LIST}.map(c, a + b + c)))", 3),
        (f"{LIST}.map(a, {LIST}.\n  map(b, {LIST}.map(c, a + b + c)))", 3),
        (f"r'\\\\' + string({THREE_DEEP})", 3),  # a raw string ending in a backslash
        (f"size(r'''\\''') + size({THREE_DEEP})", 3),
        (f"b'\\\\' == b'' || size({THREE_DEEP}) > 0", 3),
        (f"{LIST}.existsOne(a, {LIST}.all(b, {LIST}.exists(c, c == a)))", 3),
        (f"{{'k': {LIST}.map(a, {LIST}.filter(b, b > a))}}.k.size() > 0", 2),
        (f"'.map(' + \".all(\" + '''{THREE_DEEP}''' + r\"{THREE_DEEP}\"", 0),
        (f"{LIST}.map(a, a).map(b, b).filter(c, c > 1).all(d, d > 0)", 1),
        (f"// {THREE_DEEP}\n1 == 1", 0),
    ],
)
def test_macro_nesting_is_counted_on_a_parse(expression: str, depth: int) -> None:
    from campaign_lint.policies.celparse import macro_nesting
    from campaign_lint.policies.custom import load_cel

    load_cel().compile(expression)  # every case is CEL the library accepts
    assert macro_nesting(expression) == depth


def test_the_parser_reads_cel_tokens_not_characters() -> None:
    from campaign_lint.policies.celparse import tokens

    found = [(token.kind, token.text) for token in tokens("r'\\' + a.map // c\n(x, 0x1Fu + 1.5e3 - .5)")]
    assert found == [
        ("literal", "r'\\'"),
        ("operator", "+"),
        ("name", "a"),
        (".", "."),
        ("name", "map"),
        ("(", "("),
        ("name", "x"),
        (",", ","),
        ("literal", "0x1Fu"),
        ("operator", "+"),
        ("literal", "1.5e3"),
        ("operator", "-"),
        ("literal", ".5"),
        (")", ")"),
    ]


def _custom_rule(expression: str, rule_id: str = "ORG001") -> str:
    escaped = expression.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return (
        f"  - id: {rule_id}\n    description: d\n"
        f'    assert: "{escaped}"\n    message: "{{id}} breaks {rule_id}"\n'
    )


@pytest.mark.parametrize(
    "expression",
    [
        f"{LIST}.map(a, {LIST}.map{' ' * 20}(b, {LIST}.map(c, a + b + c))).size() > 0",
        f"{LIST}.map(a, {LIST}.map // c\n(b, {LIST}.map(c, a + b + c))).size() > 0",
        f"r'\\\\' + string({THREE_DEEP}) != ''",
    ],
    ids=["spaces", "comment", "raw-string"],
)
@pytest.mark.slow
def test_the_nesting_bypasses_are_policy_errors(tmp_path: Path, expression: str) -> None:
    root = make_repo(tmp_path, "version: 1\ncustom_rules:\n" + _custom_rule(expression))
    result = run_cli(root, "check")
    one_line_each(result.stderr)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "campaign-lint.yaml:5:13: `assert` of ORG001 nests list macros (all, exists, map, filter) 3 deep; "
        "at most 2 are allowed"
    ), result.stderr


def _evaluator(*expressions: str) -> Any:
    from campaign_lint.policies.custom import Evaluator, compile_rules
    from campaign_lint.schemas.policy import CustomRule

    rules = [
        CustomRule.model_validate(
            {"id": f"ORG00{index}", "description": "d", "assert": expression, "message": "{id} broke it"}
        )
        for index, expression in enumerate(expressions, start=1)
    ]
    return Evaluator(compile_rules(rules, lambda path: "policy:1:1"), {})


def test_inputs_over_the_caps_are_not_handed_to_cel() -> None:
    from campaign_lint.policies.custom import MAX_ITEMS, MAX_STRING, MAX_VALUES

    evaluator = _evaluator("size(campaign['x-list']) > 0", "campaign.id == 'c'", "size(campaign) > 0")
    big = {"id": "c", "x-list": list(range(MAX_ITEMS + 1))}
    found = {rule.id: violation.message for rule, violation in evaluator.check(big)}
    assert evaluator.context.variables["campaign"] == {"id": "c"}  # the list never reached CEL
    reason = f"`x-list` has {MAX_ITEMS + 1:,} entries, more than the {MAX_ITEMS:,} custom rules read"
    assert found == {
        "ORG001": f"c broke it (could not check: {reason})",
        "ORG003": f"c broke it (could not check: {reason})",  # reads the whole campaign
    }  # ORG002 reads only `id`: checked, and it holds
    assert evaluator.check({"id": "c", "x-list": [1]}) == []
    for value, what in (
        ("x" * (MAX_STRING + 1), f"`x-list` has {MAX_STRING + 1:,} characters"),
        ([{"k": "x" * (MAX_STRING + 1)}], f"`x-list.0.k` has {MAX_STRING + 1:,} characters"),
        (
            [list(range(900)) for _ in range(MAX_VALUES // 900 + 1)],
            f"`x-list` holds more than the {MAX_VALUES:,} values",
        ),
    ):
        found = {rule.id: v.message for rule, v in evaluator.check({"id": "c", "x-list": value})}
        assert what in found["ORG001"]


@pytest.mark.slow
def test_ordinary_policies_get_the_same_results_in_the_watched_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's five rules over the example campaigns: in this process and watched, the same."""
    import importlib.util

    from campaign_lint.lint import pool
    from campaign_lint.lint.config import load_settings
    from campaign_lint.lint.discovery import discover
    from campaign_lint.lint.pipeline import FilePipeline

    spec = importlib.util.spec_from_file_location("bench_corpus", EXAMPLES.parent / "bench" / "corpus.py")
    assert spec is not None
    assert spec.loader is not None
    corpus = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, corpus)  # its dataclasses look themselves up there
    spec.loader.exec_module(corpus)
    root = make_repo(
        tmp_path, corpus.POLICY, {p.name: p.read_text() for p in (EXAMPLES / "campaigns").glob("*.yaml")}
    )
    settings = load_settings(root / "campaign-lint.yaml", root)
    assert len(settings.custom_rules) == 5
    files = list(discover([root / "campaigns"], settings.scope()))
    pipeline = FilePipeline(settings)
    here = [pipeline.lint_file(source).findings for source in files]
    watched = [outcome.findings for outcome in pool.outcomes(pipeline, files, 2)]
    assert watched == here
    # The workers of big runs (whole files linted in them) give the same.
    from campaign_lint.lint import watchdog

    assert [outcome.findings for outcome in watchdog.outcomes(pipeline, files, 2, 2)] == here
    assert any(finding.rule.startswith("ORG") for findings in here for finding in findings)


# Cubic in the list in the CEL library: with 1,000 items it runs for many minutes.
SLOW = "campaign['x-l'].map(a, campaign['x-l'].map(b, a + b)).size() > 0"
SLOW_POLICY = (
    "version: 1\ncustom_rules:\n" + _custom_rule(SLOW) + _custom_rule("campaign.id == 'x'", "ORG002")
)


def _slow_campaigns(count: int) -> dict[str, str]:
    items = "".join(f"  - {index}\n" for index in range(1000))
    return {
        f"c{number}.yaml": VALID.replace("id: back-in-stock-sms", f"id: c{number}") + "x-l:\n" + items
        for number in range(count)
    }


@pytest.mark.slow
def test_a_rule_past_the_deadline_is_stopped_and_reported(tmp_path: Path) -> None:
    root = make_repo(tmp_path, SLOW_POLICY, _slow_campaigns(1))
    result = run_cli(root, "check")
    one_line_each(result.stdout + result.stderr)
    assert result.returncode == 1
    assert re.search(
        r"^campaigns/c0\.yaml:\d+:\d+: ORG001 \[error\] c0 breaks ORG001 \(could not check: it ran for more than "
        r"1 s on this campaign, the limit for custom rules; make the rule do less work\)$",
        result.stdout,
        re.M,
    ), result.stdout
    # The campaign's other rules ran as usual.
    assert re.search(r"^campaigns/c0\.yaml:\d+:\d+: ORG002 \[error\] c0 breaks ORG002$", result.stdout, re.M)


@pytest.mark.slow
def test_the_watchdog_kills_the_worker_and_hands_the_chunk_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mechanism, in this process: the late worker is killed, a new one relints its chunk.

    (Runs of fewer than ``pool.PARALLEL_MIN_FILES`` files evaluate only CEL in their
    worker: ``test_watched_workers.py`` has the same case for them.)
    """
    from campaign_lint.lint import watchdog
    from campaign_lint.lint.config import load_settings
    from campaign_lint.lint.discovery import discover
    from campaign_lint.lint.pipeline import FilePipeline

    root = make_repo(tmp_path, SLOW_POLICY, {**_slow_campaigns(1), "ok.yaml": VALID})
    settings = load_settings(root / "campaign-lint.yaml", root)
    files = list(discover([root / "campaigns"], settings.scope()))
    ended: list[tuple[int, int | None]] = []
    replace = watchdog._Supervisor._replace

    def spy(self: Any, worker: Any, chunk: Any) -> Any:
        again = replace(self, worker, chunk)
        ended.append((worker.process.pid, worker.process.exitcode))
        return again

    monkeypatch.setattr(watchdog._Supervisor, "_replace", spy)
    monkeypatch.setattr(watchdog, "DEADLINE", 0.2)
    outcomes = list(watchdog.outcomes(FilePipeline(settings), files, 1, 16))
    assert [pid_code[1] for pid_code in ended] == [-9]  # SIGKILL, once
    messages = [finding.message for outcome in outcomes for finding in outcome.findings]
    assert "c0 breaks ORG001 (could not check: it ran for more than 0.2 s on this campaign, " in "".join(
        messages
    )
    assert len(outcomes) == 2


@pytest.mark.slow
def test_a_policy_too_costly_for_every_campaign_ends_the_run(tmp_path: Path) -> None:
    root = make_repo(tmp_path, SLOW_POLICY, _slow_campaigns(4))
    result = run_cli(root, "check")
    one_line_each(result.stderr)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 3
    for line in lines:
        assert re.match(
            r"campaign-lint\.yaml:5:13: custom rule ORG001 was stopped after 1 s on campaigns/c\d\.yaml; "
            r"after 3 stops the run ends",
            line,
        ), line


def _cpu_seconds(pid: int) -> float:
    """CPU time process ``pid`` used (0 when it has ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
@pytest.mark.slow
def test_ctrl_c_stops_a_running_cel_evaluation(tmp_path: Path) -> None:
    import signal
    import time

    # Twelve campaigns that each run into the 1 s watchdog: the run lasts several
    # seconds after the first worker is busy, so the interrupt always comes first,
    # however loaded the machine (with two, a busy machine could finish the run).
    root = make_repo(tmp_path, SLOW_POLICY, _slow_campaigns(12))
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "campaign_lint", "check", "--no-cache", TODAY],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
        preexec_fn=as_a_terminal_job,
    )
    try:
        workers: list[int] = []
        give_up = time.monotonic() + BACKSTOP
        while time.monotonic() < give_up:  # until a worker is busy inside the CEL library
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            workers = [int(pid) for pid in children]
            if workers and max(_cpu_seconds(pid) for pid in workers) > 0.3:
                break
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=BACKSTOP)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert err == "campaign-lint: interrupted\n"
    assert out == ""
    assert workers
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


@pytest.mark.slow
def test_an_error_in_a_watched_worker_reaches_the_main_process_with_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from campaign_lint.lint import pool
    from campaign_lint.lint.config import load_settings
    from campaign_lint.lint.discovery import discover
    from campaign_lint.lint.pipeline import FilePipeline
    from campaign_lint.policies.base import CampaignRule
    from campaign_lint.policies.registry import RULES

    def explode(*args: object) -> list[object]:
        raise ValueError("rule exploded")

    for rule in RULES:
        if issubclass(rule, CampaignRule):
            monkeypatch.setattr(rule, "check", explode)  # inherited by the forked worker
    root = make_repo(tmp_path, "version: 1\ncustom_rules:\n" + _custom_rule("campaign.id == 'x'"))
    settings = load_settings(root / "campaign-lint.yaml", root)
    files = list(discover([root / "campaigns"], settings.scope()))
    with pytest.raises(ValueError, match="rule exploded") as raised:
        list(pool.outcomes(FilePipeline(settings), files, 1))
    (note,) = raised.value.__notes__
    assert note.startswith("while checking ")
    assert note.endswith("campaigns/ok.yaml")
