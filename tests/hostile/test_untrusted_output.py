"""Output on untrusted pull requests: values are shown, never executed; related places are capped.

Campaign files, policy files and file names come from whoever opens the pull
request. Each reproducer below is a fixture: values and file names that hold
ESC sequences, a line feed followed by ``::error::``, CR, C1 controls and a
right-to-left override; 4,000 copies of one campaign id; a stdout that
cannot be written. The tests assert the mechanism (the escaping, the cap and
its count, the exit code), not times: the subprocess timeout is a backstop.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from campaign_lint.cli.reporters import SHOWN_RELATED, SHOWN_RELATED_TEXT
from campaign_lint.core.display import json_text, line_start, shown
from campaign_lint.core.findings import RELATED_KEPT, Finding, Related, Severity, Span
from campaign_lint.lint.report import Results, narrow
from tests.hostile.test_hostile import TODAY, VALID, repo, run_cli, write

# Everything core.display escapes, one of each kind.
ESC_CLEAR = "\x1b[2J\x1b[H"  # clears a terminal
OSC_TITLE = "\x1b]0;owned\x07"  # sets a window title
CSI_C1 = "\x9b31m"  # C1 CSI: an escape sequence without ESC
RLO = "\u202e"  # right-to-left override: reads backwards
FORGED = "\n::error file=x.yaml::forged annotation\nAll clear: no findings in 1 file (0.00s).\n"
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
# What a workflow runner takes for a command: a line starting with `::` after spaces.
COMMAND_LINE = re.compile(r"^\s*::", re.M)
OWN_COMMAND = re.compile(r"^::(error|warning|notice) file=[^\n]*::[^\n]*$")

# A campaign whose values carry the sequences (YAML escapes: the file itself is plain ASCII).
HOSTILE_CAMPAIGN = r"""version: 1
id: "\e[2J\n::error::forged\r\u202eevil\x9b31m"
"unknown\e]0;owned\a\n::warning::key": 1
"""
# File names hold the same (Linux allows any byte but `/` and NUL).
HOSTILE_NAMES = (
    f"campaigns/{ESC_CLEAR}{FORGED}.yaml",
    f"campaigns/{OSC_TITLE}{RLO}lmy.yaml",
    "::warning file=a.yaml::forged from a file name.yaml",
    " ::notice::indented.yaml",
)


def _check_hostile(tmp_path: Path, output_format: str) -> str:
    """The output of ``check --format output_format`` on the hostile files; nothing raw on stdout or stderr."""
    root = repo(tmp_path)
    for name in HOSTILE_NAMES:
        write(root / name, HOSTILE_CAMPAIGN)
    args = ["check", "campaigns", *HOSTILE_NAMES[2:], "--no-cache", TODAY, "--format", output_format]
    result = run_cli(root, args)
    assert result.returncode == 1, result.stderr
    _assert_nothing_raw(result.stdout)
    _assert_nothing_raw(result.stderr)
    return result.stdout


def _assert_nothing_raw(text: str) -> None:
    found = RAW.search(text)
    assert found is None, (
        f"raw {found.group()!r} at {found.start()}: {text[max(0, found.start() - 60) : found.end() + 20]!r}"
    )


# --- the escaping function -------------------------------------------------------------------


def test_shown_makes_every_control_bidi_and_separator_character_visible() -> None:
    unsafe = [
        *map(chr, range(0x00, 0x20)),
        *map(chr, range(0x7F, 0xA0)),
        "\u061c",
        "\u200e",
        "\u200f",
        *map(chr, range(0x2028, 0x202F)),
        *map(chr, range(0x2066, 0x206A)),
        "\ud800",
        "\udcff",
        "\ufffe",
        "\uffff",
    ]
    for char in unsafe:
        out = shown(f"a{char}b")
        expected = f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
        assert out == f"a{expected}b"
        assert out.isascii()
        assert out.isprintable()
    assert shown(ESC_CLEAR + FORGED) == (
        "\\x1b[2J\\x1b[H\\x0a::error file=x.yaml::forged annotation\\x0a"
        "All clear: no findings in 1 file (0.00s).\\x0a"
    )


@pytest.mark.parametrize(
    "text", ["plain ascii: 100% sure", "", "ünïcödé ✓ 😀 日本語 \u00a0nbsp", "zero\u200dwidth joiner"]
)
def test_shown_leaves_printable_text_alone_without_copying(text: str) -> None:
    assert shown(text) == text
    if text.isprintable():
        assert shown(text) is text  # the fast path: no scan, no copy


def test_line_start_keeps_a_value_from_starting_a_workflow_command() -> None:
    assert line_start("::error::x") == "\\x3a:error::x"
    assert line_start("  \t::stop-commands::t") == "  \\x09::stop-commands::t"  # the tab is shown: no command
    assert line_start("\u00a0::warning::x") == "\u00a0\\x3a:warning::x"
    assert line_start("campaigns/a::b.yaml") == "campaigns/a::b.yaml"
    assert line_start(":single") == ":single"


@pytest.mark.parametrize(
    "text", ["plain", ESC_CLEAR + FORGED, OSC_TITLE + RLO + CSI_C1, "\udcff\udc80 \ud800x", "\u2028\x7f"]
)
def test_json_text_keeps_the_value_and_writes_nothing_raw(text: str) -> None:
    encoded = json_text(json.dumps({"v": text, "ü": [text]}, ensure_ascii=False))
    _assert_nothing_raw(encoded)
    assert json.loads(encoded) == {"v": text, "ü": [text]}


# --- human-facing formats: text, github, junit -------------------------------------------------


@pytest.mark.slow  # runs the CLI in a subprocess
def test_text_output_shows_hostile_values_and_file_names(tmp_path: Path) -> None:
    out = _check_hostile(tmp_path, "text")
    assert not COMMAND_LINE.search(out)
    # The forged summary is inside an escaped value, on a line of its own only once: the real one.
    summaries = [line for line in out.splitlines() if line.startswith(("All clear", "Found "))]
    assert len(summaries) == 1
    assert summaries[0].startswith("Found ")
    assert out.splitlines()[-1] == summaries[0]
    assert "`\\x1b[2J\\x0a::error::forged\\x0d\\u202eevil\\x9b31m` is not a valid `id`" in out
    assert "`unknown\\x1b]0;owned\\x07\\x0a::warning::key` is not a campaign field" in out
    assert "campaigns/\\x1b[2J\\x1b[H\\x0a::error" in out  # the file name, in headers
    assert "campaigns/\\x1b]0;owned\\x07\\u202elmy.yaml:" in out
    assert "\\x3a:warning file=a.yaml::forged from a file name.yaml:" in out
    assert " \\x3a:notice::indented.yaml:" in out
    # The source excerpt is escaped too, its caret still under the value.
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if "is not a valid `id`" in line)
    source, caret = lines[header + 1], lines[header + 2]
    assert source.startswith('  2 | id: "\\e[2J')  # the file's own text: YAML escapes, already visible
    assert caret.index("^") == source.index('"')


@pytest.mark.slow  # runs the CLI in a subprocess
def test_github_format_writes_only_its_own_commands(tmp_path: Path) -> None:
    lines = _check_hostile(tmp_path, "github").splitlines()
    assert lines
    for line in lines:
        assert OWN_COMMAND.match(line), line
    assert any("file=campaigns/\\x1b[2J\\x1b[H\\x0a%3A%3Aerror" in line for line in lines)
    assert any("::`\\x1b[2J\\x0a::error::forged\\x0d\\u202eevil\\x9b31m` is not" in line for line in lines)


@pytest.mark.slow  # runs the CLI in a subprocess
def test_junit_is_well_formed_and_shows_hostile_values(tmp_path: Path) -> None:
    out = _check_hostile(tmp_path, "junit")
    assert not COMMAND_LINE.search(out)
    tree = ET.fromstring(out.encode("utf-8"))
    names = {suite.get("name") for suite in tree.iter("testsuite")}
    assert "campaigns/\\x1b]0;owned\\x07\\u202elmy.yaml" in names
    messages = [failure.get("message") or "" for failure in tree.iter("failure")]
    assert any("`\\x1b[2J\\x0a::error::forged\\x0d\\u202eevil" in message for message in messages)


@pytest.mark.slow  # runs the CLI in a subprocess
def test_policy_values_on_stderr_are_one_line_each_and_start_no_command(tmp_path: Path) -> None:
    root = repo(tmp_path)
    write(
        root / "campaign-lint.yaml",
        'version: 1\nfail_on: "x\\n::stop-commands::pwned\\e[2J"\nrules:\n  "BAD\\n::error::forged\\u202e": off\n',
    )
    write(root / "campaigns" / "ok.yaml", VALID)
    result = run_cli(root, ["check", "--no-cache", "--format", "github", TODAY])
    assert result.returncode == 2
    assert result.stdout == ""
    _assert_nothing_raw(result.stderr)
    assert not COMMAND_LINE.search(result.stderr)
    assert "`x\\x0a::stop-commands::pwned\\x1b[2J`" in result.stderr


def test_campaign_lint_test_output_shows_values() -> None:
    from campaign_lint.cli.policytest_output import render
    from campaign_lint.lint.policytests import Actual, CaseResult, SuiteResult
    from campaign_lint.schemas.policytest import Expectation

    hostile = ESC_CLEAR + FORGED + RLO
    case = CaseResult(
        name=f"case {hostile}",
        matched=(),
        missing=(Expectation(rule="TIM001", file=f"{hostile}.yaml", message=hostile),),
        unexpected=(Actual("TIM002", f"{hostile}.yaml", 3, 1, "error", hostile),),
        seconds=0.0,
    )
    results = [SuiteResult(path=f"tests/{hostile}.test.yaml", cases=(case,))]
    text = render(results, "text")
    _assert_nothing_raw(text)
    assert not COMMAND_LINE.search(text)
    assert text.splitlines()[-1] == "0 passed, 1 failed"
    junit = render(results, "junit")
    _assert_nothing_raw(junit)
    ET.fromstring(junit.encode("utf-8"))


# --- machine formats: exact values, escaped by the encoder --------------------------------------


@pytest.mark.slow  # runs the CLI in a subprocess
@pytest.mark.parametrize("output_format", ["json", "sarif", "gitlab"])
def test_machine_formats_keep_values_exact_and_write_no_raw_character(
    tmp_path: Path, output_format: str
) -> None:
    out = _check_hostile(tmp_path, output_format)
    assert out.isascii()
    report = json.loads(out)
    text = json.dumps(report, ensure_ascii=False)
    value = "\x1b[2J\n::error::forged\r\u202eevil\x9b31m"
    assert json.dumps(value, ensure_ascii=False)[1:-1] in text  # the value itself, not an escaped copy
    if output_format != "sarif":  # SARIF has URIs: %-quoted
        assert json.dumps(HOSTILE_NAMES[0], ensure_ascii=False)[1:-1] in text


@pytest.mark.parametrize("output_format", ["json", "sarif", "gitlab"])
def test_machine_formats_write_a_file_name_that_is_not_utf8(output_format: str) -> None:
    """A name read with surrogate escapes (``\\xff`` on disk): escaped, never a crash while writing."""
    from campaign_lint.cli.reporters import get_reporter
    from campaign_lint.lint.report import Report

    path = "campaigns/not-utf8-\udcff.yaml"
    related = (Related(path, 1, 1, "also \udcff"),)
    finding = Finding("SPEC003", Severity.ERROR, "m \udcff", path, Span(1, 1, 1, 2), related=related)
    out = get_reporter(output_format)(
        Report([finding], 1, 0.0, paths=(path,)), color=False, quiet=False, show_suppressed=False
    )
    assert out.isascii()
    out.encode("utf-8")  # strict: what stdout and files do
    assert "m \udcff" in json.dumps(json.loads(out), ensure_ascii=False)


# --- related places: 4,000 copies of one id ---------------------------------------------------

COPIES = 4_000


def _copies(root: Path) -> None:
    """``COPIES`` files with one campaign id (SPEC003), also one sms trigger (FRQ004)."""
    campaigns = root / "campaigns"
    for index in range(COPIES):
        write(campaigns / f"c{index:04d}.yaml", VALID)


@pytest.mark.slow  # runs the CLI in a subprocess
def test_4000_copies_of_one_id_cap_the_related_places_in_every_format(tmp_path: Path) -> None:
    root = repo(tmp_path)
    _copies(root)
    outputs = {
        "json": "r.json",
        "sarif": "r.sarif",
        "gitlab": "r.gitlab",
        "junit": "r.xml",
        "github": "r.github",
    }
    args = ["check", "campaigns", "--no-cache", TODAY]
    for name, file in outputs.items():
        args += ["--format", name, "--output", file]
    result = run_cli(root, [*args, "--format", "text"], timeout=180)
    assert result.returncode == 1, result.stderr
    others = COPIES - 1

    findings = json.loads((root / "r.json").read_text(encoding="utf-8"))["findings"]
    duplicates = [finding for finding in findings if finding["rule"] == "SPEC003"]
    assert len(duplicates) == COPIES
    for finding in findings:
        assert len(finding["related"]) <= RELATED_KEPT
    for finding in duplicates:
        assert len(finding["related"]) == RELATED_KEPT
        assert finding["related_omitted"] == others - RELATED_KEPT
        assert finding["message"].endswith(f" and {others - 5:,} more")
        assert finding["message"].count("campaigns/") == 5
    (texts,) = [finding for finding in findings if finding["rule"] == "FRQ004"]
    # Every other copy is related to the one the finding sits on.
    assert (len(texts["related"]), texts["related_omitted"]) == (RELATED_KEPT, others - RELATED_KEPT)

    out = result.stdout
    blocks = out.split("\n\n")[:-1]
    assert len(blocks) == len(findings)
    for block in blocks:
        assert block.count("\n  related: ") <= SHOWN_RELATED_TEXT + 1
    assert f"  related: and {others - SHOWN_RELATED_TEXT:,} more\n" in out
    assert len(out) < 1_500 * len(findings)  # linear: at most a few lines per finding

    sarif = json.loads((root / "r.sarif").read_text(encoding="utf-8"))
    for found in sarif["runs"][0]["results"]:
        assert len(found.get("relatedLocations", ())) <= SHOWN_RELATED
        if found["ruleId"] == "SPEC003":
            assert found["properties"]["relatedOmitted"] == others - SHOWN_RELATED
            assert found["message"]["text"].endswith(
                f"({others - SHOWN_RELATED:,} more related locations are not listed)"
            )
    gitlab = json.loads((root / "r.gitlab").read_text(encoding="utf-8"))
    bodies = [issue["content"]["body"] for issue in gitlab if issue["check_name"] == "SPEC003"]
    assert all(body.count("related: ") == RELATED_KEPT + 1 for body in bodies)
    assert all(f"related: and {others - RELATED_KEPT:,} more" in body for body in bodies)
    github = (root / "r.github").read_text(encoding="utf-8").splitlines()
    assert len(github) == len(findings)
    assert all(line.count("%0Arelated: ") <= SHOWN_RELATED + 1 for line in github)
    junit = ET.fromstring((root / "r.xml").read_bytes())
    assert all(
        (failure.text or "").count("\nrelated: ") <= SHOWN_RELATED + 1 for failure in junit.iter("failure")
    )


@pytest.mark.slow  # runs the CLI in a subprocess
def test_a_focused_run_keeps_a_finding_whose_related_place_was_left_out(tmp_path: Path) -> None:
    """pre-commit and --changed-since: a changed file among the uncounted places still brings the finding."""
    root = repo(tmp_path)
    # No personas: the built-in ones walk every event a campaign starts from (`back_in_stock` too).
    write(root / "campaign-lint.yaml", b"version: 1\n")
    count = RELATED_KEPT + 10
    for index in range(count):
        text = VALID.replace(b"id: back-in-stock-sms", f"id: back-in-stock-{index}".encode())
        write(root / "campaigns" / f"c{index:03d}.yaml", text)
    last = f"campaigns/c{count - 1:03d}.yaml"
    result = run_cli(root, ["check", last, "--no-cache", "--format", "json", TODAY], timeout=60)
    findings = json.loads(result.stdout)["findings"]
    (texts,) = [finding for finding in findings if finding["rule"] == "FRQ004"]
    assert texts["path"] == "campaigns/c000.yaml"
    assert last not in {place["path"] for place in texts["related"]}
    assert texts["related_omitted"] == count - 1 - RELATED_KEPT


def test_narrowing_looks_at_the_places_left_out() -> None:
    kept = Finding(
        "SPEC003",
        Severity.ERROR,
        "m",
        "a.yaml",
        Span(1, 1, 1, 2),
        related=(Related("b.yaml", 1, 1, "r"),),
        related_omitted=2,
        involved=frozenset({"a.yaml", "b.yaml", "c.yaml", "d.yaml"}),
    )
    other = Finding("SPEC001", Severity.ERROR, "m", "e.yaml", Span(1, 1, 1, 2))
    results = Results([kept, other], [], {}, ("a.yaml", "b.yaml", "c.yaml", "d.yaml", "e.yaml"))
    assert narrow(results, {"d.yaml"}, 0.0, lines=False).findings == [kept]
    assert narrow(results, {"e.yaml"}, 0.0, lines=False).findings == [other]


# --- a stdout that cannot be written ---------------------------------------------------------


@pytest.mark.slow  # runs the CLI in a subprocess
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_a_full_stdout_is_exit_2_in_one_line(tmp_path: Path, output_format: str) -> None:
    root = repo(tmp_path)
    write(root / "campaigns" / "list.yaml", "- not a campaign\n")
    with open("/dev/full", "w", encoding="utf-8") as full:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "campaign_lint",
                "check",
                "campaigns",
                "--no-cache",
                "--format",
                output_format,
            ],
            cwd=root,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert (
        result.stderr == "campaign-lint: error: cannot write the report to stdout (No space left on device)\n"
    )
