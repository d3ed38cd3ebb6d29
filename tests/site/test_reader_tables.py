"""Tables fit on a phone: at 390 px every column of every data table is in view with no sideways
scroll, and the table filters stay on screen. (At 1280 px, test_every_page checks the same on its
one visit of every page.)"""

from __future__ import annotations

import pytest
from conftest import site_pages
from quality_helpers import TABLES_IN_VIEW, open_page

pytestmark = pytest.mark.browser


def table_pages(site_dir) -> list[str]:
    return [p for p in site_pages(site_dir) if "data-table__table" in (site_dir / p / "index.html").read_text("utf-8")]


@pytest.mark.parametrize("page", ["light-phone"], indirect=True)
def test_every_table_column_is_in_view_on_a_phone(page, base_url, site_dir):
    pages = table_pages(site_dir)
    assert {"figures/", "commitments/", "data/"} <= set(pages), pages
    problems = []
    for path in pages:
        open_page(page, base_url + path)
        problems += [f"/{path} at {page.viewport['width']}px: {p}" for p in page.evaluate(TABLES_IN_VIEW)]
    assert not problems, "\n".join(problems[:40])
