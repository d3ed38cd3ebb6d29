"""A test package of two documents: a copy of the real package with a second, clearly fictional
document added the way a maintainer would add one (its source file and SHA-256, its row in
documents.csv, its paragraphs as the real derivation gives them, and records that quote them).

Its paragraph ids (title, 1, 1a, 1b) are the real annex's too, so anything that looks a paragraph up
by its id alone finds the wrong document's words."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

from scripts.intake import annex_text
from scripts.paths import PACKAGE_DIR

DOC = "fictional-test-document"
SOURCE = "source/001_fictional_test_document.txt"
# Invented words, one line then a blank line, as in the real source; every number in it (7) is a figure.
TEXT = (
    "Fictional test document: the lighthouses of Nowhere\n\n"
    "1. Fictional test arrangements for the lighthouses of the imaginary island of Nowhere.\n\n"
    "a. This paragraph is invented for a test. The imaginary island of Nowhere has 7 centres for\n\n"
    "lighthouse keepers. France intends to repaint every lighthouse of the imaginary island.\n\n"
    "b. This paragraph is invented for a test. Every lamp on the imaginary island should stay lit at night.\n"
)
FIGURE = "fictional-keeper-centres"
COMMITMENTS = ("fictional-repaint-lighthouses", "fictional-lamps-stay-lit")

ROWS = {
    "documents": [
        {
            "document_id": DOC,
            "title": "Fictional test document",
            "event": "Fictional test summit",
            "date": "2020-01-15",
            "place": "Nowhere (an imaginary island)",
            "language": "en",
            "publisher": "Nobody: invented for a test of the site",
            "source_path": SOURCE,
            "sha256": hashlib.sha256(TEXT.encode()).hexdigest(),
            "licence_status": "other",
            "notes": "Invented test data; no such document exists.",
        }
    ],
    "figures": [
        {
            "document_id": DOC,
            "figure_id": FIGURE,
            "as_stated": "7 centres",
            "value": "7",
            "qualifier": "exact",
            "unit": "centres",
            "metric": "Centres for lighthouse keepers on the imaginary island (fictional)",
            "period_as_stated": "",
            "period": "",
            "quote": "The imaginary island of Nowhere has 7 centres for lighthouse keepers",
            "paragraph_id": "1a",
            "actor": "France",
            "status": "current",
            "subject": "fictional-keeper-centres",
            "measure": "count",
            "note": "",
        }
    ],
    "commitments": [
        {
            "document_id": DOC,
            "commitment_id": COMMITMENTS[0],
            "summary": "France says it intends to repaint every lighthouse of the imaginary island (fictional).",
            "operative_phrase": "intends to repaint",
            "strength": "intention",
            "actor": "France",
            "quote": "France intends to repaint every lighthouse of the imaginary island",
            "paragraph_id": "1a",
            "part_of": "",
            "theme": "multiple",
            "type": "operational",
            "timeframe_as_stated": "",
            "timeframe": "",
            "window_end": "2021-01-14",
            "window_note": "",
            "figure_ids": FIGURE,
        },
        {
            "document_id": DOC,
            "commitment_id": COMMITMENTS[1],
            "summary": "Every lamp on the imaginary island should stay lit at night (fictional; binds no one).",
            "operative_phrase": "should stay lit",
            "strength": "expectation",
            "actor": "none",
            "quote": "Every lamp on the imaginary island should stay lit at night",
            "paragraph_id": "1b",
            "part_of": "",
            "theme": "multiple",
            "type": "political",
            "timeframe_as_stated": "",
            "timeframe": "",
            "window_end": "2021-01-14",
            "window_note": "",
            "figure_ids": "",
        },
    ],
    "followups": [
        {
            "document_id": DOC,
            "followup_id": f"{cid}-searched",
            "commitment_id": cid,
            "date": "2020-06-01",
            "what_happened": "Fictional test row: nothing was searched, since the document is invented.",
            "status": "no_evidence_found",
            "actor": "none",
            "source_title": "No source: fictional test document",
            "source_url": "",
            "source_kind": "",
            "confidence": "likely",
            "note": "",
            "source_quote": "",
            "source_quote_language": "",
            "derivation": "",
            "archived_url": "",
        }
        for cid in COMMITMENTS
    ],
}
PHRASES = [
    {"operative_phrase": "intends to repaint", "strength": "intention", "reason": "Fictional test phrase: an aim."},
    {"operative_phrase": "should stay lit", "strength": "expectation", "reason": "Fictional test phrase: no one."},
]


def append_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Rows added at the end of a CSV, under its own header, written as the package writes CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    out = io.StringIO()
    csv.DictWriter(out, header, lineterminator="\n").writerows(rows)
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(out.getvalue())


def make_package(target: Path) -> Path:
    """The real package copied to `target` with the fictional document added; returns its descriptor."""
    shutil.copytree(PACKAGE_DIR, target)
    (target / SOURCE).write_text(TEXT, encoding="utf-8")
    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["sources"].append(
        {
            "title": "Fictional test document (invented for a test of the site)",
            "path": SOURCE,
            "sha256": ROWS["documents"][0]["sha256"],
            "bytes": len(TEXT.encode()),
        }
    )
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", "utf-8")
    for table, rows in ROWS.items():
        append_rows(target / "data" / f"{table}.csv", rows)
    append_rows(target / "data" / "paragraphs.csv", annex_text.paragraph_rows(DOC, TEXT))
    append_rows(target / "checks" / "operative-phrases.csv", PHRASES)
    return target / "datapackage.json"
