"""`campaign-lint report --html`: the page's content, escaping, determinism and bad input."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from campaign_lint.cli.entry import main
from campaign_lint.cli.extras import require
from campaign_lint.core.errors import UsageError
from tests.helpers import loaded_by_check, pretend_missing

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
POLICY = "version: 1\ncampaigns: ['campaigns/**/*.yaml']\n"
GOOD = """version: 1
id: {id}
owner: crm@example.com
type: transactional
purpose: {purpose}
customer_value: Tells the customer when the parcel arrives.
channel: email
audience: {{segment: buyers, consent: opt_in}}
trigger: {{event: order.shipped}}
content: {{unsubscribe: one_click}}
success_metrics: [delivery_contacts_avoided]
"""


def _repo(tmp_path: Path, campaigns: dict[str, str]) -> Path:
    (tmp_path / "campaign-lint.yaml").write_text(POLICY, encoding="utf-8")
    folder = tmp_path / "campaigns"
    folder.mkdir()
    for name, text in campaigns.items():
        (folder / name).write_text(text, encoding="utf-8")
    return tmp_path


def _report(root: Path, *argv: str) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(root)
    try:
        code = main(["report", "--no-cache", "--quiet", "--html", "page.html", *argv])
    finally:
        os.chdir(old)
    page = root / "page.html"
    return code, page.read_text(encoding="utf-8") if page.exists() else ""


def test_the_examples_page_shows_health_campaigns_policy_and_rules(tmp_path: Path) -> None:
    code, page = _report(EXAMPLES, "--today", "2026-12-02")
    try:
        assert code == 1  # the examples fail the policy, as `check` says
        assert 'data-testid="campaign-count">17<' in page
        assert "Black Friday deal of the day" in page  # a campaign's own name
        assert "Win the biggest share of Black Friday week spending" in page  # its purpose, as written
        assert 'id="rule-TIM001"' in page
        assert "How to fix:" in page
        assert "Per channel, for one customer" in page
        # What customers receive: a calendar per built-in persona, drawn inline.
        assert '<h3 id="persona-1" class="persona-name">late-parcel</h3>' in page
        assert page.count("<svg") == 2
        # Worst first: a failing campaign comes before every clean one.
        assert page.index("badge failing") < page.index("badge clean")
    finally:
        (EXAMPLES / "page.html").unlink(missing_ok=True)


def test_campaign_text_is_escaped_and_the_page_allows_no_request(tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script><img src="https://evil.example/x.png">'
    root = _repo(tmp_path, {"a.yaml": GOOD.format(id="a", purpose=json.dumps(hostile))})
    code, page = _report(root)
    assert code == 0
    assert "<script" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "default-src 'none'" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def test_the_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    root = _repo(
        tmp_path, {"a.yaml": GOOD.format(id="a", purpose="Say when it arrives."), "b.yaml": "id: [\n"}
    )
    first = _report(root, "--today", "2026-12-02")[1]
    second = _report(root, "--today", "2026-12-02")[1]
    assert first == second


def test_a_file_that_is_not_yaml_is_a_failing_campaign_with_its_spec001_finding(tmp_path: Path) -> None:
    root = _repo(
        tmp_path, {"a.yaml": GOOD.format(id="a", purpose="Say when it arrives."), "broken.yaml": "id: [\n"}
    )
    code, page = _report(root)
    assert code == 1
    broken = page[page.index("campaigns/broken.yaml") - 400 :]
    assert "badge failing" in broken[:600]
    assert 'href="#rule-SPEC001"' in page


def test_an_invalid_policy_is_exit_2_with_the_same_one_line_error_as_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(tmp_path, {})
    (root / "campaign-lint.yaml").write_text("version: 1\nfail_on: sometimes\n", encoding="utf-8")
    code, page = _report(root)
    report_error = capsys.readouterr().err
    old = Path.cwd()
    os.chdir(root)
    try:
        assert main(["check", "--no-cache"]) == 2
    finally:
        os.chdir(old)
    assert code == 2
    assert page == ""
    assert report_error == capsys.readouterr().err
    assert "fail_on" in report_error
    assert "Traceback" not in report_error


def test_a_missing_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    pretend_missing(monkeypatch, "matplotlib")
    with pytest.raises(UsageError, match=r"pip install 'campaign-lint\[report\]'"):
        require("report", "campaign-lint report")


@pytest.mark.slow  # starts a Python
def test_check_imports_none_of_the_report_libraries() -> None:
    assert loaded_by_check(EXAMPLES, ("jinja2", "markdown_it", "matplotlib")) == []


def test_simulate_html_draws_the_calendars_of_the_json_object(tmp_path: Path) -> None:
    old = Path.cwd()
    os.chdir(EXAMPLES)
    try:
        html = tmp_path / "calendars.html"
        assert (
            main(["simulate", "--today", "2026-12-02", "--no-cache", "--format", "html", "-o", str(html)])
            == 0
        )
        assert (
            main(
                [
                    "simulate",
                    "--today",
                    "2026-12-02",
                    "--no-cache",
                    "--format",
                    "json",
                    "-o",
                    str(tmp_path / "s.json"),
                ]
            )
            == 0
        )
    finally:
        os.chdir(old)
    page = html.read_text(encoding="utf-8")
    drawn = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    for persona in drawn["personas"]:
        assert f'class="persona-name">{persona["name"]}<' in page
        assert f"All {len(persona['messages'])} messages, day by day" in page
    assert 'id="campaigns"' not in page  # the calendars alone
    for item in drawn["not_received"]:
        assert item["campaign"] in page


def test_simulate_html_without_the_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pretend_missing(monkeypatch, "jinja2")
    old = Path.cwd()
    os.chdir(EXAMPLES)
    try:
        assert main(["simulate", "--format", "html"]) == 2
    finally:
        os.chdir(old)
    assert "campaign-lint[report]" in capsys.readouterr().err


def test_a_campaign_that_links_out_of_the_repository_is_never_read_into_the_page(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(GOOD.format(id="secret", purpose="SECRET-PURPOSE"), encoding="utf-8")
    (tmp_path / "repo").mkdir()
    root = _repo(tmp_path / "repo", {"a.yaml": GOOD.format(id="a", purpose="Say when it arrives.")})
    (root / ".git").mkdir()
    (root / "campaigns" / "link.yaml").symlink_to(outside)
    code, page = _report(root)
    assert code == 1  # SPEC001 on the link
    assert "campaigns/link.yaml" in page
    assert "SECRET-PURPOSE" not in page
