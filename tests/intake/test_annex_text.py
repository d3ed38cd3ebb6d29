"""The readable text is derived from the source by code, and the derivation drops nothing."""

import re

import pytest

from scripts.intake import annex_text
from scripts.intake.annex_text import paragraphs, read_source
from scripts.intake.package import load_rows
from scripts.paths import PACKAGE_DIR

pytestmark = pytest.mark.data

RAW = read_source(PACKAGE_DIR / "source" / "000_73c898e7f7e88842.txt")


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_derivation_drops_no_character():
    derived = "".join(p.marker + p.text for p in paragraphs(RAW))
    assert no_space(derived) == no_space(RAW)


def test_paragraph_ids_follow_the_annex():
    ids = [p.paragraph_id for p in paragraphs(RAW)]
    assert ids == ["title", "1", "1a", "1b", "1c", "1d", "1e", "2", "2a", "2b", "2c", "2d"]


def test_pdf_artefacts_removed():
    title = paragraphs(RAW)[0].text
    assert title.startswith("UK-France Summit 3rd March 2016")
    assert all("  " not in p.text for p in paragraphs(RAW))


def test_pages_follow_the_page_breaks():
    pages = {p.paragraph_id: p.page for p in paragraphs(RAW)}
    assert (pages["1c"], pages["1d"], pages["2b"], pages["2c"]) == (1, 2, 2, 3)


def test_bullets_kept_one_per_line():
    para_2b = next(p for p in paragraphs(RAW) if p.paragraph_id == "2b")
    bullets = [line for line in para_2b.text.split("\n") if line.startswith("- ")]
    assert len(bullets) == 4


def test_section_headings():
    by_id = {p.paragraph_id: p for p in paragraphs(RAW)}
    assert by_id["1"].heading.endswith("in the Calais region.")
    assert by_id["2d"].heading == "Enhanced action on migration issues at European and international level"


def test_paragraphs_csv_is_the_derivation():
    rows = load_rows(PACKAGE_DIR / "data" / "paragraphs.csv")
    assert [r["text"] for r in rows] == [p.text for p in paragraphs(RAW)]


def test_make_paragraphs_prints_the_derivation(capsys):
    assert annex_text.main() == 0
    assert capsys.readouterr().out == (PACKAGE_DIR / "data" / "paragraphs.csv").read_text(encoding="utf-8")


def test_make_paragraphs_reads_no_source_through_a_link(package_copy, capsys, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("1. A text from outside the package.\n", encoding="utf-8")
    # A link the descriptor does not name (it refuses links it names): documents.csv points at it.
    (package_copy.parent / "source" / "other.txt").symlink_to(outside)
    documents = package_copy.parent / "data" / "documents.csv"
    old = load_rows(documents)[0]["source_path"]
    documents.write_text(documents.read_text(encoding="utf-8").replace(old, "source/other.txt"), encoding="utf-8")
    assert annex_text.main(package_copy.parent) == 1
    out = capsys.readouterr()
    assert out.out == "" and "outside the package" not in out.err
    assert "documents.csv:2: source_path:" in out.err and "symbolic link" in out.err
