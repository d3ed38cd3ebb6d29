"""Search finds a figure by the forms people type: "£63m", "63 million", "1,300", typed into the
site's own search box in a real browser, with the figure's page as the first result."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from scripts import kinds

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


SHOWN = """() => [document.querySelector('.md-search-result__meta').textContent,
  ...[...document.querySelectorAll('.md-search-result__link')].slice(0, 3).map(a => a.getAttribute('href'))]"""


def first_results(page, query: str, n: int = 3) -> list[str]:
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press("Backspace")  # a key on the empty box: the theme clears the last query's results
    page.wait_for_function("() => !/matching/.test(document.querySelector('.md-search-result__meta').textContent)")
    box.press_sequentially(query)  # typed key by key, as a reader types: a search for each key
    # The worker answers each key in turn: read the results once they stop changing, so they are
    # the whole query's and not those of a part of it (on a slow machine the last answer is late).
    shown, same = None, 0
    for _ in range(100):
        page.wait_for_timeout(100)
        now = page.evaluate(SHOWN)
        same = same + 1 if now == shown and "matching document" in now[0] else 0
        shown = now
        if same >= 3:
            break
    assert same >= 3 and "No matching" not in shown[0], (query, shown)
    return [urlparse(href).path for href in shown[1 : n + 1]]


@pytest.mark.parametrize("target,query", [(t, q) for t, forms in FORMS.items() for q in forms])
def test_every_form_of_a_figure_finds_it_first(search_page, target, query):
    found = first_results(search_page, query)
    assert found and found[0].endswith("/" + target), (query, found)


def test_the_search_index_holds_each_record_by_title_and_summary(site_dir):
    """Every page fetches the index: list pages, the data dictionary and record pages' evidence,
    figures and citations stay out of it; each record is found on its own page, by its title."""
    import json

    docs = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    locations = [d["location"] for d in docs]
    pages = {loc.split("#")[0] for loc in locations}
    for kind in (k.address for k in kinds.with_pages()):
        records = {f"{kind}{p.parent.name}/" for p in (site_dir / kind).glob("*/index.html")}
        assert records and records <= pages, f"{kind}: record pages missing from the index"
    assert not [loc for loc in locations if loc.startswith(("glossary/#", "data/#dictionary-", "data/#downloads"))]
    records = [loc for loc in locations if loc.split("#")[0].count("/") == 2]
    left_out = ("#what-happened-next", "#related", "#figures", "#cite", "#download", "#edit", "#compared")
    assert not [loc for loc in records if loc.endswith(left_out)]
