"""Counting and naming that agree with the methodology, on the real package and the built site:
C1-C14 and their parts C5.1 …, the two categories (commitments by the UK and/or France; statements
that bind no one), parts assessed separately, and the annex's own words where the site says what
it says."""

import re
from html import unescape

from scripts import build
from scripts.intake import annex_text
from scripts.intake.package import load_rows
from scripts.paths import PACKAGE_DIR

DATA = PACKAGE_DIR / "data"
# Wording built for a party bound by a commitment: never on a row that binds no one.
BOUND_WORDING = ("the parties bound by the commitment did what it says", "the parties' own part not shown")


def text_of(html: str, tag: str = " ") -> str:
    """The words of a page; tag="" keeps highlighted code together."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", tag, html)))


def page(site_dir, path: str) -> str:
    return (site_dir / path / "index.html").read_text(encoding="utf-8")


def test_numbers_count_top_level_rows_and_parts_follow_their_parent():
    site = build.site()
    numbers = site.commitment_numbers
    top = [numbers[c["commitment_id"]] for c in site.top_level]
    assert top == [str(n) for n in range(1, len(site.top_level) + 1)]
    for c in site.rows("commitments"):
        if c["part_of"]:
            parent, _, k = numbers[c["commitment_id"]].partition(".")
            assert parent == numbers[c["part_of"]] and k.isdigit(), c["commitment_id"]


def test_pages_titles_and_table_use_the_numbers(site_dir):
    site = build.site()
    numbers = site.commitment_numbers
    for cid, n in numbers.items():
        html = page(site_dir, f"commitments/{cid}")
        title = re.search(r"<title>(.*?)</title>", html, re.S)[1]
        assert title.startswith(f"C{n} ("), (cid, title)
        assert re.search(rf"<h1[^>]*>C{re.escape(n)}: ", html), cid
    table = page(site_dir, "commitments")
    shown = re.findall(r'<a href="(?:[^"]*/)?([^/"]+)/">C(\d+(?:\.\d+)?)</a>', table)
    assert dict(shown) == numbers
    # No page counts past the top-level rows, as "Commitment 28" or "C28" once did.
    top = len(site.top_level)
    for html in site_dir.rglob("*.html"):
        text = text_of(html.read_text(encoding="utf-8"))
        assert not re.search(rf"\bCommitment {top + 1}\b", text), html
        assert not re.search(rf"\bC{top + 1}\b(?!\.)", text), html


def test_the_annex_legend_and_aria_labels_name_the_two_categories(site_dir):
    site = build.site()
    html = page(site_dir, "annex")
    legend = text_of(html.split('class="annex-legend"')[1].split("</div>")[0])
    assert f"C1 to C{len(site.top_level)}" in legend and "C5.1" in legend and "binds no one" in legend
    labels = dict(re.findall(r'<a class="annex-ref[^"]*" href="[^"]*commitments/([^/"]+)/" aria-label="([^"]*)"', html))
    assert labels.keys() == site.commitments.keys()
    for cid, label in labels.items():
        n = site.commitment_numbers[cid]
        assert label.startswith(f"C{n} "), label
        assert ("a statement that binds no one" in label) == site.is_expectation(cid), label
        assert ("a commitment" in label) != site.is_expectation(cid), label


def test_statements_that_bind_no_one_never_get_the_bound_partys_wording(site_dir):
    site = build.site()
    expectations = [c for c in site.rows("commitments") if site.is_expectation(c["commitment_id"])]
    assert expectations
    for c in expectations:
        html = page(site_dir, f"commitments/{c['commitment_id']}")
        text = text_of(html.split('id="what-happened-next"')[1])
        for words in BOUND_WORDING:
            assert words not in text, (c["commitment_id"], words)
        assert "binds no one" in text
        status = site.status(c["commitment_id"])
        own = site.category("followups", "status", status).get("expectation", {}).get("label")
        if own:
            assert own in text and site.status_label(status, c["commitment_id"]) == own
    # and the bound wording is still where it belongs
    bound = "1a-pursue-port-tunnel-security"
    assert site.status_meaning("delivered", bound) in text_of(page(site_dir, f"commitments/{bound}"))


def test_the_home_page_frames_in_the_methodologys_categories_and_the_annexs_words(site_dir):
    home = text_of(page(site_dir, ""))
    assert "What was promised" not in home
    assert "statements that bind no one" in home and "commitments by the UK and/or France" in home
    assert "smuggling" not in home
    annex = " ".join(p["text"] for p in load_rows(DATA / "paragraphs.csv"))
    for words in ("organised crime", "human trafficking", "networks"):
        assert words in home and words in annex


def test_parents_list_their_parts_with_their_own_statuses(site_dir):
    site = build.site()
    for c in site.top_level:
        parts = site.parts(c["commitment_id"])
        html = page(site_dir, f"commitments/{c['commitment_id']}")
        if not parts:
            assert 'class="followup-parts"' not in html
            continue
        listed = html.split('class="followup-parts"')[1].split("</div>")[0]
        assert "assessed separately" in listed
        for p in parts:
            assert f'{p["commitment_id"]}/"' in listed
            assert f"status--{site.status(p['commitment_id'])}" in listed


def test_the_status_chart_gives_the_parts_apart_so_a_parts_finding_is_not_lost(site_dir):
    site = build.site()
    home = text_of(page(site_dir, ""))
    assert f"Their {len(site.all_parts)} parts are assessed separately" in home
    # The one "not delivered" is a part's (an expectation: "did not happen"), and now reaches the page.
    not_done = [p for p in site.all_parts if site.status(p["commitment_id"]) == "not_delivered"]
    assert not_done and f"{len(not_done)} did not happen" in home


def test_the_data_page_counts_top_level_rows_with_pandas(site_dir):
    text = text_of(page(site_dir, "data"), tag="")
    assert 'commitments[commitments["part_of"].isna()]' in text
    assert 'commitments.groupby("actor").size()' not in text


def test_the_recall_parts_keep_which_aims_at():
    rows = load_rows(DATA / "commitments.csv")
    paragraph = annex_text.squash(
        next(p["text"] for p in load_rows(DATA / "paragraphs.csv") if p["paragraph_id"] == "2b")
    )
    parts = [c for c in rows if c["part_of"] == "2b-recall-commitments-2-november-2015"]
    assert parts
    for c in parts:
        assert "on the coordination of their bilateral cooperation with third countries, which aims at …" in c["quote"]
        assert annex_text.locate(paragraph, c["quote"]) is not None  # still verbatim, fragment by fragment


def test_reviewed_tables_point_only_at_files_that_exist():
    root = PACKAGE_DIR.parent
    for table in (PACKAGE_DIR / "checks").glob("*.csv"):
        for name in re.findall(r"[\w./-]+\.md\b", table.read_text(encoding="utf-8")):
            assert (root / name).exists() or (PACKAGE_DIR / name).exists(), (table.name, name)


def test_the_methodology_says_why_some_sentences_are_not_rows(site_dir):
    text = text_of(page(site_dir, "methodology"))
    for words in (
        "is of paramount importance",
        "further work in each of these areas is needed this year",
        "are actively cooperating so as to ensure",
    ):
        assert words in text
    assert "Assessment window" in text and build.site().default_window_end[:4] in text
