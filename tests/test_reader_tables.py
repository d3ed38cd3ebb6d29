"""Tables fit: at 390 px and 1280 px every column of every data table is in view with no sideways
scroll, and the table filters stay on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import site_pages
from quality_helpers import DESKTOP, PHONE, open_page

pytestmark = pytest.mark.browser

MEASURE = (Path(__file__).parent / "js" / "tables_in_view.js").read_text(encoding="utf-8")


def table_pages(site_dir) -> list[str]:
    return [p for p in site_pages(site_dir) if "data-table__table" in (site_dir / p / "index.html").read_text("utf-8")]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_every_table_column_is_in_view(browser, base_url, site_dir, viewport):
    pages = table_pages(site_dir)
    assert {"figures/", "commitments/", "data/"} <= set(pages), pages
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    problems = []
    try:
        for path in pages:
            open_page(page, base_url + path)
            problems += [f"/{path} at {viewport['width']}px: {p}" for p in page.evaluate(MEASURE)]
    finally:
        context.close()
    assert not problems, "\n".join(problems[:40])
