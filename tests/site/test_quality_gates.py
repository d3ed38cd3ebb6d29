"""Quality gates on the real built site served on 127.0.0.1: accessibility (axe-core, WCAG 2.2 A/AA),
HTML validity (Nu HTML Checker), links and anchors, and page weight.

Run `pytest tests/site/test_quality_gates.py -s` to see the measured numbers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import VIEWS, explore_chart, site_pages
from quality_helpers import (
    KNOWN_HTML_ERRORS,
    PHONE,
    chart_pages,
    crawl_links,
    describe_violations,
    linkinator_command,
    open_page,
    representative_pages,
    run_axe,
    run_linkinator,
    run_vnu,
)

from scripts.paths import ROOT

SCHEMES = ["light", "dark"]


@pytest.fixture(scope="module")
def pages(site_dir) -> list[str]:
    return site_pages(site_dir)


def check_scheme(page, scheme: str, where: str) -> None:
    """The site follows the OS colour scheme: make sure the one under test is the one shown."""
    shown = page.evaluate("document.body.dataset.mdColorScheme")
    assert shown == {"light": "default", "dark": "slate"}[scheme], f"{where}: shows {shown!r}"


# -- 1. accessibility -------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.parametrize("page", [f"{s}-phone" for s in SCHEMES], indirect=True)
def test_axe_representative_pages_at_phone_width(page, base_url, pages):
    scheme = page.scheme
    failures = []
    for path in representative_pages(pages):
        open_page(page, base_url + path)
        check_scheme(page, scheme, path or "/")
        failures += describe_violations(f"{scheme} {PHONE['width']}px /{path}", run_axe(page))
    assert not failures, "\n".join(failures)
    assert not page.problems, page.problems


@pytest.mark.browser
@pytest.mark.parametrize("page", VIEWS, indirect=True)
def test_axe_open_search_menu_and_explored_charts(page, base_url):
    """What axe cannot see on a page as loaded: charts drawn by plotly.js, the search dialog, the phone menu."""
    scheme, viewport = page.scheme, page.viewport
    failures = []
    open_page(page, base_url)
    chart_ids = page.eval_on_selector_all("[data-chart]", "ns => ns.map(n => n.id.slice(6))")
    assert len(chart_ids) >= 2
    for chart_id in chart_ids:
        explore_chart(page, chart_id)
        failures += describe_violations(
            f"{scheme} {viewport['width']}px / {chart_id} explored", run_axe(page, f"#figure-{chart_id}")
        )
    # The search dialog, open with results in it (and the first result hovered: its tint).
    page.keyboard.press("/")
    page.keyboard.type("Calais")
    page.locator(".md-search-result__link").first.wait_for()
    page.locator(".md-search-result__link").first.hover()
    failures += describe_violations(f"{scheme} {viewport['width']}px search open", run_axe(page))
    # A best-practice rule, outside the WCAG tags, that the bare theme fails: the dialog's name.
    failures += describe_violations(
        f"{scheme} {viewport['width']}px search open", run_axe(page, rules=["aria-dialog-name"])
    )
    assert page.locator(".md-search[role=dialog]").get_attribute("aria-label"), "search dialog has no name"
    page.keyboard.press("Escape")
    if viewport == PHONE:
        page.locator("label.md-header__button[for='__drawer']").click()
        page.locator(".md-sidebar--primary").wait_for(state="visible")
        page.wait_for_timeout(300)  # the drawer slides in
        failures += describe_violations(f"{scheme} {viewport['width']}px menu open", run_axe(page))
    assert not failures, "\n".join(failures)
    assert not page.problems, page.problems


@pytest.mark.browser
def test_charts_are_described_and_reachable(page, base_url, site_dir, pages):
    """Each chart: its drawing is one named image, its question and answer are its caption, Tab
    reaches its explore button; explored, it is a labelled group that Tab reaches, its drawing
    an image with the chart's description, its toolbar's buttons named buttons that Tab reaches."""
    with_charts = chart_pages(site_dir, pages)
    assert with_charts, "no page has a chart"
    for path in with_charts:
        open_page(page, base_url + path)
        for figure in page.locator("figure.chart").all():
            chart_id = figure.get_attribute("id").removeprefix("figure-")
            where = f"/{path} #{chart_id}"
            title = figure.locator("figcaption strong").inner_text().strip()
            assert title.endswith(("?", ")")), f"{where}: the title is not the question it answers: {title}"
            assert figure.locator(".chart-summary").inner_text().strip(), f"{where}: no answer"
            drawing = figure.locator(".chart-static")
            assert drawing.get_attribute("role") == "img", where
            assert title in drawing.get_attribute("aria-label"), f"{where}: the drawing is not named"
            assert drawing.locator("svg[aria-hidden=true]").count() == 2, f"{where}: wide and narrow drawings"
            focusable = drawing.locator("a, [tabindex], button, input, select, textarea").count()
            assert focusable == 0, f"{where}: the hidden drawing holds {focusable} focusable elements"
            assert figure.locator(".chart-explore").evaluate("b => b.tagName") == "BUTTON", where
            explore_chart(page, chart_id)
            c = page.locator(f"#chart-{chart_id}").evaluate("""n => ({
                tabindex: n.getAttribute('tabindex'), role: n.getAttribute('role'),
                label: n.getAttribute('aria-label') || '',
                images: [...n.querySelectorAll('[role=img]')].map(i => i.getAttribute('aria-label') || ''),
                buttons: [...n.querySelectorAll('.modebar-btn')].map(b => ({
                    name: b.getAttribute('aria-label') || '', role: b.getAttribute('role'),
                    tabindex: b.getAttribute('tabindex')}))})""")
            assert c["tabindex"] == "0", f"{where}: Tab does not reach the explored chart"
            summary = figure.locator(".chart-summary").inner_text().strip()
            assert summary in c["label"], f"{where}: the label does not carry the summary"
            # Buttons inside role=img would be presentational (hidden from screen readers), so
            # the drawn chart is a labelled group and only its drawing is the image.
            assert c["role"] == "group", f"{where}: role {c['role']} around the toolbar's buttons"
            assert c["images"] == [c["label"]], f"{where}: the drawing is not one described image: {c['images']}"
            assert c["buttons"], f"{where}: no toolbar"
            for b in c["buttons"]:
                assert b["name"].strip() and b["role"] == "button" and b["tabindex"] == "0", (where, b)


def tab_until(page, selector: str, limit: int = 400) -> int:
    """Press Tab until the focused element matches `selector`; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"Tab never reached {selector} in {limit} presses")


@pytest.mark.browser
def test_keyboard_reaches_a_chart_and_its_toolbar(page, base_url):
    open_page(page, base_url + "timeline/")
    tab_until(page, "[data-explore='chart-timeline']")
    page.keyboard.press("Enter")  # explore: plotly.js draws the chart, which takes focus
    page.wait_for_selector("#chart-timeline[data-drawn] .modebar-btn", state="attached")
    assert page.evaluate("document.activeElement.id") == "chart-timeline"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('#chart-timeline .modebar-btn[aria-label]')")
    # The toolbar shows while focus is in it (plotly.js only shows it on hover).
    opacity = page.evaluate("getComputedStyle(document.activeElement.closest('.modebar')).opacity")
    assert float(opacity) == 1.0, opacity
    # Enter presses a toolbar button: the first one downloads the chart as a PNG.
    assert "png" in page.evaluate("document.activeElement.getAttribute('aria-label')").lower()
    with page.expect_download(timeout=20_000) as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".png")


@pytest.mark.browser
def test_keyboard_uses_the_commitments_filters(page, base_url):
    open_page(page, base_url + "commitments/")
    total = page.locator("#commitments-table tbody tr").count()
    for key in ("actor", "theme"):
        tab_until(page, f"#commitments-table-filter-{key}")
        page.keyboard.press("ArrowDown")  # the first real option after "All"
        chosen = page.evaluate("document.activeElement.value")
        assert chosen, f"ArrowDown did not choose a {key}"
        shown = page.locator("#commitments-table tbody tr:visible").count()
        assert 0 < shown < total, (key, chosen, shown)
        assert f"Showing {shown} of {total}" in page.locator(".table-status").first.inner_text()
        page.keyboard.press("Home")  # back to "All" before the next filter
        assert page.evaluate("document.activeElement.value") == ""
        assert page.locator("#commitments-table tbody tr:visible").count() == total


# The two theme partials this project overrides for accessibility, and the one change each makes.
PARTIAL_CHANGES = {
    "partials/progress.html": ('role="progressbar">', 'role="progressbar" aria-label="Page loading">'),
    "partials/search.html": ('role="dialog">', 'role="dialog" aria-label="{{ lang.t(\'search\') }}">'),
}


@pytest.mark.parametrize("name", sorted(PARTIAL_CHANGES))
def test_theme_overrides_stay_in_step_with_the_theme(name):
    """An override is the theme's own partial plus one attribute: a theme update that changes the
    partial makes this fail, so the copy is refreshed rather than silently going stale."""
    import material

    theme = (Path(material.__file__).parent / "templates" / name).read_text(encoding="utf-8")
    ours = (ROOT / "overrides" / name).read_text(encoding="utf-8")
    strip = lambda text: re.sub(r"\A\{#-.*?-#\}\n", "", text, flags=re.S)  # noqa: E731 (header comment)
    old, new = PARTIAL_CHANGES[name]
    assert theme.count(old) == 1, f"the theme's {name} changed: redo the override"
    assert strip(ours) == strip(theme).replace(old, new)


# -- 2. HTML ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def vnu_errors(site_dir):
    return run_vnu(site_dir)


def test_downloads_hold_no_html(site_dir):
    """/data/latest/ and the frozen /data/vX.Y.Z/ hold data, never pages (so vnu checks all HTML)."""
    data = site_dir / "data"
    folders = [data / "latest"] + sorted(data.glob("v*/"))
    html = [p for f in folders for p in f.rglob("*") if p.suffix.lower() in (".html", ".htm", ".xhtml")]
    assert not html, html


def test_html_is_valid(vnu_errors, site_dir, pages):
    checked = [p for p in site_dir.rglob("*") if p.suffix.lower() in (".html", ".htm", ".xhtml")]
    problems = [m for m in vnu_errors if not any(k.matches(m) for k in KNOWN_HTML_ERRORS)]
    assert len(checked) > len(pages), "vnu had no pages to check"
    lines = [
        f"{m.get('url', '?').removeprefix(site_dir.as_uri())}:{m.get('lastLine', '?')}: {m['message']}"
        f" :: {m.get('extract', '').strip()[:160]}"
        for m in problems
    ]
    print(
        f"\nvnu: {len(checked)} HTML files, {len(problems)} errors, "
        f"{len(vnu_errors) - len(problems)} known theme errors accepted"
    )
    assert not lines, "\n".join(lines[:60]) + (f"\n... {len(lines) - 60} more" if len(lines) > 60 else "")


def test_html_known_errors_still_needed(vnu_errors):
    """Each accepted error must still occur: once the theme fixes it, its filter goes."""
    for known in KNOWN_HTML_ERRORS:
        assert any(known.matches(m) for m in vnu_errors), f"{known.name} no longer occurs: remove its filter"


# -- 3. links ---------------------------------------------------------------------------------
def test_internal_links_and_anchors_resolve(base_url, pages):
    """Every internal href/src on every page answers 200, and every #fragment names an element."""
    problems, crawled, checked = crawl_links(base_url, pages + ["404.html"])
    print(f"\nlinks: {crawled} pages crawled, {checked} internal links and assets checked, {len(problems)} broken")
    assert crawled >= len(pages)
    assert not problems, "\n".join(problems[:80])


def test_linkinator_finds_no_broken_link(base_url):
    command, why = linkinator_command()
    if command is None:
        pytest.skip(why)
    links, broken = run_linkinator(command, base_url)
    print(f"\nlinkinator: {len(links)} links, {len(broken)} broken")
    assert len(links) > 50, "linkinator checked almost nothing"
    assert not broken, "\n".join(f"{b.get('parent')} -> {b['url']} ({b.get('status')})" for b in broken)
