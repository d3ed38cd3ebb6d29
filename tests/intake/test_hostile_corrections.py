"""Corrections a careless or malicious contributor might send, each applied to a copy of the package.

Each is either rejected by `python -m scripts.intake.validate` (what `make validate` and CI run): exit 1,
and a line `data/FILE.csv:LINE: FIELD: message` naming the file, the line and the field ("-" for
a problem with the file or the whole row); or, where it is legitimate text, it is built into a
site on which it is inert: escaped, never run as HTML, Jinja or Markdown, page titles included.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import assert_rejected, build_site, explore_chart, free_port, read_table, serve, set_cell, write_table
from markupsafe import escape

from scripts.intake.package import read_csv
from scripts.intake.validate import MAX_FILE_BYTES, validate
from scripts.paths import PACKAGE_DIR

pytestmark = pytest.mark.data

DOCUMENT = "amiens-2016-migration-annex"
RATE = "ecb-eur-gbp-2016-03-03"


def data(descriptor: Path, table: str) -> Path:
    return descriptor.parent / "data" / f"{table}.csv"


def line_of(descriptor: Path, table: str, key: str) -> int:
    """The CSV line of the row whose id column (the first for documents, else the second) is `key`."""
    id_col = 0 if table == "documents" else 1
    path = data(descriptor, table)
    header, _ = read_table(path)
    return next(r.line for r in read_csv(path) if r.values[header[id_col]] == key)


# -- spreadsheet formulas, in every kind of free-text cell ------------------------------------
FORMULAS = [
    ("figures", "cao-centres", "metric", "=1+1"),
    ("figures", "networks-dismantled-2015", "note", "-1+1 networks more than the year before"),
    ("commitments", "1d-uk-funding-22m", "summary", "+44 20 7946 0000 is the number to call about it"),
    ("events", "valletta-summit", "note", "@SUM(A1:A9) the summit met on 11-12 November"),
    ("events", "calais-temporary-centre-opened", "description", "\tA centre opens (pasted from a spreadsheet)"),
    ("terms", "eurodac", "expansion", '=IMPORTXML("https://evil.example/","//a")'),
    ("terms", "sltd", "definition", "+cmd|' /C calc'!A0 Stolen and Lost Travel Documents"),
    ("documents", DOCUMENT, "notes", '=HYPERLINK("https://evil.example/","Click here")'),
    ("exchange_rates", RATE, "use", "-2+3"),
    ("exchange_rates", RATE, "source", "@cmd"),
]


@pytest.mark.parametrize("table,key,field,value", FORMULAS, ids=[f"{t}-{f}-{v[:1]!r}" for t, _, f, v in FORMULAS])
def test_formula_is_rejected(row_package, table, key, field, value):
    descriptor = row_package(table, key)
    line = set_cell(descriptor, table, key, field, value)
    assert_rejected(descriptor, table, line, field, f"starts with {value[0]!r}")


def test_formulas_are_rejected_in_the_full_package(package_copy):
    """The rule's wiring, once: a formula in every table at the same time."""
    picked = list({case[0]: case for case in reversed(FORMULAS)}.values())  # the first of each table
    lines = [set_cell(package_copy, *case) for case in picked]
    report = validate(package_copy)
    for (table, _, field, value), line in zip(picked, lines):
        assert_rejected(package_copy, table, line, field, f"starts with {value[0]!r}", report=report)


# -- wrong encodings -----------------------------------------------------------------------------
def first_non_ascii_line(text: str) -> int:
    at = next(i for i, ch in enumerate(text) if ord(ch) > 127)
    return text[:at].count("\n") + 1


@pytest.mark.parametrize("table,encoding", [("documents", "latin-1"), ("figures", "cp1252"), ("terms", "cp1252")])
def test_file_saved_in_a_legacy_encoding(package_copy, table, encoding):
    path = data(package_copy, table)
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode(encoding))
    assert_rejected(package_copy, table, first_non_ascii_line(text), "-", "not valid UTF-8", only=True)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_file_saved_as_utf16(package_copy, encoding):
    path = data(package_copy, "terms")
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    words = "byte-order mark" if encoding == "utf-16" else "UTF-16"
    assert_rejected(package_copy, "terms", 1, "-", words, only=True)


def test_utf8_byte_order_mark(package_copy):
    path = data(package_copy, "paragraphs")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert_rejected(package_copy, "paragraphs", 1, "-", "byte-order mark", only=True)


def test_nul_byte(package_copy):
    path = data(package_copy, "events")
    raw = path.read_bytes()
    third = raw.index(b"\n", raw.index(b"\n") + 1) + 1  # start of line 3
    path.write_bytes(raw[: third + 20] + b"\x00" + raw[third + 20 :])
    assert_rejected(package_copy, "events", 3, "-", "NUL byte", only=True)


# -- broken quoting and misshapen rows ---------------------------------------------------------
def test_unclosed_quote_mid_file(package_copy):
    """The cell swallows the following lines up to the next quote: reported where it opens."""
    path = data(package_copy, "commitments")
    header, rows = read_table(path)
    line = line_of(package_copy, "commitments", "1a-pursue-port-tunnel-security")  # its cells need no quotes
    lines = path.read_text(encoding="utf-8").split("\n")
    summary = rows[line - 2][header.index("summary")]
    lines[line - 1] = lines[line - 1].replace(f",{summary},", f',"{summary},', 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    assert_rejected(package_copy, "commitments", line, "summary", "closing quote")


def test_unclosed_quote_in_last_row(package_copy):
    """The cell runs to the end of the file."""
    path = data(package_copy, "terms")
    header, rows = read_table(path)
    line = line_of(package_copy, "terms", rows[-1][1])
    write_table(path, header, rows[:-1])
    i = header.index("reference")
    start = io.StringIO()
    csv.writer(start, lineterminator="").writerow(rows[-1][:i])
    with path.open("a", encoding="utf-8") as handle:
        handle.write(start.getvalue() + ',"' + ",".join(rows[-1][i:]) + "\n")
    assert_rejected(package_copy, "terms", line, "reference", "closing quote")


def test_unclosed_quote_in_a_large_file(package_copy):
    """Here the runaway cell ends at a quote further down and the row still has 11 cells: the
    swallowed records inside the cell give it away."""
    path = data(package_copy, "commitments")
    header, rows = read_table(path)
    i = header.index("commitment_id")
    extra = [[*r[:i], f"{r[i]}-copy-{n}", *r[i + 1 :]] for n in range(60) for r in rows]
    write_table(path, header, rows + extra)
    assert path.stat().st_size > 200_000
    line = line_of(package_copy, "commitments", "1a-pursue-port-tunnel-security")  # its cells need no quotes
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = lines[line - 1].replace(
        ",France and the United Kingdom will", ',"France and the United Kingdom will', 1
    )
    path.write_text("\n".join(lines), encoding="utf-8")
    assert_rejected(package_copy, "commitments", line, "quote", "closing quote")


def test_row_with_an_extra_cell(package_copy):
    line = line_of(package_copy, "figures", "cao-places-available")
    path = data(package_copy, "figures")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] += ",surplus"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert_rejected(package_copy, "figures", line, "-", "row has 17 cells; the header has 16")


def test_row_with_a_missing_cell(package_copy):
    line = line_of(package_copy, "events", "calais-temporary-centre-opened")
    path = data(package_copy, "events")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = lines[line - 1].rsplit(",", 1)[0]
    path.write_text("\n".join(lines), encoding="utf-8")
    assert_rejected(package_copy, "events", line, "-", "fewer cells than the header")


def test_blank_line_in_the_middle(package_copy):
    path = data(package_copy, "terms")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(5, "")
    path.write_text("\n".join(lines), encoding="utf-8")
    assert_rejected(package_copy, "terms", 6, "-", "blank-row")


def test_line_break_pasted_into_an_id(package_copy):
    """Frictionless quotes the bad value in its message: the output stays one problem per line."""
    line = set_cell(package_copy, "figures", "cao-centres", "document_id", DOCUMENT + "\nx")
    out = assert_rejected(package_copy, "figures", line, "document_id", "foreign-key")
    assert all(re.match(r"^.+:\d+: .+: ", printed) for printed in out.splitlines()), out


# -- duplicate and dangling identifiers ----------------------------------------------------------
def test_duplicate_id_by_renaming_a_row(package_copy):
    line = set_cell(package_copy, "commitments", "2b-communication-actions", "commitment_id", "2b-iom-centre-niger")
    # The row renamed comes first: Frictionless reports the later one, the original.
    original = [
        r.line
        for r in read_csv(data(package_copy, "commitments"))
        if r.values["commitment_id"] == "2b-iom-centre-niger"
    ]
    assert original[0] == line
    assert_rejected(package_copy, "commitments", original[1], "commitment_id", "unique-error")


def test_duplicate_document(package_copy):
    path = data(package_copy, "documents")
    header, rows = read_table(path)
    write_table(path, header, rows + [list(rows[0])])
    assert_rejected(package_copy, "documents", 3, "document_id", "unique-error")


def test_paragraph_id_that_does_not_exist(package_copy):
    line = set_cell(package_copy, "events", "calais-temporary-centre-opened", "paragraph_id", "1f")
    assert_rejected(package_copy, "events", line, "document_id, paragraph_id", "foreign-key")


def test_related_figure_that_does_not_exist(package_copy):
    line = set_cell(
        package_copy,
        "commitments",
        "1b-strengthen-security-cooperation",
        "figure_ids",
        "networks-dismantled-2015 networks-dismantled-2013",
    )
    assert_rejected(package_copy, "commitments", line, "figure_ids", "'networks-dismantled-2013' does not exist")


def test_deleted_figure_breaks_its_commitment_and_leaves_numbers_unaccounted(package_copy):
    path = data(package_copy, "figures")
    header, rows = read_table(path)
    write_table(path, header, [r for r in rows if r[1] != "migrants-expelled-2015"])
    out = assert_rejected(
        package_copy,
        "commitments",
        line_of(package_copy, "commitments", "2b-return-migrants-not-entitled"),
        "figure_ids",
        "'migrants-expelled-2015' does not exist",
    )
    line_1b = line_of(package_copy, "paragraphs", "1b")
    assert f"data/paragraphs.csv:{line_1b}: text: the number '1700'" in out


# -- impossible dates ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "table,key,value",
    [
        ("events", "calais-temporary-centre-opened", "2015-13-01"),
        ("exchange_rates", RATE, "2015-02-30"),
        ("documents", DOCUMENT, "2015-02-30"),
    ],
)
def test_impossible_date(package_copy, table, key, value):
    line = set_cell(package_copy, table, key, "date", value)
    # Nothing else: an invalid document date must not make its "today" event look wrong too.
    assert_rejected(package_copy, table, line, "date", "type-error", only=table != "events")


# -- numbers and quotes that disagree with the annex ---------------------------------------------
@pytest.mark.parametrize(
    "key,field,value,words",
    [
        ("french-police-officers-deployed", "value", "1310", "which means 1300"),
        ("migrants-expelled-2015", "value", "17000", "which means 1700"),
        ("cao-additional-places", "qualifier", "exact", "'more_than'"),
        ("uk-funding-calais-2016", "unit", "GBP", "in EUR"),
    ],
)
def test_number_disagrees_with_its_quote(package_copy, key, field, value, words):
    line = set_cell(package_copy, "figures", key, field, value)
    assert_rejected(package_copy, "figures", line, field, words, only=True)


@pytest.mark.parametrize(
    "table,key,quote",
    [
        ("figures", "calais-temporary-centre-occupancy", "hosts 1400 migrants"),  # a number changed
        ("commitments", "2b-iom-centre-niger", "the UK will fund a centre in Niger"),  # words invented
        ("figures", "cao-centres", "the UK has contributed £63m"),  # another paragraph's
    ],
)
def test_quote_not_in_the_annex(package_copy, table, key, quote):
    line = set_cell(package_copy, table, key, "quote", quote)
    assert_rejected(package_copy, table, line, "quote", "is not in paragraph")


# -- empty and oversized files -------------------------------------------------------------------
@pytest.mark.parametrize("table", ["figures", "paragraphs", "documents"])
def test_empty_file(package_copy, table):
    data(package_copy, table).write_bytes(b"")
    assert_rejected(package_copy, table, 1, "-", "file is empty", only=True)


def test_figures_with_header_only(package_copy):
    path = data(package_copy, "figures")
    header, _ = read_table(path)
    write_table(path, header, [])
    first = line_of(package_copy, "commitments", "1a-pursue-port-tunnel-security")
    out = assert_rejected(
        package_copy, "commitments", first, "figure_ids", "'uk-contribution-port-tunnel-security' does not exist"
    )
    assert f"data/paragraphs.csv:{line_of(package_copy, 'paragraphs', '1a')}: text: the number '63'" in out


def test_huge_file(package_copy):
    path = data(package_copy, "terms")
    header, rows = read_table(path)
    write_table(
        path,
        header,
        rows
        + [[DOCUMENT, f"padding-{n}", "UK", "", "acronym", "title", "x" * 100, "The annex", ""] for n in range(90_000)],
    )
    assert path.stat().st_size > MAX_FILE_BYTES
    out = assert_rejected(package_copy, "terms", 1, "-", f"the limit is {MAX_FILE_BYTES:,}", only=True)
    assert len(out) < 500  # no 10 MB of cell values echoed back


def test_one_huge_cell(package_copy):
    """A cell past the validator's 100,000-character limit, in a file under the size limit: refused
    the same way whatever the process imported before (the csv module's own limit is global)."""
    path = data(package_copy, "figures")
    header, rows = read_table(path)
    line = line_of(package_copy, "figures", rows[5][1])
    rows[5][header.index("note")] = "x" * 200_000
    write_table(path, header, rows)
    assert_rejected(package_copy, "figures", line, "note", "the limit is 100,000", only=True)


# -- legitimate text that looks like code: built into a site, it must stay text ---------------
HOSTILE = (
    '<script>alert(1)</script> <img src=x onerror=alert(2)> " onmouseover="alert(3) '
    '<b>b-tag</b> <a href="https://a.evil.example/">a-tag</a> '
    "**bold** _em_ `code` {{ 12345 + 54321 }} {% for x in range(3) %}loop{% endfor %} "
    '[md](https://md.evil.example/) ![i](https://img.evil.example/i.png) {: onclick="x" } &amp; | a | b |'
)
PARAGRAPHS = (
    "A note of several paragraphs.\n\n# Injected heading\n\n**bolded** [jl](javascript:alert(4))"
    "\n\n    indented code\n\n</div></p><div>closed early"
)
# A quote, <, > or a scheme other than https:// in an address is refused by the validator
# (tests/intake/test_untrusted_input.py); what it accepts still reaches an attribute escaped.
EVIL_URL = "https://evil.example/?a=1&b=2"
CELLS = [  # (table, key, field, value)
    ("figures", "cao-centres", "metric", "Centres " + HOSTILE),
    ("figures", "cao-centres", "note", PARAGRAPHS),
    ("commitments", "2d-support-border-coast-guard", "summary", "Support " + HOSTILE),
    ("events", "valletta-summit", "description", "Summit " + HOSTILE),
    ("events", "valletta-summit", "note", PARAGRAPHS),
    ("events", "valletta-summit", "note_source", "https://evil.example/a ; a book <script>alert(6)</script>"),
    ("terms", "iom", "expansion", "Organisation " + HOSTILE),
    ("terms", "iom", "definition", PARAGRAPHS),
    ("terms", "iom", "reference", "Reference " + HOSTILE),
    ("terms", "iom", "reference_url", EVIL_URL),
    ("documents", DOCUMENT, "event", "Summit " + HOSTILE),
    ("followups", "eu-border-coast-guard-regulation-adopted", "what_happened", "Adopted " + HOSTILE),
    ("followups", "eu-border-coast-guard-regulation-adopted", "note", PARAGRAPHS),
    ("amounts", "uk-sandhurst-treaty-2018", "what", "Committed " + HOSTILE),
    # The source's words, shown under each row: they hold the numbers the rows above state.
    ("followups", "eu-border-coast-guard-regulation-adopted", "source_quote", "Quoted " + HOSTILE),
    ("followups", "eu-border-coast-guard-regulation-adopted", "derivation", "Derived " + HOSTILE),
    ("amounts", "uk-sandhurst-treaty-2018", "source_quote", "€50 million (£45.5m) " + HOSTILE),
]
# A descriptor's category label (commitments' strengths and actors): the charts draw them too.
LABEL = (
    '<a href="https://label.evil.example/">L</a><span style="background:u\\72l(https://label.evil.example/b.png)">'
    '</span><img src="https://label.evil.example/i.png">'
)
# Evidence that something ran: a tag from the data, evaluated Jinja, Markdown turned into markup.
RAN = [
    "<script>alert",
    "<img src=x",
    "<strong>bold",
    "<em>em</em>",
    "<code>code</code>",
    "66666",
    "looplooploop",
    'href="https://md.evil',
    'src="https://img.evil',
    'href="javascript:',
    "Injected heading</h",
    "<strong>bolded",
    "<pre><code>indented",
    "<div>closed early",
    "<script>alert(6)",
    "<b>b-tag",
]
# In a page, a bare quote from the data means it broke out of an attribute (feeds may hold quotes in text).
BROKE_OUT = ['onmouseover="alert', 'onclick="x"', 'href="https://a.evil']


def e(text: str) -> str:
    """Text as every page spells it escaped (markupsafe's &#34; and &#39;, as Jinja writes them)."""
    return str(escape(text))


@pytest.fixture(scope="module")
def hostile_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, hostile_port) -> Path:
    """One build (they take seconds) of a package whose free-text cells all look like code."""
    package = tmp_path_factory.mktemp("hostile") / "datapackage"
    shutil.copytree(PACKAGE_DIR, package)
    descriptor = package / "datapackage.json"
    for table, key, field, value in CELLS:
        set_cell(descriptor, table, key, field, value)
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    for field in data["resources"][3]["schema"]["fields"]:  # commitments: strength and actor labels
        for category in field.get("categories", []):
            category["label"] = LABEL
    descriptor.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report = validate(descriptor)
    assert report.valid, [str(p) for p in report.problems]  # legitimate text: the validator accepts it
    site = tmp_path_factory.mktemp("hostile-site")
    result = build_site(site, f"http://127.0.0.1:{hostile_port}/", package)
    assert result.returncode == 0, result.stderr[-3000:]
    return site


def page(site: Path, path: str) -> str:
    """A built page as written: one spelling of each escape, so the tests compare it as is."""
    return (site / path / "index.html").read_text(encoding="utf-8")


def title(text: str) -> str:
    return re.search(r"<title>(.*?)</title>", text, re.S).group(1)


def published_files(site: Path) -> list[Path]:
    """Every page, feed and the search index; the data downloads hold the raw cells on purpose."""
    files = [p for p in site.rglob("*") if p.suffix in (".html", ".xml", ".json")]
    return [p for p in files if p.relative_to(site).parts[0] != "data" or p.name == "index.html"]


def test_nothing_in_the_data_runs_anywhere_on_the_site(hostile_site):
    files = published_files(hostile_site)
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8")
        for sign in RAN:
            assert sign not in text, (path.relative_to(hostile_site), sign)
        if path.suffix == ".html":
            for sign in BROKE_OUT:
                assert sign not in text, (path.relative_to(hostile_site), sign)


@pytest.mark.parametrize(
    "path,field",
    [
        ("figures/cao-centres", "metric"),
        ("figures", "metric"),
        ("annex", "metric"),
        ("commitments/2d-support-border-coast-guard", "summary"),
        ("commitments", "summary"),
        ("annex", "summary"),
        ("annex", "description"),
        ("glossary", "expansion"),
        ("glossary/iom", "expansion"),
        ("glossary/iom", "reference"),
        ("about", "event"),
        ("data", "event"),
        ("commitments/2d-support-border-coast-guard", "event"),
        ("commitments/2d-support-border-coast-guard", "what_happened"),
        ("commitments/1a-pursue-port-tunnel-security", "what"),
        ("commitments/2d-support-border-coast-guard", "source_quote"),
        ("commitments/2d-support-border-coast-guard", "derivation"),
    ],
)
def test_text_is_shown_escaped(hostile_site, path, field):
    value = next(v for _, _, f, v in CELLS if f == field)
    assert e(value) in page(hostile_site, path)


def test_record_page_titles_are_escaped_once(hostile_site):
    """The theme prints <title> unescaped; render.py escapes it, exactly once."""
    metric = next(v for _, _, f, v in CELLS if f == "metric")
    summary = next(v for _, _, f, v in CELLS if f == "summary")
    figure = title(page(hostile_site, "figures/cao-centres"))
    assert figure.startswith(e(metric) + ": 102 reception and guidance centres (102 centres)")
    commitment = title(page(hostile_site, "commitments/2d-support-border-coast-guard"))
    assert re.match(r"C\d+ \([^<]+\): " + re.escape(e(summary)), commitment)  # the strength label is hostile too
    for text in (figure, commitment):
        assert "<" not in text and "&amp;lt;" not in text


def test_several_paragraphs_stay_inside_their_element(hostile_site):
    """Blank lines in a cell must not end the HTML block and let Markdown read the rest."""
    assert e(PARAGRAPHS) in page(hostile_site, "glossary")
    assert e(PARAGRAPHS) in page(hostile_site, "timeline")
    assert e(PARAGRAPHS).replace("\n", " ") in page(hostile_site, "figures/cao-centres")
    assert e(PARAGRAPHS).replace("\n", " ") in page(hostile_site, "glossary/iom")


def test_urls_from_the_data_cannot_leave_their_attribute(hostile_site):
    assert f'href="{e(EVIL_URL)}"' in page(hostile_site, "glossary/iom")
    timeline = page(hostile_site, "timeline")
    assert 'href="https://evil.example/a"' in timeline
    assert "a book &lt;script&gt;alert(6)&lt;/script&gt;" in timeline  # a source given as text stays text


def test_markdown_headings_disarm_the_text(hostile_site):
    """Timeline headings are Markdown: the description's tags and syntax stay text there too."""
    heading = re.search(r'<h2 id="event-valletta-summit">(.*?)</h2>', page(hostile_site, "timeline"), re.S).group(1)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in heading
    assert "**bold** _em_ `code` {{ 12345 + 54321 }}" in heading


def test_markdown_headings_show_the_text_without_stray_backslashes(hostile_site):
    heading = re.search(r'<h2 id="event-valletta-summit">(.*?)</h2>', page(hostile_site, "timeline"), re.S).group(1)
    assert "\\" not in heading


def test_json_ld_cannot_close_its_script(hostile_site):
    text = page(hostile_site, "data")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S).group(1)
    assert not {"<", ">", "&"} & set(block)  # one rule for JSON in a page: < > & as \\u escapes
    assert "Summit " + HOSTILE in json.loads(block)["isBasedOn"]["name"]


def test_drawings_in_pages_hold_nothing_that_runs(hostile_site):
    """Every chart drawn at build time from the hostile package, as inlined in its page, passes
    the drawing check: no script, handler, foreign resource or non-https link."""
    from scripts.site.draw import check

    drawing = re.compile(r'<svg aria-hidden="true" focusable="false" class="main-svg".*?</svg>')
    pages = sorted(hostile_site.rglob("index.html"))
    drawings = [(p, svg) for p in pages for svg in drawing.findall(p.read_text("utf-8"))]
    assert len(drawings) >= 10
    for path, svg in drawings:
        check(svg, str(path))
        assert "<script" not in svg, path


HOVER = """() => {
  const gd = document.getElementById('chart-timeline');
  for (const [curve, trace] of gd.data.entries()) {
    const point = (trace.hovertext || []).findIndex(text => text.startsWith('Summit '));
    if (point >= 0) {
      Plotly.Fx.hover(gd, [{curveNumber: curve, pointNumber: point}], 'xy');
      return gd.querySelector('.hoverlayer').innerHTML;
    }
  }
  return null;
}"""


@pytest.mark.browser
def test_hostile_pages_request_nothing_from_elsewhere(hostile_site, hostile_port, browser):
    """Labels and cells that hold links, images and CSS url()s: the home page, a commitment page and
    the timeline, with their charts drawn and explored, load nothing from another site."""
    server = serve(hostile_site, hostile_port)
    page = browser.new_page()
    base = f"http://127.0.0.1:{hostile_port}/"
    elsewhere = []
    page.on("request", lambda r: None if r.url.startswith(base) else elsewhere.append(r.url))
    try:
        for path, chart in (
            ("", "commitments"),
            ("commitments/1a-pursue-port-tunnel-security/", None),
            ("timeline/", None),
        ):
            page.goto(base + path, wait_until="networkidle")
            if chart:
                explore_chart(page, chart)
                page.wait_for_load_state("networkidle")
    finally:
        page.close()
        server.shutdown()
        server.server_close()  # the next test serves on the same port
    assert not elsewhere, elsewhere


@pytest.mark.browser
def test_chart_hover_labels_show_markup_as_text(hostile_site, hostile_port, browser):
    server = serve(hostile_site, hostile_port)
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{hostile_port}/timeline/", wait_until="networkidle")
        explore_chart(page, "timeline")
        label = page.evaluate(HOVER)
    finally:
        page.close()
        server.shutdown()
        server.server_close()  # the next test serves on the same port
    assert label and "Summit" in label
    assert "<a " not in label and "font-weight:bold" not in label, label
