"""Every page of the built site, loaded once per colour scheme as a reader loads it on a
first visit (cache off) with every chart scrolled into view, and every page-level check taken on
that one visit: it renders, it has no script error and asks no other host, axe-core finds no WCAG 2.2 A/AA
violation, its tables fit, and (light) it stays within the one weight budget, charts included.

One class per colour scheme: with `--dist loadscope` each class runs in one worker, so each scheme's
pages are visited once per run, and the two schemes in parallel.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from conftest import site_pages
from quality_helpers import DESKTOP, KB, chart_pages, visit_all

pytestmark = pytest.mark.browser

# gzip bytes any page may load on first visit, its charts included (KiB, as Lighthouse counts them).
# plotly.js (~386 KiB) is not among them: it loads only when a reader asks to explore a chart.
BUDGET = 150 * KB
SHOWN = {"light": "default", "dark": "slate"}


class EveryPage:
    scheme = ""

    @pytest.fixture(scope="class")
    @classmethod
    def visits(cls, browser, base_url, site_dir):
        return visit_all(browser, base_url, site_pages(site_dir) + ["404.html"], cls.scheme)

    def test_every_page_renders_without_errors_or_foreign_requests(self, visits, base_url):
        own = urlparse(base_url).netloc
        for v in visits:
            assert v.status == 200, v.path
            assert v.headings >= 1, v.path
            assert v.problems == [], (v.path, v.problems)
            assert v.hosts == {own}, (v.path, v.hosts)

    def test_axe_every_page_at_desktop_width(self, visits):
        """Every page (and the 404 page) has no WCAG 2.2 A/AA violation that axe-core finds."""
        failures = [f for v in visits for f in v.violations]
        print(f"\naxe {self.scheme} at {DESKTOP['width']}px: {len(visits)} pages, {len(failures)} violations")
        # The site follows the OS colour scheme: make sure the one under test is the one shown.
        assert {v.scheme_shown for v in visits} == {SHOWN[self.scheme]}
        assert not failures, "\n".join(failures)

    def test_every_table_column_is_in_view_at_desktop_width(self, visits):
        """At 1280 px no page scrolls sideways, and every column of every data table and the
        table filters are in view (at 390 px: test_reader_tables)."""
        with_tables = {v.path for v in visits if v.tables}
        assert {"figures/", "commitments/", "data/"} <= with_tables, sorted(with_tables)
        problems = [f"/{v.path} at {DESKTOP['width']}px: {p}" for v in visits for p in v.cut_off]
        assert not problems, "\n".join(problems[:40])


class TestEveryPageLight(EveryPage):
    scheme = "light"

    def test_page_weight_within_budget(self, visits, base_url, site_dir):
        pages = site_pages(site_dir)
        with_charts = set(chart_pages(site_dir, pages))
        assert with_charts
        rows, over = [], []
        for v in (v for v in visits if v.path in pages):
            rows.append((v.weight, v.path, v.sizes))
            assert not any("plotly" in u for u in v.sizes), f"/{v.path}: plotly.js loaded before any request"
            if v.weight > BUDGET:
                biggest = sorted(v.sizes.items(), key=lambda kv: -kv[1])[:4]
                over.append(
                    f"/{v.path}: {v.weight / KB:.1f} KiB > {BUDGET / KB:.0f} KiB; biggest: "
                    + ", ".join(f"{u.removeprefix(base_url)} {s / KB:.1f}" for u, s in biggest)
                )
        assert len(rows) == len(pages)
        print("\npage weight (gzip -9, KiB):")
        for total, path, sizes in sorted(rows, reverse=True):
            charts = " (charts)" if path in with_charts else ""
            print(f"  {total / KB:7.1f} / {BUDGET / KB:.0f}  {len(sizes):2} files  /{path}{charts}")
        heaviest = max(rows)
        assert not over, "\n".join(over) + f"\nheaviest page: /{heaviest[1]} {heaviest[0] / KB:.1f} KiB"


class TestEveryPageDark(EveryPage):
    scheme = "dark"
