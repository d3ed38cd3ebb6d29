"""Commitments as the annex words them: operative phrase, strength, who is bound, parts counted once.

The rules are the validator's (scripts/intake/rules.py, checks/operative-phrases.csv): each is broken on a
copy of the package here and must be refused with its file, line and field. What the real package
and the built site show is checked on them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from html import unescape

import pytest
from conftest import COMMITMENT_TABLES, assert_rejected, set_cell, small_package

from scripts import build
from scripts.intake import annex_text
from scripts.intake.package import load_rows, read_csv
from scripts.paths import PACKAGE_DIR

pytestmark = pytest.mark.data

DATA = PACKAGE_DIR / "data"
PHRASES = PACKAGE_DIR / "checks" / "operative-phrases.csv"


@pytest.fixture(scope="module")
def commitments():
    return load_rows(DATA / "commitments.csv")


def text_of(html: str) -> str:
    """Visible text, whitespace folded; tags dropped without a gap (terms are wrapped in <abbr>)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


# -- the real package -------------------------------------------------------------------------
def test_parts_are_one_level_deep_and_counted_once(commitments):
    ids = {c["commitment_id"]: c for c in commitments}
    parts = [c for c in commitments if c["part_of"]]
    assert parts, "the €22m's three uses at least are parts"
    assert all(not ids[c["part_of"]]["part_of"] for c in parts)
    uses = [c["commitment_id"] for c in parts if c["part_of"] == "1d-uk-funding-22m"]
    assert len(uses) == 3
    site = build.site()
    assert len(site.top_level) == len(commitments) - len(parts)
    assert sum(site.strength_counts().values()) == len(site.top_level)
    assert site.strength_counts() == dict(Counter(c["strength"] for c in commitments if not c["part_of"]))


def undo(value: str, kind: str, words: str) -> str:
    """The cell with a reviewed wording undone: its words dropped, or put back where they were taken out."""
    return " ".join(filter(None, [value, words])) if kind == "lacks" else value.replace(words, "", 1).strip()


def test_audited_wording_is_the_validators(package_copy):
    """The audit's findings hold by the validator, not by this test: each reviewed wording
    (checks/reviewed-wording.csv), undone, and each audited strength and actor, reverted, is
    refused by `python -m scripts.intake.validate` (what `make validate` runs) at its cell."""
    descriptor = package_copy
    wanted = []
    for entry in read_csv(descriptor.parent / "checks" / "reviewed-wording.csv"):
        table, key, field, kind, words = (entry[f] for f in ("table", "id", "field", "kind", "words"))
        current = next(r for r in read_csv(descriptor.parent / "data" / f"{table}.csv") if r[f"{table[:-1]}_id"] == key)
        line = set_cell(descriptor, table, key, field, undo(current[field], kind, words))
        wanted.append(f"data/{table}.csv:{line}: {field}: must ")
    # The audit's strengths and actors follow from the operative phrases (checks/operative-phrases.csv).
    for key, field, value, words in [
        ("2a-deploy-all-hotspots", "actor", "both", "an expectation binds no one"),
        ("1e-reaffirm-dublin-principles", "strength", "pledge", "'pledge' contradicts operative-phrases.csv"),
        ("2b-iom-centre-niger", "strength", "pledge", "'pledge' contradicts operative-phrases.csv"),
        ("2c-trust-fund-projects-dialogue", "strength", "pledge", "'pledge' contradicts operative-phrases.csv"),
    ]:
        wanted.append(
            f"data/commitments.csv:{set_cell(descriptor, 'commitments', key, field, value)}: {field}: {words}"
        )
    result = subprocess.run(
        [sys.executable, "-m", "scripts.intake.validate", str(descriptor)],
        cwd=descriptor.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for line in wanted:
        assert line in result.stdout, f"{line} not in:\n{result.stdout[:3000]}"


@pytest.mark.parametrize(
    "row,field,words",
    [
        ("commitments,no-such-row,quote,contains,x,a reason", "id", "has no row 'no-such-row'"),
        ("commitments,2d-support-border-coast-guard,colour,contains,x,a reason", "field", "no table 'commitments'"),
        ("commitments,2d-support-border-coast-guard,quote,rhymes with,x,a reason", "kind", "needs a kind"),
        ("commitments,2d-support-border-coast-guard,quote,contains,support,", "kind", "a reason"),
    ],
)
def test_reviewed_wording_rows_are_checked(tmp_path, row, field, words):
    descriptor = small_package(tmp_path, {"commitments": ["2d-support-border-coast-guard"]})
    path = descriptor.parent / "checks" / "reviewed-wording.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n" + row + "\n", encoding="utf-8")
    assert_rejected(descriptor, "checks/reviewed-wording.csv", 2, field, words)


@pytest.mark.parametrize(
    "quote,found",
    [
        ("will be used for … (ii) efforts to move people", True),
        ("will be used for (i) priority security infrastructure", True),
        ("(ii) efforts to move people … will be used for", False),  # fragments out of order
        ("will be used for … ", False),  # an empty fragment
        ("will be used for … (iv) more money", False),
    ],
)
def test_quote_fragments_are_verbatim_and_in_order(quote, found):
    text = (
        "This reinforced financial commitment will be used for (i) priority security infrastructure; "
        "(ii) efforts to move people from the camps"
    )
    assert (annex_text.locate(text, quote) is not None) is found


# -- each rule refuses what breaks it -----------------------------------------------------------
@pytest.mark.parametrize(
    "key,field,value,reported,words",
    [
        (
            "2d-support-border-coast-guard",
            "operative_phrase",
            "will adopt",
            "operative_phrase",
            "does not occur in the quote",
        ),
        (
            "2d-support-border-coast-guard",
            "strength",
            "pledge",
            "strength",
            "'pledge' contradicts operative-phrases.csv",
        ),
        (
            "2c-trust-fund-projects-dialogue",
            "summary",
            "France and the UK will talk more closely about Trust Fund projects.",
            "summary",
            "says 'will'",
        ),
        ("1d-i-security-infrastructure", "part_of", "1d-no-such-row", "part_of", "is not a commitment_id"),
        ("1d-i-security-infrastructure", "part_of", "1d-ii-move-people-from-camps", "part_of", "top-level"),
        ("1a-pursue-port-tunnel-security", "actor", "none", "actor", "expectation"),
        ("2b-return-migrants-not-entitled", "actor", "both", "actor", "binds no one"),
        ("2a-deploy-all-hotspots", "actor", "EU", "actor", "constraint"),
        (
            "1d-ii-move-people-from-camps",
            "quote",
            "(ii) efforts to move people … will be used for",
            "quote",
            "is not in paragraph 1d",
        ),
    ],
)
def test_commitment_rules_refuse(tmp_path, key, field, value, reported, words):
    descriptor = small_package(tmp_path, COMMITMENT_TABLES)
    line = set_cell(descriptor, "commitments", key, field, value)
    assert_rejected(descriptor, "data/commitments.csv", line, reported, words)


def test_unlisted_phrase_is_refused(package_copy):
    line = set_cell(
        package_copy, "commitments", "2d-support-border-coast-guard", "operative_phrase", "support the rapid adoption"
    )
    assert_rejected(package_copy, "data/commitments.csv", line, "operative_phrase", "is not in operative-phrases.csv")


def test_phrase_table_rows_are_checked(package_copy):
    path = package_copy.parent / "checks" / "operative-phrases.csv"
    path.write_text(path.read_text(encoding="utf-8") + "will think about,promise,\n", encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines())
    assert_rejected(package_copy, "checks/operative-phrases.csv", line, "strength", "is not one of")


# -- the real site ---------------------------------------------------------------------------
def page(site_dir, path: str) -> str:
    return (site_dir / path / "index.html").read_text(encoding="utf-8")


def test_commitment_page_leads_with_the_annex_words(site_dir, commitments):
    for c in commitments:
        html = page(site_dir, f"commitments/{c['commitment_id']}")
        body = html.split('class="record record--commitment"', 1)[1]
        quote_at = body.index('class="record-quote"')
        assert quote_at < body.index("In plain English"), c["commitment_id"]
        bold = re.search(r'<strong class="operative-phrase">(.*?)</strong>', body)
        assert bold and annex_text.squash(unescape(bold[1])) == c["operative_phrase"], c["commitment_id"]
        site = build.site()
        label, meaning = site.label("commitments", "strength", c["strength"]), site.strength_meaning(c["strength"])
        assert meaning, c["strength"]  # every strength has its meaning in the descriptor
        assert f">{label}</strong>: {meaning}" in unescape(body), c["commitment_id"]
        # Our summary is said once on the page, not in the heading too.
        assert text_of(body.split("What happened next")[0]).count(c["summary"]) == 1, c["commitment_id"]


def test_counts_are_by_strength_everywhere(site_dir):
    sentence = build.site().strength_sentence()
    for path in ("", "commitments", "methodology"):
        assert sentence in text_of(page(site_dir, path)), path
    assert "25 commitments" not in text_of(page(site_dir, "")) + text_of(page(site_dir, "commitments"))


def test_annex_marks_show_every_strength_without_hover(site_dir, commitments):
    html = page(site_dir, "annex")
    labels = re.findall(
        r'<a class="annex-ref annex-ref--(\w+)"[^>]*>C(\d+(?:\.\d+)?) <span class="annex-strength">(\w+)</span>', html
    )
    assert len(labels) == len(commitments)
    assert all(cls == word for cls, _, word in labels)
    # Top-level rows C1 … C14, parts after their parent's number (C5.1): the numbers the site counts.
    numbers = build.site().commitment_numbers
    assert sorted(n for _, n, _ in labels) == sorted(numbers.values())


@pytest.mark.browser
def test_strength_filter_works_with_a_keyboard(browser, base_url, commitments):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.goto(base_url + "commitments/", wait_until="networkidle")
    select = pg.locator("#commitments-table-filter-strength")
    select.focus()
    assert pg.evaluate("document.activeElement.id") == "commitments-table-filter-strength"
    # Tab from the page's search into the filters as a keyboard user would, then choose with arrows.
    options = select.locator("option").all_inner_texts()
    target = options.index("Expectation")
    for _ in range(target):
        pg.keyboard.press("ArrowDown")
    expected = sum(c["strength"] == "expectation" for c in commitments)
    assert pg.locator("#commitments-table tbody tr:visible").count() == expected
    assert f"Showing {expected} of {len(commitments)}" in pg.locator(".table-status").inner_text()
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.id") == "commitments-table-filter-actor"
    context.close()
