"""Every schema constraint and every check rejects a mutated copy, naming file, line and field."""

import subprocess
import sys

import pytest
from conftest import assert_rejected, read_table, set_cell, small_package, write_table

from scripts.intake.validate import validate

pytestmark = pytest.mark.data

# (table, row key, field, bad value, field reported, words in the message)
# Frictionless: types, enums, patterns, ranges, required
SCHEMA_MUTATIONS = [
    ("figures", "cao-centres", "value", "many", "value", "type-error"),
    ("figures", "cao-centres", "value", "-102", "value", "constraint"),
    ("figures", "cao-centres", "unit", "dollars", "unit", "enum"),
    ("figures", "cao-centres", "qualifier", "roughly", "qualifier", "enum"),
    ("figures", "cao-centres", "status", "done", "status", "enum"),
    ("figures", "cao-centres", "measure", "", "measure", "constraint"),
    ("figures", "cao-centres", "period", "last year", "period", "pattern"),
    ("figures", "cao-centres", "metric", "", "metric", "constraint"),
    ("figures", "cao-centres", "subject", "CAO Centres", "subject", "pattern"),
    ("commitments", "2d-support-border-coast-guard", "actor", "Germany", "actor", "enum"),
    ("commitments", "2d-support-border-coast-guard", "theme", "weather", "theme", "enum"),
    ("commitments", "2d-support-border-coast-guard", "type", "vague", "type", "enum"),
    ("commitments", "2d-support-border-coast-guard", "timeframe", "soon", "timeframe", "pattern"),
    ("commitments", "2d-support-border-coast-guard", "summary", "short", "summary", "constraint"),
    ("events", "valletta-summit", "date", "2015-02-30", "date", "type-error"),
    ("events", "valletta-summit", "date", "2017-01-01", "date", "constraint"),
    ("events", "valletta-summit", "note_type", "opinion", "note_type", "enum"),
    ("terms", "iom", "kind", "thing", "kind", "enum"),
    ("terms", "iom", "reference_url", "http://www.iom.int/", "reference_url", "pattern"),
    ("terms", "iom", "definition", "", "definition", "constraint"),
    ("documents", "amiens-2016-migration-annex", "language", "English", "language", "pattern"),
    ("documents", "amiens-2016-migration-annex", "licence_status", "public", "licence_status", "enum"),
    ("paragraphs", "2d", "page", "4", "page", "constraint"),
]
# foreign keys: every paragraph_id exists
KEY_MUTATIONS = [
    ("figures", "cao-centres", "paragraph_id", "9z", "document_id, paragraph_id", "foreign-key"),
    ("commitments", "2d-support-border-coast-guard", "paragraph_id", "3a", "document_id, paragraph_id", "foreign-key"),
    ("events", "valletta-summit", "document_id", "another-document", "document_id, paragraph_id", "foreign-key"),
    ("terms", "iom", "paragraph_id", "2e", "document_id, paragraph_id", "foreign-key"),
]
# project checks against the annex's text and the other tables
TEXT_MUTATIONS = [
    (
        "figures",
        "uk-contribution-port-tunnel-security",
        "quote",
        "the UK has contributed £64m",
        "quote",
        "is not in paragraph 1a",
    ),
    (
        "commitments",
        "1e-implement-dublin-effectively",
        "quote",
        "France pledges to implement the Regulation",
        "quote",
        "is not in paragraph 1e",
    ),
    (
        "events",
        "valletta-summit",
        "quote",
        "the Valletta Summit on 11 November 2015",
        "quote",
        "is not in paragraph 2c",
    ),
    (
        "figures",
        "uk-contribution-port-tunnel-security",
        "as_stated",
        "£36m",
        "as_stated",
        "does not occur in the quote",
    ),
    ("figures", "uk-contribution-port-tunnel-security", "value", "63", "value", "means 63000000"),
    ("figures", "uk-contribution-port-tunnel-security", "unit", "EUR", "unit", "in GBP"),
    ("figures", "french-police-officers-deployed", "qualifier", "exact", "qualifier", "'more_than'"),
    ("figures", "networks-dismantled-2014", "period_as_stated", "in 2013", "period_as_stated", "does not occur"),
    ("figures", "cao-centres", "unit", "GBP", "unit", "names none"),
    (
        "commitments",
        "1a-pursue-port-tunnel-security",
        "timeframe_as_stated",
        "by 2017",
        "timeframe_as_stated",
        "does not occur",
    ),
    ("commitments", "1a-pursue-port-tunnel-security", "figure_ids", "no-such-figure", "figure_ids", "does not exist"),
    ("events", "joint-declaration-2015-08-20", "date", "2015-08-21", "date", "means 2015-08-20"),
    ("events", "joint-declaration-2015-08-20", "as_stated", "in August", "as_stated", "does not occur"),
    ("events", "valletta-summit", "note_source", "", "note_source", "needs its source"),
    ("terms", "iom", "term", "UNHCR", "term", "does not occur in paragraph 2b"),
    ("documents", "amiens-2016-migration-annex", "sha256", "0" * 64, "sha256", "not the recorded"),
    (
        "paragraphs",
        "1a",
        "text",
        "Security of the Port of Calais: the UK has contributed £80m.",
        "text",
        "derived from the source",
    ),
]
# rules of the row itself: spreadsheet formulas, internal codes in text that reaches the pages as written
ROW_MUTATIONS = [
    ("commitments", "2d-support-border-coast-guard", "summary", '=HYPERLINK("http://evil","x")', "summary", "formula"),
    ("terms", "iom", "definition", "+cmd|' /C calc'!A0 and more", "definition", "formula"),
    ("terms", "iom", "reference", "@SUM(1+1)*cmd", "reference", "formula"),
    ("figures", "cao-centres", "note", "-2+3", "note", "formula"),
    ("figures", "cao-centres", "note", "\tindented", "note", "formula"),
    ("events", "valletta-summit", "description", "@import", "description", "formula"),
    ("figures", "cao-centres", "note", "Counted as police_officers in the source.", "note", "'police_officers'"),
    ("commitments", "2d-support-border-coast-guard", "summary", "Both partly_delivered it.", "summary", "code"),
]


CELL_MUTATIONS = SCHEMA_MUTATIONS + KEY_MUTATIONS + TEXT_MUTATIONS + ROW_MUTATIONS


def tables_for(mutation: tuple) -> dict[str, list[str] | None]:
    """The tables a case needs, cut to its row: the annex's text and what the row refers to for
    keys and the checks against the text (a commitment names figures); its own row alone else."""
    table, key = mutation[:2]
    if mutation in SCHEMA_MUTATIONS or mutation in ROW_MUTATIONS:
        return {table: [key]}
    keep: dict[str, list[str] | None] = {"documents": None, "paragraphs": None}
    keep.setdefault(table, [key])
    if table == "commitments":
        keep["figures"] = None
    return keep


@pytest.mark.parametrize(
    "mutation",
    CELL_MUTATIONS,
    ids=[f"{m[0]}-{m[2]}-{i}" for i, m in enumerate(CELL_MUTATIONS)],
)
def test_mutated_cell_is_rejected(tmp_path, mutation):
    table, key, field, value, reported, words = mutation
    descriptor = small_package(tmp_path, tables_for(mutation))
    line = set_cell(descriptor, table, key, field, value)
    assert_rejected(descriptor, table, line, reported, words)


def test_every_family_in_the_full_package(package_copy):
    """The wiring, once per family, in the full package: a key, checks against the annex's text, a
    formula and an internal code, each on a row of its own (a changed source or paragraph would
    hide the quotes' checks, so neither is here: they have full-package tests below)."""
    picked = [
        KEY_MUTATIONS[1],  # a commitment's paragraph
        TEXT_MUTATIONS[0],  # a figure's quote
        TEXT_MUTATIONS[10],  # a commitment's figure_ids
        TEXT_MUTATIONS[11],  # an event's date
        TEXT_MUTATIONS[14],  # a term
        ROW_MUTATIONS[5],  # a formula
        ROW_MUTATIONS[6],  # an internal code
    ]
    assert len({(m[0], m[1]) for m in picked}) == len(picked), "one row each"
    lines = [set_cell(package_copy, table, key, field, value) for table, key, field, value, _, _ in picked]
    report = validate(package_copy)
    for (table, _, _, _, reported, words), line in zip(picked, lines):
        assert_rejected(package_copy, table, line, reported, words, report=report)


@pytest.mark.parametrize(
    "table,key,field,value,words",
    [
        ("followups", "uk-funded-calais-wall-construction-starts", "date", "20/09/2016", "write it so, for example"),
        ("events", "valletta-summit", "date", "11 November 2015", "written YYYY-MM-DD"),
        ("figures", "cao-centres", "value", "1,300", "no separators"),
        ("paragraphs", "2d", "page", "three", "write digits only"),
    ],
)
def test_a_mistyped_cell_says_what_to_write_and_nothing_false(package_copy, table, key, field, value, words):
    """One message, from the type: no rule reads the mistyped text as if it were a value (a date
    written 20/09/2016 is not "before the annex")."""
    line = set_cell(package_copy, table, key, field, value)
    problems = assert_rejected(package_copy, table, line, field, words).splitlines()
    assert [p for p in problems if f":{line}: {field}:" in p] == [p for p in problems if "type-error" in p]
    assert len([p for p in problems if f":{line}: {field}:" in p]) == 1, problems


def test_duplicate_primary_key(package_copy):
    path = package_copy.parent / "data" / "figures.csv"
    header, rows = read_table(path)
    rows.append(list(rows[0]))
    write_table(path, header, rows)
    assert_rejected(package_copy, "figures", len(rows) + 1, "-", "primary-key")


def test_deleted_figure_leaves_its_number_unaccounted(package_copy):
    path = package_copy.parent / "data" / "figures.csv"
    header, rows = read_table(path)
    rows = [r for r in rows if r[1] != "cao-places-planned"]
    write_table(path, header, rows)
    line_1c = set_cell(package_copy, "paragraphs", "1c", "page", "1")  # same value: just find its line
    assert_rejected(package_copy, "paragraphs", line_1c, "text", "the number '500'")


def test_deleted_event_leaves_its_date_unaccounted(package_copy):
    path = package_copy.parent / "data" / "events.csv"
    header, rows = read_table(path)
    write_table(path, header, [r for r in rows if r[1] != "valletta-summit"])
    line_2c = set_cell(package_copy, "paragraphs", "2c", "page", "3")
    assert_rejected(package_copy, "paragraphs", line_2c, "text", "the number '29'")


def test_missing_and_extra_columns(package_copy):
    path = package_copy.parent / "data" / "terms.csv"
    header, rows = read_table(path)
    i = header.index("expansion")
    write_table(path, header[:i] + header[i + 1 :] + ["secret"], [r[:i] + r[i + 1 :] + ["x"] for r in rows])
    report = validate(package_copy)
    assert_rejected(package_copy, "terms", 1, "expansion", "missing", report=report)
    assert_rejected(package_copy, "terms", 1, "secret", "not in the schema", report=report)


def test_changed_source_is_caught(package_copy):
    source = package_copy.parent / "source" / "000_73c898e7f7e88842.txt"
    source.write_bytes(source.read_bytes().replace(b"63m", b"64m"))
    assert_rejected(package_copy, "documents", 2, "sha256", "not the recorded")


def test_cli_exit_code_and_format(package_copy):
    line = set_cell(package_copy, "figures", "cao-centres", "value", "103")
    result = subprocess.run(
        [sys.executable, "-m", "scripts.intake.validate", str(package_copy)],
        cwd=package_copy.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert f"data/figures.csv:{line}: value: 103 disagrees with" in result.stdout


def test_carriage_return_is_rejected(package_copy):
    path = package_copy.parent / "data" / "terms.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert_rejected(package_copy, "terms", 1, "-", "carriage return")
