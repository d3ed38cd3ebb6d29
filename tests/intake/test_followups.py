"""What happened next: dated, sourced follow-ups, kept apart from the annex, on the real site."""

import json
import xml.etree.ElementTree as ET
from html import escape, unescape

import pytest
from conftest import csv_line_of, read_table, small_package, write_table

from scripts import build
from scripts.intake.package import load_rows
from scripts.intake.validate import validate
from scripts.paths import PACKAGE_DIR

pytestmark = pytest.mark.data

DATA = PACKAGE_DIR / "data"
ATOM = "{http://www.w3.org/2005/Atom}"


def add_followup(descriptor, **cells) -> int:
    path = descriptor.parent / "data" / "followups.csv"
    header, rows = read_table(path)
    row = dict(zip(header, rows[0]))
    row.update(cells)
    rows.append([row[h] for h in header])
    write_table(path, header, rows)
    return csv_line_of(path, len(rows) - 1)


def test_current_status_is_the_latest_row_within_the_window_and_history_stays(package_copy):
    # 1a names its period ("in 2016"): its window ends 2016-12-31.
    for followup_id, day, status, actor in (
        ("later-evidence", "2016-11-13", "not_delivered", "both"),
        ("later-context", "2016-12-01", "context", "other"),
        ("after-the-window", "2019-11-13", "delivered", "both"),
    ):
        add_followup(
            package_copy,
            followup_id=followup_id,
            commitment_id="1a-pursue-port-tunnel-security",
            date=day,
            status=status,
            actor=actor,
            source_kind="primary",
            note="",
            what_happened="A row added to test how the status follows the evidence.",
        )
    assert validate(package_copy).valid, [str(p) for p in validate(package_copy).problems]
    site = build.site(package_copy)
    verdict = site.assessment("1a-pursue-port-tunnel-security")
    # Context does not set it; a row after the window is later context, not the status.
    assert (verdict.status, verdict.row["followup_id"]) == ("not_delivered", "later-evidence")
    later = [f["followup_id"] for f in verdict.later]
    assert "after-the-window" in later and "later-evidence" not in later
    before = [f["followup_id"] for f in build.site().followups("1a-pursue-port-tunnel-security")]
    after = [f["followup_id"] for f in site.followups("1a-pursue-port-tunnel-security")]
    # Every earlier row stays, in date order, with the new ones among them.
    assert [f for f in after if f in before] == before
    assert sorted(after) == sorted(before + ["later-evidence", "later-context", "after-the-window"])


def test_every_commitment_has_a_status():
    # The rules each row follows are the validator's (FollowupRules; test_bad_followups_are_rejected
    # breaks each one): here, only what the site derives from the rows.
    site = build.site()
    for c in load_rows(DATA / "commitments.csv"):
        verdict = site.assessment(c["commitment_id"])
        assert verdict.status != "context"
        assert verdict.row is None or verdict.row["commitment_id"] == c["commitment_id"]
    # The EU adopted what the UK and France supported: not "delivered" by them.
    assert site.status("2d-support-border-coast-guard") == "outcome_by_others"
    assert sum(site.status_counts().values()) == len(site.top_level)


FIRST_FOLLOWUP = load_rows(DATA / "followups.csv")[0]["followup_id"]
FOLLOWUP = {
    "commitment_id": "1a-pursue-port-tunnel-security",
    "status": "in_progress",
    "actor": "both",
    "source_kind": "primary",
    "note": "",
}


@pytest.mark.parametrize(
    "cells,field,words",
    [
        ({"date": "2016-03-03"}, "date", "not after the annex's date"),
        ({"date": "2015-12-01"}, "date", "not after the annex's date"),
        ({"date": "2099-06-01"}, "date", "after today"),
        ({"source_url": ""}, "source_url", "must cite its source"),
        ({"source_url": "ftp://insecure.example/"}, "source_url", "pattern"),
        ({"source_kind": ""}, "source_kind", "must cite its source"),
        ({"source_kind": "blog"}, "source_kind", "enum"),
        ({"actor": "Germany"}, "actor", "enum"),
        ({"commitment_id": "no-such-commitment"}, "commitment_id", "foreign-key"),
        ({"status": "kept"}, "status", "enum"),
        ({"status": "not_yet_assessed"}, "status", "enum"),
        ({"confidence": "rumour"}, "confidence", "enum"),
        ({"what_happened": "=1+2+3 and more"}, "what_happened", "formula"),
        # The EU's outcome is not the UK and France's delivery; their own action is not someone else's.
        ({"actor": "EU", "status": "delivered"}, "status", "credits"),
        ({"actor": "other", "status": "in_progress"}, "status", "credits"),
        ({"commitment_id": "1d-uk-funding-22m", "actor": "France", "status": "delivered"}, "status", "credits"),
        ({"actor": "both", "status": "outcome_by_others"}, "status", "is bound"),
        # An expectation binds no one: no one, not even the UK or France, is credited with it.
        ({"commitment_id": "2b-return-migrants-not-entitled", "actor": "UK"}, "status", "use 'outcome_by_others'"),
        (
            {"commitment_id": "2a-hotspots-identification", "actor": "other", "status": "delivered"},
            "status",
            "expectation that binds no one",
        ),
        ({"actor": "none", "status": "in_progress"}, "actor", "no_evidence_found"),
        ({"actor": "UK", "status": "no_evidence_found"}, "actor", "no_evidence_found"),
        ({"actor": "none", "status": "no_evidence_found"}, "source_url", "must be empty"),
        (
            {"actor": "none", "status": "no_evidence_found", "source_url": "", "source_kind": "", "what_happened": "-"},
            "what_happened",
            "says what was searched",
        ),
        ({"source_kind": "secondary", "confidence": "confirmed"}, "confidence", "second, agreeing source"),
    ],
)
def test_bad_followups_are_rejected(tmp_path, cells, field, words):
    """On a package of the commitments, their document and one follow-up: what the rules read."""
    descriptor = small_package(tmp_path, {"documents": None, "commitments": None, "followups": [FIRST_FOLLOWUP]})
    assert_rejected_row(
        descriptor, "followups", add_followup(descriptor, followup_id="new", **{**FOLLOWUP, **cells}), field, words
    )


def test_bad_followups_are_rejected_in_the_full_package(package_copy):
    """The wiring, once: a row crediting the EU's outcome to the parties, in the full package."""
    line = add_followup(package_copy, followup_id="new", **{**FOLLOWUP, "actor": "EU", "status": "delivered"})
    assert_rejected_row(package_copy, "followups", line, "status", "credits")


def assert_rejected_row(descriptor, table: str, line: int, field: str, words: str) -> None:
    problems = validate(descriptor).problems
    hits = [p for p in problems if p.path.endswith(f"data/{table}.csv") and p.line == line and p.field == field]
    assert any(words in p.message for p in hits), [str(p) for p in problems]


def test_a_commitment_without_a_status_row_is_rejected(package_copy):
    path = package_copy.parent / "data" / "followups.csv"
    header, rows = read_table(path)
    i = header.index("commitment_id")
    write_table(
        path,
        header,
        [r for r in rows if r[i] != "2c-trust-fund-projects-dialogue" or r[header.index("status")] == "context"],
    )
    problems = [str(p) for p in validate(package_copy).problems]
    assert any("'2c-trust-fund-projects-dialogue' has no follow-up that sets its status" in p for p in problems), (
        problems
    )


def test_commitment_pages_show_status_as_of_and_trail(site_dir):
    site = build.site()
    for c in load_rows(DATA / "commitments.csv"):
        page = (site_dir / "commitments" / c["commitment_id"] / "index.html").read_text(encoding="utf-8")
        assert 'id="what-happened-next"' in page and "It is not part of the annex." in page
        # The annex's words come before our assessment.
        assert page.index('class="record-quote"') < page.index('id="what-happened-next"')
        verdict = site.assessment(c["commitment_id"])
        current = page.split('class="followup-current"')[1].split("</p>")[0]
        assert f'class="status status--{verdict.status}"' in current and f'datetime="{verdict.as_of}"' in current
        for f in site.followups(c["commitment_id"]):
            item = page.split(f'id="followup-{f["followup_id"]}"')[1].split("</li>")[0]
            if f["source_url"]:
                assert f'href="{escape(f["source_url"])}"' in item
            assert (f["confidence"] == "likely") == ("likely: one secondary source" in item)


def test_home_has_status_by_strength_chart_and_table(site_dir):
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert 'id="chart-status"' in home
    table = home.split('id="figure-status"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + len(build.site().strength_counts())
    assert "not yet assessed" not in home.lower()


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
    page.select_option("#commitments-table-filter-status", "no_evidence_found")
    site = build.site()
    expected = sum(site.status(c["commitment_id"]) == "no_evidence_found" for c in site.rows("commitments"))
    assert expected and page.locator("#commitments-table tbody tr:visible").count() == expected
    page.goto(base_url + "commitments/2d-support-border-coast-guard/", wait_until="networkidle")
    assert page.locator("ol.followup-trail li").count() == len(site.followups("2d-support-border-coast-guard"))
    context.close()


# -- money over time: context from later sources ----------------------------------------------------
def test_amounts_are_dated_sourced_and_charted_where_they_compare(site_dir):
    site = build.site()
    amounts = load_rows(DATA / "amounts.csv")
    assert amounts
    for a in amounts:
        page = (site_dir / "commitments" / a["commitment_id"] / "index.html").read_text(encoding="utf-8")
        item = page.split(f'id="amount-{a["amount_id"]}"')[1].split("</li>")[0]
        assert f'href="{escape(a["source_url"])}"' in item and escape(a["as_stated"]) in item
        assert "context from later sources" in page
    charted = {a["commitment_id"] for a in amounts if a["amount_gbp"]}
    for cid in charted:
        page = (site_dir / "commitments" / cid / "index.html").read_text(encoding="utf-8")
        rows = [a for a in site.amounts(cid) if a["amount_gbp"]]
        if len(rows) > 1:
            spec = json.loads(unescape(page.split(f'id="chart-amounts-{cid}" data-chart="')[1].split('"')[0]))
            labels = spec["data"][0]["text"]
            # Every bar's label links to its own source.
            assert [
                f'href="{escape(a["source_url"])}"' in label
                for a, label in zip(sorted(rows, key=lambda a: a["period"]), labels)
            ] == [True] * len(rows), cid


@pytest.mark.parametrize(
    "cells,field,words",
    [
        ({"period": "2015"}, "period", "before the annex"),
        ({"period": "2099-01"}, "period", "after today"),
        (
            {"source_kind": "secondary", "confidence": "confirmed", "note": "one report"},
            "confidence",
            "second, agreeing",
        ),
        ({"kind": "rumour"}, "kind", "enum"),
        ({"amount": "1e6"}, "amount", "plain decimal"),
    ],
)
def test_bad_amounts_are_rejected(tmp_path, cells, field, words):
    first = load_rows(DATA / "amounts.csv")[0]["amount_id"]
    descriptor = small_package(tmp_path, {"documents": None, "commitments": None, "amounts": [first]})
    path = descriptor.parent / "data" / "amounts.csv"
    header, rows = read_table(path)
    row = dict(zip(header, rows[0]))
    row.update(amount_id="new-amount", **cells)
    rows.append([row[h] for h in header])
    write_table(path, header, rows)
    assert_rejected_row(descriptor, "amounts", csv_line_of(path, len(rows) - 1), field, words)
