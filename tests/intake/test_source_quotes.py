"""Each sourced follow-up and amount carries its source's words, and the numbers it states are in them."""

import csv
from html.parser import HTMLParser

import pytest
from conftest import ROOT, assert_rejected, set_cell

from scripts.intake.package import Row
from scripts.intake.quantities import canonical_number, stated_numbers
from scripts.intake.rules import quote_problems


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("1,300", "1300"),
        ("1 300", "1300"),  # French: a no-break space before the thousands
        ("1\u202f300", "1300"),  # or a narrow one
        ("3,6", "3.6"),  # a French decimal comma
        ("3.60", "3.6"),
        ("05", "5"),
        ("0", "0"),
        ("14.7", "14.7"),
        ("1,300,000", "1300000"),
    ],
)
def test_canonical_number(raw, expected):
    assert canonical_number(raw) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("payments in 2016 (£17 million) and 2017 (£36 million)", {"2016", "17", "2017", "36"}),
        ("le 05/10/2016", {"5", "10", "2016"}),
        ("2016/17", {"2016", "17"}),
        ("a 4-metre wall", {"4"}),
        ("G7 ministers and C5.1", set()),  # digits inside a name are not numbers a row states
        ("thirty-one networks", set()),  # only two to twenty are read as words
        ("deux réseaux, twelve officers", {"2", "12"}),
        ("2014, 2015", {"2014", "2015"}),
    ],
)
def test_stated_numbers(text, expected):
    assert stated_numbers(text) == expected


ANSWER = {  # a sourced row's cells, as a written answer of 2019 gives them
    "source_url": "https://example.org/answer",
    "source_quote": "This was followed by payments in 2016 (£17 million) and 2017 (£36 million).",
    "source_quote_language": "en",
    "derivation": "",
}


def followup(**cells) -> Row:
    return Row(2, {**ANSWER, "what_happened": "The UK paid £17 million in 2016.", **cells})


def amount(**cells) -> Row:
    return Row(
        2,
        {
            **ANSWER,
            "what": "Paid in 2016.",
            "as_stated": "£17 million",
            "amount": "17000000",
            "currency": "GBP",
            **cells,
        },
    )


@pytest.mark.parametrize(
    "table,row,problems",
    [
        ("followups", followup(), []),
        ("followups", followup(what_happened="The UK paid £18 million in 2016."), [("what_happened", "'18'")]),
        (
            "followups",
            followup(what_happened="The UK paid £17 million on 24 October 2016."),
            [("what_happened", "'24'")],
        ),
        # A number the quote implies is accepted once `derivation` says how it follows.
        (
            "followups",
            followup(
                what_happened="The UK paid £17 million on 24 October 2016.",
                derivation="24 October 2016: the quote's 'on Monday', by the calendar",
            ),
            [],
        ),
        ("followups", followup(source_quote=""), [("source_quote", "is empty")]),
        ("followups", followup(source_url="", what_happened="We searched Hansard."), [("source_quote", "cites none")]),
        (
            "followups",
            followup(source_url="", source_quote="", what_happened="We searched Hansard for 2016 and 2017."),
            [],
        ),  # a search that found nothing quotes nothing
        ("followups", followup(source_quote="In 2016, £17 million. " * 20), [("source_quote", "characters long")]),
        ("followups", followup(source_quote_language=""), [("source_quote_language", "language")]),
        ("amounts", amount(), []),
        ("amounts", amount(as_stated="£17m"), [("as_stated", "does not occur in source_quote")]),
        ("amounts", amount(amount="17500000"), [("amount", "which means 17000000")]),
        ("amounts", amount(currency="EUR"), [("currency", "GBP")]),
        ("amounts", amount(what="Paid in 2015."), [("what", "'2015'")]),
    ],
)
def test_quote_problems(table, row, problems):
    found = list(quote_problems(table, row))
    assert [field for field, _ in found] == [field for field, _ in problems], found
    for (_, message), (_, words) in zip(found, problems):
        assert words in message


def test_every_sourced_row_of_the_real_package_quotes_its_source():
    """The real data: every row with a source has its words, and the validator accepts them all."""
    for table in ("followups", "amounts"):
        with (ROOT / "datapackage" / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        sourced = [r for r in rows if r["source_url"]]
        assert sourced and all(r["source_quote"].strip() for r in sourced), table


def test_a_number_missing_from_the_quote_is_reported_at_its_line(package_copy):
    """End to end: the validator names file, line and field for a number the quote lacks."""
    with (package_copy.parent / "data" / "followups.csv").open(encoding="utf-8", newline="") as handle:
        first = next(r for r in csv.DictReader(handle) if r["source_quote"])
    line = set_cell(
        package_copy, "followups", first["followup_id"], "what_happened", first["what_happened"] + " 987654"
    )
    assert_rejected(package_copy, "followups", line, "what_happened", "'987654' is not in source_quote")


class Quotes(HTMLParser):
    """The blockquote under each evidence row of a page: {followup id: (attributes, text)}."""

    def __init__(self):
        super().__init__()
        self.row, self.inside, self.found = None, None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "li" and (attrs.get("id") or "").startswith("followup-"):
            self.row = attrs["id"].removeprefix("followup-")
        elif tag == "blockquote" and self.row:
            self.inside = self.found[self.row] = (attrs, [])

    def handle_endtag(self, tag):
        if tag == "blockquote":
            self.inside = None
        elif tag == "li":
            self.row = None

    def handle_data(self, data):
        if self.inside:
            self.inside[1].append(data)


def test_record_pages_show_each_rows_source_words(site_dir):
    """Each commitment page shows the source's words under each sourced row, with language and source."""
    with (ROOT / "datapackage" / "data" / "followups.csv").open(encoding="utf-8", newline="") as handle:
        rows = {r["followup_id"]: r for r in csv.DictReader(handle) if r["source_quote"]}
    shown = {}
    for page in sorted((site_dir / "commitments").glob("*/index.html")):
        parser = Quotes()
        parser.feed(page.read_text(encoding="utf-8"))
        shown.update(parser.found)
    assert shown.keys() == rows.keys()
    for fid, (attrs, text) in shown.items():
        assert " ".join("".join(text).split()) == " ".join(rows[fid]["source_quote"].split()), fid
        assert attrs["lang"] == rows[fid]["source_quote_language"]
        assert attrs["cite"] == rows[fid]["source_url"]
