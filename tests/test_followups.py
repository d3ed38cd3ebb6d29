"""What happened next: dated, sourced follow-ups, kept apart from the annex, on the real site."""
import xml.etree.ElementTree as ET

import pytest

from conftest import read_table, set_cell, write_table
from scripts.derive import Site
from scripts.package import load_rows
from scripts.paths import PACKAGE_DIR
from scripts.validate import validate

DATA = PACKAGE_DIR / "data"
ATOM = "{http://www.w3.org/2005/Atom}"


def add_followup(descriptor, **cells) -> int:
    path = descriptor.parent / "data" / "followups.csv"
    header, rows = read_table(path)
    row = dict(zip(header, rows[0]))
    row.update(cells)
    rows.append([row[h] for h in header])
    write_table(path, header, rows)
    return len(rows) + 1  # its CSV line


def test_current_status_is_the_latest_row_and_history_stays(package_copy):
    add_followup(package_copy, followup_id="later-evidence", commitment_id="2d-support-border-coast-guard",
                 date="2019-11-13", status="superseded", what_happened="A later regulation replaced it.")
    assert validate(package_copy).valid
    site = Site.load(package_copy)
    status, latest = site.status("2d-support-border-coast-guard")
    assert (status, latest["followup_id"]) == ("superseded", "later-evidence")
    assert [f["status"] for f in site.followups("2d-support-border-coast-guard")] == ["delivered", "delivered", "superseded"]


def test_commitments_without_evidence_are_not_yet_assessed():
    site = Site.load()
    assessed = {f["commitment_id"] for f in load_rows(DATA / "followups.csv")}
    for c in load_rows(DATA / "commitments.csv"):
        if c["commitment_id"] not in assessed:
            assert site.status(c["commitment_id"]) == ("not_yet_assessed", None)
    assert sum(site.status_counts().values()) == len(load_rows(DATA / "commitments.csv"))


@pytest.mark.parametrize("cells,field,words", [
    ({"date": "2016-03-03"}, "date", "not after the annex's date"),
    ({"date": "2015-12-01"}, "date", "not after the annex's date"),
    ({"source_url": ""}, "source_url", "constraint"),
    ({"source_url": "http://insecure.example/"}, "source_url", "pattern"),
    ({"commitment_id": "no-such-commitment"}, "commitment_id", "foreign-key"),
    ({"status": "kept"}, "status", "enum"),
    ({"confidence": "rumour"}, "confidence", "enum"),
    ({"what_happened": "=1+2+3 and more"}, "what_happened", "formula"),
])
def test_bad_followups_are_rejected(package_copy, cells, field, words):
    line = add_followup(package_copy, followup_id="new-evidence", **cells)
    hits = [p for p in validate(package_copy).problems
            if p.path.endswith("data/followups.csv") and p.line == line and p.field == field]
    assert any(words in p.message for p in hits), [str(p) for p in validate(package_copy).problems]


def test_commitment_pages_show_status_and_trail(site_dir):
    site = Site.load()
    for c in load_rows(DATA / "commitments.csv"):
        page = (site_dir / "commitments" / c["commitment_id"] / "index.html").read_text(encoding="utf-8")
        assert 'id="what-happened-next"' in page and "It is not part of the annex." in page
        status, _ = site.status(c["commitment_id"])
        assert f'class="status status--{status}"' in page
        for f in site.followups(c["commitment_id"]):
            assert f'id="followup-{f["followup_id"]}"' in page and f'href="{f["source_url"]}"' in page
        if status == "not_yet_assessed":
            assert "Not yet assessed</span>. We have not yet found confirmed evidence" in page


def test_home_has_status_chart_and_table(site_dir):
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert 'id="chart-status"' in home
    table = home.split('id="figure-status"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + len(Site.load().enum("followups", "status"))
    assert "not yet assessed" in home.lower()


def test_atom_feed_lists_evidence_newest_first(site_dir, site_port):
    feed = ET.parse(site_dir / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    rows = load_rows(DATA / "followups.csv")
    assert len(entries) == len(rows)
    dates = [e.find(f"{ATOM}updated").text for e in entries]
    assert dates == sorted(dates, reverse=True)
    for entry in entries:
        href = entry.find(f"{ATOM}link").get("href")
        assert href.startswith(f"http://127.0.0.1:{site_port}/commitments/")
        path, anchor = href.split(f"{site_port}/")[1].split("#")
        assert f'id="{anchor}"' in (site_dir / path / "index.html").read_text(encoding="utf-8")
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in home


@pytest.mark.browser
def test_status_filter_in_a_browser(browser, base_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "commitments/", wait_until="networkidle")
    page.select_option("#commitments-table-filter-status", "not_yet_assessed")
    site = Site.load()
    expected = sum(site.status(c["commitment_id"])[0] == "not_yet_assessed" for c in site.rows("commitments"))
    assert page.locator("#commitments-table tbody tr:visible").count() == expected
    page.goto(base_url + "commitments/2d-support-border-coast-guard/", wait_until="networkidle")
    assert page.locator("ol.followup-trail li").count() == len(site.followups("2d-support-border-coast-guard"))
    context.close()
