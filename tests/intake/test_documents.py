"""The validator's rules about documents, on a package of two (tests/second_document.py): a record
belongs to one document, quotes that document's paragraphs, and relates only to its records."""

from __future__ import annotations

import json

import pytest
from conftest import assert_rejected, csv_line_of, read_table, set_cell, write_table
from second_document import COMMITMENTS, DOC, FIGURE, SOURCE, make_package

from scripts.intake.validate import validate

pytestmark = pytest.mark.data


@pytest.fixture
def two(tmp_path):
    return make_package(tmp_path / "datapackage")


def row_index(descriptor, table: str, key: str) -> int:
    header, rows = read_table(descriptor.parent / "data" / f"{table}.csv")
    return next(i for i, row in enumerate(rows) if row[1] == key)


def test_a_package_of_two_documents_is_valid(two):
    report = validate(two)
    assert report.valid, "\n".join(map(str, report.problems))


def test_a_quote_from_the_other_documents_paragraph_of_the_same_id_is_refused(two):
    # Paragraph 1a exists in both documents: the fictional commitment must quote its own 1a.
    line = set_cell(
        two, "commitments", COMMITMENTS[0], "quote", "France and the United Kingdom will pursue their efforts"
    )
    assert_rejected(two, "commitments", line, "quote", "is not in paragraph 1a")


def test_a_record_pointed_at_a_paragraph_its_document_lacks_is_refused(two):
    # The annex has a paragraph 2d; the fictional document has none.
    line = set_cell(two, "figures", FIGURE, "paragraph_id", "2d")
    assert_rejected(two, "figures", line, "document_id, paragraph_id", "foreign-key")


def test_a_commitment_relates_only_to_figures_of_its_own_document(two):
    line = set_cell(two, "commitments", COMMITMENTS[0], "figure_ids", "cao-centres")
    assert_rejected(two, "commitments", line, "figure_ids", f"belongs to 'amiens-2016-migration-annex', not '{DOC}'")


def test_an_amount_belongs_to_its_commitments_document(two):
    path = two.parent / "data" / "amounts.csv"
    header, rows = read_table(path)
    rows[0][header.index("document_id")] = DOC
    write_table(path, header, rows)
    assert_rejected(two, "amounts", csv_line_of(path, 0), "document_id", f"not '{DOC}'")


def test_a_followup_belongs_to_its_commitments_document(two):
    line = set_cell(two, "followups", f"{COMMITMENTS[0]}-searched", "document_id", "amiens-2016-migration-annex")
    assert_rejected(two, "followups", line, "document_id", f"belongs to '{DOC}'")


def test_each_document_has_its_own_default_window(two):
    # The fictional document's commitments that name no period share its default, not the annex's.
    line = set_cell(two, "commitments", COMMITMENTS[1], "window_end", "2021-02-01")
    assert_rejected(two, "commitments", line, "window_end", "is not the default window end (2021-01-14)")


def test_an_allowlisted_number_must_be_in_some_documents_paragraph(two):
    path = two.parent / "checks" / "number-allowlist.csv"
    header, rows = read_table(path)
    rows[0][header.index("context")] = "Our three countries"
    write_table(path, header, rows)
    assert_rejected(two, "checks/number-allowlist.csv", 2, "context", "of any document")


def test_a_documents_source_is_named_among_the_descriptors_sources(two):
    descriptor = json.loads(two.read_text(encoding="utf-8"))
    descriptor["sources"] = [s for s in descriptor["sources"] if s["path"] != SOURCE]
    two.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    line = csv_line_of(two.parent / "data" / "documents.csv", 1)
    assert_rejected(two, "documents", line, "source_path", "is not among datapackage.json's sources")


def test_the_descriptors_sources_and_documents_agree_on_a_sources_sha256(two):
    descriptor = json.loads(two.read_text(encoding="utf-8"))
    next(s for s in descriptor["sources"] if s["path"] == SOURCE)["sha256"] = "0" * 64
    two.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    line = csv_line_of(two.parent / "data" / "documents.csv", 1)
    assert_rejected(two, "documents", line, "sha256", "differs from the sha256 datapackage.json's sources give")
