"""Derive the annex's readable text, paragraph by paragraph, from the byte-exact source.

The source is a plain-text extraction of a three-page PDF: every line is followed by a blank
line, a page break shows as three or more newlines in a row, and the superscript of "3rd" sits
on a line of its own. The rules below undo exactly those artefacts and nothing else, so the
derivation can be reviewed and is proved (tests/intake/test_annex_text.py) to drop no character.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from scripts.intake.descriptor import UnsafePackage, UnsafePath, checked, local_file
from scripts.intake.package import read_csv
from scripts.intake.quantities import find_phrase
from scripts.paths import PACKAGE_DIR

PAGE_BREAK = re.compile(r"\n{3,}")
ORDINAL_SUFFIX = re.compile(r"^(st|nd|rd|th)$")
SECTION_START = re.compile(r"^(\d+)\.\s+(.*)$")
PARAGRAPH_START = re.compile(r"^([a-z])\.\s+(.*)$")
BULLET_START = re.compile(r"^-\s+")
WHITESPACE = re.compile(r"\s+")


@dataclass
class Paragraph:
    paragraph_id: str
    order: int
    section: str
    heading: str
    text: str
    page: int

    @property
    def marker(self) -> str:
        """The number or letter the annex prints before the paragraph ("1.", "a.")."""
        if self.paragraph_id == "title":
            return ""
        return (self.paragraph_id[-1] if self.paragraph_id[-1].isalpha() else self.paragraph_id) + "."


def squash(text: str) -> str:
    """Whitespace normalised, nothing else: the form in which quotes are compared."""
    return WHITESPACE.sub(" ", text).strip()


# A quote may leave words out, as a journalist quotes: fragments, each verbatim, joined by " … ".
ELLIPSIS = "…"


def locate(text: str, quote: str) -> list[tuple[int, int]] | None:
    """Where a quote stands in a squashed paragraph: one (start, end) per fragment, in order.

    None when a fragment is missing, empty or out of order: the quote is not the annex's words.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for fragment in squash(quote).split(ELLIPSIS):
        fragment = fragment.strip()
        at = text.find(fragment, pos) if fragment else -1
        if at < 0:
            return None
        spans.append((at, at + len(fragment)))
        pos = at + len(fragment)
    return spans


def find_in_spans(text: str, spans: list[tuple[int, int]], phrase: str) -> tuple[int, int] | None:
    """The first whole-word occurrence of `phrase` inside one of the quote's fragments."""
    phrase = squash(phrase)
    for start, end in spans:
        at = find_phrase(text[start:end], phrase)
        if at >= 0:
            return start + at, start + at + len(phrase)
    return None


def source_lines(raw: str) -> list[tuple[int, str]]:
    """Non-blank lines with their page number, with split ordinals ("3" / "rd") rejoined."""
    lines: list[tuple[int, str]] = []
    for page_no, page in enumerate(PAGE_BREAK.split(raw.strip("\n")), start=1):
        for line in page.split("\n"):
            line = line.strip()
            if not line:
                continue
            if ORDINAL_SUFFIX.match(line) and lines and lines[-1][1][-1:].isdigit():
                lines[-1] = (lines[-1][0], lines[-1][1] + line)
                continue
            lines.append((page_no, line))
    return lines


def paragraphs(raw: str) -> list[Paragraph]:
    """Split the annex into its title, numbered sections and lettered paragraphs.

    A section's heading runs from its number to the first line that ends a sentence, or to
    its first lettered paragraph; the section's own row holds the heading and any
    introduction. Bulleted items stay inside their paragraph, one per line.
    """
    out: list[Paragraph] = []
    current: dict | None = None
    heading_open = False

    def close() -> None:
        if current is not None:
            text = "\n".join(squash(part) for part in current["parts"])
            out.append(
                Paragraph(
                    current["id"], len(out) + 1, current["section"], squash(current["heading"]), text, current["page"]
                )
            )

    for page, line in source_lines(raw):
        section_start = SECTION_START.match(line)
        paragraph_start = PARAGRAPH_START.match(line) if current is not None else None
        if section_start:
            close()
            number, rest = section_start.groups()
            current = {"id": number, "section": number, "heading": rest, "page": page, "parts": [rest]}
            heading_open = True
        elif paragraph_start:
            close()
            letter, rest = paragraph_start.groups()
            section = current["section"]
            heading = current["heading"]
            current = {"id": section + letter, "section": section, "heading": heading, "page": page, "parts": [rest]}
            heading_open = False
        elif current is None:
            current = {"id": "title", "section": "", "heading": "", "page": page, "parts": [line]}
        elif BULLET_START.match(line):
            current["parts"].append(line)
        else:
            current["parts"][-1] += " " + line
            if heading_open:
                current["heading"] += " " + line
        if heading_open and line.endswith("."):
            heading_open = False
    close()
    return out


def read_source(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


PARAGRAPH_FIELDS = ["document_id", "paragraph_id", "order", "section", "heading", "text", "page"]


def paragraph_rows(document_id: str, raw: str) -> list[dict[str, str]]:
    """paragraphs.csv as the derivation gives it; the validator compares the file with this."""
    return [
        {
            "document_id": document_id,
            "paragraph_id": p.paragraph_id,
            "order": str(p.order),
            "section": p.section,
            "heading": p.heading,
            "text": p.text,
            "page": str(p.page),
        }
        for p in paragraphs(raw)
    ]


def main(package_dir: Path = PACKAGE_DIR) -> int:
    """Print paragraphs.csv for every document, derived from its source (`make paragraphs`).
    Like every reader, it reads only what `local_file` allows: the package may not validate yet."""
    writer = csv.DictWriter(sys.stdout, PARAGRAPH_FIELDS, lineterminator="\n")
    try:
        descriptor = checked(package_dir)
        documents = next((r for r in descriptor["resources"] if r["name"] == "documents"), None)
        if documents is None:
            raise UnsafePackage(f"{package_dir / 'datapackage.json'}: resources: no resource is named 'documents'")
        sources = []
        for doc in read_csv(local_file(package_dir, documents["path"])):
            try:
                sources.append((doc["document_id"], read_source(local_file(package_dir, doc["source_path"]))))
            except (UnsafePath, OSError, UnicodeDecodeError) as exc:
                raise UnsafePath(f"{package_dir / documents['path']}:{doc.line}: source_path: {exc}") from None
    except (UnsafePackage, UnsafePath, OSError, UnicodeDecodeError, csv.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    writer.writeheader()
    for document_id, raw in sources:
        writer.writerows(paragraph_rows(document_id, raw))
    return 0


if __name__ == "__main__":
    sys.exit(main())
