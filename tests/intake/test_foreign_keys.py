"""Foreign keys, checked by the project's rule (scripts/intake/rules.py, ForeignKeys) on the text of
the cells: an id that points at nothing is refused on its own line, named by its key's fields, in
the words Frictionless used; an empty key points at nothing and is not checked."""

import pytest
from conftest import assert_rejected, csv_line_of, read_table, set_cell, small_package, write_table

from scripts.intake.validate import validate

pytestmark = pytest.mark.data

DOCUMENT = "amiens-2016-migration-annex"


def key_problems(package) -> list[str]:
    """What the validator says of keys (a package cut down to a few rows breaks other rules)."""
    return [str(p) for p in validate(package).problems if "foreign-key" in p.message]


def test_a_dangling_pair_is_refused_in_its_words(tmp_path):
    package = small_package(tmp_path, {"documents": None, "paragraphs": None, "figures": ["cao-centres"]})
    line = set_cell(package, "figures", "cao-centres", "paragraph_id", "9z")
    assert [p.split("datapackage/", 1)[1] for p in key_problems(package)] == [
        f"data/figures.csv:{line}: document_id, paragraph_id: foreign-key: for "
        f'"document_id, paragraph_id": values "{DOCUMENT}, 9z" not found in the lookup table "paragraphs" '
        'as "document_id, paragraph_id"'
    ]


def test_a_row_whose_target_is_removed_is_refused(tmp_path):
    """The other side of the key: the paragraph a figure quotes is deleted from paragraphs.csv."""
    package = small_package(tmp_path, {"documents": None, "paragraphs": None, "figures": ["cao-centres"]})
    paragraphs = package.parent / "data" / "paragraphs.csv"
    header, rows = read_table(paragraphs)
    figures_header, figures = read_table(package.parent / "data" / "figures.csv")
    quoted = figures[0][figures_header.index("paragraph_id")]
    write_table(paragraphs, header, [r for r in rows if r[header.index("paragraph_id")] != quoted])
    line = csv_line_of(package.parent / "data" / "figures.csv", 0)
    assert_rejected(package, "figures", line, "document_id, paragraph_id", "foreign-key")


def test_a_key_into_its_own_table(tmp_path):
    """`part_of` names another commitment of the same table; empty, it names none and passes."""
    keep = ["1d-uk-funding-22m", "1d-i-security-infrastructure"]
    package = small_package(tmp_path, {"documents": None, "paragraphs": None, "figures": None, "commitments": keep})
    assert key_problems(package) == []
    line = set_cell(package, "commitments", "1d-i-security-infrastructure", "part_of", "1d-uk-funding-23m")
    assert_rejected(package, "commitments", line, "part_of", 'values "1d-uk-funding-23m" not found')
    assert len(key_problems(package)) == 1
    set_cell(package, "commitments", "1d-i-security-infrastructure", "part_of", "")
    assert key_problems(package) == []


def test_a_key_checked_in_the_full_package(package_copy):
    """Once on the whole package: every table's keys, and the line each problem is on."""
    lines = [
        set_cell(package_copy, "followups", "nokes-17m-paid-2016", "commitment_id", "no-such-commitment"),
        set_cell(package_copy, "terms", "iom", "document_id", "another-document"),
    ]
    report = validate(package_copy)
    assert_rejected(package_copy, "followups", lines[0], "commitment_id", "foreign-key", report=report)
    assert_rejected(package_copy, "terms", lines[1], "document_id", '"another-document" not found', report=report)
