"""Tables fit: at 390 px and 1280 px every column of every data table is in view with no sideways
scroll, and the table filters stay on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import site_pages
from quality_helpers import open_page

pytestmark = pytest.mark.browser

MEASURE = (Path(__file__).parent.parent / "js" / "tables_in_view.js").read_text(encoding="utf-8")


def table_pages(site_dir) -> list[str]:
    return [p for p in site_pages(site_dir) if "data-table__table" in (site_dir / p / "index.html").read_text("utf-8")]


@pytest.mark.parametrize("page", ["light-phone", "light-desktop"], indirect=True)
def test_every_table_column_is_in_view(page, base_url, site_dir):
    pages = table_pages(site_dir)
    assert {"figures/", "commitments/", "data/"} <= set(pages), pages
    problems = []
    for path in pages:
        open_page(page, base_url + path)
        problems += [f"/{path} at {page.viewport['width']}px: {p}" for p in page.evaluate(MEASURE)]
    assert not problems, "\n".join(problems[:40])
