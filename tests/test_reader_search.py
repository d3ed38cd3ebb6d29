"""Search finds a figure by the forms people type: "£63m", "63 million", "1,300", typed into the
site's own search box in a real browser, with the figure's page as the first result."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

FORMS = {
    "figures/uk-contribution-port-tunnel-security/": ["£63m", "63m", "£63 million", "63 million", "63,000,000"],
    "figures/french-police-officers-deployed/": ["1,300 police", "1300 police", "more than 1,300"],
    "figures/uk-funding-calais-2016/": ["€22m", "22 million", "22,000,000"],
}


@pytest.fixture(scope="module")
def search_page(browser, base_url):
    """One page with the search index loaded, reused for every query."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url, wait_until="networkidle")
    page.keyboard.press("/")  # material's shortcut for the search box, as a keyboard user would
    yield page
    context.close()


def first_results(page, query: str, n: int = 3) -> list[str]:
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press_sequentially(query)  # typed key by key, as a reader types
    page.wait_for_timeout(300)  # the search worker answers each key in turn: let the last one in
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function(
        "() => /matching document/.test(document.querySelector('.md-search-result__meta').textContent)"
    )
    results = page.locator(".md-search-result__link")
    assert "No matching" not in meta.inner_text(), query
    return [urlparse(results.nth(i).get_attribute("href")).path for i in range(min(results.count(), n))]


@pytest.mark.parametrize("target,query", [(t, q) for t, forms in FORMS.items() for q in forms])
def test_every_form_of_a_figure_finds_it_first(search_page, target, query):
    found = first_results(search_page, query)
    assert found and found[0].endswith("/" + target), (query, found)
