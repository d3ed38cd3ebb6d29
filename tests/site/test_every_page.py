"""Every page of the built site, loaded once as a reader loads it on a first visit (cache off) with
every chart scrolled into view, then switched to dark with the theme's toggle, and every page-level
check taken on that one visit, in both colour schemes: it renders, it has no script error and asks
no other host, axe-core finds no WCAG 2.2 A/AA violation, its tables fit, and (light, as loaded) it
stays within the one weight budget, charts included.

Two classes, each with every other page: with `--dist loadscope` each class runs in one worker, so
each page is visited once per run, and the two halves in parallel.
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
HALVES = 2


class EveryPage:
    half = 0

    @classmethod
    def pages(cls, site_dir) -> list[str]:
        return (site_pages(site_dir) + ["404.html"])[cls.half :: HALVES]

    @pytest.fixture(scope="class")
    @classmethod
    def visits(cls, browser, base_url, site_dir):
        return visit_all(browser, base_url, cls.pages(site_dir))

    def test_every_page_renders_without_errors_or_foreign_requests(self, visits, base_url, site_dir):
        own = urlparse(base_url).netloc
        assert [(v.path, v.scheme) for v in visits] == [(p, s) for p in self.pages(site_dir) for s in SHOWN]
        for v in visits:
            assert v.status == 200, v.path
            assert v.headings >= 1, v.path
            assert v.problems == [], (v.path, v.scheme, v.problems)
            assert v.hosts <= {own}, (v.path, v.scheme, v.hosts)
        assert all(v.hosts == {own} for v in visits if v.scheme == "light")

    def test_axe_every_page_at_desktop_width_in_both_schemes(self, visits):
        """Every page (and the 404 page) has no WCAG 2.2 A/AA violation that axe-core finds."""
        failures = [f for v in visits for f in v.violations]
        print(f"\naxe at {DESKTOP['width']}px, light and dark: {len(visits)} visits, {len(failures)} violations")
        # The site follows the OS colour scheme (light here), then the toggle: the scheme under test is the one shown.
        for scheme, shown in SHOWN.items():
            assert {v.scheme_shown for v in visits if v.scheme == scheme} == {shown}, scheme
        assert not failures, "\n".join(failures)

    def test_every_table_column_is_in_view_at_desktop_width(self, visits):
        """At 1280 px no page scrolls sideways, and every column of every data table and the
        table filters are in view (at 390 px: test_reader_tables)."""
        with_tables = {v.path for v in visits if v.tables}
        assert with_tables, "no page of this half has a data table"
        problems = [f"/{v.path} at {DESKTOP['width']}px: {p}" for v in visits for p in v.cut_off]
        assert not problems, "\n".join(problems[:40])

    def test_page_weight_within_budget(self, visits, base_url, site_dir):
        pages = [p for p in self.pages(site_dir) if p != "404.html"]
        with_charts = set(chart_pages(site_dir, pages))
        rows, over = [], []
        for v in (v for v in visits if v.scheme == "light" and v.path in pages):
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


class TestEveryPageFirstHalf(EveryPage):
    half = 0


class TestEveryPageSecondHalf(EveryPage):
    half = 1


def test_the_halves_are_every_page_once(site_dir):
    pages = site_pages(site_dir) + ["404.html"]
    halves = [p for cls in (TestEveryPageFirstHalf, TestEveryPageSecondHalf) for p in cls.pages(site_dir)]
    assert sorted(halves) == sorted(pages) and len(halves) == len(pages)
    assert {"figures/", "commitments/", "data/"} <= set(halves)
    assert chart_pages(site_dir, site_pages(site_dir)), "no page has a chart"
