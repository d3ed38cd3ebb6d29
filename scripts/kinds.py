"""The record kinds, declared once: for each table of records, where its records live on the site,
which templates show them, what they quote, what is downloaded, and whether the annex links to them.

The validator, the derivation, the addresses, the record and list pages, the downloads and the tests
all read this registry, so a new kind is its data (datapackage.json and its CSV), one entry here and
its templates (CONTRIBUTING.md, "Adding a record kind"). Only what a kind says about itself is here;
a rule of its data stays a rule in scripts/intake/rules.py, and a page that needs more than its row
gets its context from scripts/site/render.py. This module imports nothing of the project: the
validator, at the bottom of the build, reads it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordList:
    """A list of every record of a kind: its first page at `address`, split into numbered pages
    (`address`page/2/ …) when long."""

    address: str  # "glossary/": the list's own page, docs/glossary.md when the site writes one
    title: str  # "Glossary": its heading, and the title of its further pages
    template: str  # scripts/site/templates/…: one page of the list, given `rows` (also under the table's name)
    # The template writes Markdown sections (headings by `md()`), whose lines are kept; else HTML, put
    # on one line, so that no line break in the data ends the HTML block and hands the rest to Markdown.
    markdown: bool = False
    order: tuple[str, ...] = ()  # the fields the list is sorted by, ignoring case; else file order
    description: str = ""  # the first page's description, when the site has no docs page for it


@dataclass(frozen=True)
class Kind:
    table: str  # the resource's name in datapackage.json
    name: str  # one record, in words: "figure", "commitment"; cited as "Figure …"
    # The record's own page at `address` + its key + "/", rendered from `page`; "" for none.
    address: str = ""
    page: str = ""
    title: str = ""  # the field a record is called by: its page's title, the annex's tooltip
    description: str = ""  # the field that summarises a record: its page's description
    # Where a record without a page of its own is shown: "event-{}" is its anchor on the list.
    anchor: str = ""
    records: RecordList | None = None
    downloads: bool = False  # each record as CSV and JSON under /data/latest/records/TABLE/
    # The annex's words: a kind that quotes a paragraph (`quote`, `paragraph_id`, `document_id`) names the
    # fields that are its words for a number or date, in the quote (and accounting for the paragraph's
    # numbers), and other phrases that must stand in the quote.
    quotes_annex: bool = False
    annex_words: tuple[str, ...] = ()
    annex_phrases: tuple[str, ...] = ()
    annex_link: bool = False  # the annex page links the record's words to its page
    # A sourced row: its `source_quote` states every number of these fields (scripts/intake/rules.py).
    source_words: tuple[str, ...] = ()

    def fields(self) -> tuple[str, ...]:
        """Every field of its table this declaration names: the descriptor must have them."""
        quoted = ("document_id", "paragraph_id", "quote") if self.quotes_annex else ()
        named = (self.title, self.description, *quoted, *self.annex_words, *self.annex_phrases, *self.source_words)
        order = self.records.order if self.records else ()
        return tuple(dict.fromkeys(f for f in (*named, *order) if f))

    def url(self, key: str) -> str:
        """The address of one record's page."""
        if not self.address:
            raise KeyError(f"{self.table}: a {self.name} has no page of its own")
        return f"{self.address}{key}/"


KINDS: tuple[Kind, ...] = (
    Kind(
        "figures",
        "figure",
        address="figures/",
        page="figure_page.html",
        title="metric",
        records=RecordList("figures/", "Figures", "figures_table.html"),
        downloads=True,
        quotes_annex=True,
        annex_words=("as_stated", "period_as_stated"),
        annex_link=True,
    ),
    Kind(
        "commitments",
        "commitment",
        address="commitments/",
        page="commitment_page.html",
        title="summary",
        records=RecordList("commitments/", "Commitments", "commitments_table.html"),
        downloads=True,
        quotes_annex=True,
        annex_words=("timeframe_as_stated",),
        annex_phrases=("operative_phrase",),
        annex_link=True,
    ),
    Kind(
        "terms",
        "term",
        address="glossary/",
        page="term_page.html",
        title="term",
        description="definition",
        records=RecordList("glossary/", "Glossary", "glossary.html", markdown=True, order=("term",)),
        annex_link=True,
    ),
    Kind(
        "events",
        "event",
        title="description",
        anchor="event-{}",
        records=RecordList("timeline/", "Timeline", "timeline.html", markdown=True, order=("date", "event_id")),
        quotes_annex=True,
        annex_words=("as_stated",),
        annex_link=True,
    ),
    Kind("followups", "follow-up", source_words=("what_happened",)),
    Kind("amounts", "amount", source_words=("what",)),
)


def get(table: str) -> Kind | None:
    """The kind of a table; None for a table of no kind (documents, paragraphs, exchange rates)."""
    return next((k for k in KINDS if k.table == table), None)


def with_pages() -> tuple[Kind, ...]:
    """The kinds whose records have a page each."""
    return tuple(k for k in KINDS if k.address)


def with_lists() -> tuple[Kind, ...]:
    """The kinds listed, every record, on a page of their own."""
    return tuple(k for k in KINDS if k.records)
