"""A real browser (Debian's Chromium, driven by Playwright) on the built site served on 127.0.0.1."""

from urllib.parse import urlparse

import pytest
from conftest import SITE_READY, explore_chart
from playwright.sync_api import expect

from scripts.intake.package import load_rows
from scripts.paths import PACKAGE_DIR

pytestmark = pytest.mark.browser
DATA = PACKAGE_DIR / "data"


def test_charts_show_at_once_and_plotly_only_on_request(page, base_url):
    """Every chart is in the page as drawn at build time; plotly.js is fetched only when a reader
    asks to explore one, and then draws it at the width of its column, with a named toolbar."""
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if "plotly" in r.url else None)
    page.goto(base_url + "timeline/", wait_until="networkidle")
    drawing = page.locator("#figure-timeline .chart-static__wide svg")
    assert drawing.is_visible() and drawing.bounding_box()["height"] > 200
    for chart in page.locator("figure.chart").all():
        chart.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    assert scripts == []  # scrolling past a chart fetches nothing
    explore_chart(page, "timeline")
    assert len(scripts) == 1
    column = page.locator("#figure-timeline").bounding_box()["width"]
    width = page.locator("#chart-timeline .main-svg").first.bounding_box()["width"]
    assert abs(width - column) < 30, (width, column)
    assert not page.locator("#figure-timeline .chart-static").is_visible()  # replaced, not doubled
    assert page.evaluate("document.activeElement.id") == "chart-timeline"  # focus follows
    assert page.locator("#chart-timeline .modebar-btn[aria-label]").count() >= 1
    assert page.problems == []


def test_a_tap_on_a_drawing_asks_for_the_interactive_chart(browser, base_url):
    from quality_helpers import PHONE

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.goto(base_url + "timeline/", wait_until="networkidle")
    pg.locator("#figure-timeline .chart-static").tap()
    pg.wait_for_selector("#chart-timeline[data-drawn] svg.main-svg")
    context.close()


@pytest.mark.parametrize("page", ["light-desktop", "dark-desktop"], indirect=True)
def test_drawings_follow_the_colour_scheme(page, base_url):
    """The drawing's text takes the theme's colour (one drawing for both schemes), and so does
    plotly.js once a reader explores the chart."""
    pg, scheme = page, page.scheme
    pg.goto(base_url + "timeline/", wait_until="networkidle")
    assert pg.evaluate("document.body.dataset.mdColorScheme") == {"light": "default", "dark": "slate"}[scheme]
    # The colour's channels (plotly.js gives its alpha as a separate fill-opacity).
    channels = "c => c.match(/[0-9]+/g).slice(0, 3).join(',')"
    theme = pg.evaluate(f"({channels})(getComputedStyle(document.body).color)")
    fill = f"t => ({channels})(getComputedStyle(t).fill)"
    assert pg.locator("#figure-timeline .chart-static__wide svg .xtick text").first.evaluate(fill) == theme
    explore_chart(pg, "timeline")
    assert pg.locator("#chart-timeline .xtick text").first.evaluate(fill) == theme


def test_without_javascript_the_drawings_and_tables_show(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(base_url, wait_until="load")
    assert pg.locator("figure.chart .chart-static__wide svg").first.is_visible()
    assert pg.locator("table[data-kind='chart-data']").first.is_visible()
    assert not pg.locator(".chart-explore").first.is_visible()  # nothing to press without a script
    assert not pg.locator("[data-chart]").first.is_visible()
    context.close()


def test_commitments_filter_and_sort(page, base_url):
    rows = load_rows(DATA / "commitments.csv")
    page.goto(base_url + "commitments/", wait_until="networkidle")
    table = page.locator("#commitments-table tbody tr")
    assert table.count() == len(rows)
    page.select_option("#commitments-table-filter-actor", "France")
    expected = sum(r["actor"] == "France" for r in rows)
    assert page.locator("#commitments-table tbody tr:visible").count() == expected
    assert f"Showing {expected} of {len(rows)}" in page.locator(".table-status").inner_text()
    page.select_option("#commitments-table-filter-actor", "")
    page.select_option("#commitments-table-filter-theme", "returns")
    assert page.locator("#commitments-table tbody tr:visible").count() == sum(r["theme"] == "returns" for r in rows)
    page.locator("#commitments-table th button", has_text="Who is bound").click()
    assert page.locator("#commitments-table th[aria-sort='ascending']").count() == 1


def test_figures_sort_numerically(page, base_url):
    page.goto(base_url + "figures/", wait_until="networkidle")
    page.locator("#figures-table th button", has_text="Figure").click()
    first = page.locator("#figures-table tbody tr").first.locator("th .cell-note").inner_text()
    smallest = min(load_rows(DATA / "figures.csv"), key=lambda r: float(r["value"]))
    assert first == smallest["metric"]


@pytest.mark.parametrize(
    "query,target",
    [
        ("reintegration of deported migrants", "commitments/2b-reintegration-tools/"),
        ("liaison magistrates seconded", "figures/uk-liaison-magistrates-seconded/"),
        ("Eurodac", "glossary/eurodac/"),
    ],
)
def test_search_finds_records(page, base_url, query, target):
    page.goto(base_url, wait_until="networkidle")
    # The theme's script has run (it publishes component$), so its keyboard shortcuts are bound:
    # under load a "/" pressed sooner is lost and the query typed into the page.
    page.wait_for_function("() => window.component$ !== undefined")
    page.keyboard.press("/")  # material's shortcut for the search box, as a keyboard user would
    expect(page.locator("input.md-search__input")).to_be_focused()
    page.keyboard.type(query)
    results = page.locator(".md-search-result__link")
    results.first.wait_for(timeout=60_000)  # the index is built in a worker, slow on a busy machine
    hrefs = [results.nth(i).get_attribute("href") for i in range(min(results.count(), 5))]
    assert any(urlparse(h).path.endswith("/" + target) for h in hrefs), hrefs
    page.locator(f".md-search-result__link[href*='/{target}?']").first.click()
    page.wait_for_url(lambda url: urlparse(url).path.endswith("/" + target), wait_until="commit")
    page.wait_for_selector(".record h1")


@pytest.mark.parametrize("path,selector", [("", ".md-content abbr"), ("annex/", ".annex-mark--term")])
def test_terms_show_definitions_on_keyboard_focus(page, base_url, path, selector):
    terms = {t["term"]: t for t in load_rows(DATA / "terms.csv")}
    page.goto(base_url + path, wait_until="networkidle")
    page.keyboard.press("Tab")  # focus-visible styles follow keyboard use
    page.locator(selector).first.focus()
    described = page.evaluate("document.getElementById(document.activeElement.getAttribute('aria-describedby'))?.id")
    tooltip = page.locator(f"#{described}")
    assert tooltip.is_visible()
    term = terms[page.evaluate("document.activeElement.textContent.trim()")]
    assert tooltip.inner_text().strip().startswith(f"{term['expansion']}: {term['definition'][:30]}")
    page.keyboard.press("Escape")  # dismissable without moving focus (WCAG 1.4.13)
    assert not tooltip.is_visible()


def test_a_term_tooltip_shows_on_hover_and_stays_while_hovered(page, base_url):
    page.goto(base_url + "annex/", wait_until="networkidle")
    mark = page.locator(".annex-mark--term").first
    mark.hover()
    tooltip = page.locator("#site-tip")
    tooltip.wait_for(state="visible")
    assert mark.get_attribute("aria-describedby") == "site-tip" and mark.get_attribute("title") is None
    tooltip.hover()  # hoverable: moving onto it keeps it
    page.wait_for_timeout(400)
    assert tooltip.is_visible()
    page.mouse.move(5, 5)  # away from both
    page.wait_for_timeout(400)
    assert not tooltip.is_visible()


def test_charts_explore_after_instant_navigation(page, base_url):
    page.goto(base_url + "glossary/", wait_until="networkidle")
    page.evaluate("window.__no_reload = true")  # survives only if navigation is instant
    page.locator(".md-nav__link", has_text="Timeline").first.click()
    page.wait_for_selector("#figure-timeline", state="attached")
    page.wait_for_function(SITE_READY)
    explore_chart(page, "timeline")
    assert page.evaluate("window.__no_reload === true")
    assert page.problems == []


def test_no_chart_toolbar_over_charts_on_a_touch_screen(browser, base_url):
    """On a phone (no hover) plotly's toolbar would cover the chart: it is left out; with a mouse it stays."""
    from quality_helpers import PHONE, open_page

    for touch, expected in ((True, 0), (False, 1)):
        context = browser.new_context(viewport=PHONE, is_mobile=touch, has_touch=touch)
        page = context.new_page()
        try:
            open_page(page, base_url + "timeline/")
            explore_chart(page, "timeline")
            assert (page.locator("#chart-timeline .modebar-btn").count() > 0) == bool(expected), touch
        finally:
            context.close()
