"""What a phone reader tripped over: the header cut to "Amiens 2016 migr…", addresses in notes that
could not be tapped, a timeline point labelled "today", and a filter named otherwise than its column."""

from __future__ import annotations

import re
from html import unescape

import pytest
from quality_helpers import PHONE, open_page

from scripts.intake.package import load_rows
from scripts.paths import PACKAGE_DIR

DATA = PACKAGE_DIR / "data"


@pytest.mark.browser
def test_the_site_name_is_whole_in_the_phone_header(browser, base_url):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        open_page(page, base_url)
        title = page.locator(".md-header__topic:first-child .md-ellipsis")
        assert title.inner_text().strip() == "Amiens 2016 migration annex"
        cut = title.evaluate("e => e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight")
        assert not cut, "the site's name is cut in the header at 390 px"
        box, header = title.bounding_box(), page.locator(".md-header").bounding_box()
        assert box["y"] >= header["y"] and box["y"] + box["height"] <= header["y"] + header["height"]
    finally:
        context.close()


@pytest.mark.browser
def test_commitment_filters_are_named_as_their_columns(browser, base_url):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        open_page(page, base_url + "commitments/")
        labels = [t.strip() for t in page.locator("form.table-filters label").all_inner_texts()]
        headings = [t.strip() for t in page.locator("#commitments-table thead th").all_inner_texts()]
        assert "Who is bound" in labels and "Actor" not in labels
        assert [x for x in labels if x != "Theme"] == [h for h in headings if h in labels], (labels, headings)
    finally:
        context.close()


def test_https_addresses_in_notes_are_links_and_others_stay_text(site_dir):
    html = (site_dir / "commitments" / "1a-pursue-port-tunnel-security" / "index.html").read_text(encoding="utf-8")
    notes = [
        r["note"] for r in load_rows(DATA / "followups.csv") if r["commitment_id"] == "1a-pursue-port-tunnel-security"
    ]
    secure = {a for n in notes for a in re.findall(r"https://[^\s)]+[^\s).,;]", n)}
    plain = {a for n in notes for a in re.findall(r"http://[^\s)]+[^\s).,;]", n)}
    assert secure and plain
    for address in secure:
        assert f'<a href="{address}">{address}</a>' in unescape(html), address
    for address in plain:
        assert f'href="{address}"' not in unescape(html) and address in unescape(html), address


def test_no_timeline_point_reads_as_the_day_of_reading(site_dir):
    """The annex's "today" is drawn as the date we read it as, with its word beside it."""
    page = unescape((site_dir / "timeline" / "index.html").read_text(encoding="utf-8"))
    drawing = page[page.index('id="figure-timeline"') : page.index("</figure>", page.index('id="figure-timeline"'))]
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", drawing)
    assert "3 March 2016 (“today” in the annex)" in labels and "today" not in labels
