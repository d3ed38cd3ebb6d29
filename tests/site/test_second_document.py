"""A package of two documents builds a site in which each document has its own page, numbering,
citations and counts: the second (fictional) document's records quote its own paragraphs, and
nothing of one document reaches the other's pages (tests/second_document.py makes the package)."""

from __future__ import annotations

import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from conftest import build_site
from second_document import COMMITMENTS, DOC, FIGURE, SOURCE, TEXT, make_package

from scripts import build
from scripts.intake import annex_text
from scripts.intake.package import read_csv
from scripts.intake.validate import validate
from scripts.paths import PACKAGE_DIR

pytestmark = pytest.mark.build

SITE_URL = "https://example.org/two/"
MAIN_ROW = read_csv(PACKAGE_DIR / "data" / "documents.csv")[0]
MAIN, MAIN_TITLE = MAIN_ROW["document_id"], MAIN_ROW["title"]
FICTIONAL_PAGES = [f"annex/{DOC}/", f"figures/{FIGURE}/"] + [f"commitments/{c}/" for c in COMMITMENTS]
# Pages about every document: the lists, and the data as a whole (its citation and schema.org metadata).
EVERY_DOCUMENT = {"commitments/", "figures/", "data/", "about/", "changelog/"}


class Page(HTMLParser):
    """A built page's article: its text, its links, and the text of each element with an id or class."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.depth, self.text, self.links = 0, [], []
        self.quotes: list[list[str]] = []
        self.open_quote = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.depth += 1
        if self.depth and tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "blockquote" and "record-quote" in (attrs.get("class") or ""):
            self.quotes.append([])
            self.open_quote = 1
        elif self.open_quote and tag == "blockquote":
            self.open_quote += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if self.open_quote and tag == "blockquote":
            self.open_quote -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
        if self.open_quote:
            self.quotes[-1].append(data)

    @property
    def words(self) -> str:
        """The text as a reader sees it (the site writes no whitespace between elements)."""
        return annex_text.squash("".join(self.text))


@pytest.fixture(scope="module")
def two(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("two-documents")
    descriptor = make_package(root / "datapackage")
    report = validate(descriptor)
    assert report.valid, "\n".join(map(str, report.problems))
    built = build_site(root / "site", SITE_URL, root / "datapackage")
    assert built.returncode == 0, built.stderr[-3000:]
    return root / "site"


def page(site: Path, url: str) -> Page:
    return Page((site / url / "index.html").read_text(encoding="utf-8"))


def target(url: str, href: str) -> str:
    """A link's target as a site address ("annex/#para-1a"), from the page at `url`."""
    absolute = urlparse(urljoin(SITE_URL + url, href))
    path = absolute.path.removeprefix(urlparse(SITE_URL).path)
    return path + (f"#{absolute.fragment}" if absolute.fragment else "")


def paragraph_texts(document_id: str, rows: list[dict]) -> list[str]:
    """A document's paragraph texts, long enough to be its own (a short heading could recur)."""
    return [annex_text.squash(p["text"]) for p in rows if p["document_id"] == document_id and len(p["text"]) > 40]


MAIN_PARAGRAPHS = paragraph_texts(MAIN, [r.values for r in read_csv(PACKAGE_DIR / "data" / "paragraphs.csv")])
FICTIONAL_PARAGRAPHS = paragraph_texts(DOC, annex_text.paragraph_rows(DOC, TEXT))
# A commitment of the main document in paragraph 1a, which the fictional document has too.
MAIN_1A = next(
    r for r in read_csv(PACKAGE_DIR / "data" / "commitments.csv") if r["paragraph_id"] == "1a" and not r["part_of"]
)


def test_the_fictional_document_has_its_own_page_with_its_own_records(two):
    p = page(two, f"annex/{DOC}/")
    # The text with the commitments' marks ("C1 intention" after a clause) left out.
    words = re.sub(r"C\d+(\.\d+)? (pledge|intention|support|reaffirmation|expectation)", "", p.words)
    for text in FICTIONAL_PARAGRAPHS:
        assert text in words
    links = {target(f"annex/{DOC}/", href) for href in p.links}
    assert {f"commitments/{c}/" for c in COMMITMENTS} | {f"figures/{FIGURE}/"} <= links
    # Numbered from C1 as its own: its two statements are C1 and C2.
    assert re.search(r"C1 intention", p.words) and re.search(r"C2 expectation", p.words), p.words
    assert "2 top-level statements" in p.words


@pytest.mark.parametrize("url", FICTIONAL_PAGES[1:])
def test_its_records_quote_and_cite_their_own_paragraphs(two, url):
    p = page(two, url)
    rows = {r["paragraph_id"]: r for r in annex_text.paragraph_rows(DOC, TEXT)}
    quoted = annex_text.squash("".join(p.quotes[0]))
    # The quote is paragraph 1a or 1b of the fictional document, the same ids as the annex's own.
    assert any(quoted.startswith(annex_text.squash(rows[pid]["text"])) for pid in ("1a", "1b")), quoted
    assert "Fictional test document, paragraph 1" in quoted
    links = [target(url, href) for href in p.links]
    assert any(link.startswith(f"annex/{DOC}/#para-1") for link in links), links
    assert "Fictional test summit, Nowhere (an imaginary island), 15 January 2020: Fictional test document" in p.words
    assert MAIN_TITLE not in p.words


@pytest.mark.parametrize("url", FICTIONAL_PAGES)
def test_nothing_of_the_main_document_reaches_the_fictional_pages(two, url):
    p = page(two, url)
    for text in MAIN_PARAGRAPHS:
        assert text[:40] not in p.words, f"{url} shows the annex's words: {text[:60]}"
    for href in p.links:
        link = target(url, href)
        assert not link.startswith("annex/#"), f"{url} links the annex's paragraph {link}"
        record = re.match(r"(figures|commitments|glossary)/([^/#]+)/", link)
        assert not record or record.group(2) in {FIGURE, *COMMITMENTS}, f"{url} links {link}"
    # The descriptor's sources are the main document's editions: none is offered for this one.
    assert "Other published editions" not in p.words


def test_nothing_of_the_fictional_document_reaches_the_main_documents_pages(two):
    leaks = []
    for path in two.rglob("index.html"):
        url = path.parent.relative_to(two).as_posix() + "/" if path.parent != two else ""
        if url in FICTIONAL_PAGES or url in EVERY_DOCUMENT:
            continue
        text = path.read_text(encoding="utf-8")
        leaks += [f"{url}: {word}" for word in ("imaginary", "lighthouse", FIGURE, *COMMITMENTS) if word in text]
    assert not leaks


def test_the_main_documents_numbers_and_quotes_are_its_own(two):
    p = page(two, f"commitments/{MAIN_1A['commitment_id']}/")
    quoted = annex_text.squash("".join(p.quotes[0]))
    main_1a = next(r for r in read_csv(PACKAGE_DIR / "data" / "paragraphs.csv") if r["paragraph_id"] == "1a")
    assert quoted.startswith(annex_text.squash(main_1a["text"])[:40]) and f"{MAIN_TITLE}, paragraph 1a" in quoted
    # The annex is numbered as it is alone (C1 … C14, C5.1 …), on its page and its records'.
    alone = build.site(PACKAGE_DIR / "datapackage.json").commitment_numbers
    assert p.words.startswith(f"C{alone[MAIN_1A['commitment_id']]}:")
    annex = page(two, "annex/")
    numbers = re.findall(r"C(\d+(?:\.\d+)?) (?:pledge|intention|support|reaffirmation|expectation)", annex.words)
    assert sorted(numbers) == sorted(alone.values())
    # The home page counts the main document's records and names the other document's page.
    home = page(two, "")
    figures = sum(1 for r in read_csv(PACKAGE_DIR / "data" / "figures.csv"))
    assert f"It holds {figures} figures" in home.words
    assert f"annex/{DOC}/" in home.links


def test_lists_say_which_document_a_record_is_from(two):
    p = page(two, "commitments/")
    assert "Paragraph 1a of Fictional test document" in p.words
    assert f"Paragraph 1a of {MAIN_TITLE}" in p.words
    top = len(build.site(PACKAGE_DIR / "datapackage.json").top_level)
    assert f"C1 to C{top} of {MAIN_TITLE} and C1 to C2 of Fictional test document" in p.words
    glossary = page(two, "glossary/")
    assert re.search(rf"first named in paragraph \w+ of {MAIN_TITLE}", glossary.words)


def test_downloads_and_metadata_name_each_records_own_document(two):
    # The evidence pack carries every document's source, byte for byte.
    pack = next((two / "data" / "latest").glob("*.zip"))
    with zipfile.ZipFile(pack) as z:
        assert next(z.read(n) for n in z.namelist() if n.endswith(SOURCE)) == TEXT.encode()
    records = two / "data" / "latest" / "records"
    fictional = json.loads((records / "commitments" / f"{COMMITMENTS[0]}.json").read_text(encoding="utf-8"))
    assert fictional["provenance"]["source"].endswith("Fictional test document, paragraph 1a")
    main = json.loads((records / "commitments" / f"{MAIN_1A['commitment_id']}.json").read_text(encoding="utf-8"))
    assert main["provenance"]["source"].endswith(f"{MAIN_TITLE}, paragraph 1a")
    html = (two / "data" / "index.html").read_text(encoding="utf-8")
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert [w["name"] for w in ld["isBasedOn"]] == [
        f"{MAIN_ROW['event']}: {MAIN_TITLE}",
        "Fictional test summit: Fictional test document",
    ]
