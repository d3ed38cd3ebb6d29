"""How a status follows from the evidence: the assessment window, searches that never override a
finding, and the validator's rules and warning for them, on the real package and mutated copies."""

import pytest
from conftest import COMMITMENT_TABLES, assert_rejected, read_table, set_cell, small_package, write_table

from scripts import build
from scripts.intake.package import load_rows
from scripts.intake.status import NOT_SHOWN
from scripts.intake.validate import validate
from scripts.paths import PACKAGE_DIR

DATA = PACKAGE_DIR / "data"
NIGER = "2b-iom-centre-niger"  # only a search row ("no evidence found", dated the day of the search)


def add_followup(descriptor, **cells) -> int:
    """Append a follow-up row (a copy of the first, with `cells`); returns its CSV line."""
    path = descriptor.parent / "data" / "followups.csv"
    header, rows = read_table(path)
    row = dict(zip(header, rows[0]))
    row.update({"source_kind": "primary", "note": "", **cells})
    rows.append([row[h] for h in header])
    write_table(path, header, rows)
    return len(rows) + 1


def finding(descriptor, followup_id, commitment_id, day, status="in_progress", actor="both") -> int:
    return add_followup(
        descriptor,
        followup_id=followup_id,
        commitment_id=commitment_id,
        date=day,
        status=status,
        actor=actor,
        what_happened="Evidence added later, to test that it moves the status.",
    )


def test_evidence_added_later_moves_a_status_set_by_a_search(package_copy):
    assert build.site().status(NIGER) == "no_evidence_found"
    finding(package_copy, "niger-2016-evidence", NIGER, "2016-09-01")
    report = validate(package_copy)
    assert report.valid, [str(p) for p in report.problems]
    verdict = build.site(package_copy).assessment(NIGER)
    # The search is dated 2026, after the finding: it no longer hides it.
    assert (verdict.status, verdict.row["followup_id"]) == ("in_progress", "niger-2016-evidence")


def test_evidence_after_the_window_is_later_context_and_the_validator_warns(package_copy):
    line = finding(package_copy, "niger-2019-evidence", NIGER, "2019-02-12")
    report = validate(package_copy)
    assert report.valid, [str(p) for p in report.problems]
    verdict = build.site(package_copy).assessment(NIGER)
    assert verdict.status == "no_evidence_found"
    assert [r["followup_id"] for r in verdict.later] == ["niger-2019-evidence"]
    warned = [w for w in report.warnings if w.line == line and w.path.endswith("data/followups.csv")]
    assert warned and "cannot set its status" in warned[0].message and NIGER in warned[0].message
    # The same row within the window is evidence: no warning for it.
    set_cell(package_copy, "followups", "niger-2019-evidence", "date", "2017-02-12")
    assert not [w for w in validate(package_copy).warnings if NIGER in w.message]


def test_the_warning_is_printed_but_does_not_fail(package_copy, capsys):
    from scripts.intake.validate import main

    line = finding(package_copy, "niger-2019-evidence", NIGER, "2019-02-12")
    assert main([str(package_copy)]) == 0
    err = capsys.readouterr().err
    assert f"data/followups.csv:{line}: date: warning: '{NIGER}'" in err


def test_a_window_ends_the_status_where_the_annex_names_a_period(package_copy):
    # 1a: "will pursue their efforts in 2016". A later "delivered" is context, not delivery in 2016.
    cid = "1a-pursue-port-tunnel-security"
    finding(package_copy, "late-not-delivered", cid, "2016-12-31", status="not_delivered")
    finding(package_copy, "late-delivered", cid, "2017-01-01", status="delivered")
    verdict = build.site(package_copy).assessment(cid)
    assert verdict.window_end == "2016-12-31"
    assert verdict.row["followup_id"] == "late-not-delivered"  # the window's last day is in it
    later = [r["followup_id"] for r in verdict.later]
    assert "late-delivered" in later and "late-not-delivered" not in later


def test_same_day_findings_that_disagree_are_rejected(package_copy):
    cid = "1b-strengthen-security-cooperation"
    finding(package_copy, "same-day-a", cid, "2017-06-01", status="in_progress")
    line = finding(package_copy, "same-day-b", cid, "2017-06-01", status="delivered")
    assert_rejected(package_copy, "followups", line, "status", "same day")
    # After the window the two are context, and the order of the file decides nothing.
    set_cell(package_copy, "followups", "same-day-a", "date", "2019-06-01")
    set_cell(package_copy, "followups", "same-day-b", "date", "2019-06-01")
    assert validate(package_copy).valid


@pytest.mark.parametrize(
    "cid,cells,field,words",
    [
        ("1a-pursue-port-tunnel-security", {"window_end": "2016-06-30"}, "window_end", "write 2016-12-31"),
        ("1a-pursue-port-tunnel-security", {"window_end": "2016-03-03"}, "window_end", "not after the annex"),
        ("1a-pursue-port-tunnel-security", {"window_end": ""}, "window_end", "constraint"),
        ("1a-pursue-port-tunnel-security", {"window_end": "31/12/2016"}, "window_end", "type"),
        ("1d-i-security-infrastructure", {"window_end": "2017-12-31"}, "window_end", "its parent's"),
        ("1b-strengthen-security-cooperation", {"window_end": "2019-12-31"}, "window_end", "default window"),
        ("1c-offer-500-more-places", {"window_note": ""}, "window_note", "gives no date"),
        ("1b-strengthen-security-cooperation", {"window_note": "Our reading."}, "window_note", "is empty"),
    ],
)
def test_bad_windows_are_rejected(tmp_path, cid, cells, field, words):
    descriptor = small_package(tmp_path, COMMITMENT_TABLES)
    for name, value in cells.items():
        line = set_cell(descriptor, "commitments", cid, name, value)
    assert_rejected(descriptor, "commitments", line, field, words)


def test_every_stated_window_is_the_annexs_words_and_every_page_shows_it(site_dir):
    site = build.site()
    for c in load_rows(DATA / "commitments.csv"):
        if c["timeframe_as_stated"]:
            assert c["timeframe_as_stated"] in c["quote"]
        page = (site_dir / "commitments" / c["commitment_id"] / "index.html").read_text(encoding="utf-8")
        window = page.split("<dt>Assessment window</dt>")[1].split("</dd>")[0]
        verdict = site.assessment(c["commitment_id"])
        assert f"to {verdict.window_end[:4]}" in window or verdict.window_end[:4] in window
        for row in verdict.later:
            # Later rows are under their own heading, after the trail that sets the status.
            assert page.index('id="after-the-window"') < page.index(f'id="followup-{row["followup_id"]}"')


def test_open_ended_pledges_are_not_delivered_on_a_later_event():
    """1b ('committed to pursuing and further strengthening') was 'delivered' on a 2019 opening."""
    site = build.site()
    verdict = site.assessment("1b-strengthen-security-cooperation")
    assert verdict.status != "delivered" and verdict.window_end == site.default_window_end
    assert all(r["date"] > verdict.window_end for r in verdict.later)
    assert "joint-coordination-centre-coquelles-opened" in [r["followup_id"] for r in verdict.later]


def test_nothing_recorded_within_the_window_is_said_and_counted_apart(site_dir):
    site = build.site()
    shown = [c for c in site.rows("commitments") if site.status(c["commitment_id"]) == NOT_SHOWN]
    assert shown  # the real package has such rows (their evidence is all later)
    for c in shown:
        page = (site_dir / "commitments" / c["commitment_id"] / "index.html").read_text(encoding="utf-8")
        current = page.split('class="followup-current"')[1].split("</p>")[0]
        assert "Nothing recorded within the window" in current
