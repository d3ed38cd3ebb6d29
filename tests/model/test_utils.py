"""Fast unit tests of the core helpers, one parametrized case per behaviour (no site build)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from markupsafe import Markup

from scripts import pipeline
from scripts.intake import descriptor, quantities
from scripts.intake.annex_text import find_in_spans, locate, squash
from scripts.model.links import rel
from scripts.site import annex_markup
from scripts.site.annex_markup import Mark, _accept, md, render_marked
from scripts.site.charts import period_label


@pytest.mark.parametrize(
    "text,value,qualifier,currency",
    [
        ("£63m", 63_000_000, "exact", "GBP"),
        ("€22m", 22_000_000, "exact", "EUR"),
        ("more than 1300 police officers", 1300, "more_than", None),
        ("Two British liaison magistrates", 2, "exact", None),
        ("1700 migrants", 1700, "exact", None),
        ("500 more", 500, "exact", None),
    ],
)
def test_parse_quantity(text, value, qualifier, currency):
    q = quantities.parse_quantity(text)
    assert (q.value, q.qualifier, q.currency) == (value, qualifier, currency)


@pytest.mark.parametrize("text", ["", "no number here", "many"])
def test_parse_quantity_without_a_number(text):
    assert quantities.parse_quantity(text) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("20 September 2014", dt.date(2014, 9, 20)),
        ("3rd March 2016", dt.date(2016, 3, 3)),
        ("today", dt.date(2016, 3, 3)),  # the document's own date
        ("29 November 2015", dt.date(2015, 11, 29)),
        ("nonsense", None),
        ("31 February 2016", None),
    ],
)
def test_parse_date(text, expected):
    assert quantities.parse_date(text, dt.date(2016, 3, 3)) == expected


@pytest.mark.parametrize(
    "haystack,needle,start,expected",
    [
        ("in 2014 and 14 more", "14", 0, 12),  # whole words: not inside "2014"
        ("the EU and the EUR", "EU", 0, 4),
        ("the EU and the EUR", "EU", 5, -1),
        ("£63m for Calais", "£63m", 0, 0),
        ("anything", "", 0, -1),
    ],
)
def test_find_phrase(haystack, needle, start, expected):
    assert quantities.find_phrase(haystack, needle, start) == expected


@pytest.mark.parametrize(
    "text,quote,expected",
    [
        ("a b c d", "b c", [(2, 5)]),
        ("a b c d", "a … d", [(0, 1), (6, 7)]),
        ("a b c d", "d … a", None),  # out of order
        ("a  b\nc", "b c", [(2, 5)]),  # compared after squashing whitespace
        ("a b", "a … ", None),  # an empty fragment
    ],
)
def test_locate_quote_fragments(text, quote, expected):
    assert locate(squash(text), quote) == expected


def test_find_in_spans_looks_only_inside_the_quote():
    text = "they will act; we will not"
    assert find_in_spans(text, [(0, 13)], "will") == (5, 9)
    assert find_in_spans(text, [(15, 26)], "act") is None


@pytest.mark.parametrize(
    "from_url,to_url,expected",
    [
        ("", "figures/x/", "figures/x/"),
        ("figures/x/", "figures/y/", "../y/"),
        ("figures/x/", "annex/#para-1a", "../../annex/#para-1a"),
        ("commitments/", "", "../"),
        ("a/", "a/", "./"),
    ],
)
def test_rel(from_url, to_url, expected):
    assert rel(from_url, to_url) == expected


@pytest.mark.parametrize(
    "period,short,expected",
    [
        ("2016-10-24", False, "October 2016"),
        ("2018-01", True, "Jan 2018"),
        ("2019/2020", False, "2019/20"),
        ("2020", False, "2020"),
    ],
)
def test_period_label(period, short, expected):
    assert period_label(period, short) == expected


def test_md_disarms_markdown_and_html():
    assert md("*a* [b](c) <i>") == Markup(r"\*a\* \[b\]\(c\) &lt;i&gt;")


def test_marks_nest_and_escape_the_text():
    text = "<b> 63 & more"
    marks = _accept(
        [
            Mark(0, len(text), Markup("<mark>"), Markup("</mark>"), container=True),
            Mark(4, 6, Markup('<a href="#x">'), Markup("</a>")),
            Mark(5, 8, Markup("<i>"), Markup("</i>")),  # overlaps the link: dropped
        ]
    )
    assert render_marked(text, 0, len(text), marks) == Markup('<mark>&lt;b&gt; <a href="#x">63</a> &amp; more</mark>')


def test_annex_markup_builds_marks_with_markup_format():
    assert annex_markup.Markup is Markup  # every open/close tag is Markup.format: arguments are escaped


@pytest.mark.parametrize(
    "text,bad",
    [
        ("plain text", []),
        ("line\nbreak", []),
        ("rl\u202eo", ["U+202E"]),
        ("zero\u200bwidth", ["U+200B"]),
        ("bell\u0007", ["U+0007"]),
        ("tab\tcell", ["U+0009"]),
    ],
)
def test_invisible_characters(text, bad):
    assert descriptor.invisible(text) == bad


def test_visible_shows_what_was_invisible():
    assert descriptor.visible("a\u202eb") == "a⟨U+202E⟩b"


@pytest.mark.parametrize(
    "rel_path,ok",
    [
        ("data/x.csv", True),
        ("../x.csv", False),
        ("/etc/passwd", False),
        ("data/.x", False),
        ("data\\x.csv", False),
        ("c:/x", False),
        ("data/missing.csv", False),
        ("data/link.csv", False),
    ],
)
def test_local_file(tmp_path, rel_path, ok):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.csv").write_text("a\n")
    (tmp_path / "data" / ".x").write_text("a\n")
    os.symlink(tmp_path / "data" / "x.csv", tmp_path / "data" / "link.csv")
    if ok:
        assert descriptor.local_file(tmp_path, rel_path) == tmp_path / rel_path
    else:
        with pytest.raises(descriptor.UnsafePath):
            descriptor.local_file(tmp_path, rel_path)


def test_json_lines_point_at_each_value():
    text = '{\n  "a": 1,\n  "b": [\n    {"c": "x"}\n  ]\n}\n'
    lines = descriptor.lines(text)
    assert (lines[("a",)], lines[("b", 0, "c")]) == (2, 4)
    assert descriptor.pointer(("b", 0, "c")) == "b[0].c"


def test_labels_come_from_the_schema_categories():
    from scripts.model.derive import Site

    site = Site(
        {
            "resources": [
                {
                    "name": "t",
                    "schema": {
                        "fields": [{"name": "actor", "categories": [{"value": "both", "label": "UK and France"}]}]
                    },
                }
            ]
        },
        {},
    )
    assert site.label("t", "actor", "both") == "UK and France"
    assert site.label("t", "actor", "not_listed") == "Not listed"  # no label: the value made readable


def test_labels_are_keyed_by_resource_and_field():
    """Two tables may give one field name two vocabularies (figures' and followups' `status`)."""
    site = pipeline.site()
    assert site.label("figures", "status", "past") == "Done before the annex"
    assert site.label("followups", "status", "no_evidence_found") == "We looked and found no evidence"
    assert site.label("figures", "status", "no_evidence_found") == "No evidence found"  # not followups' words


UNITS = [
    {"value": "police_officers", "label": "police officers", "singular": "police officer"},
    {"value": "liaison_magistrates", "label": "liaison magistrates", "singular": "liaison magistrate"},
    {"value": "GBP", "label": "pounds sterling", "symbol": "£"},  # money: written with its symbol
    {"value": "EUR", "label": "euros", "symbol": "€"},
    {"value": "CHF", "label": "Swiss francs"},  # no symbol in the categories: not written as money
]
QUALIFIERS = [{"value": "exact", "label": "Exact"}, {"value": "more_than", "label": "More than"}]


@pytest.mark.parametrize(
    "value,unit,qualifier,expected",
    [
        ("1300", "police_officers", "more_than", "more than 1,300 police officers"),
        ("63000000", "GBP", "exact", "£63,000,000"),
        ("22000000", "EUR", "", "€22,000,000"),
        ("1", "liaison_magistrates", "exact", "1 liaison magistrate"),
        ("2", "liaison_magistrates", "exact", "2 liaison magistrates"),
        ("14", "networks", "exact", "14 Networks"),  # no label in the schema: the code made readable
        ("5", "CHF", "exact", "5 Swiss francs"),
    ],
)
def test_readable_value(value, unit, qualifier, expected):
    from scripts.model.derive import Site

    fields = [{"name": "unit", "categories": UNITS}, {"name": "qualifier", "categories": QUALIFIERS}]
    site = Site({"resources": [{"name": "figures", "schema": {"fields": fields}}]}, {})
    assert site.readable_value({"value": value, "unit": unit, "qualifier": qualifier}) == expected


@pytest.mark.parametrize(
    "value,currency,expected",
    [
        (1300, "", ["1,300", "1300"]),
        (
            63_000_000,
            "GBP",
            ["63,000,000", "63000000", "63m", "63 million", "£63,000,000", "£63000000", "£63m", "£63 million"],
        ),
        (
            22_000_000,
            "EUR",
            ["22,000,000", "22000000", "22m", "22 million", "€22,000,000", "€22000000", "€22m", "€22 million"],
        ),
        (2_500_000, "", ["2,500,000", "2500000", "2.5m", "2.5 million"]),
        (14, "", ["14"]),
    ],
)
def test_number_forms(value, currency, expected):
    from scripts.model.derive import number_forms

    # The currency's symbol from the real descriptor's unit categories.
    assert number_forms(value, pipeline.site().symbol(currency)) == expected


@pytest.mark.parametrize(
    "stated,value,unit,expected",
    [
        ("£63m", "63000000", "GBP", "£63m"),  # the annex's words hold number and unit: kept
        ("28 networks", "28", "networks", "28 networks"),
        ("14", "14", "networks", "14 Networks"),  # a bare number: the plain-words value instead
        ("three priorities", "3", "priorities", "3 Priorities"),  # no digit to show
    ],
)
def test_headline_value(stated, value, unit, expected):
    from scripts.model.derive import Site

    site = Site({"resources": [{"name": "figures", "schema": {"fields": []}}]}, {})
    figure = {"as_stated": stated, "value": value, "unit": unit, "qualifier": "exact"}
    assert site.headline_value(figure) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("See https://example.org/a_b.", 'See <a href="https://example.org/a_b">https://example.org/a_b</a>.'),
        ("(https://x.org/p), then", '(<a href="https://x.org/p">https://x.org/p</a>), then'),
        ("http://plain.example/ stays text", "http://plain.example/ stays text"),
        ("javascript:alert(1) and ftp://x", "javascript:alert(1) and ftp://x"),
        (
            'https://x.org/"><script>alert(1)</script>',
            "https://x.org/&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;",  # run into markup: text, escaped
        ),
        (
            "a <b> & https://x.org/?q=1&r=2",
            'a &lt;b&gt; &amp; <a href="https://x.org/?q=1&amp;r=2">https://x.org/?q=1&amp;r=2</a>',
        ),
    ],
)
def test_notes_link_https_addresses_and_escape_the_rest(text, expected):
    from scripts.site.render import ENV

    linked = ENV.get_template("macros.html").module.linked  # the macro templates call
    assert str(linked(text)) == expected
