"""The report and the calendars as a person sees them: loaded in a real headless browser."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from campaign_lint.cli.entry import main
from tests.report.browser import OUTPUT, Visit, browser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = [pytest.mark.slow, pytest.mark.external]  # starts a browser


def _in_examples(tmp_path: Path, argv: list[str], code: int, page: str) -> Path:
    """Run ``argv`` in a copy of examples/ (exit ``code``); the page it wrote, ``page``."""
    repo = tmp_path / "examples"
    shutil.copytree(EXAMPLES, repo)
    old = Path.cwd()
    os.chdir(repo)
    try:
        assert main([*argv, "--no-cache", "--today", "2026-12-02"]) == code
    finally:
        os.chdir(old)
    return repo / page


def _examples_report(tmp_path: Path) -> Path:
    return _in_examples(tmp_path, ["report", "--quiet", "--html", "report.html"], 1, "report.html")


def test_the_report_renders_offline_without_errors_at_desktop_and_phone_width(tmp_path: Path) -> None:
    page_file = _examples_report(tmp_path)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with browser() as chromium:
        for name, width in (("desktop", 1280), ("phone", 390)):
            visit = Visit()
            page = chromium.new_page(viewport={"width": width, "height": 900})
            visit.watch(page)
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            assert page.get_by_test_id("campaign-count").inner_text() == "17"
            assert page.locator("#health figure").count() == 2
            # The personas of the examples' policy, each with its calendar drawn.
            assert page.locator(".persona-name").all_inner_texts() == ["late-parcel", "newsletter-reader"]
            assert page.locator("#personas figure.chart svg").count() == 2
            assert page.locator("#personas figure.chart svg").first.bounding_box()["height"] > 100  # type: ignore[index]
            assert visit.errors == []
            assert visit.requests == [page_file.as_uri()]  # the page itself, nothing else
            # No horizontal scrolling, even on a phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(OUTPUT / f"report-{name}.png"), full_page=True)
            page.close()


def test_the_simulate_calendars_render_offline_without_errors(tmp_path: Path) -> None:
    argv = ["simulate", "--format", "html", "--output", "calendars.html"]
    page_file = _in_examples(tmp_path, argv, 0, "calendars.html")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with browser() as chromium:
        visit = Visit()
        page = chromium.new_page(viewport={"width": 390, "height": 900})
        visit.watch(page)
        page.goto(page_file.as_uri())
        assert page.locator(".persona-name").all_inner_texts() == ["late-parcel", "newsletter-reader"]
        assert page.locator("figure.chart svg").count() == 2
        assert visit.errors == []
        assert visit.requests == [page_file.as_uri()]
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(OUTPUT / "simulate-phone.png"), full_page=True)
        page.close()


def test_the_page_prints_with_every_section_open(tmp_path: Path) -> None:
    page_file = _examples_report(tmp_path)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with browser() as chromium:
        page = chromium.new_page()
        page.goto(page_file.as_uri())
        closed = page.locator("details.campaign:not([open]) dl.says").first
        explanation = page.locator("details.rule-doc .doc").first
        assert not closed.is_visible()  # on screen, a closed section is closed
        page.emulate_media(media="print")
        assert closed.is_visible()
        assert explanation.is_visible()
        assert page.locator("nav").is_hidden()
        page.pdf(path=str(OUTPUT / "report.pdf"))
        page.close()


def test_every_control_is_reachable_with_tab(tmp_path: Path) -> None:
    page_file = _examples_report(tmp_path)
    # Every visible link and disclosure (a closed section's inner links are reached once it is opened).
    visible = "[...document.querySelectorAll('a[href], summary')].filter(e => e.checkVisibility())"
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(page_file.as_uri())
        controls = page.evaluate(f"{visible}.length")
        assert controls > 20
        reached = set()
        for _ in range(controls + 3):
            page.keyboard.press("Tab")
            reached.add(page.evaluate(f"{visible}.indexOf(document.activeElement)"))
        assert reached >= set(range(controls))
        page.close()
