"""At many times the data, list pages stay usable on a phone: a list longer than PAGE_ROWS is split
into numbered pages, none of them heavy, with every record on exactly one page, pagers that
resolve, links to events that find their page, and filters and record links that still work.

Built once from an 8× synthetic package: 224 commitment rows, 136 figures, 128 terms and 56 events,
each list over more than one page (8 is the least scale that puts the 7 events over one page; a
larger one only builds more pages of the same kinds, and the build is the cost of this module)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from conftest import build_site, free_port, serve

from scripts import kinds
from scripts.intake.package import read_csv
from scripts.model.links import PAGE_ROWS
from tools import synthetic

pytestmark = pytest.mark.build

SCALE = 8
LISTS = [k.table for k in kinds.with_lists()]


def shows(html: str, table: str, record_id: str) -> bool:
    """A record is on a list page: a link to its record page, or (a kind without pages, events) its entry."""
    kind = kinds.get(table)
    if not kind.address:
        return f'id="{kind.anchor.format(record_id)}"' in html
    return re.search(rf'href="(?:[^"]*/)?{re.escape(record_id)}/"', html) is not None


def key_field(package: Path, table: str) -> str:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    return next(r["schema"]["primaryKey"][0] for r in descriptor["resources"] if r["name"] == table)


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        self.count += 1


def elements(html: str) -> int:
    parser = Elements()
    parser.feed(html)
    return parser.count


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    """(site folder, package folder, address) of the 8× site."""
    work = tmp_path_factory.mktemp("scale")
    descriptor = synthetic.generate(SCALE, work / "datapackage")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    result = build_site(work / "site", url, descriptor.parent)
    assert result.returncode == 0, result.stderr[-2000:]
    return work / "site", descriptor.parent, url, port


def list_pages(site: Path, table: str) -> list[Path]:
    base = site / kinds.get(table).records.address
    more = sorted((base / "page").glob("*/index.html"), key=lambda p: int(p.parent.name))
    return [base / "index.html", *more]


@pytest.mark.parametrize("table", LISTS)
def test_every_record_is_on_exactly_one_page_of_its_list(scaled, table):
    site, package, _, _ = scaled
    ids = [r[key_field(package, table)] for r in read_csv(package / "data" / f"{table}.csv")]
    pages = list_pages(site, table)
    assert len(pages) == -(-len(ids) // PAGE_ROWS) > 1
    seen: list[str] = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        # The list itself: what stands between its two pagers.
        body = html.split('class="pager"', 1)[1].rsplit('class="pager"', 1)[0]
        found = [i for i in ids if shows(body, table, i)]
        assert 0 < len(found) <= PAGE_ROWS, (page, len(found))
        seen += found
    assert sorted(seen) == sorted(ids)


@pytest.mark.parametrize("table", LISTS)
def test_no_list_page_is_too_heavy_for_a_phone(scaled, table):
    for page in list_pages(scaled[0], table):
        count = elements(page.read_text(encoding="utf-8"))
        assert count <= 1500, f"{page}: {count} elements"


@pytest.mark.parametrize("table", LISTS)
def test_pagers_link_every_page_and_mark_the_current_one(scaled, table):
    site, _, url, _ = scaled
    pages = list_pages(site, table)
    for number, page in enumerate(pages, start=1):
        html = page.read_text(encoding="utf-8")
        page_url = urljoin(url, str(page.parent.relative_to(site)) + "/")
        pager = re.search(r'<nav class="pager" aria-label="([^"]+)"[^>]*>(.*?)</nav>', html)
        assert f"page {number} of {len(pages)}" in pager[1]
        current = re.findall(r'<a aria-current="page" href="([^"]+)">(\d+)</a>', pager[2])
        assert [n for _, n in current] == [str(number)]
        for href in re.findall(r'href="([^"]+)"', pager[2]):
            target = site / urlparse(urljoin(page_url, href)).path.removeprefix(urlparse(url).path) / "index.html"
            assert target.is_file(), (page, href)
        assert "1" in re.findall(r">(\d+)</a>", pager[2]) and str(len(pages)) in re.findall(r">(\d+)</a>", pager[2])


def test_dates_in_the_annex_link_to_their_page_of_the_timeline(scaled):
    site = scaled[0]
    annex = (site / "annex" / "index.html").read_text(encoding="utf-8")
    date = r'class="annex-mark annex-mark--date" href="\.\./timeline/((?:page/\d+/)?)#event-([^"]+)"'
    links = re.findall(date, annex)
    assert links
    for folder, event in links:
        target = (site / "timeline" / folder / "index.html").read_text(encoding="utf-8")
        assert f'id="event-{event}"' in target, (folder, event)


def test_charts_stay_readable_at_scale(scaled):
    site = scaled[0]
    timeline = (site / "timeline" / "index.html").read_text(encoding="utf-8")
    assert '<th scope="col">Month</th>' in timeline  # past 25 events: events per month
    assert elements(timeline) <= 1500


@pytest.mark.browser
def test_filters_and_record_links_work_on_a_later_page(scaled, browser):
    site, _, url, port = scaled
    server = serve(site, port)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(url + "commitments/page/3/", wait_until="networkidle")
        rows = page.locator("#commitments-table tbody tr")
        total = rows.count()
        assert total == PAGE_ROWS
        page.select_option("#commitments-table-filter-actor", "France")
        shown = page.locator("#commitments-table tbody tr:visible").count()
        assert 0 < shown < total
        status = page.locator(".table-status").inner_text()
        assert f"Showing {shown} of {total} rows on this page (rows {2 * PAGE_ROWS + 1}–{3 * PAGE_ROWS} of" in status
        page.locator("#commitments-table tbody tr:visible th a").first.click()
        page.wait_for_selector(".record h1")
        assert urlparse(page.url).path.startswith("/commitments/")
    finally:
        context.close()
        server.shutdown()
